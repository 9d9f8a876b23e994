// The `sandbox` platform's insights (DESIGN.md §10): what a real platform's
// insights API would answer for the posts the sandbox "published", computed
// by the simulator from the post's brand, local weekday and hour, content
// type and topic. Like the sandbox's publishing, its "platform" is our own
// D1: it reads what it published there. Every reading is flagged simulated.
import { allByList } from "../db/bounded";
import { hashText } from "../lib/random";
import { localSlot } from "./local-time";
import { NO_VALUES } from "./metrics";
import { ageInHours, simulateFollowers, simulatePostMetrics } from "./simulator";
import type { InsightsClient, InsightsContext, PostReading, PostRef } from "./types";

interface PostFacts {
  id: string;
  brand_id: string;
  timezone: string;
  topic: string;
}

/**
 * The topic a post is about: the job's topic (what a person asked for, or
 * what automation's proposal was about), else its title.
 */
const FACTS_SQL = `SELECT d.id, s.brand_id, b.timezone, coalesce(j.topic, o.title, '') AS topic
  FROM deliveries d
  JOIN schedules s ON s.id = d.schedule_id
  JOIN brands b ON b.id = s.brand_id
  JOIN generation_jobs j ON j.id = s.job_id
  LEFT JOIN job_outputs o ON o.id = s.output_id
  WHERE d.id IN (:list)`;

/** One simulated reading of a post at `at` (the sandbox client's answer, and the demo history's). */
export function simulatedReading(post: PostRef, facts: { brandId: string; timezone: string; topic: string }, at: number): PostReading {
  const local = localSlot(post.publishedAt, facts.timezone);
  const values = simulatePostMetrics({
    brandId: facts.brandId,
    localWeekday: local.weekday,
    localHour: local.hour,
    contentType: post.contentType,
    topic: facts.topic,
    ageHours: ageInHours(post.publishedAt, at),
    followers: simulateFollowers({ brandId: facts.brandId, at: post.publishedAt }),
    seed: hashText(post.deliveryId),
  });
  return { deliveryId: post.deliveryId, values, simulated: true };
}

export const sandboxInsightsClient: InsightsClient = {
  platform: "sandbox",
  // One D1 query answers any number of posts.
  batchSize: 90,
  async posts(ctx: InsightsContext, posts: PostRef[]): Promise<PostReading[]> {
    const facts = await allByList<PostFacts>(ctx.env.DB, FACTS_SQL, [], posts.map((p) => p.deliveryId));
    const byId = new Map(facts.map((f) => [f.id, f]));
    const at = ctx.now();
    return posts.map((post) => {
      const f = byId.get(post.deliveryId);
      if (!f) return { deliveryId: post.deliveryId, values: NO_VALUES, notes: ["the sandbox has no such post"], simulated: true };
      return simulatedReading(post, { brandId: f.brand_id, timezone: f.timezone, topic: f.topic }, at);
    });
  },
  async account(ctx: InsightsContext) {
    const row = await ctx.env.DB.prepare("SELECT brand_id FROM platform_accounts WHERE id = ?").bind(ctx.account.id).first<{ brand_id: string }>();
    return { followers: row ? simulateFollowers({ brandId: row.brand_id, at: ctx.now() }) : null, simulated: true };
  },
};
