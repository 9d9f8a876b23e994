// scheduled(): Cron Triggers run in UTC (CLOUDFLARE.md §4). A firing finds
// what is due, hands it out page by page (a `passes` message per workspace, a
// brand's alarm, a publish message) and returns: no firing works through the
// fleet's brands itself (DESIGN.md §9). The shares are keyed by the firing's
// 10-minute window or UTC day, so a duplicate firing does nothing.
import type { Env } from "../env";
import { logError } from "../lib/log";
import { healStalePublishing } from "../publishing/healing";
import { fanOutDueBursts } from "./burst-fanout";
import { CATCHUP_LOOKBACK_MS } from "./catchup";
import { runDispatchNet } from "./dispatch";
import { fanOutWorkspaces } from "./workspace-fanout";
import { fanOutDueMetrics } from "../analytics/fanout";
import { pruneAuthRowsSafely } from "../auth/prune";
import { pruneNotificationsSafely } from "../notifications/retention";
import { relayOutbox } from "../notifications/outbox";
import { runRelayPass } from "../notifications/relay";

/** Bursts due, catch-up, healing, metrics due, and pruning expired sign-in counters and sessions (auth/prune.ts). */
export const TEN_MINUTE_CRON = "*/10 * * * *";
/** Daily: token refresh (worker/accounts/refresh.ts) and catch-up's sweep over every workspace. */
export const REFRESH_CRON = "17 3 * * *";
/** Dispatch's safety net under the BrandSchedulers' alarms (DESIGN.md §5). */
export const MINUTE_CRON = "* * * * *";

export function windowKey(scheduledTime: number): string {
  const w = Math.floor(scheduledTime / 600_000) * 600_000;
  return new Date(w).toISOString().slice(0, 16);
}

/** Each hand-out on its own: one that fails is logged and never stops the others. */
async function handOut(what: string, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (err) {
    logError(`cron: handing out ${what} failed; the next firing tries again`, { error: String(err) });
  }
}

export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  await runCron(controller, env);
  // What the passes changed (a burst done, an account to reconnect) goes out now, not at the next minute's relay.
  if (controller.cron !== MINUTE_CRON) await handOut("events", () => relayOutbox(env));
}

async function runCron(controller: ScheduledController, env: Env): Promise<void> {
  const now = controller.scheduledTime;
  if (controller.cron === REFRESH_CRON) {
    const day = new Date(now).toISOString().slice(0, 10);
    await handOut("token refresh", () => fanOutWorkspaces(env, "refresh", { runKey: day }, now));
    await handOut("the catch-up sweep", () => fanOutWorkspaces(env, "catchup", { runKey: `sweep:${day}` }, now));
    return;
  }
  if (controller.cron === MINUTE_CRON) {
    // Not recorded in automation_runs (1,440 rows a day per workspace would bury the log); a manual run is.
    await handOut("dispatch", () => runDispatchNet(env, now));
    // Events still unsent, webhook messages that look lost, email digests whose hour is up (worker/notifications).
    await handOut("events", () => runRelayPass(env, now));
    return;
  }
  if (controller.cron !== TEN_MINUTE_CRON) return;
  const key = windowKey(now);
  // Metrics first (one message per due brand, DESIGN.md §10), whatever the hand-outs below take.
  await handOut("metrics", () => fanOutDueMetrics(env, now));
  await handOut("pruning", () => pruneAuthRowsSafely(env.DB, now));
  await handOut("notification retention", () => pruneNotificationsSafely(env.DB, now));
  await handOut("bursts", () => fanOutDueBursts(env, now));
  // Deliveries whose consumer died mid-step go back to the consumer, whose checkpoint recovery asks the platform first.
  await handOut("stale publishing", () => healStalePublishing(env, now));
  await handOut("healing", () => fanOutWorkspaces(env, "healing", { runKey: key }, now));
  await handOut("catch-up", () => fanOutWorkspaces(env, "catchup", { runKey: key, since: now - CATCHUP_LOOKBACK_MS }, now));
}
