// `POST /api/automation/run {"pass":"metrics"}`: an owner samples their own
// workspace now, in the request, bounded by the run's budget; whatever is
// still due when it stops is counted as `remaining` and left to the cron.
import type { RunCounts } from "../automation/runs";
import type { Env } from "../env";
import { sampleBrand, TARGETS_PER_RUN, type SamplerOptions } from "./sampler";

/** Brands one manual run visits at most. */
const BRANDS_PER_PASS = 50;

export async function runMetricsPass(env: Env, workspaceId: string, budget: number, opts: SamplerOptions = {}): Promise<RunCounts> {
  const now = (opts.now ?? Date.now)();
  // Brands with a due target, found by index probes (metric_targets_due), whatever the cron has claimed meanwhile.
  const due = `SELECT b.id FROM brands b WHERE b.workspace_id = ?1
    AND EXISTS (SELECT 1 FROM metric_targets t WHERE t.brand_id = b.id AND t.next_at <= ?2) ORDER BY b.id`;
  const brands = await env.DB.prepare(`${due} LIMIT ${BRANDS_PER_PASS}`).bind(workspaceId, now).all<{ id: string }>();
  const counts: RunCounts = { processed: 0, succeeded: 0, failed: 0, remaining: 0 };
  let left = Math.max(0, budget);
  for (const { id } of brands.results) {
    while (left > 0) {
      const run = await sampleBrand(env, id, { ...opts, limit: Math.min(left, TARGETS_PER_RUN) });
      counts.processed += run.claimed;
      counts.succeeded += run.stored;
      counts.failed += run.deferred + run.parked;
      left -= run.claimed;
      if (!run.moreDue || run.claimed === 0) break;
    }
    if (left <= 0) break;
  }
  const rest = await env.DB.prepare(
    `SELECT COUNT(*) AS n FROM metric_targets t JOIN brands b ON b.id = t.brand_id WHERE b.workspace_id = ?1 AND t.next_at <= ?2`,
  )
    .bind(workspaceId, (opts.now ?? Date.now)())
    .first<{ n: number }>();
  counts.remaining = rest?.n ?? 0;
  return counts;
}
