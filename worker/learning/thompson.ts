// Thompson sampling over a brand's arms (DESIGN.md §10, issue 15 item 7).
// Each arm's mean score (the log of its posts' performance relative to the
// brand's median) has a Gaussian posterior: prior N(0, PRIOR_VARIANCE), each
// post an observation with the brand's noise variance, weighted by recency.
// Ranking draws one sample per arm and sorts by it, so an arm is tried in
// proportion to the chance that it is the best; an arm with no posts draws
// from the prior and keeps being tried. On top of that, a share EXPLORATION
// of rankings is a uniform shuffle, so no arm is ever starved, even once the
// posteriors are sharp. Pure: randomness comes from a seeded source.
import { normal, shuffled } from "../lib/random";
import { armKey, type ArmKind, type ArmStats } from "./arms";

/** The prior's variance on an arm's mean log-ratio: arms are expected within about ×0.5–×2 of the median. */
export const PRIOR_VARIANCE = 0.25;
/** The share of rankings that ignore the evidence entirely. */
export const EXPLORATION = 0.05;

export interface Posterior {
  mean: number;
  variance: number;
}

/** The Gaussian posterior of an arm's mean score from its evidence. */
export function posterior(stats: ArmStats, kind: ArmKind, arm: string): Posterior {
  const e = stats[kind].get(armKey(arm));
  const noise = stats.noise[kind];
  const precision = 1 / PRIOR_VARIANCE + (e ? e.weight / noise : 0);
  return { mean: (e ? e.sum / noise : 0) / precision, variance: 1 / precision };
}

export interface SamplerOptions {
  /** Overrides EXPLORATION (tests). */
  exploration?: number;
}

/** Ranks arms for one brand from its statistics, drawing from `random` (a seeded PRNG). */
export class ArmSampler {
  private readonly exploration: number;
  constructor(
    private readonly stats: ArmStats,
    private readonly random: () => number,
    opts: SamplerOptions = {},
  ) {
    this.exploration = opts.exploration ?? EXPLORATION;
  }

  /** The candidates, best first by one Thompson draw each (or, with probability EXPLORATION, in a uniformly random order). */
  rank<T>(kind: ArmKind, candidates: readonly T[], keyOf: (c: T) => string): T[] {
    if (this.random() < this.exploration) return shuffled(candidates, this.random);
    const drawn = candidates.map((c, i) => {
      const p = posterior(this.stats, kind, keyOf(c));
      return { c, i, theta: p.mean + Math.sqrt(p.variance) * normal(this.random) };
    });
    drawn.sort((a, b) => b.theta - a.theta || a.i - b.i);
    return drawn.map((d) => d.c);
  }
}
