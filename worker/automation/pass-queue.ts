// Consumer of the `passes` queue (DESIGN.md §9): each message is one
// workspace's bounded share of a fleet pass, or the next pages of a cron's
// fan-out. Messages are settled one by one, so one failing share never makes
// the batch redeliver the others. Every handler is idempotent (leases, run
// keys), so a redelivered or retried message does nothing twice.
import type { Env, PassMessage } from "../env";
import { logError } from "../lib/log";
import type { BurstOptions } from "./burst";
import { fanOutDueBursts, runBurstShare } from "./burst-fanout";
import { fanOutWorkspaces, runWorkspaceShare } from "./workspace-fanout";

/** Test and bench hooks: a virtual clock for every message, and the burst's options (writer, share size). */
export type PassOptions = Omit<BurstOptions, "now"> & { now?: () => number };

/** Handles one message; returns what it did (for logs and tests). */
export async function runPassMessage(env: Env, body: PassMessage, opts: PassOptions = {}): Promise<string> {
  const now = opts.now?.() ?? Date.now();
  switch (body.kind) {
    case "burst":
      return runBurstShare(env, body, { ...opts, now });
    case "catchup":
    case "healing":
    case "refresh":
      return runWorkspaceShare(env, body);
    case "fanout": {
      const result = body.pass === "burst" ? await fanOutDueBursts(env, now) : await fanOutWorkspaces(env, body.pass, body, now);
      return `handed out ${result.handedOut}${result.continued ? ", continued" : ""}`;
    }
  }
}

function wellFormed(body: unknown): body is PassMessage {
  const b = body as { kind?: unknown } | null;
  return typeof b === "object" && b !== null && ["burst", "catchup", "healing", "refresh", "fanout"].includes(String(b.kind));
}

export async function handlePassBatch(batch: MessageBatch<PassMessage>, env: Env, opts: PassOptions = {}): Promise<void> {
  for (const msg of batch.messages) {
    if (!wellFormed(msg.body)) {
      logError("passes: malformed message dropped", { id: msg.id });
      msg.ack();
      continue;
    }
    try {
      await runPassMessage(env, msg.body, opts);
      msg.ack();
    } catch (err) {
      logError("passes: a share failed; retrying", { message: msg.body, attempts: msg.attempts, error: String(err) });
      msg.retry({ delaySeconds: 30 });
    }
  }
}

/** Dead letters lose nothing (what is due lives in D1, and the next firing hands it out again): they are logged. */
export function handlePassDeadLetters(batch: MessageBatch<PassMessage>): void {
  for (const msg of batch.messages) {
    logError("passes: message dead-lettered", { message: msg.body, attempts: msg.attempts });
    msg.ack();
  }
}
