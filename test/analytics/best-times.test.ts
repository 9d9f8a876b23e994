// Best times (API.md "best-times"), pure: cells relative to the brand's
// median, null with too few posts; suggestions only from enough posts, with a
// confidence that grows with the evidence, never onto a taken minute.
import { describe, expect, it } from "vitest";
import { computeBestTimes, confidenceBetter, MIN_CELL_POSTS, MIN_SUGGESTION_POSTS, normalCdf, type PerformancePost } from "../../worker/analytics/best-times";
import { DEFAULT_SLOTS } from "../../worker/scheduling/slot-grid";
import { DAY, HOUR } from "../../worker/lib/time";
import { rng } from "../../worker/lib/random";

// Mondays in January 2026: Lisbon is UTC+0, so local hour = UTC hour.
const MONDAY = Date.UTC(2026, 0, 5);
let seq = 0;
/** `n` reels at local `hour` over consecutive days, each with about `views` views per 1,000 followers. */
function reels(hour: number, n: number, views: number, opts: { noise?: number; kind?: "reel" | "post"; platform?: string } = {}): PerformancePost[] {
  const r = rng(hour * 1000 + n);
  return Array.from({ length: n }, (_, i) => {
    const v = Math.round(100 * views * (1 + (opts.noise ?? 0.1) * (r() - 0.5)));
    return {
      scheduleId: `s${seq++}`,
      kind: opts.kind ?? "reel",
      platform: opts.platform ?? "instagram",
      publishedAt: MONDAY + i * DAY + hour * HOUR,
      values: { views: v, reach: Math.round(v * 0.8), likes: Math.round(v * 0.05), comments: Math.round(v * 0.02), shares: Math.round(v * 0.02), saves: Math.round(v * 0.02) },
      followers: 100_000,
    };
  });
}
const input = (posts: PerformancePost[], scheduleOffset = 0) => ({ posts, timezone: "Europe/Lisbon", slots: DEFAULT_SLOTS, scheduleOffset });

describe("cells", () => {
  it("every weekday × hour, in the brand's zone; a score only with enough posts, relative to the brand's median", () => {
    const posts = [...reels(3, 14, 20), ...reels(21, 14, 100), ...reels(11, 14, 50)];
    const { cells } = computeBestTimes(input(posts));
    expect(cells).toHaveLength(7 * 24);
    expect(new Set(cells.map((c) => `${c.weekday}:${c.hour}`)).size).toBe(168);
    const cell = (weekday: number, hour: number) => cells.find((c) => c.weekday === weekday && c.hour === hour)!;
    // Two weeks of daily posts: two per weekday and hour, fewer than MIN_CELL_POSTS.
    expect(cell(1, 21)).toMatchObject({ posts: 2, score: null });
    expect(MIN_CELL_POSTS).toBeGreaterThan(2);
    const more = computeBestTimes(input([...posts, ...reels(21, 21, 100), ...reels(3, 21, 20)])).cells;
    const good = more.find((c) => c.weekday === 1 && c.hour === 21)!;
    const bad = more.find((c) => c.weekday === 1 && c.hour === 3)!;
    expect(good.posts).toBe(5);
    // Twice the median's views at the same engagement rate: the geometric mean of 2 and 1.
    expect(good.score!).toBeCloseTo(Math.SQRT2, 1);
    expect(bad.score!).toBeCloseTo(Math.sqrt(0.4), 1);
  });

  it("a brand in another zone: cells are its local weekday and hour", () => {
    // 2026-01-05 03:00Z is Sunday 19:00 in Los Angeles (UTC−8).
    const posts = reels(3, 1, 50);
    const { cells } = computeBestTimes({ ...input(posts), timezone: "America/Los_Angeles" });
    expect(cells.find((c) => c.posts === 1)).toMatchObject({ weekday: 7, hour: 19 });
  });

  it("no posts, or posts without readings: no scores, no suggestions", () => {
    const unread = reels(21, 10, 100).map((p) => ({ ...p, values: { views: null, reach: null, likes: null, comments: null, shares: null, saves: null } }));
    for (const posts of [[], unread]) {
      const result = computeBestTimes(input(posts));
      expect(result.cells.every((c) => c.score === null)).toBe(true);
      expect(result.suggestions).toEqual([]);
    }
  });
});

