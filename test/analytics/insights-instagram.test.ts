// The Instagram insights client against the fake Instagram Graph on both login
// hosts (PLATFORMS.md §1.1, §8.1, §8.4): every request it makes, the numbers
// it maps, and each refusal ending as a null for one post or as the right
// InsightsError for the whole call.
import { afterEach, describe, expect, it } from "vitest";
import { instagramInsights } from "../../worker/analytics/insights/instagram";
import { retiredNames } from "../../worker/analytics/insights/registry";
import type { LoggedRequest } from "../fakes/admin";
// @ts-expect-error plain ESM module without types (see test/fakes/fake-server.mjs)
import { followersAt, postNumbers } from "../fakes/insights-common.mjs";
import { expectBetween, fakeNow, fb, ig, insightsContext, insightsFailure, logLength, postRef, publishInstagram, requestsAfter, resetInsights, seedInsights, uid, type Admin } from "./insights-support";

const INSIGHTS_SCOPES = ["instagram_business_basic", "instagram_business_content_publish", "instagram_business_manage_insights"];
const ALL_METRICS = "views,reach,likes,comments,shares,saved";

interface Account {
  igUserId: string;
  token: string;
  admin: Admin;
  loginVia: "instagram" | "facebook";
}

/** An Instagram Login account on graph.instagram.com, with the insights permission unless told otherwise. */
async function igLogin(scopes: string[] = INSIGHTS_SCOPES): Promise<Account> {
  const igUserId = `9${uid()}`;
  const token = `IGQ-${igUserId}`;
  await ig.seed({ users: [{ igUserId, token, scopes }] });
  return { igUserId, token, admin: ig, loginVia: "instagram" };
}

/** An Instagram account linked to a Page, connected through Facebook Login: read on graph.facebook.com with the Page token. */
async function fbLogin(): Promise<Account> {
  const pageId = `6${uid()}`;
  const igUserId = `8${uid()}`;
  const token = `EAAPage-${pageId}`;
  await fb.seed({ pages: [{ id: pageId, name: "Linked", token, igUserId }] });
  await seedInsights(fb, { scopes: { [token]: ["pages_show_list", "pages_read_engagement", "instagram_basic", "instagram_manage_insights"] } });
  return { igUserId, token, admin: fb, loginVia: "facebook" };
}

const ctxFor = (a: Account, extra: Partial<Parameters<typeof insightsContext>[0]> = {}) =>
  insightsContext({ account: { externalId: a.igUserId, accessToken: a.token, loginVia: a.loginVia }, ...extra });

async function mediaAt(admin: Admin, id: string): Promise<number> {
  return ((await admin.state()).media as Record<string, { at: number }>)[id]!.at;
}

/** The fake's numbers for a post between two instants of its clock. */
async function expectNumbersBetween(values: Record<string, number | null>, admin: Admin, id: string, kind: "reel" | "post", from: number, to: number) {
  const at = await mediaAt(admin, id);
  expectBetween(values, postNumbers(id, at, from, kind), postNumbers(id, at, to, kind), ["views", "reach", "likes", "comments", "shares", "saves"]);
}

function expectInsightsGet(r: LoggedRequest, mediaId: string, metric: string, token: string, version = "v25.0") {
  expect(r.method).toBe("GET");
  expect(r.path).toBe(`/${version}/${mediaId}/insights`);
  expect(r.query).toEqual({ metric, access_token: token });
}

afterEach(async () => {
  await resetInsights(ig);
  await resetInsights(fb);
  await ig.clearFaults();
});

