// Best times to publish, per brand (DESIGN.md §10, API.md "best-times"). Pure:
// the posts and their latest readings in, the heatmap and the suggestions out.
//
// How a post is scored: on each platform, its views per follower (views alone
// where the platform reports no followers) and its engagement rate, each
// divided by that platform's median for the brand, combined as a geometric
// mean; an item that went to several platforms scores the geometric mean of
// its deliveries. A cell (local weekday × hour) scores the median of its items
// over the brand's median: 1.0 is an ordinary slot, 2.0 twice as good.
//
// Suggestions compare hours of the day for one content type, since slots
// repeat daily: the slot whose posts did worst is matched with the hour whose
// posts did best and that no slot uses yet. Confidence is how likely posts at
// the new hour really do better, from the two samples: Welch's comparison of
// their mean log-scores under a normal approximation, Φ(Δ / √(s₁²/n₁ + s₂²/n₂)).
// Only hours with MIN_SUGGESTION_POSTS posts or more take part.
import type { SlotConfig } from "../scheduling/slot-grid";
import { parseHHMM } from "../scheduling/zoned-time";
import { localSlot } from "./local-time";
import { engagementRate } from "./metrics";
import type { MetricValues } from "./types";

/** A cell with fewer posts than this has no score: one lucky post is not a pattern. */
export const MIN_CELL_POSTS = 3;
/** An hour takes part in a suggestion only with this many posts of the kind. */
export const MIN_SUGGESTION_POSTS = 5;
/** Not worth moving a slot for less than this (posts at the new hour do 15% better). */
const MIN_GAIN = 1.15;
const MIN_CONFIDENCE = 0.8;
const MAX_SUGGESTIONS_PER_KIND = 3;

export interface PerformancePost {
  /** Deliveries of one item share it: the item is scored once. */
  scheduleId: string;
  kind: "reel" | "post";
  platform: string;
  publishedAt: number;
  values: MetricValues;
  /** The account's followers when the post went out; null when unknown. */
  followers: number | null;
}

export interface BestTimeCell {
  weekday: number;
  hour: number;
  posts: number;
  score: number | null;
}

export interface Suggestion {
  kind: "reel" | "post";
  from: string;
  to: string;
  reason: string;
  confidence: number;
}

export interface BestTimesInput {
  posts: PerformancePost[];
  timezone: string;
  slots: SlotConfig;
  scheduleOffset: number;
}

export function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 for erf; error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** A floor for scores: a post with no views is very bad, not infinitely bad (log 0). */
const SCORE_FLOOR = 0.01;

/** An item (a schedule, whichever platforms it went to) and how it did: 1.0 is the brand's ordinary post. */
export interface ItemScore {
  scheduleId: string;
  kind: "reel" | "post";
  /** When its first delivery was published. */
  at: number;
  score: number;
}

/** Each item's score relative to the brand's posts on the same platforms (1.0 = an ordinary post). */
export function scoreItems(posts: PerformancePost[]): ItemScore[] {
  const byPlatform = new Map<string, PerformancePost[]>();
  for (const p of posts) byPlatform.set(p.platform, [...(byPlatform.get(p.platform) ?? []), p]);
  const deliveryScores = new Map<string, { scheduleId: string; kind: "reel" | "post"; at: number; logs: number[] }>();
  for (const list of byPlatform.values()) {
    const perFollower = list.some((p) => p.followers && p.values.views !== null);
    const reachOf = (p: PerformancePost) => (perFollower ? (p.followers && p.values.views !== null ? p.values.views / p.followers : null) : p.values.views);
    const medReach = median(list.map(reachOf).filter((v): v is number => v !== null && v > 0));
    const medEngagement = median(list.map((p) => engagementRate(p.values)).filter((v): v is number => v !== null && v > 0));
    for (const p of list) {
      const reach = reachOf(p);
      if (reach === null || !medReach) continue;
      const relReach = Math.max(reach / medReach, SCORE_FLOOR);
      const er = engagementRate(p.values);
      const relEngagement = er !== null && medEngagement ? Math.max(er / medEngagement, SCORE_FLOOR) : null;
      const log = relEngagement === null ? Math.log(relReach) : (Math.log(relReach) + Math.log(relEngagement)) / 2;
      const item = deliveryScores.get(p.scheduleId) ?? { scheduleId: p.scheduleId, kind: p.kind, at: p.publishedAt, logs: [] };
      item.at = Math.min(item.at, p.publishedAt);
      item.logs.push(log);
      deliveryScores.set(p.scheduleId, item);
    }
  }
  return [...deliveryScores.values()].map((i) => ({ scheduleId: i.scheduleId, kind: i.kind, at: i.at, score: Math.exp(i.logs.reduce((a, b) => a + b, 0) / i.logs.length) }));
}

