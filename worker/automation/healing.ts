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
import type { DiscoveryPage } from "./pass-messages";
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

/**
 * Pending outputs whose message looks lost (?1 is now): waited longer than
 * expectedQueueWait(ahead), where `ahead` ranks the pending outputs of every
 * workspace by when their message was sent (they share the one queue). Only
 * outputs older than the base wait are ranked: every output ahead of one of
 * them is older still, so the ranks are the same, and a healthy queue ranks nothing.
 */
const LOST_PENDING = `
  SELECT id, workspace_id, requeues, sent_at FROM (
    SELECT o.id, o.workspace_id, o.requeues, COALESCE(o.enqueued_at, o.updated_at) AS sent_at,
      ROW_NUMBER() OVER (ORDER BY COALESCE(o.enqueued_at, o.updated_at), o.id) - 1 AS ahead
    FROM job_outputs o WHERE o.status = 'pending' AND COALESCE(o.enqueued_at, o.updated_at) < ?1 - ${QUEUE_BASE_WAIT_MS})
  WHERE ?1 - sent_at >= ${QUEUE_BASE_WAIT_MS} + ahead * ${QUEUE_MS_PER_OUTPUT}`;

/** Generating outputs whose claim outlived the lease (?2 is now minus the lease). */
const STALLED = "SELECT id, workspace_id, attempts FROM job_outputs WHERE status = 'generating' AND COALESCE(started_at, updated_at) < ?2";

/** A page of workspaces with something to heal (a stalled or lost output), after `after` in id order. */
export async function workspacesToHeal(d1: D1Database, page: { after: string; now: number; limit: number }): Promise<DiscoveryPage> {
  const rows = await d1
    .prepare(
      `SELECT DISTINCT workspace_id AS id, 1 AS due FROM (
         SELECT workspace_id FROM (${LOST_PENDING}) UNION ALL SELECT workspace_id FROM (${STALLED}))
       WHERE workspace_id > ?3 ORDER BY workspace_id LIMIT ?4`,
    )
    .bind(page.now, page.now - STALE_GENERATION_MS, page.after, page.limit)
    .all<{ id: string; due: number }>();
  return rows.results;
}

export async function runHealing(env: Env, workspaceId: string, now = Date.now()): Promise<RunCounts> {
  const [stalled, waiting] = await env.DB.batch<{ id: string; attempts: number; requeues: number }>([
    env.DB.prepare(`SELECT id, attempts FROM (${STALLED}) WHERE workspace_id = ?3 LIMIT ${BATCH + 1}`).bind(now, now - STALE_GENERATION_MS, workspaceId),
    env.DB.prepare(`SELECT id, requeues FROM (${LOST_PENDING}) WHERE workspace_id = ?3 ORDER BY sent_at LIMIT ${BATCH + 1}`).bind(now, now - STALE_GENERATION_MS, workspaceId),
  ]);

  const resend: string[] = [];
  const stmts: D1PreparedStatement[] = [];
  let failed = 0;
  for (const r of stalled!.results.slice(0, BATCH)) {
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
  for (const r of waiting!.results.slice(0, BATCH)) {
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
  const counts: RunCounts = { processed: resend.length + failed, succeeded: resend.length, failed, remaining: 0 };
  // A full page: there may be more, which a continuation takes (pass-queue.ts).
  if (stalled!.results.length > BATCH || waiting!.results.length > BATCH) counts.continueAfter = "";
  return counts;
}
