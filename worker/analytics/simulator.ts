// Simulated metrics for the `sandbox` platform (DESIGN.md §10, issue 15 item
// 4). Pure and deterministic: the same inputs give the same numbers on every
// machine, so the demo's charts and the learning loop's simulated year are
// reproducible.
//
// The numbers have a shape worth learning: each brand has hours of the day and
// days of the week its audience is there (a peak hour, a spread around it, a
// weekday pattern), topics that work better than others, and a content type it
// does better with. A post's numbers grow with its age and level off.
//
// The brand's profile is private to this module. The learning loop learns from
// metric_snapshots only (what the sampler stored), never from these
// parameters: benches may call simulatePostMetrics as "the world", nothing
// else may peek.
import { hashText, rng } from "../lib/random";
import { DAY, HOUR } from "../lib/time";
import type { MetricValues } from "./types";

export interface SimulatedPostInput {
  brandId: string;
  /** 1 (Monday) to 7 (Sunday), in the brand's zone. */
  localWeekday: number;
  /** 0–23, in the brand's zone. */
  localHour: number;
  contentType: "reel" | "post";
  topic: string;
  /** Hours since it was published; numbers are 0 at 0 and level off within days. */
  ageHours: number;
  /** The account's followers when it was published. */
  followers: number;
  /** Per post: the luck of this one post (two posts alike in every input still differ). */
  seed: number;
}

interface BrandProfile {
  peakHour: number;
  /** Hours either side of the peak where most of the audience is (a Gaussian's sigma, in hours). */
  hourSpread: number;
  weekday: number[];
  reelFactor: number;
  postFactor: number;
  /** Views per follower of a post at its best time, before luck. */
  viewsPerFollower: number;
  /** Reach as a share of views (people who saw it, against times it was seen). */
  reachShare: number;
  likeRate: number;
  commentShare: number;
  shareShare: number;
  saveShare: number;
  baseFollowers: number;
  followerGrowthPerDay: number;
}

const profiles = new Map<string, BrandProfile>();

function profile(brandId: string): BrandProfile {
  let p = profiles.get(brandId);
  if (p) return p;
  const r = rng(hashText(`sandbox-profile|${brandId}`));
  const weekendLift = 0.8 + r() * 0.5;
  p = {
    peakHour: 7 + Math.floor(r() * 15),
    hourSpread: 2 + r() * 1.5,
    weekday: [1, 2, 3, 4, 5, 6, 7].map((d) => (0.8 + r() * 0.35) * (d >= 6 ? weekendLift : 1)),
    reelFactor: 1 + r() * 0.6,
    postFactor: 0.6 + r() * 0.4,
    viewsPerFollower: 0.25 + r() * 0.35,
    reachShare: 0.6 + r() * 0.25,
    likeRate: 0.03 + r() * 0.05,
    commentShare: 0.04 + r() * 0.06,
    shareShare: 0.08 + r() * 0.12,
    saveShare: 0.1 + r() * 0.2,
    baseFollowers: 2_000 + Math.floor(r() * 18_000),
    followerGrowthPerDay: 0.002 + r() * 0.005,
  };
  profiles.set(brandId, p);
  return p;
}

/** Distance between two hours on a 24-hour clock (23 and 1 are 2 apart). */
function hourDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % 24;
  return Math.min(d, 24 - d);
}

/** 0.45 far from the brand's peak hour, 1.55 at it. */
function hourFactor(p: BrandProfile, hour: number): number {
  const d = hourDistance(hour, p.peakHour);
  return 0.45 + 1.1 * Math.exp(-(d * d) / (2 * p.hourSpread * p.hourSpread));
}

const normalTopic = (topic: string) => topic.trim().toLowerCase().replace(/\s+/g, " ");

/** How well a topic does for this brand: 0.55 to 1.65 for reach, 0.8 to 1.25 for engagement. */
function topicFactors(brandId: string, topic: string): { reach: number; engagement: number } {
  const r = rng(hashText(`sandbox-topic|${brandId}|${normalTopic(topic)}`));
  return { reach: 0.55 + r() * 1.1, engagement: 0.8 + r() * 0.45 };
}

/** A standard normal draw from two uniforms (Box–Muller). */
function gaussian(r: () => number): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

/** The share of its final numbers a post has at this age: 0 at publishing, rising fast, levelling off (reels travel longer). */
export function growthAt(ageHours: number, contentType: "reel" | "post"): number {
  if (!(ageHours > 0)) return 0;
  const tau = contentType === "reel" ? 20 : 12;
  return 1 - Math.exp(-ageHours / tau);
}

export function simulatePostMetrics(input: SimulatedPostInput): MetricValues {
  const p = profile(input.brandId);
  const topic = topicFactors(input.brandId, input.topic);
  const luck = rng(hashText(`sandbox-post|${input.brandId}|${input.seed >>> 0}`));
  const reachLuck = Math.exp(0.25 * gaussian(luck));
  const engagementLuck = Math.exp(0.15 * gaussian(luck));
  const weekday = p.weekday[Math.min(7, Math.max(1, Math.round(input.localWeekday))) - 1]!;
  const type = input.contentType === "reel" ? p.reelFactor : p.postFactor;
  const followers = Math.max(0, input.followers);
  // A small floor: even an account without followers is found by someone.
  const finalViews = (followers * p.viewsPerFollower * hourFactor(p, input.localHour) * weekday * type * topic.reach + 25) * reachLuck;
  const grown = growthAt(input.ageHours, input.contentType);
  const views = Math.round(finalViews * grown);
  const reach = Math.round(views * p.reachShare);
  const likes = Math.round(reach * p.likeRate * topic.engagement * engagementLuck);
  return {
    views,
    reach,
    likes,
    comments: Math.round(likes * p.commentShare),
    shares: Math.round(likes * p.shareShare * (input.contentType === "reel" ? 1.5 : 0.7)),
    saves: Math.round(likes * p.saveShare * (input.contentType === "post" ? 1.6 : 0.8)),
  };
}

/** 2026-01-01T00:00Z: the simulated audiences' common starting point. */
const FOLLOWERS_EPOCH = Date.UTC(2026, 0, 1);

/** The brand's simulated followers at `at`: steady growth with a little day-to-day wobble. */
export function simulateFollowers(input: { brandId: string; at: number }): number {
  const p = profile(input.brandId);
  const days = (input.at - FOLLOWERS_EPOCH) / DAY;
  const wobble = 1 + (rng(hashText(`sandbox-followers|${input.brandId}|${Math.floor(days)}`))() - 0.5) * 0.004;
  return Math.max(0, Math.round(p.baseFollowers * Math.exp(p.followerGrowthPerDay * days) * wobble));
}

/** Hours between two instants, for `ageHours`. */
export const ageInHours = (publishedAt: number, at: number) => Math.max(0, (at - publishedAt) / HOUR);
