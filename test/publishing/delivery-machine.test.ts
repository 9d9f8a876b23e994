// The consumer's pure rules: backoff, what an unleased message does, and
// where a delivery goes after each kind of attempt.
import { describe, expect, it } from "vitest";
import { BASE_DELAY_SECONDS, MAX_BACKOFF_SECONDS, QUEUE_MAX_DELAY_SECONDS, queueDelaySeconds, retryDelaySeconds } from "../../worker/publishing/backoff";
import {
  actionWithoutLease,
  checkAccount,
  decideAfterAttempt,
  MAX_FAILED_ATTEMPTS,
  MAX_WAITING_MS,
  type AttemptFacts,
  type DeliveryStatus,
} from "../../worker/publishing/delivery-machine";

const low = () => 0;
const high = () => 0.999999;

describe("retryDelaySeconds", () => {
  it("grows exponentially from 30 s, with half of it jittered", () => {
    expect(retryDelaySeconds(1, undefined, low)).toBe(BASE_DELAY_SECONDS / 2);
    expect(retryDelaySeconds(1, undefined, high)).toBe(BASE_DELAY_SECONDS);
    expect(retryDelaySeconds(2, undefined, high)).toBe(60);
    expect(retryDelaySeconds(3, undefined, low)).toBe(60);
    expect(retryDelaySeconds(4, undefined, high)).toBe(240);
  });

  it("is capped at one hour however many failures", () => {
    for (const n of [8, 9, 20, 100, 10_000]) {
      expect(retryDelaySeconds(n, undefined, high)).toBe(MAX_BACKOFF_SECONDS);
      expect(retryDelaySeconds(n, undefined, low)).toBe(MAX_BACKOFF_SECONDS / 2);
    }
  });

  it("is never sooner than the platform asked, even beyond the cap", () => {
    expect(retryDelaySeconds(1, 600, high)).toBe(600);
    expect(retryDelaySeconds(1, 86_400, low)).toBe(86_400);
    expect(retryDelaySeconds(5, 10, high)).toBe(480);
    expect(retryDelaySeconds(1, 12.2, low)).toBe(15);
  });

  it("ignores nonsense Retry-After values", () => {
    for (const v of [Number.NaN, -5, 0, Number.POSITIVE_INFINITY]) expect(retryDelaySeconds(1, v, high)).toBe(30);
  });

  it("spreads retries: different random draws give different delays", () => {
    const seen = new Set(Array.from({ length: 20 }, (_, i) => retryDelaySeconds(3, undefined, () => i / 20)));
    expect(seen.size).toBeGreaterThan(10);
  });
});

describe("queueDelaySeconds", () => {
  it("keeps delays inside what Queues accept", () => {
    expect(queueDelaySeconds(-1)).toBe(0);
    expect(queueDelaySeconds(Number.NaN)).toBe(0);
    expect(queueDelaySeconds(1.2)).toBe(2);
    expect(queueDelaySeconds(86_400)).toBe(QUEUE_MAX_DELAY_SECONDS);
  });
});

describe("actionWithoutLease", () => {
  const now = 1_000_000;
  it("acks deliveries that are done or gone", () => {
    expect(actionWithoutLease(null, now).kind).toBe("ack");
    for (const status of ["published", "failed", "skipped", "missed", "pending"] as DeliveryStatus[]) {
      expect(actionWithoutLease({ status, leaseUntil: null, nextAttemptAt: null }, now).kind, status).toBe("ack");
    }
  });

  it("never acks while another consumer holds the lease: it comes back when the lease ends", () => {
    expect(actionWithoutLease({ status: "publishing", leaseUntil: now + 90_000, nextAttemptAt: null }, now)).toEqual({ kind: "retry", delaySeconds: 91 });
  });

  it("an early duplicate waits for the delivery's next attempt time", () => {
    expect(actionWithoutLease({ status: "queued", leaseUntil: null, nextAttemptAt: now + 120_000 }, now)).toEqual({ kind: "retry", delaySeconds: 120 });
    expect(actionWithoutLease({ status: "queued", leaseUntil: null, nextAttemptAt: now + 86_400_000 }, now)).toEqual({ kind: "retry", delaySeconds: QUEUE_MAX_DELAY_SECONDS });
  });
});

