// Facebook Page insights (PLATFORMS.md §8.2) on graph.facebook.com with the
// Page token: a post or photo (its publishedId is the `{page}_{post}` id) is
// `GET /{post-id}/insights` plus `GET /{post-id}?fields=comments.summary(true).limit(0),shares`;
// a reel (its publishedId is the video id) has no /insights and is one
// `GET /{video-id}/video_insights`; the Page is `GET /{page-id}?fields=followers_count,fan_count`.
import { GraphInsightsClient, GraphSession } from "./graph-insights";

export const facebookInsights = new GraphInsightsClient({
  platform: "facebook",
  session: (ctx) => new GraphSession(ctx, ctx.config.facebookApiBase, "Facebook"),
  postSurface: (post) => (post.contentType === "reel" ? "facebook_reel" : "facebook_post"),
  accountSurface: "facebook_page",
});
