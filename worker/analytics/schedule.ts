// When the sampler reads a post or an account again (DESIGN.md §10). Pure: no
// I/O, no clock. A post is read by its age: hourly for its first 6 hours,
// every 3 hours to 24 h, every 12 hours to 72 h, daily to 7 days, weekly to
// 28 days, then never again; a reading equal to the one before doubles the
// interval (numbers that stopped moving need not be asked for as often).
// Accounts (followers) are read daily.
import { DAY, HOUR } from "../lib/time";
import { METRIC_NAMES, type MetricValues } from "./types";

/** A post's last reading is at 28 days: the lifetime figure analytics shows. */
export const POST_SAMPLING_ENDS_AFTER_MS = 28 * DAY;
/** The first reading, an hour after publishing (PLATFORMS.md §8: numbers need time to arrive). */
export const FIRST_POST_SAMPLE_AFTER_MS = HOUR;
export const ACCOUNT_SAMPLE_EVERY_MS = DAY;
/** Doublings beyond this change nothing: 2^6 hours already reach past 72 h. */
const MAX_BACKOFF = 10;

/** The interval for a post of this age, before backoff. */
export function baseInterval(ageMs: number): number {
  if (ageMs < 6 * HOUR) return HOUR;
  if (ageMs < 24 * HOUR) return 3 * HOUR;
  if (ageMs < 72 * HOUR) return 12 * HOUR;
  if (ageMs < 7 * DAY) return DAY;
  return 7 * DAY;
}

export interface PostSamplePlan {
  /** When to read it next; null: this was its last reading. */
  nextAt: number | null;
  backoff: number;
}

/**
 * After a reading taken at `capturedAt`: when the next one is due. The final
 * reading is at exactly 28 days of age, so every post ends with its
 * 28-day figure however the intervals fell.
 */
export function planNextPostSample(input: { publishedAt: number; capturedAt: number; unchanged: boolean; backoff: number }): PostSamplePlan {
  const end = input.publishedAt + POST_SAMPLING_ENDS_AFTER_MS;
  const backoff = input.unchanged ? Math.min(input.backoff + 1, MAX_BACKOFF) : 0;
  if (input.capturedAt >= end) return { nextAt: null, backoff };
  const age = Math.max(0, input.capturedAt - input.publishedAt);
  const next = input.capturedAt + baseInterval(age) * 2 ** backoff;
  return { nextAt: Math.min(next, end), backoff };
}

/** A newly published post's first reading. */
export function firstPostSampleAt(publishedAt: number): number {
  return publishedAt + FIRST_POST_SAMPLE_AFTER_MS;
}

export function planNextAccountSample(capturedAt: number): number {
  return capturedAt + ACCOUNT_SAMPLE_EVERY_MS;
}

/** A reading as a comparable string: equal strings are an unchanged reading. */
export function readingKey(values: Partial<MetricValues> & { followers?: number | null }): string {
  return [...METRIC_NAMES.map((m) => values[m] ?? null), values.followers ?? null].map((v) => (v === null ? "-" : String(v))).join(",");
}

/**
 * The readings of one post from its first to `until`, with the state the
 * sampler would hold after them (its next due time and backoff): the
 * schedule run on a perfect clock against `read`. The demo history lays out
 * what the sampler would have stored with it.
 */
export function postSamplingUntil<T extends Partial<MetricValues>>(
  publishedAt: number,
  read: (at: number) => T,
  until: number,
): { readings: Array<{ at: number; values: T }>; nextAt: number | null; backoff: number } {
  const readings: Array<{ at: number; values: T }> = [];
  let at: number | null = firstPostSampleAt(publishedAt);
  let backoff = 0;
  let previous: string | null = null;
  while (at !== null && at <= until) {
    const values = read(at);
    const key = readingKey(values);
    const plan = planNextPostSample({ publishedAt, capturedAt: at, unchanged: previous === key, backoff });
    readings.push({ at, values });
    previous = key;
    backoff = plan.backoff;
    at = plan.nextAt;
  }
  return { readings, nextAt: at, backoff };
}
