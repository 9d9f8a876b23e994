// The publish consumer's decisions, without I/O (STYLE.md "pure core"): what
// a message does when its delivery cannot be leased, and where a delivery
// goes after an attempt. consumer.ts reads and writes the rows; every rule
// about states lives here and is unit-tested exhaustively.
import { queueDelaySeconds, retryDelaySeconds } from "./backoff";
import type { ErrorClass, PublishPlatform } from "./types";

/** Failed attempts (retryable or unknown outcome) before a delivery fails for good. */
export const MAX_FAILED_ATTEMPTS = 8;
/**
 * How long one consumer holds a delivery. Every checkpoint renews it, so it
 * only runs out when the holder died; then a redelivered message (or the
 * healing pass) takes over, and the client's recovery asks the platform first.
 */
export const LEASE_MS = 10 * 60 * 1000;
/** Waiting on the platform (Instagram processing a reel) is not a failure, but it ends. */
export const MAX_WAITING_MS = 20 * 60 * 1000;

export type DeliveryStatus = "pending" | "queued" | "publishing" | "published" | "failed" | "missed" | "skipped";

export const PLATFORM_NAMES: Record<PublishPlatform, string> = {
  instagram: "Instagram",
  facebook: "Facebook",
  youtube: "YouTube",
  sandbox: "Sandbox",
};

/** What the lease update saw when it changed nothing. */
export interface UnleasedRow {
  status: DeliveryStatus;
  leaseUntil: number | null;
  nextAttemptAt: number | null;
}

export type MessageAction = { kind: "ack"; reason: string } | { kind: "retry"; delaySeconds: number };

/**
 * A message whose delivery the conditional lease update did not take. Done
 * deliveries ack; a live lease or an early duplicate waits (never acked: the
 * holder may die, and this message is then the one that finishes the work).
 */
export function actionWithoutLease(row: UnleasedRow | null, now: number): MessageAction {
  if (!row) return { kind: "ack", reason: "delivery no longer exists" };
  switch (row.status) {
    case "published":
    case "failed":
    case "skipped":
    case "missed":
      return { kind: "ack", reason: `delivery already ${row.status}` };
    case "pending":
      // Not dispatched yet: the dispatch claim sends its own message.
      return { kind: "ack", reason: "delivery not dispatched" };
    case "publishing":
      return { kind: "retry", delaySeconds: Math.max(1, queueDelaySeconds(((row.leaseUntil ?? now) - now) / 1000) + 1) };
    case "queued":
      return { kind: "retry", delaySeconds: Math.max(1, queueDelaySeconds(((row.nextAttemptAt ?? now) - now) / 1000)) };
  }
}

/** What the client's attempt came to. */
export type AttemptResult =
  | { kind: "published"; publishedId: string; permalink: string | null }
  | { kind: "waiting"; delaySeconds: number; reason: string; restartsWait?: boolean }
  | { kind: "error"; errorClass: ErrorClass; message: string; platformMessage?: string; retryAfterSeconds?: number; maxFailures?: number };

export interface AttemptFacts {
  platform: PublishPlatform;
  contentKind: "reel" | "post";
  /** Failed attempts before this one (retryable and unknown-outcome rows of the attempt log). */
  failuresBefore: number;
  /** When the current run of `waiting` outcomes began; null when the last attempt was not one. */
  waitingSince: number | null;
  now: number;
  random?: () => number;
}

export type Decision =
  | { kind: "published"; publishedId: string; permalink: string | null }
  /** Back to `queued`: the message comes back after `delaySeconds` (the row says when: nextAttemptAt). */
  | {
      kind: "requeue";
      delaySeconds: number;
      nextAttemptAt: number;
      errorClass: ErrorClass | null;
      lastError: string | null;
      waitingSince: number | null;
    }
  | { kind: "failed"; errorClass: ErrorClass; lastError: string; reconnectReason: string | null };

