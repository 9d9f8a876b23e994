// A brand's analytics (API.md "Analytics"): its followers per platform, what
// its posts did (totals, per platform, per local day), and its best times.
// D1 only: the sampler's snapshots and each post's latest reading.
import type { BestTimes, BrandAnalytics, Totals } from "../contract/schemas";
import { notFound } from "../errors";
import { DAY, HOUR, iso } from "../lib/time";
import type { SlotConfig } from "../scheduling/slot-grid";
import type { Platform } from "../scheduling/variants";
import { addDays, toLocal } from "../scheduling/zoned-time";
import { computeBestTimes, scoreItems, type ItemScore, type PerformancePost } from "./best-times";
import { localSlot } from "./local-time";
import { engagements, type MetricColumns } from "./metrics";

interface BrandRow {
  id: string;
  timezone: string;
  slots: string;
  schedule_offset: number;
}

async function brandRow(d1: D1Database, workspaceId: string, brandId: string): Promise<BrandRow> {
  const row = await d1
    .prepare("SELECT id, timezone, slots, schedule_offset FROM brands WHERE id = ? AND workspace_id = ?")
    .bind(brandId, workspaceId)
    .first<BrandRow>();
  if (!row) throw notFound("Brand");
  return row;
}

interface BrandPostRow extends MetricColumns {
  schedule_id: string;
  job_id: number;
  platform: Platform;
  kind: "reel" | "post";
  published_at: number;
}

/** What a report may be narrowed to (API.md: the posts list's `platform` and `type`). */
export interface ReportFilter {
  platform?: Platform;
  type?: "all" | "reel" | "post";
}

/** The brand's published deliveries in [from, to) with their latest reading, on one platform or of one type when asked. */
function brandPosts(d1: D1Database, workspaceId: string, brandId: string, from: number, to: number, f: ReportFilter = {}) {
  return d1
    .prepare(
      `SELECT d.schedule_id, s.job_id, d.platform, s.kind, d.published_at, t.views, t.reach, t.likes, t.comments, t.shares, t.saves
       FROM deliveries d
       JOIN schedules s ON s.id = d.schedule_id
       LEFT JOIN metric_targets t ON t.id = d.id
       WHERE d.workspace_id = ?1 AND d.status = 'published' AND d.published_at >= ?2 AND d.published_at < ?3 AND s.brand_id = ?4
         AND (?5 IS NULL OR d.platform = ?5) AND (?6 IS NULL OR s.kind = ?6)
       ORDER BY d.published_at`,
    )
    .bind(workspaceId, from, to, brandId, f.platform ?? null, f.type && f.type !== "all" ? f.type : null);
}

/**
 * Followers readings of the brand's accounts (current and removed) in [from, to), oldest first; one platform's when asked.
 * `account_id IN (…)` implies it is not NULL, so the partial index metric_snapshots_account serves it.
 */
export const FOLLOWER_READINGS_SQL = `SELECT platform, captured_at, followers FROM metric_snapshots
  WHERE account_id IN (SELECT id FROM metric_targets WHERE brand_id = ?1 AND kind = 'account')
    AND captured_at >= ?2 AND captured_at < ?3 AND followers IS NOT NULL AND (?4 IS NULL OR platform = ?4)
  ORDER BY captured_at`;

function followerReadings(d1: D1Database, brandId: string, from: number, to: number, platform: Platform | null = null) {
  return d1.prepare(FOLLOWER_READINGS_SQL).bind(brandId, from, to, platform);
}

interface FollowerRow {
  platform: Platform;
  captured_at: number;
  followers: number;
}

const emptyTotals = (): Totals => ({ posts: 0, views: 0, likes: 0, comments: 0, shares: 0, saves: 0 });

function addTo(t: Totals, r: MetricColumns) {
  t.posts++;
  t.views += r.views ?? 0;
  t.likes += r.likes ?? 0;
  t.comments += r.comments ?? 0;
  t.shares += r.shares ?? 0;
  t.saves += r.saves ?? 0;
}

