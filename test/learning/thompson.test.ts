// Thompson sampling over a brand's arms (issue 15 item 7): on a synthetic
// bandit it converges to the better arm, it never stops exploring, with no
// evidence it is uniform, and it is deterministic for a seed.
import { describe, expect, it } from "vitest";
import { NO_EVIDENCE } from "../../worker/learning/arms";
import { armStatsFrom, type ScoredPost } from "../../worker/learning/performance";
import { ArmSampler, EXPLORATION, posterior } from "../../worker/learning/thompson";
import { normal, rng } from "../../worker/lib/random";

const DAY = 86_400_000;
const ARMS = ["a", "b", "c", "d", "e", "f"];
/** True mean score (log of performance relative to the median) of each arm; "f" is best. */
const TRUTH: Record<string, number> = { a: -0.4, b: -0.2, c: -0.1, d: 0, e: 0.1, f: 0.35 };

/** Plays `rounds` rounds: each round ranks the arms from the evidence so far, plays the first, observes a noisy score. */
function play(seed: number, rounds: number, noise = 0.3) {
  const world = rng(seed ^ 0xabcdef);
  const sampler = (stats: ReturnType<typeof armStatsFrom>) => new ArmSampler(stats, rng(seed + posts.length));
  const posts: ScoredPost[] = [];
  const picks: string[] = [];
  const start = Date.UTC(2026, 0, 1);
  for (let i = 0; i < rounds; i++) {
    const now = start + i * DAY;
    const arm = sampler(armStatsFrom(posts, now)).rank("topic", ARMS, (x) => x)[0]!;
    picks.push(arm);
    posts.push({ postId: `p${i}`, publishedAt: now, score: TRUTH[arm]! + noise * normal(world), arm: { topic: arm } });
  }
  return picks;
}

const share = (picks: string[], arm: string) => picks.filter((p) => p === arm).length / picks.length;

describe("Thompson sampling on a synthetic bandit", () => {
  it("converges to the better arm", () => {
    for (const seed of [1, 2, 3]) {
      const picks = play(seed, 300);
      expect(share(picks.slice(-100), "f"), `seed ${seed}`).toBeGreaterThan(0.7);
      // Far better than uniform over the whole run, learning included.
      expect(share(picks, "f")).toBeGreaterThan(2 / ARMS.length);
    }
  });

  it("keeps exploring: every arm is still tried once the best is clear", () => {
    const picks = play(7, 600);
    const late = picks.slice(-300);
    for (const arm of ARMS.filter((a) => a !== "f")) expect(share(late, arm), arm).toBeGreaterThan(0);
    // Uniform exploration alone tries each arm in EXPLORATION / |arms| of rankings.
    const others = late.filter((p) => p !== "f").length / late.length;
    expect(others).toBeGreaterThanOrEqual((EXPLORATION * (ARMS.length - 1)) / ARMS.length / 2);
  });

  it("with no evidence ranks uniformly, and an arm without posts draws from the prior", () => {
    const counts = new Map<string, number>();
    const sampler = new ArmSampler(NO_EVIDENCE, rng(99));
    const n = 6000;
    for (let i = 0; i < n; i++) {
      const first = sampler.rank("topic", ARMS, (x) => x)[0]!;
      counts.set(first, (counts.get(first) ?? 0) + 1);
    }
    for (const arm of ARMS) expect(counts.get(arm)! / n, arm).toBeCloseTo(1 / ARMS.length, 1);
    expect(posterior(NO_EVIDENCE, "topic", "anything")).toEqual({ mean: 0, variance: 0.25 });
  });

  it("is deterministic for a seed, and differs across seeds", () => {
    expect(play(11, 120)).toEqual(play(11, 120));
    expect(play(12, 120)).not.toEqual(play(11, 120));
  });

  it("prefers the arm with the better evidence, weighing recent posts more", () => {
    const now = Date.UTC(2026, 6, 1);
    const posts: ScoredPost[] = [
      // "old" did well half a year ago, "new" did a little better last week.
      ...Array.from({ length: 10 }, (_, i) => ({ postId: `o${i}`, publishedAt: now - 180 * DAY, score: 0.5, arm: { topic: "old" } })),
      ...Array.from({ length: 10 }, (_, i) => ({ postId: `n${i}`, publishedAt: now - 7 * DAY, score: 0.3 + (i % 2) * 0.1, arm: { topic: "new" } })),
    ];
    const stats = armStatsFrom(posts, now);
    expect(stats.topic.get("old")!.weight).toBeCloseTo(2.5, 1);
    expect(stats.topic.get("new")!.weight).toBeGreaterThan(9);
    expect(posterior(stats, "topic", "new").variance).toBeLessThan(posterior(stats, "topic", "old").variance);
    // Arm keys ignore case and spacing: "New " is the same topic.
    expect(posterior(stats, "topic", " New ")).toEqual(posterior(stats, "topic", "new"));
  });
});