describe("Instagram insights on both login hosts", () => {
  for (const login of ["instagram", "facebook"] as const) {
    it(`${login} Login: one insights call per post on ${login === "instagram" ? "graph.instagram.com" : "graph.facebook.com"}, numbers that grow with the clock`, async () => {
      const acct = login === "instagram" ? await igLogin() : await fbLogin();
      const other = login === "instagram" ? fb : ig;
      const post = await publishInstagram(acct.admin, acct.igUserId, acct.token, "post");
      const reel = await publishInstagram(acct.admin, acct.igUserId, acct.token, "reel");
      await acct.admin.advance(6 * 3600_000);

      const [mark, otherMark, from] = [await logLength(acct.admin), await logLength(other), await fakeNow(acct.admin)];
      const readings = await instagramInsights.posts(ctxFor(acct), [postRef(post, "post"), postRef(reel, "reel")]);
      const to = await fakeNow(acct.admin);
      const reqs = await requestsAfter(acct.admin, mark);
      expect(reqs).toHaveLength(2);
      expectInsightsGet(reqs[0]!, post, ALL_METRICS, acct.token);
      expectInsightsGet(reqs[1]!, reel, ALL_METRICS, acct.token);
      expect(await requestsAfter(other, otherMark)).toEqual([]);

      expect(readings.map((r) => r.deliveryId)).toEqual([`dlv-${post}`, `dlv-${reel}`]);
      await expectNumbersBetween(readings[0]!.values, acct.admin, post, "post", from, to);
      await expectNumbersBetween(readings[1]!.values, acct.admin, reel, "reel", from, to);
      expect(readings[0]!.notes).toBeUndefined();
      expect(readings[0]!.simulated).toBeUndefined();

      // A day later the same post reads higher.
      await acct.admin.advance(24 * 3600_000);
      const [later] = await instagramInsights.posts(ctxFor(acct), [postRef(post, "post")]);
      expect(later!.values.views!).toBeGreaterThan(readings[0]!.values.views!);
      expect(later!.values.reach!).toBeGreaterThan(readings[0]!.values.reach!);
    });

    it(`${login} Login: the account's followers from GET /{ig-user-id}?fields=followers_count`, async () => {
      const acct = login === "instagram" ? await igLogin() : await fbLogin();
      const mark = await logLength(acct.admin);
      const from = await fakeNow(acct.admin);
      const reading = await instagramInsights.account(ctxFor(acct));
      const to = await fakeNow(acct.admin);
      const [r, ...rest] = await requestsAfter(acct.admin, mark);
      expect(rest).toEqual([]);
      expect(r!.method).toBe("GET");
      expect(r!.path).toBe(`/v25.0/${acct.igUserId}`);
      expect(r!.query).toEqual({ fields: "followers_count", access_token: acct.token });
      expect(reading.followers).toBeGreaterThanOrEqual(followersAt(acct.igUserId, from));
      expect(reading.followers).toBeLessThanOrEqual(followersAt(acct.igUserId, to));
    });
  }

  it("takes the Graph version from the configuration and never asks for a retired metric at any version", async () => {
    const acct = await igLogin();
    const post = await publishInstagram(ig, acct.igUserId, acct.token, "post");
    const reel = await publishInstagram(ig, acct.igUserId, acct.token, "reel");
    const retired = retiredNames("instagram_media");
    expect(retired).toEqual(expect.arrayContaining(["impressions", "plays", "clips_replays_count", "ig_reels_aggregated_all_plays_count", "video_views"]));
    for (const version of ["v18.0", "v20.0", "v21.0", "v22.0", "v23.0", "v24.0", "v25.0", "v26.0"]) {
      const mark = await logLength(ig);
      const readings = await instagramInsights.posts(ctxFor(acct, { config: { graphVersion: version } }), [postRef(post, "post"), postRef(reel, "reel")]);
      const reqs = await requestsAfter(ig, mark);
      expect(reqs.map((r) => r.path)).toEqual([`/${version}/${post}/insights`, `/${version}/${reel}/insights`]);
      for (const r of reqs) {
        expect(r.status).toBe(200); // the fake refuses a retired metric with code 100
        for (const name of r.query.metric!.split(",")) expect(retired).not.toContain(name);
      }
      for (const reading of readings) expect(reading.values.views).toBeTypeOf("number");
    }
  });
});

