// Facebook Page insights (PLATFORMS.md §8.2) on graph.facebook.com with the
// Page token: a post or photo (its publishedId is the `{page}_{post}` id) is
// `GET /{post-id}/insights` plus `GET /{post-id}?fields=comments.summary(true).limit(0),shares`;
// a reel (its publishedId is the video id) has no /insights and is one
// `GET /{video-id}/video_insights`; the Page is `GET /{page-id}?fields=followers_count,fan_count`.
import type { InsightsClient, InsightsContext, PostReading, PostRef } from "../types";
import { GraphSession, readFollowers, readPost, RefusedMetrics } from "./graph-insights";
import { metricsFor } from "./registry";

const session = (ctx: InsightsContext) => new GraphSession(ctx, ctx.config.facebookApiBase, "Facebook");

export class FacebookInsights implements InsightsClient {
  readonly platform = "facebook" as const;
  /** Each post is its own request (two for a post, one for a reel). */
  readonly batchSize = 1;

  async posts(ctx: InsightsContext, posts: PostRef[]): Promise<PostReading[]> {
    const graph = session(ctx);
    const refused = new RefusedMetrics();
    const out: PostReading[] = [];
    for (const post of posts) {
      const surface = post.contentType === "reel" ? "facebook_reel" : "facebook_post";
      out.push(await readPost(graph, post.deliveryId, post.publishedId, metricsFor(surface, graph.version), [], refused.for(surface)));
    }
    return out;
  }

  async account(ctx: InsightsContext) {
    const graph = session(ctx);
    return readFollowers(graph, ctx.account.externalId, metricsFor("facebook_page", graph.version));
  }
}

export const facebookInsights = new FacebookInsights();
