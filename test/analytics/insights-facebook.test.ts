// The Facebook insights client against the fake Pages Graph (PLATFORMS.md
// §8.2, §8.4): posts and photos through /insights plus their comment and share
// counts, reels through video_insights, the Page's followers; refusals for one
// metric, and the whole call's failures with their classes.
import { afterEach, describe, expect, it } from "vitest";
import { facebookInsights } from "../../worker/analytics/insights/facebook";
import { retiredNames } from "../../worker/analytics/insights/registry";
// @ts-expect-error plain ESM module without types (see test/fakes/fake-server.mjs)
import { followersAt, postNumbers } from "../fakes/insights-common.mjs";
import { expectBetween, fakeNow, fb, insightsContext, insightsFailure, logLength, postRef, publishFacebook, requestsAfter, resetInsights, seedInsights, uid } from "./insights-support";

const PAGE_SCOPES = ["pages_show_list", "pages_read_engagement", "pages_manage_posts", "read_insights"];
const POST_METRICS = "post_media_view,post_total_media_view_unique,post_reactions_by_type_total";
const POST_FIELDS = "comments.summary(true).limit(0),shares";
const REEL_METRICS = "blue_reels_play_count,post_impressions_unique,post_video_likes_by_reaction_type,post_video_social_actions";

interface Page {
  pageId: string;
  token: string;
}

async function page(scopes: string[] = PAGE_SCOPES): Promise<Page> {
  const pageId = `5${uid()}`;
  const token = `EAAPage-${pageId}`;
  await fb.seed({ pages: [{ id: pageId, name: `Brand ${pageId}`, token }] });
  await seedInsights(fb, { scopes: { [token]: scopes } });
  return { pageId, token };
}

const ctxFor = (pg: Page, extra: Partial<Parameters<typeof insightsContext>[0]> = {}) => insightsContext({ account: { externalId: pg.pageId, accessToken: pg.token, loginVia: null }, ...extra });

/** When the fake says the object went out (posts: `at`; reels: publish_time). */
async function publishedAt(id: string): Promise<number> {
  const state = await fb.state();
  const post = (state.posts as Record<string, { at: number }>)[id];
  if (post) return post.at;
  return (state.videos as Record<string, { publishing: { publish_time: number } }>)[id]!.publishing.publish_time * 1000;
}

afterEach(async () => {
  await resetInsights(fb);
  await fb.clearFaults();
});

