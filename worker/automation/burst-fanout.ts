// The daily burst, fanned out (DESIGN.md §5, §9; issue 17).
//
// Each workspace keeps the instant its next burst is due in
// workspaces.next_burst_at, computed with Intl in its own zone, so "whose
// burst is due" is a range of one index, never a scan of every workspace.
//
// (a) The cron claims due workspaces a page at a time, moving next_burst_at a
//     lease ahead, and sends one `burst` message per workspace carrying that
//     lease. It does no brand's work.
// (b) A message's consumer takes the lease over from the value it carries: a
//     duplicated or stale message finds another value and does nothing. It
//     runs a bounded share of the workspace's brands and sends its
//     continuation to the back of the queue, so a workspace of 500 brands
//     never holds up one of 2. When every brand's part is done, next_burst_at
//     moves to the burst time of the next local day.
// (c) A share that fails, a consumer that dies, a message that is lost: the
//     lease runs out, the cron hands the workspace out again, and the burst
//     resumes where it stopped (a brand's part is done once: burst.ts).
//
// The run key is the local date, so the burst runs once per local day
// whatever the DST offset, the cron's lateness or duplicate firings.
import type { Env, PassMessage } from "../env";
import { logError } from "../lib/log";
import { MINUTE } from "../lib/time";
import { burstAfter, burstDue, nextBurstAt } from "./burst-clock";
import { BURST_BRANDS_PER_SHARE, runBurst, type BurstOptions } from "./burst";
import { fanoutLimits, sendPassMessages, type FanoutLimits, type FanoutResult } from "./pass-messages";
import { addToRun, openRun } from "./runs";

/** How long a handed-out burst may wait in the queue and run before the cron hands it out again. */
export const BURST_LEASE_MS = 15 * MINUTE;

type BurstMessage = Extract<PassMessage, { kind: "burst" }>;

interface ClaimedWorkspace {
  id: string;
  timezone: string;
  burst_time: string;
}

/** Moves next_burst_at to `at`, if this holder's lease is still the one there. */
function moveNextBurst(d1: D1Database, workspaceId: string, lease: number, at: number) {
  return d1.prepare("UPDATE workspaces SET next_burst_at = ?1 WHERE id = ?2 AND next_burst_at = ?3").bind(at, workspaceId, lease);
}

/**
 * The cron's part: hands out every workspace whose burst is due, page by
 * page. A workspace claimed before its local burst time (next_burst_at 0, or
 * settings changed) gets its real next instant instead of a message.
 */
export async function fanOutDueBursts(env: Env, now: number, limits: FanoutLimits = {}): Promise<FanoutResult> {
  const { pageSize, maxPages } = fanoutLimits(limits);
  const lease = now + BURST_LEASE_MS;
  const result: FanoutResult = { handedOut: 0, pages: 0, continued: false };
  for (let page = 0; page < maxPages; page++) {
    // A read first: most firings find nothing due, and then take no write lock at all.
    const due = await env.DB.prepare("SELECT id FROM workspaces WHERE automation_paused = 0 AND next_burst_at <= ?1 ORDER BY next_burst_at LIMIT ?2")
      .bind(now, pageSize)
      .all<{ id: string }>();
    if (!due.results.length) return result;
    // The claim is conditional: of two firings racing for a workspace, one gets it.
    const claimed = await env.DB.prepare(
      `UPDATE workspaces SET next_burst_at = ?1
       WHERE id IN (SELECT value FROM json_each(?3)) AND automation_paused = 0 AND next_burst_at <= ?2
       RETURNING id, timezone, burst_time`,
    )
      .bind(lease, now, JSON.stringify(due.results.map((r) => r.id)))
      .all<ClaimedWorkspace>();
    const rows = claimed.results;
    result.pages++;
    const messages: BurstMessage[] = [];
    const notYet: D1PreparedStatement[] = [];
    for (const ws of rows) {
      const { due, runKey } = burstDue(now, ws.timezone, ws.burst_time);
      if (due) messages.push({ kind: "burst", workspaceId: ws.id, runKey, lease });
      else notYet.push(moveNextBurst(env.DB, ws.id, lease, nextBurstAt(now, ws.timezone, ws.burst_time, false)));
    }
    if (notYet.length) await env.DB.batch(notYet);
    try {
      await sendPassMessages(env, messages);
    } catch (err) {
      // Give them back at once rather than after the lease.
      logError("burst fan-out: could not send messages", { workspaces: messages.length, error: String(err) });
      await env.DB.batch(messages.map((m) => moveNextBurst(env.DB, m.workspaceId, lease, now)));
      return result;
    }
    result.handedOut += messages.length;
    if (due.results.length < pageSize) return result;
  }
  // More are due than this invocation hands out: a message carries the fan-out on.
  await sendPassMessages(env, [{ kind: "fanout", pass: "burst" }]);
  result.continued = true;
  return result;
}

export type BurstShareOutcome = "stale" | "not_due" | "done" | "continued" | "stopped";

/**
 * One message's share of a workspace's burst. `stale`: the message's lease is
 * no longer the workspace's (a duplicate, or another holder took over), or the
 * workspace is paused; nothing was done. `stopped`: a failure, or no brand
 * could be taken; the lease runs out and the cron hands it out again.
 */
export async function runBurstShare(env: Env, msg: BurstMessage, opts: BurstOptions = {}): Promise<BurstShareOutcome> {
  const now = opts.now ?? Date.now();
  // Strictly greater than the message's: a duplicate of this message can never match the new value.
  const lease = Math.max(now + BURST_LEASE_MS, msg.lease + 1);
  const ws = await env.DB.prepare(
    "UPDATE workspaces SET next_burst_at = ?1 WHERE id = ?2 AND next_burst_at = ?3 AND automation_paused = 0 RETURNING timezone, burst_time",
  )
    .bind(lease, msg.workspaceId, msg.lease)
    .first<{ timezone: string; burst_time: string }>();
  if (!ws) return "stale";
  // The day is read again: a message that waited past local midnight works on today's burst, or on none yet.
  const { due, runKey } = burstDue(now, ws.timezone, ws.burst_time);
  if (!due) {
    await moveNextBurst(env.DB, msg.workspaceId, lease, nextBurstAt(now, ws.timezone, ws.burst_time, false)).run();
    return "not_due";
  }
  const run = await openRun(env.DB, msg.workspaceId, "burst", runKey, "cron", now);
  if (!run) throw new Error("the burst run could not be opened");
  if (run.status !== "succeeded") {
    const result = await runBurst(env, msg.workspaceId, runKey, { ...opts, now, maxBrands: opts.maxBrands ?? BURST_BRANDS_PER_SHARE });
    // The run ends when its last share does (on a virtual clock, at that clock's time).
    await addToRun(env.DB, run.id, result, opts.now ?? Date.now());
    if (result.remaining > 0) {
      if (result.error || result.brandsDone === 0) return "stopped";
      await sendPassMessages(env, [{ kind: "burst", workspaceId: msg.workspaceId, runKey, lease }]);
      return "continued";
    }
  }
  await moveNextBurst(env.DB, msg.workspaceId, lease, burstAfter(runKey, ws.timezone, ws.burst_time)).run();
  return "done";
}
