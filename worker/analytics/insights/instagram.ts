// Instagram insights (PLATFORMS.md §8.1) on both login hosts (§1.1): an
// account connected through Facebook Login is read on graph.facebook.com with
// its IG business id and a Facebook token; one from Instagram Login on
// graph.instagram.com, as worker/publishing/instagram.ts publishes it. Each
// post is one `GET /{ig-media-id}/insights` (its public like and comment
// counts when Instagram has too few viewers to report insights); the account
// is `GET /{ig-user-id}?fields=followers_count`, which works for any size.
import { GraphInsightsClient, GraphSession } from "./graph-insights";

export const instagramInsights = new GraphInsightsClient({
  platform: "instagram",
  session: (ctx) => new GraphSession(ctx, ctx.account.loginVia === "facebook" ? ctx.config.facebookApiBase : ctx.config.instagramApiBase, "Instagram"),
  postSurface: () => "instagram_media",
  accountSurface: "instagram_account",
});
