// TEMPORARY STAND-IN for worker/analytics/simulator.ts, the sandbox's
// deterministic simulator that the analytics-core branch writes (issue 15
// item 4) and that was not on main when the learning bench was written. Same
// signatures (simulatePostMetrics, simulateFollowers), similar shape: a
// brand's audience has its hours and weekdays, a content type it prefers and
// topics that work better than others (about ×0.6 to ×1.65 on reach); a
// post's numbers grow with age and level off; each post has its own luck.
//
// When the real simulator is on main, learning.bench.test.ts imports it
// instead and this file is deleted. Only the bench may call it ("the world");
// the learning loop never does (test/learning/arm-stats.test.ts checks).
import type { MetricValues } from "../../worker/analytics/types";
import { hashText, normal, rng } from "../../worker/lib/random";

export interface SimulatedPostInput {
  brandId: string;
  /** 1 (Monday) to 7 (Sunday), in the brand's zone. */
  localWeekday: number;
  /** 0–23, in the brand's zone. */
  localHour: number;
  contentType: "reel" | "post";
  topic: string;
  ageHours: number;
  /** The account's followers when the post went out. */
  followers: number;
  /** The post's own luck. */
  seed: number;
}

interface Audience {
  peakHour: number;
  spread: number;
  weekday: number[];
  reel: number;
  post: number;
  viewsPerFollower: number;
  reachShare: number;
  likeRate: number;
  followers: number;
  growthPerDay: number;
}

const audiences = new Map<string, Audience>();

function audience(brandId: string): Audience {
  const known = audiences.get(brandId);
  if (known) return known;
  const r = rng(hashText(`stand-in audience|${brandId}`));
  const a: Audience = {
    peakHour: 6 + Math.floor(r() * 16),
    spread: 2 + r() * 2,
    weekday: Array.from({ length: 7 }, () => 0.8 + r() * 0.4),
    reel: 1 + r() * 0.5,
    post: 0.6 + r() * 0.4,
    viewsPerFollower: 0.2 + r() * 0.4,
    reachShare: 0.6 + r() * 0.3,
    likeRate: 0.03 + r() * 0.05,
    followers: 3_000 + Math.floor(r() * 15_000),
    growthPerDay: 0.001 + r() * 0.004,
  };
  audiences.set(brandId, a);
  return a;
}

/** How much this brand's audience likes a topic: log-uniform, about ×0.58 to ×1.65 on reach, ×0.85 to ×1.2 on engagement. */
function topicTaste(brandId: string, topic: string) {
  const r = rng(hashText(`stand-in topic|${brandId}|${topic.trim().toLowerCase()}`));
  return { reach: Math.exp(-0.55 + 1.05 * r()), engagement: 0.85 + 0.35 * r() };
}

export function simulatePostMetrics(input: SimulatedPostInput): MetricValues {
  const a = audience(input.brandId);
  const taste = topicTaste(input.brandId, input.topic);
  const luck = rng(hashText(`stand-in post|${input.brandId}|${input.seed >>> 0}`));
  const d = Math.min(Math.abs(input.localHour - a.peakHour), 24 - Math.abs(input.localHour - a.peakHour));
  const hour = 0.5 + Math.exp(-(d * d) / (2 * a.spread * a.spread));
  const day = a.weekday[Math.min(7, Math.max(1, input.localWeekday)) - 1]!;
  const type = input.contentType === "reel" ? a.reel : a.post;
  const grown = input.ageHours > 0 ? 1 - Math.exp(-input.ageHours / (input.contentType === "reel" ? 24 : 12)) : 0;
  const final = (Math.max(0, input.followers) * a.viewsPerFollower * hour * day * type * taste.reach + 20) * Math.exp(0.3 * normal(luck));
  const views = Math.round(final * grown);
  const reach = Math.round(views * a.reachShare);
  const likes = Math.round(reach * a.likeRate * taste.engagement * Math.exp(0.15 * normal(luck)));
  return { views, reach, likes, comments: Math.round(likes * 0.08), shares: Math.round(likes * 0.12), saves: Math.round(likes * 0.2) };
}

/** The brand's followers at `at`: steady growth from 2026-01-01. */
export function simulateFollowers(input: { brandId: string; at: number }): number {
  const a = audience(input.brandId);
  const days = (input.at - Date.UTC(2026, 0, 1)) / 86_400_000;
  return Math.round(a.followers * Math.exp(a.growthPerDay * days));
}
