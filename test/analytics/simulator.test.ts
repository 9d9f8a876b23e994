// The sandbox's simulated metrics (issue 15 item 4): deterministic, shaped by
// the brand, the local weekday and hour, the content type and the topic, so
// there is something real to learn; growing with age and levelling off.
import { describe, expect, it } from "vitest";
import { growthAt, simulateFollowers, simulatePostMetrics, type SimulatedPostInput } from "../../worker/analytics/simulator";
import { METRIC_NAMES } from "../../worker/analytics/types";

const base: SimulatedPostInput = { brandId: "brd_sim", localWeekday: 3, localHour: 12, contentType: "reel", topic: "meal prep", ageHours: 24 * 28, followers: 10_000, seed: 1 };
/** Mean final views over many posts (seeds), so one post's luck does not decide. */
function meanViews(input: Partial<SimulatedPostInput>, n = 60): number {
  let sum = 0;
  for (let seed = 0; seed < n; seed++) sum += simulatePostMetrics({ ...base, ...input, seed }).views!;
  return sum / n;
}

describe("simulatePostMetrics", () => {
  it("is deterministic, and every metric is a whole number that adds up (reach ≤ views, likes ≤ reach)", () => {
    expect(simulatePostMetrics(base)).toEqual(simulatePostMetrics({ ...base }));
    for (let seed = 0; seed < 50; seed++) {
      const m = simulatePostMetrics({ ...base, seed });
      for (const name of METRIC_NAMES) expect(Number.isInteger(m[name]) && m[name]! >= 0, name).toBe(true);
      expect(m.reach!).toBeLessThanOrEqual(m.views!);
      expect(m.likes!).toBeLessThanOrEqual(m.reach!);
    }
  });

  it("starts at 0, grows with age and levels off", () => {
    expect(simulatePostMetrics({ ...base, ageHours: 0 }).views).toBe(0);
    let previous = -1;
    for (const age of [1, 2, 6, 12, 24, 72, 168, 336, 672]) {
      const v = simulatePostMetrics({ ...base, ageHours: age }).views!;
      expect(v).toBeGreaterThanOrEqual(previous);
      previous = v;
    }
    expect(growthAt(672, "reel") - growthAt(336, "reel")).toBeLessThan(1e-6);
    expect(growthAt(6, "reel")).toBeLessThan(0.5);
  });

  it("has hours clearly better than others, and weekdays, content types and topics that differ, per brand", () => {
    const byHour = Array.from({ length: 24 }, (_, h) => meanViews({ localHour: h }, 30));
    expect(Math.max(...byHour) / Math.min(...byHour)).toBeGreaterThan(2);
    const byDay = [1, 2, 3, 4, 5, 6, 7].map((d) => meanViews({ localWeekday: d }, 30));
    expect(Math.max(...byDay) / Math.min(...byDay)).toBeGreaterThan(1.1);
    const topics = ["meal prep", "sheet-pan dinners", "budget groceries", "five-minute breakfasts", "knife skills", "batch cooking"];
    const byTopic = topics.map((topic) => meanViews({ topic }, 30));
    expect(Math.max(...byTopic) / Math.min(...byTopic)).toBeGreaterThan(1.4);
    expect(meanViews({ topic: "Meal  Prep " })).toBe(meanViews({ topic: "meal prep" }));
    expect(meanViews({ contentType: "reel" })).not.toBe(meanViews({ contentType: "post" }));
  });

  it("brands differ: their best hours are not all the same", () => {
    const best = new Set<number>();
    for (let b = 0; b < 20; b++) {
      const brandId = `brd_${b}`;
      const byHour = Array.from({ length: 24 }, (_, h) => meanViews({ brandId, localHour: h }, 8));
      best.add(byHour.indexOf(Math.max(...byHour)));
    }
    expect(best.size).toBeGreaterThanOrEqual(5);
  });

  it("scales with followers", () => {
    expect(meanViews({ followers: 50_000 })).toBeGreaterThan(3 * meanViews({ followers: 10_000 }));
  });
});

describe("simulateFollowers", () => {
  it("grows over weeks, deterministically", () => {
    const at = Date.UTC(2026, 10, 1);
    expect(simulateFollowers({ brandId: "brd_sim", at })).toBe(simulateFollowers({ brandId: "brd_sim", at }));
    expect(simulateFollowers({ brandId: "brd_sim", at: at + 30 * 86_400_000 })).toBeGreaterThan(simulateFollowers({ brandId: "brd_sim", at }));
  });
});
