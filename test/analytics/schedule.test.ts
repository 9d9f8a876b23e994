// The sampling schedule by age (DESIGN.md §10), pure: hourly for 6 h, every
// 3 h to 24 h, every 12 h to 72 h, daily to 7 days, weekly to 28 days, then
// stop; an unchanged reading doubles the interval; accounts daily.
import { describe, expect, it } from "vitest";
import { rng } from "../../worker/lib/random";
import {
  baseInterval,
  firstPostSampleAt,
  planNextAccountSample,
  planNextPostSample,
  postSamplingUntil,
  POST_SAMPLING_ENDS_AFTER_MS,
  readingKey,
} from "../../worker/analytics/schedule";
import { DAY, HOUR } from "../../worker/lib/time";

const T0 = Date.UTC(2026, 5, 1, 12);
const hoursOf = (times: number[]) => times.map((t) => (t - T0) / HOUR);
/** Readings that change every time, or never. */
const changing = () => {
  let n = 0;
  return () => ({ views: n++ });
};
const constant = () => ({ views: 5 });

describe("the interval by age", () => {
  it("steps at 6 h, 24 h, 72 h and 7 days", () => {
    const cases: Array<[number, number]> = [
      [0, HOUR],
      [6 * HOUR - 1, HOUR],
      [6 * HOUR, 3 * HOUR],
      [24 * HOUR - 1, 3 * HOUR],
      [24 * HOUR, 12 * HOUR],
      [72 * HOUR - 1, 12 * HOUR],
      [72 * HOUR, DAY],
      [7 * DAY - 1, DAY],
      [7 * DAY, 7 * DAY],
      [27 * DAY, 7 * DAY],
    ];
    for (const [age, interval] of cases) expect(baseInterval(age), `age ${age / HOUR} h`).toBe(interval);
  });

  it("a post whose numbers keep moving is read at exactly these ages, the last at 28 days", () => {
    const { readings, nextAt } = postSamplingUntil(T0, changing(), T0 + 40 * DAY);
    expect(hoursOf(readings.map((r) => r.at))).toEqual([
      1, 2, 3, 4, 5, 6, 9, 12, 15, 18, 21, 24, 36, 48, 60, 72, 96, 120, 144, 168, 336, 504, 672,
    ]);
    expect(nextAt).toBeNull();
  });

  it("unchanged readings double the interval each time, still ending at 28 days", () => {
    const { readings } = postSamplingUntil(T0, constant, T0 + 40 * DAY);
    // 1 h, then +1 h (first repeat ×2 of 1 h), +4 h, … clamped to the 28-day reading.
    expect(hoursOf(readings.map((r) => r.at))).toEqual([1, 2, 4, 8, 32, 224, 672]);
  });

  it("a change resets the backoff", () => {
    expect(planNextPostSample({ publishedAt: T0, capturedAt: T0 + 10 * HOUR, unchanged: true, backoff: 3 })).toEqual({ nextAt: T0 + 10 * HOUR + 3 * HOUR * 16, backoff: 4 });
    expect(planNextPostSample({ publishedAt: T0, capturedAt: T0 + 10 * HOUR, unchanged: false, backoff: 3 })).toEqual({ nextAt: T0 + 13 * HOUR, backoff: 0 });
  });

  it("a reading at or past 28 days is the last; a late one before it still ends at 28 days", () => {
    const end = T0 + POST_SAMPLING_ENDS_AFTER_MS;
    expect(planNextPostSample({ publishedAt: T0, capturedAt: end, unchanged: false, backoff: 0 }).nextAt).toBeNull();
    expect(planNextPostSample({ publishedAt: T0, capturedAt: end + 5 * DAY, unchanged: false, backoff: 0 }).nextAt).toBeNull();
    expect(planNextPostSample({ publishedAt: T0, capturedAt: end - HOUR, unchanged: false, backoff: 0 }).nextAt).toBe(end);
    expect(firstPostSampleAt(T0)).toBe(T0 + HOUR);
  });

  it("for any pattern of changed and unchanged readings: times rise, intervals never shrink below the age's, at most 23 readings, the last at 28 days", () => {
    const r = rng(20261203);
    for (let trial = 0; trial < 300; trial++) {
      const p = r();
      let v = 0;
      const { readings, nextAt } = postSamplingUntil(T0, () => ({ views: r() < p ? v : ++v }), T0 + 60 * DAY);
      const times = readings.map((x) => x.at);
      expect(nextAt).toBeNull();
      expect(times.length).toBeLessThanOrEqual(23);
      expect(times.at(-1)).toBe(T0 + POST_SAMPLING_ENDS_AFTER_MS);
      for (let i = 1; i < times.length; i++) {
        expect(times[i]!).toBeGreaterThan(times[i - 1]!);
        const wanted = Math.min(baseInterval(times[i - 1]! - T0), T0 + POST_SAMPLING_ENDS_AFTER_MS - times[i - 1]!);
        expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(wanted);
      }
    }
  });

  it("readings stop at `until`, with the state the sampler would hold", () => {
    const run = postSamplingUntil(T0, changing(), T0 + 7 * HOUR);
    expect(hoursOf(run.readings.map((r) => r.at))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(run.nextAt).toBe(T0 + 9 * HOUR);
    expect(run.backoff).toBe(0);
  });
});

describe("accounts and readings", () => {
  it("an account is read daily", () => {
    expect(planNextAccountSample(T0)).toBe(T0 + DAY);
  });

  it("two readings are the same only when every metric is: null differs from 0", () => {
    const a = { views: 1, reach: null, likes: 0, comments: 0, shares: 0, saves: 0 };
    expect(readingKey(a)).toBe(readingKey({ ...a }));
    expect(readingKey(a)).not.toBe(readingKey({ ...a, reach: 0 }));
    expect(readingKey({ followers: 10 })).not.toBe(readingKey({ followers: 11 }));
  });
});