describe("Facebook insights", () => {
  it("a photo post: /insights for views, reach and reactions, the post's own fields for comments and shares; saves are not reported", async () => {
    const pg = await page();
    const post = await publishFacebook(pg.pageId, pg.token, "post");
    expect(post).toMatch(new RegExp(`^${pg.pageId}_`));
    await fb.advance(30 * 3600_000);
    const mark = await logLength(fb);
    const from = await fakeNow(fb);
    const [r] = await facebookInsights.posts(ctxFor(pg), [postRef(post, "post")]);
    const to = await fakeNow(fb);
    const reqs = await requestsAfter(fb, mark);
    expect(reqs.map((q) => [q.method, q.path, q.query])).toEqual([
      ["GET", `/v25.0/${post}/insights`, { metric: POST_METRICS, access_token: pg.token }],
      ["GET", `/v25.0/${post}`, { fields: POST_FIELDS, access_token: pg.token }],
    ]);
    const at = await publishedAt(post);
    const [lo, hi] = [postNumbers(post, at, from, "post"), postNumbers(post, at, to, "post")];
    expectBetween(r!.values, lo, hi, ["views", "reach", "likes", "comments", "shares"]);
    // likes are every reaction type summed (the fake splits them into like and love)
    expect(hi.reactions.love).toBeGreaterThan(0);
    expect(r!.values.saves).toBeNull();
    expect(r!.notes).toBeUndefined();
  });

  it("a post nobody shared yet: Graph leaves `shares` out, which is 0, not unknown", async () => {
    const pg = await page();
    const post = await publishFacebook(pg.pageId, pg.token, "post");
    const [r] = await facebookInsights.posts(ctxFor(pg), [postRef(post, "post")]);
    expect(r!.values.shares).toBe(0);
    expect(r!.values.comments).toBe(0);
  });

  it("a reel: one video_insights call, never /insights; comments and shares from post_video_social_actions", async () => {
    const pg = await page();
    const reel = await publishFacebook(pg.pageId, pg.token, "reel");
    await fb.advance(48 * 3600_000);
    const mark = await logLength(fb);
    const from = await fakeNow(fb);
    const [r] = await facebookInsights.posts(ctxFor(pg), [postRef(reel, "reel")]);
    const to = await fakeNow(fb);
    const reqs = await requestsAfter(fb, mark);
    expect(reqs.map((q) => [q.method, q.path, q.query])).toEqual([["GET", `/v25.0/${reel}/video_insights`, { metric: REEL_METRICS, access_token: pg.token }]]);
    const at = await publishedAt(reel);
    const [lo, hi] = [postNumbers(reel, at, from, "reel"), postNumbers(reel, at, to, "reel")];
    expectBetween(r!.values, lo, hi, ["views", "reach", "likes", "comments", "shares"]);
    expect(r!.values.saves).toBeNull();
  });

  it("the Page's followers: GET /{page-id}?fields=followers_count,fan_count", async () => {
    const pg = await page();
    const mark = await logLength(fb);
    const from = await fakeNow(fb);
    const reading = await facebookInsights.account(ctxFor(pg));
    const to = await fakeNow(fb);
    const reqs = await requestsAfter(fb, mark);
    expect(reqs.map((q) => [q.path, q.query])).toEqual([[`/v25.0/${pg.pageId}`, { fields: "followers_count,fan_count", access_token: pg.token }]]);
    expect(reading.followers).toBeGreaterThanOrEqual(followersAt(pg.pageId, from));
    expect(reading.followers).toBeLessThanOrEqual(followersAt(pg.pageId, to));
  });

  it("a Page that reports no followers_count: fan_count stands in", async () => {
    const pg = await page();
    await seedInsights(fb, { omit: { [pg.pageId]: ["followers_count"] } });
    const reading = await facebookInsights.account(ctxFor(pg));
    expect(reading.followers).toBe(Math.floor(followersAt(pg.pageId, await fakeNow(fb)) * 0.9));
  });

  it("never asks for a retired metric (the post_impressions family, page_fans) at any configured version", async () => {
    const pg = await page();
    const post = await publishFacebook(pg.pageId, pg.token, "post");
    const reel = await publishFacebook(pg.pageId, pg.token, "reel");
    const retired = [...retiredNames("facebook_post"), ...retiredNames("facebook_page")];
    expect(retired).toEqual(expect.arrayContaining(["post_impressions", "post_impressions_unique", "post_engaged_users", "page_fans"]));
    for (const version of ["v20.0", "v22.0", "v24.0", "v25.0", "v26.0"]) {
      const mark = await logLength(fb);
      await facebookInsights.posts(ctxFor(pg, { config: { graphVersion: version } }), [postRef(post, "post"), postRef(reel, "reel")]);
      await facebookInsights.account(ctxFor(pg, { config: { graphVersion: version } }));
      const reqs = await requestsAfter(fb, mark);
      expect(reqs).toHaveLength(4);
      for (const q of reqs) {
        expect(q.path.startsWith(`/${version}/`)).toBe(true);
        expect(q.status).toBe(200);
        // Retired per surface: post_impressions_unique is gone on posts, and still the reach of a reel (§8.2).
        const surface = q.path.endsWith("/video_insights") ? "facebook_reel" : q.path.endsWith(pg.pageId) ? "facebook_page" : "facebook_post";
        for (const name of (q.query.metric ?? q.query.fields ?? "").split(",")) expect(retiredNames(surface)).not.toContain(name);
      }
    }
  });
});

