// API.md `Metrics`: the stored counts of a reading plus the engagement rate,
// which is derived from them and never stored. `null` is "not reported"
// (never 0 for unknown).
import type { MetricValues } from "./types";

export interface Metrics extends MetricValues {
  engagementRate: number | null;
}

/**
 * (likes + comments + shares + saves) / reach, or / views where reach is not
 * reported (API.md). An interaction count a platform does not report counts
 * as none (YouTube has no saves); with none reported at all, or nothing to
 * divide by, the rate is unknown.
 */
export function engagementRate(m: MetricValues): number | null {
  const parts = [m.likes, m.comments, m.shares, m.saves];
  if (parts.every((p) => p === null)) return null;
  const base = m.reach ?? m.views;
  if (!base) return null;
  return parts.reduce<number>((sum, p) => sum + (p ?? 0), 0) / base;
}

/** The same rule in SQL over a row aliased `t` (sorting by engagement happens in D1); test/analytics checks both agree. */
export const ENGAGEMENT_RATE_SQL = `CASE
  WHEN t.likes IS NULL AND t.comments IS NULL AND t.shares IS NULL AND t.saves IS NULL THEN NULL
  WHEN coalesce(t.reach, t.views, 0) = 0 THEN NULL
  ELSE (coalesce(t.likes, 0) + coalesce(t.comments, 0) + coalesce(t.shares, 0) + coalesce(t.saves, 0)) * 1.0 / coalesce(t.reach, t.views)
END`;

/** Likes, comments, shares and saves together (the daily series' "engagements"); null when none is reported. */
export function engagements(m: MetricValues): number | null {
  const parts = [m.likes, m.comments, m.shares, m.saves];
  return parts.every((p) => p === null) ? null : parts.reduce<number>((sum, p) => sum + (p ?? 0), 0);
}

export function withEngagementRate(m: MetricValues): Metrics {
  return { ...m, engagementRate: engagementRate(m) };
}

/** The metric columns of a row (metric_targets or metric_snapshots). */
export interface MetricColumns {
  views: number | null;
  reach: number | null;
  likes: number | null;
  comments: number | null;
  shares: number | null;
  saves: number | null;
}

export function metricsOf(row: MetricColumns): Metrics {
  return withEngagementRate({ views: row.views, reach: row.reach, likes: row.likes, comments: row.comments, shares: row.shares, saves: row.saves });
}

export const NO_VALUES: MetricValues = { views: null, reach: null, likes: null, comments: null, shares: null, saves: null };
