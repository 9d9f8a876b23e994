// automation_runs bookkeeping. UNIQUE(workspace, kind, run_key) makes a
// duplicate or late cron firing a no-op: the second insert finds the row.
import type { Run } from "../contract/schemas";
import { newId } from "../lib/ids";
import { isoOrNull, iso } from "../lib/time";

export type RunKind = Run["kind"];
export interface RunCounts {
  processed: number;
  succeeded: number;
  failed: number;
  remaining: number;
  error?: string | null;
  /**
   * Set when a cron-driven share stopped at its bound with more to do: where a
   * continuation picks up (a cursor, or "" when the pass needs none). Not stored.
   */
  continueAfter?: string;
}

/** Claims the run key; null when another invocation already claimed it. */
export async function claimRun(d1: D1Database, workspaceId: string, kind: RunKind, runKey: string, trigger: "cron" | "manual", now = Date.now()) {
  const id = newId("run");
  const row = await d1
    .prepare(
      `INSERT INTO automation_runs (id, workspace_id, kind, run_key, trigger, started_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (workspace_id, kind, run_key) DO NOTHING RETURNING id`,
    )
    .bind(id, workspaceId, kind, runKey, trigger, now)
    .first<{ id: string }>();
  return row?.id ?? null;
}

/**
 * The day's burst run: created on the first check that finds the burst due,
 * found again by every later check that day. Returns its id and status.
 */
export async function openRun(d1: D1Database, workspaceId: string, kind: RunKind, runKey: string, trigger: "cron" | "manual", now: number) {
  await d1
    .prepare(
      `INSERT INTO automation_runs (id, workspace_id, kind, run_key, trigger, started_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (workspace_id, kind, run_key) DO NOTHING`,
    )
    .bind(newId("run"), workspaceId, kind, runKey, trigger, now)
    .run();
  return d1
    .prepare("SELECT id, status FROM automation_runs WHERE workspace_id = ? AND kind = ? AND run_key = ?")
    .bind(workspaceId, kind, runKey)
    .first<{ id: string; status: Run["status"] }>();
}

/**
 * Adds one invocation's counts to a run that spans several (the burst): it
 * succeeds when nothing remains, fails (still resumable) on an error, and
 * otherwise keeps running.
 */
export async function addToRun(d1: D1Database, runId: string, counts: RunCounts, now: number) {
  const status: Run["status"] = counts.remaining === 0 ? "succeeded" : counts.error ? "failed" : "running";
  await d1
    .prepare(
      `UPDATE automation_runs SET status = ?, processed = processed + ?, succeeded = succeeded + ?, failed = failed + ?,
         remaining = ?, error = ?, ended_at = ? WHERE id = ?`,
    )
    .bind(status, counts.processed, counts.succeeded, counts.failed, counts.remaining, status === "succeeded" ? null : (counts.error ?? null), status === "running" ? null : now, runId)
    .run();
}

export async function finishRun(d1: D1Database, runId: string, counts: RunCounts, now = Date.now()) {
  await d1
    .prepare(
      `UPDATE automation_runs SET status = ?, processed = ?, succeeded = ?, failed = ?, remaining = ?, error = ?, ended_at = ? WHERE id = ?`,
    )
    .bind(counts.error ? "failed" : "succeeded", counts.processed, counts.succeeded, counts.failed, counts.remaining, counts.error ?? null, now, runId)
    .run();
}

interface RunRow {
  id: string;
  kind: RunKind;
  run_key: string;
  trigger: "cron" | "manual";
  status: Run["status"];
  processed: number;
  succeeded: number;
  failed: number;
  remaining: number;
  error: string | null;
  started_at: number;
  ended_at: number | null;
}

export function toRunDto(r: RunRow): Run {
  return {
    id: r.id,
    kind: r.kind,
    runKey: r.run_key,
    trigger: r.trigger,
    status: r.status,
    processed: r.processed,
    succeeded: r.succeeded,
    failed: r.failed,
    remaining: r.remaining,
    error: r.error,
    startedAt: iso(r.started_at),
    endedAt: isoOrNull(r.ended_at),
  };
}

export async function getRun(d1: D1Database, workspaceId: string, runId: string) {
  const r = await d1.prepare("SELECT * FROM automation_runs WHERE id = ? AND workspace_id = ?").bind(runId, workspaceId).first<RunRow>();
  return r ? toRunDto(r) : null;
}

export async function recentRuns(d1: D1Database, workspaceId: string, limit = 20) {
  const rows = await d1
    .prepare("SELECT * FROM automation_runs WHERE workspace_id = ? ORDER BY started_at DESC LIMIT ?")
    .bind(workspaceId, limit)
    .all<RunRow>();
  return rows.results.map(toRunDto);
}

export async function lastRun(d1: D1Database, workspaceId: string, kind: RunKind) {
  const r = await d1
    .prepare("SELECT * FROM automation_runs WHERE workspace_id = ? AND kind = ? ORDER BY started_at DESC LIMIT 1")
    .bind(workspaceId, kind)
    .first<RunRow>();
  return r ? toRunDto(r) : null;
}
