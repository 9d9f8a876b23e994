// Catch-up pass (DESIGN.md §5): schedule every ready, unscheduled, unheld
// output. Bounded per invocation; each brand's outputs go to its
// BrandScheduler in one call, which re-checks hold and "already scheduled"
// under its own serial queue, so two passes racing each other book once.
import { runByList } from "../db/bounded";
import type { Env } from "../env";
import { HOUR } from "../lib/time";
import { brandScheduler } from "../scheduling/brand-scheduler";
import type { DiscoveryPage } from "./pass-messages";
import type { RunCounts } from "./runs";

/** Brands booked in parallel per invocation (Workers allow 6 simultaneous connections). */
const PARALLEL_BRANDS = 6;

/**
 * How far back the 10-minute discovery looks. An output becomes catch-up's
 * only by turning ready (updated_at then) while book-on-ready missed it, and
 * one catch-up cannot book is rotated (updated_at bumped), so every candidate
 * stays inside this window while the passes run; the daily sweep finds any
 * left behind by an outage.
 */
export const CATCHUP_LOOKBACK_MS = HOUR;

const UNBOOKED = "o.status = 'ready' AND o.hold = 0 AND NOT EXISTS (SELECT 1 FROM schedules s WHERE s.output_id = o.id)";

/**
 * A page of workspaces with outputs to book, after `after` in id order. With
 * `since`: those whose candidates changed since then (a range of the
 * job_outputs_catchup index). Without: the sweep, which walks the workspaces
 * themselves a page at a time, so no page reads more than its own workspaces' outputs.
 */
export async function workspacesToCatchUp(d1: D1Database, page: { after: string; since?: number; limit: number }): Promise<DiscoveryPage> {
  const rows =
    page.since === undefined
      ? await d1
          .prepare(
            `SELECT w.id, EXISTS (SELECT 1 FROM job_outputs o WHERE o.workspace_id = w.id AND ${UNBOOKED}) AS due
             FROM workspaces w WHERE w.id > ?1 ORDER BY w.id LIMIT ?2`,
          )
          .bind(page.after, page.limit)
          .all<{ id: string; due: number }>()
      : await d1
          .prepare(
            // INDEXED BY: without statistics SQLite would take status = 'ready' from job_outputs_queue, every ready output ever made.
            `SELECT DISTINCT o.workspace_id AS id, 1 AS due FROM job_outputs o INDEXED BY job_outputs_catchup
             WHERE o.updated_at >= ?1 AND ${UNBOOKED} AND o.workspace_id > ?2 ORDER BY o.workspace_id LIMIT ?3`,
          )
          .bind(page.since, page.after, page.limit)
          .all<{ id: string; due: number }>();
  return rows.results;
}

export async function runCatchup(env: Env, workspaceId: string, limit: number): Promise<RunCounts> {
  const rows = await env.DB.prepare(
    `SELECT o.id, o.brand_id FROM job_outputs o LEFT JOIN schedules s ON s.output_id = o.id
     WHERE o.workspace_id = ? AND o.status = 'ready' AND o.hold = 0 AND s.id IS NULL
     ORDER BY o.updated_at, o.id LIMIT ?`,
  )
    .bind(workspaceId, limit + 1)
    .all<{ id: string; brand_id: string }>();
  const more = rows.results.length > limit;
  const work = rows.results.slice(0, limit);
  const byBrand = new Map<string, string[]>();
  for (const r of work) {
    const ids = byBrand.get(r.brand_id);
    if (ids) ids.push(r.id);
    else byBrand.set(r.brand_id, [r.id]);
  }

  const counts: RunCounts = { processed: work.length, succeeded: 0, failed: 0, remaining: 0 };
  const errors: string[] = [];
  const unbookable: string[] = [];
  const brands = [...byBrand.entries()];
  // A pool of PARALLEL_BRANDS lanes, each taking the next brand as soon as its
  // last one answers (fixed groups waited for each group's slowest brand). After
  // a failure no lane starts another brand, as before.
  let next = 0;
  let stop = false;
  const lane = async () => {
    while (!stop && next < brands.length) {
      const [brandId, outputIds] = brands[next++]!;
      try {
        const results = await brandScheduler(env, brandId).book({
          workspaceId,
          brandId,
          outputIds,
          actor: { kind: "automation", userId: null },
        });
        for (const r of results) {
          if (r.ok === true) counts.succeeded++;
          // Another path booked it first: that is the race resolving, not a failure.
          else if (r.ok === false && r.code !== "already_scheduled") {
            counts.failed++;
            unbookable.push(r.outputId);
            if (errors.length < 3) errors.push(`${r.code}: ${r.message}`);
          }
        }
      } catch (e) {
        stop = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_BRANDS, brands.length) }, lane));
  // Rotate outputs that could not be booked (full horizon) to the back, so they never starve the rest.
  await runByList(env.DB, "UPDATE job_outputs SET updated_at = ?1 WHERE id IN (:list)", [Date.now()], unbookable);
  if (more) {
    const left = await env.DB.prepare(
      `SELECT COUNT(*) AS n FROM job_outputs o LEFT JOIN schedules s ON s.output_id = o.id
       WHERE o.workspace_id = ? AND o.status = 'ready' AND o.hold = 0 AND s.id IS NULL`,
    )
      .bind(workspaceId)
      .first<{ n: number }>();
    counts.remaining = left?.n ?? 0;
  }
  if (errors.length) counts.error = errors.join("; ");
  return counts;
}
