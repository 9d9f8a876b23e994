// Healing pass (DESIGN.md §5, REGRESSIONS #17): nothing stays pending or
// generating forever.
// - A `generating` output whose claim is older than the lease belongs to a
//   consumer that died: it goes back to pending with a fresh message, and
//   after the last attempt it fails with a reason.
// - A `pending` output is either waiting in a long queue or its message was
//   lost. It counts as lost only when it has waited longer than the queue's
//   expected wait (a base plus the outputs enqueued before it, at the
//   consumer's pace); then it is re-sent and the re-send counted, and after
//   MAX_REQUEUES re-sends it fails with a reason.
import type { Env } from "../env";
import { GENERATE_MAX_ATTEMPTS } from "../generation/generate-consumer";
import { GENERATION_LEASE_MS } from "../generation/generate-output";
import { enqueueGeneration } from "../services/jobs";
import { MINUTE } from "../lib/time";
import type { RunCounts } from "./runs";

export const STALE_GENERATION_MS = GENERATION_LEASE_MS;
/** A message younger than this is never considered lost, however short the queue. */
export const QUEUE_BASE_WAIT_MS = 15 * MINUTE;
/** The consumer's pace: each output ahead in the queue adds this to the expected wait. */
export const QUEUE_MS_PER_OUTPUT = 3_000;
/** Re-sends of a lost message before the output fails. */
export const MAX_REQUEUES = 3;
const BATCH = 200;

/** How long an output enqueued behind `ahead` others may reasonably wait. */
export function expectedQueueWait(ahead: number): number {
  return QUEUE_BASE_WAIT_MS + ahead * QUEUE_MS_PER_OUTPUT;
}

export async function runHealing(env: Env, workspaceId: string, now = Date.now()): Promise<RunCounts> {
  const stalled = await env.DB.prepare(
    `SELECT id, attempts FROM job_outputs
     WHERE workspace_id = ? AND status = 'generating' AND COALESCE(started_at, updated_at) < ? LIMIT ${BATCH}`,
  )
    .bind(workspaceId, now - STALE_GENERATION_MS)
    .all<{ id: string; attempts: number }>();
  // `ahead` ranks the pending outputs of every workspace by when their message was sent: they share the one queue.
  const waiting = await env.DB.prepare(
    `SELECT id, requeues, sent_at, ahead FROM (
       SELECT o.id, o.workspace_id, o.requeues, COALESCE(o.enqueued_at, o.updated_at) AS sent_at,
         ROW_NUMBER() OVER (ORDER BY COALESCE(o.enqueued_at, o.updated_at), o.id) - 1 AS ahead
       FROM job_outputs o WHERE o.status = 'pending')
     WHERE workspace_id = ? AND sent_at < ? ORDER BY sent_at LIMIT ${BATCH}`,
  )
    .bind(workspaceId, now - QUEUE_BASE_WAIT_MS)
    .all<{ id: string; requeues: number; sent_at: number; ahead: number }>();

  const resend: string[] = [];
  const stmts: D1PreparedStatement[] = [];
  let failed = 0;
  for (const r of stalled.results) {
    if (r.attempts >= GENERATE_MAX_ATTEMPTS) {
      failed++;
      stmts.push(
        env.DB.prepare("UPDATE job_outputs SET status = 'failed', error = ?, claim = NULL, updated_at = ? WHERE id = ? AND status = 'generating'").bind(
          `Generation timed out after ${GENERATE_MAX_ATTEMPTS} attempts.`,
          now,
          r.id,
        ),
      );
    } else {
      resend.push(r.id);
      stmts.push(
        env.DB.prepare("UPDATE job_outputs SET status = 'pending', claim = NULL, enqueued_at = ?, updated_at = ? WHERE id = ? AND status = 'generating'").bind(now, now, r.id),
      );
    }
  }
  for (const r of waiting.results) {
    if (now - r.sent_at < expectedQueueWait(r.ahead)) continue; // still waiting its turn in a long queue
    if (r.requeues >= MAX_REQUEUES) {
      failed++;
      stmts.push(
        env.DB.prepare("UPDATE job_outputs SET status = 'failed', error = ?, updated_at = ? WHERE id = ? AND status = 'pending'").bind(
          `Generation never started: its queue message was lost ${MAX_REQUEUES + 1} times. Use Retry to try again.`,
          now,
          r.id,
        ),
      );
    } else {
      resend.push(r.id);
      stmts.push(
        env.DB.prepare("UPDATE job_outputs SET requeues = requeues + 1, enqueued_at = ?, updated_at = ? WHERE id = ? AND status = 'pending'").bind(now, now, r.id),
      );
    }
  }
  if (stmts.length) await env.DB.batch(stmts);
  if (resend.length) await enqueueGeneration(env, resend);
  return { processed: resend.length + failed, succeeded: resend.length, failed, remaining: 0 };
}
