// Healing pass (DESIGN.md §5, REGRESSIONS #17): generation that stalled (a
// lost message, a crashed consumer) is re-queued, and after the last attempt
// failed with a reason. Nothing stays at "generating" forever.
import type { Env } from "../env";
import { GENERATE_MAX_ATTEMPTS } from "../generation/generate-consumer";
import { enqueueGeneration } from "../services/jobs";
import { MINUTE } from "../lib/time";
import type { RunCounts } from "./runs";

export const STALE_GENERATION_MS = 15 * MINUTE;

export async function runHealing(env: Env, workspaceId: string, now = Date.now()): Promise<RunCounts> {
  const stale = await env.DB.prepare(
    `SELECT id, attempts FROM job_outputs
     WHERE workspace_id = ? AND status IN ('pending','generating') AND updated_at < ? LIMIT 200`,
  )
    .bind(workspaceId, now - STALE_GENERATION_MS)
    .all<{ id: string; attempts: number }>();
  const retry = stale.results.filter((r) => r.attempts < GENERATE_MAX_ATTEMPTS).map((r) => r.id);
  const give = stale.results.filter((r) => r.attempts >= GENERATE_MAX_ATTEMPTS).map((r) => r.id);
  const stmts: D1PreparedStatement[] = [];
  for (const id of retry) {
    stmts.push(env.DB.prepare("UPDATE job_outputs SET status = 'pending', updated_at = ? WHERE id = ?").bind(now, id));
  }
  for (const id of give) {
    stmts.push(
      env.DB.prepare("UPDATE job_outputs SET status = 'failed', error = ?, updated_at = ? WHERE id = ?").bind(
        `Generation timed out after ${GENERATE_MAX_ATTEMPTS} attempts.`,
        now,
        id,
      ),
    );
  }
  if (stmts.length) await env.DB.batch(stmts);
  if (retry.length) await enqueueGeneration(env, retry);
  return { processed: stale.results.length, succeeded: retry.length, failed: give.length, remaining: 0 };
}
