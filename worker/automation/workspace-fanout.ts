// Catch-up, healing and token refresh, fanned out per workspace (DESIGN.md §9;
// issue 17). The cron walks the workspaces that have something to do, a page
// at a time in id order (each pass's own indexed discovery query), and sends
// one message per workspace; past FANOUT_MAX_PAGES, a `fanout` message carries
// the walk on from its cursor. It books, heals or renews nothing itself.
//
// A message's consumer runs one bounded share through runPass, under the run
// key of the firing (the 10-minute window, the UTC day): automation_runs'
// UNIQUE(workspace, kind, run key) makes a duplicated message or firing a
// no-op. A share that stopped at its bound with more to do sends part n + 1,
// under the key `<run key>+<n>`, to the back of the queue: a big workspace's
// rest waits behind everyone else's first share. A lost part leaves its rest
// to the next firing, which finds it again.
import type { Env, PassMessage } from "../env";
import { workspacesToRefresh } from "../accounts/refresh";
import { workspacesToCatchUp } from "./catchup";
import { workspacesToHeal } from "./healing";
import { fanoutLimits, sendPassMessages, type DiscoveryPage, type FanoutLimits, type FanoutResult } from "./pass-messages";
import { runPass } from "./passes";

export type WorkspacePass = "catchup" | "healing" | "refresh";
type ShareMessage = Extract<PassMessage, { kind: WorkspacePass }>;

/** Continuations of one run at most (catch-up: 100 shares of CATCHUP_BATCH outputs per window). */
export const MAX_PARTS = 100;

interface Walk {
  runKey: string;
  /** Catch-up: only outputs changed since then (absent: the daily sweep over every workspace). */
  since?: number;
  /** Where the previous page stopped (workspace id). */
  after?: string;
}

const DISCOVER: Record<WorkspacePass, (env: Env, page: { after: string; since?: number; now: number; limit: number }) => Promise<DiscoveryPage>> = {
  catchup: (env, page) => workspacesToCatchUp(env.DB, page),
  healing: (env, page) => workspacesToHeal(env.DB, page),
  refresh: (env, page) => workspacesToRefresh(env, page),
};

/** Hands out one message per workspace with `pass` work, page by page. */
export async function fanOutWorkspaces(env: Env, pass: WorkspacePass, walk: Walk, now: number, limits: FanoutLimits = {}): Promise<FanoutResult> {
  const { pageSize, maxPages } = fanoutLimits(limits);
  const result: FanoutResult = { handedOut: 0, pages: 0, continued: false };
  let after = walk.after ?? "";
  for (let page = 0; page < maxPages; page++) {
    const rows = await DISCOVER[pass](env, { after, since: walk.since, now, limit: pageSize });
    if (!rows.length) return result;
    result.pages++;
    after = rows.at(-1)!.id;
    const due = rows.filter((r) => r.due);
    await sendPassMessages(env, due.map((r): ShareMessage => ({ kind: pass, workspaceId: r.id, runKey: walk.runKey, part: 0 })));
    result.handedOut += due.length;
    if (rows.length < pageSize) return result;
  }
  await sendPassMessages(env, [{ kind: "fanout", pass, runKey: walk.runKey, since: walk.since, after }]);
  result.continued = true;
  return result;
}

export type ShareOutcome = "duplicate" | "done" | "continued";

/** One message's share of a workspace's pass; its continuation goes to the back of the queue. */
export async function runWorkspaceShare(env: Env, msg: ShareMessage): Promise<ShareOutcome> {
  const key = msg.part === 0 ? msg.runKey : `${msg.runKey}+${msg.part}`;
  const run = await runPass(env, msg.workspaceId, msg.kind, "cron", key, undefined, msg.after);
  if (!run) return "duplicate";
  if (run.counts.continueAfter === undefined || run.counts.error || msg.part + 1 >= MAX_PARTS) return "done";
  await sendPassMessages(env, [{ ...msg, part: msg.part + 1, after: run.counts.continueAfter || undefined }]);
  return "continued";
}
