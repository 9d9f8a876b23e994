// The learning loop's vocabulary (DESIGN.md §10, issue 15 item 7). An arm is
// what a writer chose for a proposal: a topic (as the brand's titles name it)
// and a hook (a title template's id). Each proposal records its arm; each
// published post's performance, relative to its brand, is evidence for the
// arm it came from.

export type ArmKind = "topic" | "hook";

export interface Arm {
  topic: string;
  hook: string;
}

/** What the brand's posts say about one arm, recent posts weighing more. */
export interface ArmEvidence {
  /** Sum of the posts' weights (1 for a post of today, less for older ones). */
  weight: number;
  /** Weighted sum of the posts' scores (log of performance relative to the brand's median; 0 = median). */
  sum: number;
  /** Posts counted, unweighted. */
  posts: number;
}

export interface ArmStats {
  topic: ReadonlyMap<string, ArmEvidence>;
  hook: ReadonlyMap<string, ArmEvidence>;
  /** How much one post's score varies around its arm's mean, per kind; the sampler's noise. */
  noise: Record<ArmKind, number>;
  /** Posts the statistics were computed from (with an arm or not). */
  posts: number;
}

/** Before the first scored post: no arm has evidence, so sampling is uniform exploration. */
export const NO_EVIDENCE: ArmStats = { topic: new Map(), hook: new Map(), noise: { topic: 0.5, hook: 0.5 }, posts: 0 };

/** Arm keys compare as people read them: case and spacing do not make a new topic. */
export const armKey = (value: string) => value.trim().toLowerCase().replace(/\s+/g, " ");
