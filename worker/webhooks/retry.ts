// What happens after an attempt to deliver an event to an endpoint, without
// I/O (API.md: any 2xx within 10 s is success; otherwise retries with backoff,
// the first within 30 s, then growing for about 24 h; an endpoint failing for
// 3 days in a row is disabled).
import { DAY } from "../lib/time";

/** Waits after attempt 1, 2, …: 10 s, 1 min, 5 min, 30 min, 2 h, 5 h, 8 h, 8 h (23.6 h in all, before jitter). */
export const RETRY_DELAYS_S = [10, 60, 300, 1_800, 7_200, 18_000, 28_800, 28_800] as const;
/** The first attempt and one per delay. */
export const MAX_ATTEMPTS = RETRY_DELAYS_S.length + 1;
export const REQUEST_TIMEOUT_MS = 10_000;
/** An endpoint that has not succeeded for this long while failing is switched off. */
export const DISABLE_AFTER_MS = 3 * DAY;

export interface AttemptFacts {
  ok: boolean;
  /** 1 for the first attempt. */
  attempt: number;
  /** A ping (the test button) is tried once: a person is watching for its answer. */
  ping: boolean;
  /** The endpoint's first failure since its last success, before this attempt. */
  failingSince: number | null;
  now: number;
  /** Jitter source, [0, 1). */
  random?: () => number;
}

export type AttemptDecision =
  | { kind: "delivered" }
  | { kind: "retry"; delaySeconds: number; nextAttemptAt: number }
  | { kind: "gave_up"; disable: boolean };

export function decideAfterWebhookAttempt(f: AttemptFacts): AttemptDecision {
  if (f.ok) return { kind: "delivered" };
  const disable = f.now - (f.failingSince ?? f.now) >= DISABLE_AFTER_MS;
  // A switched-off endpoint gets no more tries of this event either.
  if (f.ping || disable || f.attempt >= MAX_ATTEMPTS) return { kind: "gave_up", disable };
  // ±10% so that endpoints that failed together do not all come back at the same second.
  const base = RETRY_DELAYS_S[f.attempt - 1]!;
  const delaySeconds = Math.max(1, Math.round(base * (0.9 + 0.2 * (f.random ?? Math.random)())));
  return { kind: "retry", delaySeconds, nextAttemptAt: f.now + delaySeconds * 1000 };
}

/** The reason an endpoint shows once it has been switched off. */
export function disabledReason(failingSince: number, now: number): string {
  const days = Math.floor((now - failingSince) / DAY);
  return `Every delivery failed for ${days} days in a row, so the endpoint was switched off. Fix it, send a test, then enable it again.`;
}