describe("suggestions", () => {
  it("moves the slot whose posts did worst to the hour whose posts did best, with a confidence and a reason in words", () => {
    const posts = [...reels(3, 8, 20), ...reels(21, 8, 100), ...reels(11, 8, 60), ...reels(15, 8, 60)];
    const { suggestions } = computeBestTimes(input(posts));
    expect(suggestions).toHaveLength(1);
    const [s] = suggestions;
    expect(s).toMatchObject({ kind: "reel", from: "03:00", to: "21:00" });
    expect(s!.confidence).toBeGreaterThanOrEqual(0.8);
    expect(s!.confidence).toBeLessThanOrEqual(0.99);
    expect(s!.reason).toMatch(/Reels published around 21:00 \(Europe\/Lisbon\) did [\d.]+× the brand's median over 8 posts; the 03:00 slot did [\d.]+× over 8 posts\./);
  });

  it("only from enough posts on both sides", () => {
    const few = MIN_SUGGESTION_POSTS - 1;
    expect(computeBestTimes(input([...reels(3, few, 20), ...reels(21, 8, 100)])).suggestions).toEqual([]);
    expect(computeBestTimes(input([...reels(3, 8, 20), ...reels(21, few, 100)])).suggestions).toEqual([]);
  });

  it("not for a small or uncertain difference", () => {
    expect(computeBestTimes(input([...reels(3, 8, 95), ...reels(21, 8, 100)])).suggestions).toEqual([]);
    // A large but noisy difference from few posts is not certain enough.
    expect(computeBestTimes(input([...reels(3, 5, 60, { noise: 1.9 }), ...reels(21, 5, 80, { noise: 1.9 })])).suggestions).toEqual([]);
  });

  it("never onto a minute the brand already publishes at; times are the brand's slots as configured (before the offset)", () => {
    // Posts publish at 08:00 and 14:00: a reel slot (minute :00) cannot move to 08:00 even if reels did best there.
    const blocked = computeBestTimes(input([...reels(3, 8, 20), ...reels(8, 8, 150), ...reels(21, 8, 100)])).suggestions;
    expect(blocked.map((s) => s.to)).toEqual(["21:00"]);
    // Offset +1: the "03:00" slot publishes at 04:00; the move to 21:00 local is written as 20:00.
    const shifted = computeBestTimes(input([...reels(4, 8, 20), ...reels(21, 8, 100)], 1)).suggestions;
    expect(shifted).toEqual([expect.objectContaining({ kind: "reel", from: "03:00", to: "20:00" })]);
  });

  it("posts and reels are compared separately", () => {
    const posts = [...reels(8, 8, 20, { kind: "post" }), ...reels(18, 8, 100, { kind: "post" }), ...reels(21, 8, 20)];
    const { suggestions } = computeBestTimes(input(posts));
    expect(suggestions).toEqual([expect.objectContaining({ kind: "post", from: "08:00", to: "18:00" })]);
  });
});

describe("confidence", () => {
  it("grows with the number of posts and with the difference, and is Φ of Welch's statistic", () => {
    const a = (n: number, mean: number) => ({ n, mean, variance: 0.09 });
    expect(confidenceBetter(a(5, 0), a(5, 0.3))).toBeLessThan(confidenceBetter(a(20, 0), a(20, 0.3)));
    expect(confidenceBetter(a(10, 0), a(10, 0.1))).toBeLessThan(confidenceBetter(a(10, 0), a(10, 0.5)));
    expect(confidenceBetter(a(10, 0), a(10, 0))).toBeCloseTo(0.5, 6);
    expect(confidenceBetter(a(9, 0), a(9, 0.2))).toBeCloseTo(normalCdf(0.2 / Math.sqrt(0.09 / 9 + 0.09 / 9)), 9);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 3);
    expect(normalCdf(-1.96)).toBeCloseTo(0.025, 3);
  });
});
