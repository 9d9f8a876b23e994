// scheduled(): Cron Triggers run in UTC (CLOUDFLARE.md §4). Each workspace's
// pass is keyed by its 10-minute window, so a duplicate firing does nothing.
import type { Env } from "../env";
import { burstCheck } from "./burst-check";
import { numberVar } from "../lib/time";
import { runDispatch } from "./dispatch";
import { runPass } from "./passes";
import { healStalePublishing } from "../publishing/healing";
import { workspacesToRefresh } from "../accounts/refresh";
import { fanOutDueMetrics } from "../analytics/fanout";
import { logError } from "../lib/log";
import { pruneAuthRowsSafely } from "../auth/prune";
import { relayOutbox } from "../notifications/outbox";
import { runRelayPass } from "../notifications/relay";

/** Catch-up, healing, the burst check, and pruning expired sign-in counters and sessions (auth/prune.ts). */
export const TEN_MINUTE_CRON = "*/10 * * * *";
/** Daily: token refresh (worker/accounts/refresh.ts). */
export const REFRESH_CRON = "17 3 * * *";
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
  await runCron(controller, env);
  // What the passes changed (a burst done, an account to reconnect) goes out now, not at the next minute's relay.
  if (controller.cron !== MINUTE_CRON) await relayOutbox(env);
}

async function runCron(controller: ScheduledController, env: Env): Promise<void> {
  if (controller.cron === REFRESH_CRON) return refreshAll(env, controller.scheduledTime);
  if (controller.cron === MINUTE_CRON) {
    // Every minute, for every workspace at once: not recorded in automation_runs
    // (1,440 rows a day per workspace would bury the log); a manual run is.
    await runDispatch(env, {});
    // Events still unsent, webhook messages that look lost, email digests whose hour is up (worker/notifications).
    await runRelayPass(env, controller.scheduledTime);
    return;
  }
  if (controller.cron !== TEN_MINUTE_CRON) return;
  const key = windowKey(controller.scheduledTime);
  // Metrics fan out first (one message per due brand, whatever the passes below take); a failure is the next window's to retry, never the others' to pay for.
  await fanOutDueMetrics(env, controller.scheduledTime).catch((err: unknown) => logError("metrics fan-out failed", { error: String(err) }));
  await pruneAuthRowsSafely(env.DB, controller.scheduledTime);
  await burstCheck(env, controller.scheduledTime);
  // Deliveries whose consumer died mid-step go back to the consumer, whose checkpoint recovery asks the platform first.
  await healStalePublishing(env, controller.scheduledTime);
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

/** The burst check lives with the burst (burst-check.ts); re-exported for callers of this module. */
export { burstCheck } from "./burst-check";

/** One refresh run per workspace per UTC day; the day's key makes a duplicate firing a no-op. */
async function refreshAll(env: Env, now: number): Promise<void> {
  const key = new Date(now).toISOString().slice(0, 10);
  for (const ws of await workspacesToRefresh(env, now)) await runPass(env, ws, "refresh", "cron", key);
}
