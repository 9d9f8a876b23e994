// A brand's posts' performance as evidence for its arms (DESIGN.md §10):
// each published delivery's latest metric snapshot, normalised per brand so
// that a brand with 500 followers and one with 500,000 learn alike. A post
// scores the log of how it did relative to the brand's median: views per
// follower (views alone where followers are unknown) and engagement rate,
// each against the median of the brand's posts on the same platform, the
// two combined with reach counting double. Only snapshots count: nothing here
// knows how the numbers were made (the sandbox's simulator included). Pure.
import type { MetricColumns } from "../analytics/metrics";
import { DAY, HOUR } from "../lib/time";
import { armKey, NO_EVIDENCE, type Arm, type ArmEvidence, type ArmKind, type ArmStats } from "./arms";

/** A post younger than this at its latest reading is still growing: comparing it with older posts would be unfair. */
export const MIN_AGE_MS = 48 * HOUR;
/** Posts published before this are not read at all. */
export const WINDOW_MS = 180 * DAY;
/** A post of this age counts half as much as one of today: tastes move. */
export const HALF_LIFE_MS = 90 * DAY;
/** A platform's median needs at least this many posts; until then its posts are not scored. */
export const MIN_POSTS_FOR_MEDIAN = 3;
const REACH_WEIGHT = 2;
const ENGAGEMENT_WEIGHT = 1;
const MAX_ABS_SCORE = 3;
const DEFAULT_NOISE = NO_EVIDENCE.noise.topic;

/** One delivery's newest snapshot, with the arm of the proposal it came from (if any). */
export interface PostReading extends MetricColumns {
  deliveryId: string;
  /** The schedule: one post, published to one or more platforms. */
  postId: string;
  platform: string;
  accountId: string | null;
  publishedAt: number;
  capturedAt: number;
  arm: Partial<Arm> | null;
}

/** An account's follower count at a time (an account snapshot). */
export interface FollowerReading {
  platform: string;
  accountId: string | null;
  capturedAt: number;
  followers: number;
}

export interface ScoredPost {
  postId: string;
  publishedAt: number;
  /** log(performance / brand median): 0 is the median, +0.69 twice it. */
  score: number;
  arm: Partial<Arm> | null;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** log(value / median), smoothed so a zero never becomes -Infinity, and bounded. */
function logRatio(value: number, med: number): number {
  const eps = Math.max(med * 0.05, 1e-9);
  return Math.max(-MAX_ABS_SCORE, Math.min(MAX_ABS_SCORE, Math.log((value + eps) / (med + eps))));
}

/** An account's (or, without one, a platform's) follower readings, oldest first. */
type FollowerSeries = Map<string, FollowerReading[]>;
const seriesKey = (accountId: string | null, platform: string) => (accountId ? `a:${accountId}` : `p:${platform}`);

function followerSeries(readings: readonly FollowerReading[]): FollowerSeries {
  const series: FollowerSeries = new Map();
  for (const f of readings) {
    for (const key of f.accountId ? [seriesKey(f.accountId, f.platform), seriesKey(null, f.platform)] : [seriesKey(null, f.platform)]) {
      const list = series.get(key);
      if (list) list.push(f);
      else series.set(key, [f]);
    }
  }
  for (const list of series.values()) list.sort((a, b) => a.capturedAt - b.capturedAt);
  return series;
}

/** The account's follower count when the post went out: the latest reading before it, else the first after. */
function followersAt(series: FollowerSeries, post: PostReading): number | null {
  const list = (post.accountId && series.get(seriesKey(post.accountId, post.platform))) || series.get(seriesKey(null, post.platform));
  if (!list?.length) return null;
  let lo = 0;
  let hi = list.length; // first reading after publishing
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.capturedAt <= post.publishedAt) lo = mid + 1;
    else hi = mid;
  }
  const n = (list[lo - 1] ?? list[lo])!.followers;
  return n > 0 ? n : null;
}

function engagementRate(r: PostReading): number | null {
  const parts = [r.likes, r.comments, r.shares, r.saves].filter((v): v is number => v != null);
  const base = r.reach ?? r.views;
  if (!parts.length || !base) return null;
  return parts.reduce((a, b) => a + b, 0) / base;
}

/**
 * Each post's score relative to its brand: `readings` are one brand's
 * deliveries (their newest snapshot each), `followers` its accounts' readings.
 */