export function decideAfterAttempt(result: AttemptResult, facts: AttemptFacts): Decision {
  const name = PLATFORM_NAMES[facts.platform];
  switch (result.kind) {
    case "published":
      return { kind: "published", publishedId: result.publishedId, permalink: result.permalink };
    case "waiting": {
      // A recreated container gets the whole wait, not what the first one left of it.
      const since = result.restartsWait ? facts.now : (facts.waitingSince ?? facts.now);
      if (facts.now - since >= MAX_WAITING_MS) {
        const what = facts.contentKind === "reel" ? "the video" : "the images";
        return { kind: "failed", errorClass: "permanent", lastError: `${name} never finished processing ${what}.`, reconnectReason: null };
      }
      const delaySeconds = queueDelaySeconds(Math.max(1, result.delaySeconds));
      return { kind: "requeue", delaySeconds, nextAttemptAt: facts.now + delaySeconds * 1000, errorClass: null, lastError: null, waitingSince: since };
    }
    case "error":
      return decideAfterError(result, facts, name);
  }
}

function decideAfterError(err: Extract<AttemptResult, { kind: "error" }>, facts: AttemptFacts, name: string): Decision {
  switch (err.errorClass) {
    case "reconnect": {
      const words = err.platformMessage?.trim() || err.message;
      return {
        kind: "failed",
        errorClass: "reconnect",
        lastError: `Reconnect your ${name} account: ${words}`,
        reconnectReason: words,
      };
    }
    case "permanent":
      return { kind: "failed", errorClass: "permanent", lastError: err.message, reconnectReason: null };
    case "retryable":
    case "unknown_outcome": {
      const failures = facts.failuresBefore + 1;
      if (failures >= Math.min(MAX_FAILED_ATTEMPTS, err.maxFailures ?? MAX_FAILED_ATTEMPTS)) {
        // An unknown outcome may have gone out: say so, rather than promise another try that will not come.
        const lastError =
          err.errorClass === "unknown_outcome"
            ? `Gave up after ${failures} attempts; the last one was interrupted, so it may already be on ${name}. Check ${name} before retrying.`
            : `Gave up after ${failures} attempts. ${err.message}`;
        return { kind: "failed", errorClass: err.errorClass, lastError, reconnectReason: null };
      }
      const seconds = retryDelaySeconds(failures, err.retryAfterSeconds, facts.random);
      return {
        kind: "requeue",
        // The queue holds a message 12 h at most; a longer wait (Instagram's 24 h window) re-arms on arrival from nextAttemptAt.
        delaySeconds: queueDelaySeconds(seconds),
        nextAttemptAt: facts.now + seconds * 1000,
        errorClass: err.errorClass,
        lastError: err.message,
        waitingSince: null,
      };
    }
  }
}

/** Whether the delivery's account still lets it publish (checked before any platform call). */
export type AccountCheck = { kind: "ok" } | { kind: "skipped"; reason: string } | { kind: "failed"; reason: string };

export function checkAccount(
  platform: PublishPlatform,
  account: { status: string; statusReason: string | null } | null,
  /** The publishing call may already have gone out (publish started, or an id saved). */
  mayHavePublished: boolean,
): AccountCheck {
  const name = PLATFORM_NAMES[platform];
  if (!account) {
    // Disconnected after dispatch (REGRESSIONS #15): nothing went out, so it is skipped, not failed.
    if (!mayHavePublished) return { kind: "skipped", reason: `No ${name} account is connected to this brand any more.` };
    // Only the account could tell whether the post went out: a person has to look.
    return { kind: "failed", reason: `The ${name} account was disconnected while this was being published, so it may already be on ${name}. Reconnect it and retry: the retry checks first.` };
  }
  if (account.status === "needs_reconnect") {
    const reason = `Reconnect your ${name} account: ${account.statusReason ?? "the platform refused its token."}`;
    // The publishing call may have gone out before the token was refused: without a token nobody can ask, so say so.
    return { kind: "failed", reason: mayHavePublished ? `${reason} It may already be on ${name}; the retry after reconnecting checks first.` : reason };
  }
  return { kind: "ok" };
}