export function bestTimeCells(items: ItemScore[], timezone: string): BestTimeCell[] {
  const brandMedian = median(items.map((i) => i.score));
  const grid = new Map<string, number[]>();
  for (const i of items) {
    const l = localSlot(i.at, timezone);
    const key = `${l.weekday}:${l.hour}`;
    grid.set(key, [...(grid.get(key) ?? []), i.score]);
  }
  const cells: BestTimeCell[] = [];
  for (let weekday = 1; weekday <= 7; weekday++) {
    for (let hour = 0; hour < 24; hour++) {
      const scores = grid.get(`${weekday}:${hour}`) ?? [];
      const cellMedian = scores.length >= MIN_CELL_POSTS && brandMedian ? median(scores) : null;
      cells.push({ weekday, hour, posts: scores.length, score: cellMedian === null ? null : round(cellMedian / brandMedian!, 2) });
    }
  }
  return cells;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const pad = (n: number) => String(n).padStart(2, "0");
const wrapHour = (h: number) => ((h % 24) + 24) % 24;

interface HourStats {
  hour: number;
  n: number;
  mean: number;
  variance: number;
}

function hourStats(items: ItemScore[], timezone: string, brandMedian: number): Map<number, HourStats> {
  const byHour = new Map<number, number[]>();
  for (const i of items) {
    const hour = localSlot(i.at, timezone).hour;
    byHour.set(hour, [...(byHour.get(hour) ?? []), Math.log(i.score / brandMedian)]);
  }
  const out = new Map<number, HourStats>();
  for (const [hour, logs] of byHour) {
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    const variance = logs.length > 1 ? logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (logs.length - 1) : 0;
    out.set(hour, { hour, n: logs.length, mean, variance });
  }
  return out;
}

/** Welch's comparison of two hours' mean log-scores: how likely `to` is really better than `from`. */
export function confidenceBetter(from: { n: number; mean: number; variance: number }, to: { n: number; mean: number; variance: number }): number {
  // A floor on the spread: a handful of near-identical posts must not read as certainty.
  const se = Math.sqrt(Math.max(from.variance, 0.01) / from.n + Math.max(to.variance, 0.01) / to.n);
  return normalCdf((to.mean - from.mean) / se);
}

export function suggestSlotMoves(items: ItemScore[], input: Omit<BestTimesInput, "posts">): Suggestion[] {
  const brandMedian = median(items.map((i) => i.score));
  if (!brandMedian) return [];
  const shift = (time: string, by: number) => {
    const { hour, minute } = parseHHMM(time);
    return { hour: wrapHour(hour + by), minute };
  };
  // Every minute the brand publishes at today (a brand publishes one item per minute): a move must land on a free one.
  const taken = new Set(
    [...input.slots.reel.map((r) => r.time), ...input.slots.post].map((t) => {
      const s = shift(t, input.scheduleOffset);
      return `${pad(s.hour)}:${pad(s.minute)}`;
    }),
  );
  const out: Suggestion[] = [];
  for (const kind of ["reel", "post"] as const) {
    const stats = hourStats(
      items.filter((i) => i.kind === kind),
      input.timezone,
      brandMedian,
    );
    const slotTimes = kind === "reel" ? input.slots.reel.map((r) => r.time) : input.slots.post;
    const slotHours = new Set(slotTimes.map((t) => shift(t, input.scheduleOffset).hour));
    const from = slotTimes
      .map((base) => ({ base, local: shift(base, input.scheduleOffset), stats: stats.get(shift(base, input.scheduleOffset).hour) }))
      .filter((s): s is typeof s & { stats: HourStats } => !!s.stats && s.stats.n >= MIN_SUGGESTION_POSTS)
      .sort((a, b) => a.stats.mean - b.stats.mean);
    const to = [...stats.values()].filter((h) => h.n >= MIN_SUGGESTION_POSTS && !slotHours.has(h.hour)).sort((a, b) => b.mean - a.mean);
    const used = new Set<number>();
    for (const slot of from) {
      if (out.filter((s) => s.kind === kind).length >= MAX_SUGGESTIONS_PER_KIND) break;
      const target = to.find((h) => !used.has(h.hour) && !taken.has(`${pad(h.hour)}:${pad(slot.local.minute)}`));
      if (!target) break;
      const gain = Math.exp(target.mean - slot.stats.mean);
      const confidence = confidenceBetter(slot.stats, target);
      if (gain < MIN_GAIN || confidence < MIN_CONFIDENCE) continue;
      used.add(target.hour);
      const toLocal = `${pad(target.hour)}:${pad(slot.local.minute)}`;
      const toBase = shift(toLocal, -input.scheduleOffset);
      const label = kind === "reel" ? "Reels" : "Posts";
      const times = (n: number) => `${n.toFixed(1)}×`;
      out.push({
        kind,
        from: slot.base,
        to: `${pad(toBase.hour)}:${pad(toBase.minute)}`,
        reason:
          `${label} published around ${pad(target.hour)}:00 (${input.timezone}) did ${times(Math.exp(target.mean))} the brand's median over ${target.n} posts; ` +
          `the ${pad(slot.local.hour)}:${pad(slot.local.minute)} slot did ${times(Math.exp(slot.stats.mean))} over ${slot.stats.n} posts.`,
        confidence: round(Math.min(confidence, 0.99), 2),
      });
    }
  }
  return out;
}

export function computeBestTimes(input: BestTimesInput): { cells: BestTimeCell[]; suggestions: Suggestion[] } {
  const items = scoreItems(input.posts);
  return { cells: bestTimeCells(items, input.timezone), suggestions: suggestSlotMoves(items, input) };
}