describe("Facebook insights: refusals", () => {
  it("code 100 that names no metric (post_media_view unknown to this Page's version): narrowed down, views null, the rest count", async () => {
    const pg = await page();
    const post = await publishFacebook(pg.pageId, pg.token, "post");
    await seedInsights(fb, { unknownMetrics: ["post_media_view"], metricErrorStyle: "unnamed" });
    const mark = await logLength(fb);
    const [r] = await facebookInsights.posts(ctxFor(pg), [postRef(post, "post")]);
    const reqs = await requestsAfter(fb, mark);
    expect(reqs.map((q) => [q.query.metric ?? q.query.fields, q.status])).toEqual([
      [POST_METRICS, 400],
      ["post_media_view,post_total_media_view_unique", 400],
      ["post_media_view", 400],
      ["post_total_media_view_unique", 200],
      ["post_reactions_by_type_total", 200],
      [POST_FIELDS, 200],
    ]);
    expect(r!.values.views).toBeNull();
    for (const m of ["reach", "likes", "comments", "shares"] as const) expect(r!.values[m], m).toBeTypeOf("number");
  });

  it("a reel metric named in a code 100: asked again without it", async () => {
    const pg = await page();
    const reel = await publishFacebook(pg.pageId, pg.token, "reel");
    await seedInsights(fb, { unknownMetrics: ["post_video_likes_by_reaction_type"] });
    const mark = await logLength(fb);
    const [r] = await facebookInsights.posts(ctxFor(pg), [postRef(reel, "reel")]);
    expect((await requestsAfter(fb, mark)).map((q) => q.query.metric)).toEqual([REEL_METRICS, "blue_reels_play_count,post_impressions_unique,post_video_social_actions"]);
    expect(r!.values.likes).toBeNull();
    expect(r!.values.views).toBeTypeOf("number");
  });

  it.each([
    [32, 12, 720],
    [80001, 3, 180],
    [4, undefined, 360],
  ])("rate limit code %s with usage headers: retryable after the advertised wait", async (code, minutes, wait) => {
    const pg = await page();
    const post = await publishFacebook(pg.pageId, pg.token, "post");
    await seedInsights(fb, { rateLimit: { code, ...(minutes ? { minutes } : {}) } });
    const err = await insightsFailure(facebookInsights.posts(ctxFor(pg), [postRef(post, "post")]));
    expect(err.errorClass).toBe("retryable");
    expect(err.opts).toMatchObject({ code, retryAfterSeconds: wait });
  });

  it("a Page token without read_insights: missing_permission; the Page's followers still read", async () => {
    const pg = await page(["pages_show_list", "pages_read_engagement", "pages_manage_posts"]);
    const post = await publishFacebook(pg.pageId, pg.token, "post");
    const err = await insightsFailure(facebookInsights.posts(ctxFor(pg), [postRef(post, "post")]));
    expect(err.errorClass).toBe("missing_permission");
    expect(err.opts.code).toBe(200);
    expect((await facebookInsights.account(ctxFor(pg))).followers).toBeTypeOf("number");
  });

  it("190 on the Page token: one refresh, then reconnect if refused again", async () => {
    const pg = await page();
    const post = await publishFacebook(pg.pageId, pg.token, "post");
    await fb.fault({ match: { path: `/${post}/insights$` }, action: { status: 400, body: { error: { message: "Error validating access token", type: "OAuthException", code: 190, error_subcode: 467 } } }, times: 2 });
    const ctx = ctxFor(pg, { refresh: async () => pg.token });
    expect((await insightsFailure(facebookInsights.posts(ctx, [postRef(post, "post")]))).errorClass).toBe("reconnect");
    expect(ctx.refreshes).toBe(1);
  });

  it("a deleted post: nulls with a note for that post, the call goes on", async () => {
    const pg = await page();
    const live = await publishFacebook(pg.pageId, pg.token, "post");
    const [gone, ok] = await facebookInsights.posts(ctxFor(pg), [postRef(`${pg.pageId}_404${uid()}`, "post"), postRef(live, "post")]);
    expect(Object.values(gone!.values)).toEqual([null, null, null, null, null, null]);
    expect(gone!.notes!.join(" ")).toMatch(/100\/33/);
    expect(ok!.values.reach).toBeTypeOf("number");
  });

  it("the fake refuses every retired post metric with code 100", async () => {
    const pg = await page();
    const post = await publishFacebook(pg.pageId, pg.token, "post");
    for (const name of retiredNames("facebook_post")) {
      const res = await fetch(`${fb.url}/v25.0/${post}/insights?metric=${name}&access_token=${pg.token}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: number } }).error.code).toBe(100);
    }
  });
});
