// How long a delivery waits before its next attempt after a retryable
// failure (issue 7): exponential from 30 s, capped at 1 h, with jitter so
// that a platform outage does not bring every retry back in the same second,
// and never sooner than the platform asked (Retry-After, the Graph usage
// headers' estimated_time_to_regain_access, Instagram's rolling 24 h window).

export const BASE_DELAY_SECONDS = 30;
export const MAX_BACKOFF_SECONDS = 60 * 60;
/** Cloudflare Queues refuse longer delays (CLOUDFLARE.md §3); a longer wait is re-armed on arrival. */
export const QUEUE_MAX_DELAY_SECONDS = 12 * 60 * 60;

/**
 * Seconds until the next attempt after the `failures`-th failure (1 for the
 * first). "Equal jitter": half the exponential delay is fixed, the other half
 * random, so the delay still grows with every failure. `random` returns [0, 1).
 */
export function retryDelaySeconds(failures: number, retryAfterSeconds: number | undefined, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(failures - 1, 30));
  const ceiling = Math.min(BASE_DELAY_SECONDS * 2 ** exponent, MAX_BACKOFF_SECONDS);
  const jittered = ceiling / 2 + (ceiling / 2) * Math.min(Math.max(random(), 0), 1);
  const asked = retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0 ? retryAfterSeconds : 0;
  return Math.ceil(Math.max(jittered, asked));
}

/** A delay the queue accepts: whole seconds in [0, 12 h]. */
export function queueDelaySeconds(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0) return 0;
  return Math.min(Math.ceil(seconds), QUEUE_MAX_DELAY_SECONDS);
}