describe("decideAfterAttempt", () => {
  const facts = (over: Partial<AttemptFacts> = {}): AttemptFacts => ({
    platform: "instagram",
    contentKind: "reel",
    failuresBefore: 0,
    waitingSince: null,
    now: 5_000_000,
    random: high,
    ...over,
  });

  it("published records the ids", () => {
    expect(decideAfterAttempt({ kind: "published", publishedId: "1", permalink: "https://x" }, facts())).toEqual({ kind: "published", publishedId: "1", permalink: "https://x" });
  });

  it("waiting requeues without a failure and remembers when the wait began", () => {
    const d = decideAfterAttempt({ kind: "waiting", delaySeconds: 15, reason: "processing" }, facts());
    expect(d).toEqual({ kind: "requeue", delaySeconds: 15, nextAttemptAt: 5_015_000, errorClass: null, lastError: null, waitingSince: 5_000_000 });
    const later = decideAfterAttempt({ kind: "waiting", delaySeconds: 15, reason: "processing" }, facts({ waitingSince: 4_000_000 }));
    expect(later).toMatchObject({ kind: "requeue", waitingSince: 4_000_000 });
  });

  it("waiting ends: past the cap the delivery fails in words", () => {
    const d = decideAfterAttempt({ kind: "waiting", delaySeconds: 15, reason: "processing" }, facts({ waitingSince: 5_000_000 - MAX_WAITING_MS }));
    expect(d).toEqual({ kind: "failed", errorClass: "permanent", lastError: "Instagram never finished processing the video.", reconnectReason: null });
  });

  it("retryable and unknown outcomes requeue with backoff and keep the reason", () => {
    for (const errorClass of ["retryable", "unknown_outcome"] as const) {
      const d = decideAfterAttempt({ kind: "error", errorClass, message: "Instagram is busy." }, facts({ failuresBefore: 2 }));
      expect(d).toEqual({ kind: "requeue", delaySeconds: 120, nextAttemptAt: 5_120_000, errorClass, lastError: "Instagram is busy.", waitingSince: null });
    }
  });

  it("Retry-After beyond the queue's 12 h: the message is capped, the row keeps the true time", () => {
    const d = decideAfterAttempt({ kind: "error", errorClass: "retryable", message: "Daily limit.", retryAfterSeconds: 86_400 }, facts());
    expect(d).toMatchObject({ kind: "requeue", delaySeconds: QUEUE_MAX_DELAY_SECONDS, nextAttemptAt: 5_000_000 + 86_400_000 });
  });

  it("after the last attempt the delivery fails with the last reason", () => {
    const d = decideAfterAttempt({ kind: "error", errorClass: "retryable", message: "Instagram is busy." }, facts({ failuresBefore: MAX_FAILED_ATTEMPTS - 1 }));
    expect(d).toEqual({ kind: "failed", errorClass: "retryable", lastError: `Gave up after ${MAX_FAILED_ATTEMPTS} attempts. Instagram is busy.`, reconnectReason: null });
    expect(decideAfterAttempt({ kind: "error", errorClass: "retryable", message: "x" }, facts({ failuresBefore: MAX_FAILED_ATTEMPTS - 2 })).kind).toBe("requeue");
    // A class of error that passes only sometimes brings its own, lower limit (Facebook 6000 / 1363xxx).
    expect(decideAfterAttempt({ kind: "error", errorClass: "retryable", message: "x", maxFailures: 3 }, facts({ failuresBefore: 1 })).kind).toBe("requeue");
    expect(decideAfterAttempt({ kind: "error", errorClass: "retryable", message: "x", maxFailures: 3 }, facts({ failuresBefore: 2 }))).toMatchObject({ kind: "failed", lastError: "Gave up after 3 attempts. x" });
    expect(decideAfterAttempt({ kind: "error", errorClass: "unknown_outcome", message: "It will be checked and tried again." }, facts({ failuresBefore: MAX_FAILED_ATTEMPTS - 1 }))).toEqual({
      kind: "failed",
      errorClass: "unknown_outcome",
      lastError: `Gave up after ${MAX_FAILED_ATTEMPTS} attempts; the last one was interrupted, so it may already be on Instagram. Check Instagram before retrying.`,
      reconnectReason: null,
    });
  });

  it("reconnect fails at once and asks for a reconnect in the platform's words", () => {
    const d = decideAfterAttempt({ kind: "error", errorClass: "reconnect", message: "Token refused.", platformMessage: "Error validating access token: password changed" }, facts());
    expect(d).toEqual({
      kind: "failed",
      errorClass: "reconnect",
      lastError: "Reconnect your Instagram account: Error validating access token: password changed",
      reconnectReason: "Error validating access token: password changed",
    });
  });

  it("permanent fails at once with the message for people", () => {
    const d = decideAfterAttempt({ kind: "error", errorClass: "permanent", message: "YouTube rejected the title.", platformMessage: "invalidTitle" }, facts({ platform: "youtube" }));
    expect(d).toEqual({ kind: "failed", errorClass: "permanent", lastError: "YouTube rejected the title.", reconnectReason: null });
  });
});

describe("checkAccount", () => {
  it("a connected account publishes", () => {
    expect(checkAccount("facebook", { status: "connected", statusReason: null }, false)).toEqual({ kind: "ok" });
  });
  it("a disconnected account skips what never went out (REGRESSIONS #15)", () => {
    expect(checkAccount("youtube", null, false)).toEqual({ kind: "skipped", reason: "No YouTube account is connected to this brand any more." });
  });
  it("a disconnected account fails what may have gone out", () => {
    expect(checkAccount("youtube", null, true).kind).toBe("failed");
  });
  it("needs_reconnect after the publishing call started says the post may already be out", () => {
    expect(checkAccount("instagram", { status: "needs_reconnect", statusReason: "Password changed." }, true)).toEqual({
      kind: "failed",
      reason: "Reconnect your Instagram account: Password changed. It may already be on Instagram; the retry after reconnecting checks first.",
    });
    expect((checkAccount("facebook", null, true) as { reason: string }).reason).toMatch(/may already be on Facebook/);
  });
  it("needs_reconnect fails without calling the platform, saying why", () => {
    expect(checkAccount("instagram", { status: "needs_reconnect", statusReason: "Password changed." }, false)).toEqual({
      kind: "failed",
      reason: "Reconnect your Instagram account: Password changed.",
    });
  });
});
