// scheduled(): Cron Triggers run in UTC (CLOUDFLARE.md §4). Each workspace's
// pass is keyed by its 10-minute window, so a duplicate firing does nothing.
import type { Env } from "../env";
import { burstDue } from "./burst-clock";
import { numberVar } from "../lib/time";
import { runDispatch } from "./dispatch";
import { runPass } from "./passes";

export const TEN_MINUTE_CRON = "*/10 * * * *";
/** Dispatch's safety net under the BrandSchedulers' alarms (DESIGN.md §5). */
export const MINUTE_CRON = "* * * * *";

function windowKey(scheduledTime: number): string {
  const w = Math.floor(scheduledTime / 600_000) * 600_000;
  return new Date(w).toISOString().slice(0, 16);
}

/** Workspaces with work for a pass; bounded so one invocation stays inside Workers' limits. */
async function workspacesNeeding(env: Env, kind: "catchup" | "healing"): Promise<string[]> {
  // Longest-waiting first, so a workspace whose outputs cannot be booked never starves the others.
  const sql =
    kind === "catchup"
      ? `SELECT o.workspace_id AS id FROM job_outputs o LEFT JOIN schedules s ON s.output_id = o.id
         WHERE o.status = 'ready' AND o.hold = 0 AND s.id IS NULL
         GROUP BY o.workspace_id ORDER BY MIN(o.updated_at) LIMIT 50`
      : `SELECT workspace_id AS id FROM job_outputs WHERE status IN ('pending','generating')
         GROUP BY workspace_id ORDER BY MIN(updated_at) LIMIT 50`;
  const rows = await env.DB.prepare(sql).all<{ id: string }>();
  return rows.results.map((r) => r.id);
}

export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  if (controller.cron === MINUTE_CRON) {
    // Every minute, for every workspace at once: not recorded in automation_runs
    // (1,440 rows a day per workspace would bury the log); a manual run is.
    await runDispatch(env, {});
    return;
  }
  if (controller.cron !== TEN_MINUTE_CRON) return;
  const key = windowKey(controller.scheduledTime);
  await burstCheck(env, controller.scheduledTime);
  for (const ws of await workspacesNeeding(env, "healing")) await runPass(env, ws, "healing", "cron", key);
  // One catch-up budget per invocation, shared by all workspaces: the backlog
  // left over is picked up by the next invocation (Workers limit subrequests).
  let budget = numberVar(env.CATCHUP_BATCH, 500);
  for (const ws of await workspacesNeeding(env, "catchup")) {
    if (budget <= 0) break;
    const run = await runPass(env, ws, "catchup", "cron", key, budget);
    budget -= run?.counts.processed ?? 0;
  }
}

/**
 * The burst runs once per local day per workspace, at or after its local burst
 * time; the claim on (workspace, burst, local date) makes every later check
 * that day a no-op. Paused workspaces skip the burst but still publish.
 */
export async function burstCheck(env: Env, now: number): Promise<void> {
  const rows = await env.DB.prepare("SELECT id, timezone, burst_time FROM workspaces WHERE automation_paused = 0")
    .all<{ id: string; timezone: string; burst_time: string }>();
  for (const ws of rows.results) {
    const { due, runKey } = burstDue(now, ws.timezone, ws.burst_time);
    if (due) await runPass(env, ws.id, "burst", "cron", runKey);
  }
}
