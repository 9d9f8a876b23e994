// The burst check, run by every 10-minute cron (DESIGN.md §5): a workspace's
// burst is due once its local time passes the burst time, and the day (the
// run key, its local date) counts as done only when every brand's part is
// done. A failed or interrupted burst is therefore resumed by the next check
// that same day, and a duplicate or late firing finds nothing left to do.
// Each invocation works on at most `maxBrands` brands across workspaces.
import type { Env } from "../env";
import { burstDue } from "./burst-clock";
import { BURST_BRANDS_PER_TICK, runBurst, type BurstOptions } from "./burst";
import { addToRun, openRun } from "./runs";

export interface BurstCheckResult {
  /** Workspaces whose burst this check worked on. */
  worked: string[];
}

export async function burstCheck(env: Env, now: number, opts: BurstOptions = {}): Promise<BurstCheckResult> {
  // One query per check: the zone, the burst time and the last completed daily burst of each running workspace.
  const rows = await env.DB.prepare(
    `SELECT w.id, w.timezone, w.burst_time,
       (SELECT MAX(r.run_key) FROM automation_runs r
          WHERE r.workspace_id = w.id AND r.kind = 'burst' AND r.trigger = 'cron' AND r.status = 'succeeded') AS last_done
     FROM workspaces w WHERE w.automation_paused = 0`,
  ).all<{ id: string; timezone: string; burst_time: string; last_done: string | null }>();
  let budget = opts.maxBrands ?? BURST_BRANDS_PER_TICK;
  const worked: string[] = [];
  for (const ws of rows.results) {
    if (budget <= 0) break;
    const { due, runKey } = burstDue(now, ws.timezone, ws.burst_time);
    if (!due || ws.last_done === runKey) continue;
    const run = await openRun(env.DB, ws.id, "burst", runKey, "cron", now);
    if (!run || run.status === "succeeded") continue;
    const result = await runBurst(env, ws.id, runKey, { ...opts, now, maxBrands: budget });
    budget -= Math.max(1, result.brandsDone);
    worked.push(ws.id);
    await addToRun(env.DB, run.id, result, now);
  }
  return { worked };
}