export function scorePosts(readings: readonly PostReading[], followers: readonly FollowerReading[]): ScoredPost[] {
  // The newest reading per delivery, of posts old enough to compare.
  const latest = new Map<string, PostReading>();
  for (const r of readings) {
    const seen = latest.get(r.deliveryId);
    if (!seen || r.capturedAt > seen.capturedAt) latest.set(r.deliveryId, r);
  }
  const mature = [...latest.values()].filter((r) => r.capturedAt - r.publishedAt >= MIN_AGE_MS);
  const series = followerSeries(followers);

  // Per delivery: its reach figure (views per follower, or views) and its engagement rate, grouped per platform for medians.
  const measured = mature.map((r) => {
    const f = r.views == null ? null : followersAt(series, r);
    const reach = r.views == null ? null : f ? { group: `${r.platform}:vpf`, value: r.views / f } : { group: `${r.platform}:views`, value: r.views };
    const er = engagementRate(r);
    return { r, reach, er: er == null ? null : { group: r.platform, value: er } };
  });
  const groups = new Map<string, number[]>();
  const push = (key: string, value: number) => {
    const list = groups.get(key);
    if (list) list.push(value);
    else groups.set(key, [value]);
  };
  for (const m of measured) {
    if (m.reach) push(`reach:${m.reach.group}`, m.reach.value);
    if (m.er) push(`er:${m.er.group}`, m.er.value);
  }
  const medians = new Map<string, number>();
  for (const [k, values] of groups) if (values.length >= MIN_POSTS_FOR_MEDIAN) medians.set(k, median(values));

  // A delivery's score; a post's is the mean of its deliveries' (one post, several platforms).
  const byPost = new Map<string, { r: PostReading; scores: number[] }>();
  for (const m of measured) {
    let total = 0;
    let weight = 0;
    const reachMed = m.reach ? medians.get(`reach:${m.reach.group}`) : undefined;
    if (m.reach && reachMed !== undefined) (total += REACH_WEIGHT * logRatio(m.reach.value, reachMed)), (weight += REACH_WEIGHT);
    const erMed = m.er ? medians.get(`er:${m.er.group}`) : undefined;
    if (m.er && erMed !== undefined) (total += ENGAGEMENT_WEIGHT * logRatio(m.er.value, erMed)), (weight += ENGAGEMENT_WEIGHT);
    if (!weight) continue;
    const post = byPost.get(m.r.postId);
    if (post) post.scores.push(total / weight);
    else byPost.set(m.r.postId, { r: m.r, scores: [total / weight] });
  }
  return [...byPost.values()].map(({ r, scores }) => ({
    postId: r.postId,
    publishedAt: r.publishedAt,
    score: scores.reduce((a, b) => a + b, 0) / scores.length,
    arm: r.arm,
  }));
}

/** Recency weight: 1 today, ½ after HALF_LIFE_MS. */
export const recencyWeight = (publishedAt: number, now: number) => Math.pow(0.5, Math.max(0, now - publishedAt) / HALF_LIFE_MS);

/** Evidence per topic and per hook, and each kind's noise (the pooled spread of scores within arms). */
export function armStatsFrom(posts: readonly ScoredPost[], now: number): ArmStats {
  const evidence = (kind: ArmKind) => {
    const map = new Map<string, ArmEvidence & { squares: number }>();
    for (const p of posts) {
      const value = p.arm?.[kind];
      if (!value) continue;
      const w = recencyWeight(p.publishedAt, now);
      const key = armKey(value);
      let e = map.get(key);
      if (!e) map.set(key, (e = { weight: 0, sum: 0, posts: 0, squares: 0 }));
      e.weight += w;
      e.sum += w * p.score;
      e.squares += w * p.score * p.score;
      e.posts++;
    }
    // Pooled within-arm variance: Σ w(x − mean)² over Σ W(1 − 1/n), arms with one post adding nothing to either.
    let spread = 0;
    let dof = 0;
    for (const e of map.values()) {
      if (e.posts < 2) continue;
      spread += e.squares - (e.sum * e.sum) / e.weight;
      dof += e.weight * (1 - 1 / e.posts);
    }
    const noise = dof >= 4 ? Math.min(2, Math.max(0.05, spread / dof)) : DEFAULT_NOISE;
    const out = new Map<string, ArmEvidence>();
    for (const [k, { weight, sum, posts: n }] of map) out.set(k, { weight, sum, posts: n });
    return { map: out, noise };
  };
  const topic = evidence("topic");
  const hook = evidence("hook");
  return { topic: topic.map, hook: hook.map, noise: { topic: topic.noise, hook: hook.noise }, posts: posts.length };
}