/** Every local date from the one `from` falls on to the one just before `to`. */
function localDates(from: number, to: number, timeZone: string): string[] {
  const last = localSlot(to - 1, timeZone).date;
  const dates: string[] = [];
  let d = toLocal(from, timeZone);
  for (let i = 0; i < 400; i++) {
    const date = `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;
    dates.push(date);
    if (date >= last) break;
    d = { ...d, ...addDays(d, 1) };
  }
  return dates;
}

export async function brandAnalytics(d1: D1Database, workspaceId: string, brandId: string, from: number, to: number, filter: ReportFilter = {}): Promise<BrandAnalytics> {
  const brand = await brandRow(d1, workspaceId, brandId);
  const [posts, followers] = await d1.batch<unknown>([
    brandPosts(d1, workspaceId, brandId, from, to, filter),
    followerReadings(d1, brandId, from, to, filter.platform ?? null),
  ]);
  const totals = emptyTotals();
  const byPlatform: Partial<Record<Platform, Totals>> = {};
  const daily = new Map(localDates(from, to, brand.timezone).map((date) => [date, { date, posts: 0, views: 0, engagements: 0 }]));
  for (const r of posts!.results as BrandPostRow[]) {
    addTo(totals, r);
    addTo((byPlatform[r.platform] ??= emptyTotals()), r);
    const day = daily.get(localSlot(r.published_at, brand.timezone).date);
    if (day) {
      day.posts++;
      day.views += r.views ?? 0;
      day.engagements += engagements(r) ?? 0;
    }
  }
  const series = new Map<Platform, Array<{ at: string; value: number }>>();
  for (const r of followers!.results as FollowerRow[]) series.set(r.platform, [...(series.get(r.platform) ?? []), { at: iso(r.captured_at), value: r.followers }]);
  return {
    brandId,
    timezone: brand.timezone,
    followers: [...series].map(([platform, s]) => ({ platform, series: s })).sort((a, b) => a.platform.localeCompare(b.platform)),
    totals,
    byPlatform,
    daily: [...daily.values()],
  };
}

/** Best times look at the last 90 days' posts, once their numbers have settled (PLATFORMS.md §8: about 48 h). */
export const BEST_TIMES_WINDOW_MS = 90 * DAY;
export const SETTLED_AFTER_MS = 48 * HOUR;

/** The followers reading nearest before `at` (else the first after), from a series sorted by time. */
export function followersAt(series: FollowerRow[], at: number): number | null {
  let best: FollowerRow | null = null;
  for (const r of series) {
    if (r.captured_at <= at) best = r;
    else return best?.followers ?? r.followers;
  }
  return best?.followers ?? null;
}

/**
 * How each of the brand's items published in [from, to) did, from the
 * sampler's readings alone: its score against the brand's ordinary post (1.0),
 * views per follower and engagement rate on each platform it went to
 * (best-times.ts, scoreItems). Items without a reading yet are left out.
 * What the learning loop ranks topics, hooks and slots by.
 */
export async function brandItemScores(d1: D1Database, workspaceId: string, brandId: string, from: number, to: number): Promise<Array<ItemScore & { jobId: number }>> {
  await brandRow(d1, workspaceId, brandId);
  const { posts } = await performancePosts(d1, workspaceId, brandId, from, to);
  const jobs = new Map(posts.map((p) => [p.scheduleId, p.jobId]));
  return scoreItems(posts).map((i) => ({ ...i, jobId: jobs.get(i.scheduleId)! }));
}

/** The brand's posts in [from, to) with their latest reading and the followers of their account when they went out. */
async function performancePosts(d1: D1Database, workspaceId: string, brandId: string, from: number, to: number) {
  const [posts, followers] = await d1.batch<unknown>([brandPosts(d1, workspaceId, brandId, from, to), followerReadings(d1, brandId, from - 30 * DAY, to + DAY)]);
  const byPlatform = new Map<string, FollowerRow[]>();
  for (const r of followers!.results as FollowerRow[]) byPlatform.set(r.platform, [...(byPlatform.get(r.platform) ?? []), r]);
  return {
    posts: (posts!.results as BrandPostRow[]).map((r) => ({
      scheduleId: r.schedule_id,
      jobId: r.job_id,
      kind: r.kind,
      platform: r.platform,
      publishedAt: r.published_at,
      values: { views: r.views, reach: r.reach, likes: r.likes, comments: r.comments, shares: r.shares, saves: r.saves },
      followers: followersAt(byPlatform.get(r.platform) ?? [], r.published_at),
    })) satisfies Array<PerformancePost & { jobId: number }>,
  };
}

export async function brandBestTimes(d1: D1Database, workspaceId: string, brandId: string, now: number): Promise<BestTimes> {
  const brand = await brandRow(d1, workspaceId, brandId);
  const { posts } = await performancePosts(d1, workspaceId, brandId, now - BEST_TIMES_WINDOW_MS, now - SETTLED_AFTER_MS);
  const result = computeBestTimes({ posts, timezone: brand.timezone, slots: JSON.parse(brand.slots) as SlotConfig, scheduleOffset: brand.schedule_offset });
  return { brandId, timezone: brand.timezone, ...result };
}
