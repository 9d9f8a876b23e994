// Instagram insights (PLATFORMS.md §8.1) on both login hosts (§1.1): an
// account connected through Facebook Login is read on graph.facebook.com with
// its IG business id and a Facebook token; one from Instagram Login on
// graph.instagram.com, as worker/publishing/instagram.ts publishes it. Each
// post is one `GET /{ig-media-id}/insights` (its public like and comment
// counts when Instagram has too few viewers to report insights); the account
// is `GET /{ig-user-id}?fields=followers_count`, which works for any size.
import type { InsightsClient, InsightsContext, PostReading, PostRef } from "../types";
import { GraphSession, readFollowers, readPost, RefusedMetrics } from "./graph-insights";
import { metricsFor } from "./registry";

function session(ctx: InsightsContext): GraphSession {
  const base = ctx.account.loginVia === "facebook" ? ctx.config.facebookApiBase : ctx.config.instagramApiBase;
  return new GraphSession(ctx, base, "Instagram");
}

export class InstagramInsights implements InsightsClient {
  readonly platform = "instagram" as const;
  /** Each media is its own request. */
  readonly batchSize = 1;

  async posts(ctx: InsightsContext, posts: PostRef[]): Promise<PostReading[]> {
    const graph = session(ctx);
    const refused = new RefusedMetrics();
    const out: PostReading[] = [];
    for (const post of posts) {
      const sel = { contentType: post.contentType };
      const defs = metricsFor("instagram_media", graph.version, sel);
      const fallback = metricsFor("instagram_media", graph.version, { ...sel, fallback: true });
      out.push(await readPost(graph, post.deliveryId, post.publishedId, defs, fallback, refused.for(post.contentType)));
    }
    return out;
  }

  async account(ctx: InsightsContext) {
    const graph = session(ctx);
    return readFollowers(graph, ctx.account.externalId, metricsFor("instagram_account", graph.version));
  }
}

export const instagramInsights = new InstagramInsights();
