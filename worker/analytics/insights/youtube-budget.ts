// The YouTube metrics budget (PLATFORMS.md §3.6, §8.3): the Data API gives
// the whole project (every workspace of this deployment) 10,000 units a day,
// reset at midnight Pacific Time, shared with publishing. Metrics may spend a
// fixed share of it and no more; each call reserves its unit in D1 before it
// is sent, in one conditional statement, so concurrent samplers in different
// isolates can never overspend the share together.
//
// The numbers:
// - 10,000 units a day for the project. Publishing spends them on
//   thumbnails.set (50 units each), videos.insert (1,600 under the old quota
//   calculator; its own bucket of 100 calls a day under the current one) and
//   recovery lookups (channels.list, playlistItems.list, videos.list: 1 each,
//   about 3 for an upload whose answer was lost).
// - Metrics cost 1 unit a call: videos.list?part=statistics answers for 50
//   videos at once, channels.list?part=statistics for the channel. A channel
//   posting 3 Shorts a day has about 84 videos in their first 28 days; at
//   DESIGN.md §10's schedule (hourly for 6 h, then slower) that is at most
//   about 70 calls a day unbatched, and a few batched, plus 1 for subscribers.
// - The metrics share is 1,000 units (10 %): room for 14 such channels
//   unbatched, hundreds batched. It leaves 9,000 for publishing: under the
//   current calculator 100 uploads' thumbnails (5,000) and 4,000 for
//   lookups; under the old one 5 uploads with thumbnails (8,250) and 750 for
//   lookups. YOUTUBE_METRICS_DAILY_UNITS changes the share (a project with a
//   quota extension can raise it), never above half the day's units.
import type { Env } from "../../env";
import { numberVar } from "../../lib/time";
import { toLocal } from "../../scheduling/zoned-time";

export const PROJECT_DAILY_UNITS = 10_000;
export const DEFAULT_METRICS_DAILY_UNITS = 1_000;
/** However it is configured, metrics never take more than half the day: publishing keeps the rest. */
const MAX_METRICS_DAILY_UNITS = PROJECT_DAILY_UNITS / 2;

const PACIFIC = "America/Los_Angeles";

/** The quota day an instant belongs to: YYYY-MM-DD in Pacific Time. */
export function pacificDay(now: number): string {
  const d = toLocal(now, PACIFIC);
  return `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;
}

/** The units metrics may spend per Pacific day. */
export function metricsDailyUnits(env: Pick<Env, "YOUTUBE_METRICS_DAILY_UNITS">): number {
  const configured = Math.floor(numberVar(env.YOUTUBE_METRICS_DAILY_UNITS, DEFAULT_METRICS_DAILY_UNITS));
  return Math.min(Math.max(configured, 0), MAX_METRICS_DAILY_UNITS);
}

/**
 * Reserves `units` of today's metrics share; false (and nothing written) when
 * they would go past it. One statement: D1 runs it atomically, so two
 * samplers racing for the last unit get one true and one false.
 */
export async function reserveMetricsUnits(env: Pick<Env, "DB" | "YOUTUBE_METRICS_DAILY_UNITS">, units: number, now: number): Promise<boolean> {
  const share = metricsDailyUnits(env);
  if (units > share) return false;
  const row = await env.DB.prepare(
    `INSERT INTO youtube_metrics_units (day, units) VALUES (?1, ?2)
     ON CONFLICT(day) DO UPDATE SET units = units + excluded.units WHERE units + excluded.units <= ?3
     RETURNING units`,
  )
    .bind(pacificDay(now), units, share)
    .first<{ units: number }>();
  return row !== null;
}

/** Units metrics reserved today (0 before the first call of the day). */
export async function metricsUnitsUsed(env: Pick<Env, "DB">, now: number): Promise<number> {
  const row = await env.DB.prepare("SELECT units FROM youtube_metrics_units WHERE day = ?").bind(pacificDay(now)).first<{ units: number }>();
  return row?.units ?? 0;
}