describe("Instagram insights: a refusal for one metric or one post", () => {
  for (const style of ["named", "index"] as const) {
    it(`code 100 blaming one metric (${style === "named" ? "by name" : "by its index"}): asked again without it, null with a note, and not asked again in the same call`, async () => {
      const acct = await igLogin();
      const a = await publishInstagram(ig, acct.igUserId, acct.token, "post");
      const b = await publishInstagram(ig, acct.igUserId, acct.token, "post");
      await seedInsights(ig, { unknownMetrics: ["shares"], metricErrorStyle: style });
      const mark = await logLength(ig);
      const [ra, rb] = await instagramInsights.posts(ctxFor(acct), [postRef(a, "post"), postRef(b, "post")]);
      const reqs = await requestsAfter(ig, mark);
      expect(reqs.map((r) => [r.path, r.query.metric])).toEqual([
        [`/v25.0/${a}/insights`, ALL_METRICS],
        [`/v25.0/${a}/insights`, "views,reach,likes,comments,saved"],
        [`/v25.0/${b}/insights`, "views,reach,likes,comments,saved"],
      ]);
      for (const r of [ra!, rb!]) {
        expect(r.values.shares).toBeNull();
        for (const m of ["views", "reach", "likes", "comments", "saves"] as const) expect(r.values[m], m).toBeTypeOf("number");
      }
      expect(ra!.notes!.join("\n")).toMatch(/shares: Instagram refused it \(code 100/);
      expect(rb!.notes).toEqual(["shares: not asked, Instagram refused it earlier in this call"]);
    });
  }

  it("code 100 that names no metric: narrowed down by halves to the one refused", async () => {
    const acct = await igLogin();
    const post = await publishInstagram(ig, acct.igUserId, acct.token, "post");
    await seedInsights(ig, { unknownMetrics: ["saved"], metricErrorStyle: "unnamed" });
    const mark = await logLength(ig);
    const [r] = await instagramInsights.posts(ctxFor(acct), [postRef(post, "post")]);
    const reqs = await requestsAfter(ig, mark);
    expect(reqs.map((q) => [q.query.metric, q.status])).toEqual([
      [ALL_METRICS, 400],
      ["views,reach,likes", 200],
      ["comments,shares,saved", 400],
      ["comments,shares", 200],
      ["saved", 400],
    ]);
    expect(r!.values.saves).toBeNull();
    for (const m of ["views", "reach", "likes", "comments", "shares"] as const) expect(r!.values[m], m).toBeTypeOf("number");
    expect(r!.notes).toEqual([expect.stringMatching(/^saved: Instagram refused it \(code 100: \(#100\) The value must be a valid insights metric/)]);
  });

  it("code 10 'not enough viewers' for one post: its insights are null, its public like and comment counts still count, the next post reads normally", async () => {
    const acct = await igLogin();
    const quiet = await publishInstagram(ig, acct.igUserId, acct.token, "post");
    const busy = await publishInstagram(ig, acct.igUserId, acct.token, "post");
    await seedInsights(ig, { notEnoughViewers: [quiet] });
    const mark = await logLength(ig);
    const from = await fakeNow(ig);
    const [q, b] = await instagramInsights.posts(ctxFor(acct), [postRef(quiet, "post"), postRef(busy, "post")]);
    const to = await fakeNow(ig);
    const reqs = await requestsAfter(ig, mark);
    expect(reqs.map((r) => [r.path, r.query.metric ?? r.query.fields, r.status])).toEqual([
      [`/v25.0/${quiet}/insights`, ALL_METRICS, 400],
      [`/v25.0/${quiet}`, "like_count,comments_count", 200],
      [`/v25.0/${busy}/insights`, ALL_METRICS, 200],
    ]);
    expect(q!.values).toMatchObject({ views: null, reach: null, shares: null, saves: null });
    const at = await mediaAt(ig, quiet);
    expect(q!.values.likes).toBeGreaterThanOrEqual(postNumbers(quiet, at, from, "post").likes);
    expect(q!.values.likes).toBeLessThanOrEqual(postNumbers(quiet, at, to, "post").likes);
    expect(q!.values.comments).toBeTypeOf("number");
    expect(q!.notes).toEqual(["insights: code 10, not enough viewers yet"]);
    expect(b!.values.views).toBeTypeOf("number");
  });

  it("a metric missing from the answer is null with a note; the others count", async () => {
    const acct = await igLogin();
    const post = await publishInstagram(ig, acct.igUserId, acct.token, "post");
    await seedInsights(ig, { omit: { [post]: ["saved", "shares"] } });
    const [r] = await instagramInsights.posts(ctxFor(acct), [postRef(post, "post")]);
    expect(r!.values).toMatchObject({ saves: null, shares: null });
    expect(r!.values.views).toBeTypeOf("number");
    expect(r!.notes).toEqual(["shares: not in Instagram's answer", "saved: not in Instagram's answer"]);
  });

  it("a post Instagram no longer has (100/33): null values with a note, never a throw", async () => {
    const acct = await igLogin();
    const [r] = await instagramInsights.posts(ctxFor(acct), [postRef(`17999${uid()}`, "post")]);
    expect(Object.values(r!.values)).toEqual([null, null, null, null, null, null]);
    expect(r!.notes![0]).toMatch(/no longer has this post.*100\/33/);
  });
});

describe("Instagram insights: failures of the whole call", () => {
  it.each([
    [4, undefined, 360],
    [17, undefined, 360],
    [80002, 7, 420],
  ])("rate limit code %s: retryable after the usage headers' wait", async (code, minutes, wait) => {
    const acct = await igLogin();
    const post = await publishInstagram(ig, acct.igUserId, acct.token, "post");
    await seedInsights(ig, { rateLimit: { code, ...(minutes ? { minutes } : {}) } });
    const err = await insightsFailure(instagramInsights.posts(ctxFor(acct), [postRef(post, "post")]));
    expect(err.errorClass).toBe("retryable");
    expect(err.opts).toMatchObject({ code, retryAfterSeconds: wait });
  });

  it("usage headers at 100 % on an answer: the call stops before its next request and says how long to wait", async () => {
    const acct = await igLogin();
    const a = await publishInstagram(ig, acct.igUserId, acct.token, "post");
    const b = await publishInstagram(ig, acct.igUserId, acct.token, "post");
    await seedInsights(ig, { hourlyCalls: 1 });
    const mark = await logLength(ig);
    const err = await insightsFailure(instagramInsights.posts(ctxFor(acct), [postRef(a, "post"), postRef(b, "post")]));
    expect(err.errorClass).toBe("retryable");
    expect(err.opts.retryAfterSeconds).toBe(360);
    const reqs = await requestsAfter(ig, mark);
    expect(reqs).toHaveLength(1);
    // Past its hour the fake itself refuses with code 4 and the time to regain access.
    const again = await insightsFailure(instagramInsights.posts(ctxFor(acct), [postRef(b, "post")]));
    expect(again.opts).toMatchObject({ code: 4, retryAfterSeconds: expect.any(Number) });
  });

  it("190: one token refresh, then the same request with the new token", async () => {
    const acct = await igLogin();
    const post = await publishInstagram(ig, acct.igUserId, acct.token, "post");
    const fresh = `IGQ-fresh-${uid()}`;
    await ig.seed({ users: [{ igUserId: acct.igUserId, token: fresh, scopes: INSIGHTS_SCOPES }] });
    await ig.fault({ match: { path: `/${post}/insights$` }, action: { status: 400, body: { error: { message: "Error validating access token: Session has expired.", type: "OAuthException", code: 190, error_subcode: 463 } } } });
    const ctx = ctxFor(acct, { refresh: async () => fresh });
    const mark = await logLength(ig);
    const [r] = await instagramInsights.posts(ctx, [postRef(post, "post")]);
    expect(ctx.refreshes).toBe(1);
    expect(r!.values.views).toBeTypeOf("number");
    const reqs = await requestsAfter(ig, mark);
    expect(reqs.map((q) => q.query.access_token)).toEqual([acct.token, fresh]);
  });

  it("190 again after the refresh: reconnect, with one refresh only", async () => {
    const acct = await igLogin();
    const post = await publishInstagram(ig, acct.igUserId, acct.token, "post");
    const body = { error: { message: "Error validating access token: The session has been invalidated.", type: "OAuthException", code: 190, error_subcode: 460 } };
    await ig.fault({ match: { path: `/${post}/insights$` }, action: { status: 400, body }, times: 2 });
    const ctx = ctxFor(acct, { refresh: async () => acct.token });
    const err = await insightsFailure(instagramInsights.posts(ctx, [postRef(post, "post")]));
    expect(err.errorClass).toBe("reconnect");
    expect(ctx.refreshes).toBe(1);
  });

  it("an account connected without the insights permission: missing_permission for posts, followers still read", async () => {
    const acct = await igLogin(["instagram_business_basic", "instagram_business_content_publish"]);
    const post = await publishInstagram(ig, acct.igUserId, acct.token, "post");
    const err = await insightsFailure(instagramInsights.posts(ctxFor(acct), [postRef(post, "post")]));
    expect(err.errorClass).toBe("missing_permission");
    expect(err.opts.code).toBe(10);
    expect((await instagramInsights.account(ctxFor(acct))).followers).toBeTypeOf("number");
  });

  it("a 5xx or an HTML page: retryable", async () => {
    const acct = await igLogin();
    const post = await publishInstagram(ig, acct.igUserId, acct.token, "post");
    await ig.fault({ match: { path: `/${post}/insights$` }, action: { status: 502, body: "<html>Bad gateway</html>" } });
    expect((await insightsFailure(instagramInsights.posts(ctxFor(acct), [postRef(post, "post")]))).errorClass).toBe("retryable");
  });

  it("the fake refuses every retired metric with code 100, naming it", async () => {
    const acct = await igLogin();
    const post = await publishInstagram(ig, acct.igUserId, acct.token, "reel");
    for (const name of retiredNames("instagram_media")) {
      const res = await fetch(`${ig.url}/v25.0/${post}/insights?metric=reach,${name}&access_token=${acct.token}`);
      const body = (await res.json()) as { error: { code: number; message: string } };
      expect(res.status).toBe(400);
      expect(body.error.code).toBe(100);
      expect(body.error.message).toContain(name);
    }
  });
});
