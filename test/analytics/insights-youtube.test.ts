// The YouTube insights client against the Google fake (PLATFORMS.md §3.6,
// §3.7, §8.3, §8.4): statistics 50 ids a call, the channel's subscribers
// (hidden → null), every error with its class, and the daily unit budget that
// keeps metrics within their share of the project's quota.
import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_METRICS_DAILY_UNITS, metricsDailyUnits, metricsUnitsUsed, pacificDay, reserveMetricsUnits } from "../../worker/analytics/insights/youtube-budget";
import { VIDEOS_PER_CALL, youtubeInsights } from "../../worker/analytics/insights/youtube";
import { secondsUntilPacificMidnight } from "../../worker/publishing/youtube-errors";
import { fromLocal } from "../../worker/scheduling/zoned-time";
// @ts-expect-error plain ESM module without types (see test/fakes/fake-server.mjs)
import { followersAt, postNumbers } from "../fakes/insights-common.mjs";
// @ts-expect-error plain ESM module without types
import { threeFigures } from "../fakes/insights-youtube.mjs";
import { expectBetween, fakeNow, insightsContext, insightsFailure, logLength, postRef, requestsAfter, seedInsights, uid, uploadYouTube, yt } from "./insights-support";

const CHANNEL = "UCinsightsTestChannel01";
const ACCESS = "ya29.insights-test";
const READ_SCOPES = ["https://www.googleapis.com/auth/youtube.upload", "https://www.googleapis.com/auth/youtube.readonly"];

/** Each test reserves its units on a day of its own (the budget table is shared by the file). */
let day = 0;
const budgetDay = () => {
  const at = fromLocal({ year: 2031, month: 1, day: 1, hour: 12, minute: 0 }, "America/Los_Angeles") + day++ * 86_400_000;
  return () => at;
};

const ctx = (extra: Partial<Parameters<typeof insightsContext>[0]> = {}) =>
  insightsContext({ account: { externalId: CHANNEL, accessToken: ACCESS, loginVia: null }, now: budgetDay(), ...extra });

let videos: string[] = [];

beforeAll(async () => {
  await yt.reset();
  await yt.seed({ channels: [{ id: CHANNEL, title: "Insights", accessToken: ACCESS }], config: { quotaModel: "bucket100", dailyInsertCalls: 1000, channelDailyUploadLimit: 1000 } });
  videos = [];
  for (let i = 0; i < 120; i++) videos.push(await uploadYouTube(ACCESS));
  await yt.advance(12 * 3600_000);
});

beforeEach(async () => {
  await seedInsights(yt, { reset: true });
  await yt.clearFaults();
});

async function uploadedAt(id: string): Promise<number> {
  return ((await yt.state()).videos as Record<string, { uploadedAt: number }>)[id]!.uploadedAt;
}

describe("YouTube insights", () => {
  it("120 videos in 3 calls of videos.list?part=statistics (50, 50, 20 ids) with the Bearer token; views, likes and comments mapped", async () => {
    const mark = await logLength(yt);
    const from = await fakeNow(yt);
    const readings = await youtubeInsights.posts(ctx(), videos.map((id) => postRef(id, "reel")));
    const to = await fakeNow(yt);
    const reqs = await requestsAfter(yt, mark);
    expect(youtubeInsights.batchSize).toBe(VIDEOS_PER_CALL);
    expect(reqs.map((r) => [r.method, r.path, r.query.part, r.query.id!.split(",").length])).toEqual([
      ["GET", "/youtube/v3/videos", "statistics", 50],
      ["GET", "/youtube/v3/videos", "statistics", 50],
      ["GET", "/youtube/v3/videos", "statistics", 20],
    ]);
    for (const r of reqs) {
      expect(Object.keys(r.query).sort()).toEqual(["id", "part"]);
      expect(r.headers.authorization).toBe(`Bearer ${ACCESS}`);
    }
    expect(reqs.flatMap((r) => r.query.id!.split(","))).toEqual(videos);

    expect(readings).toHaveLength(120);
    const sample = readings[77]!;
    const at = await uploadedAt(videos[77]!);
    const [lo, hi] = [postNumbers(videos[77], at, from, "reel"), postNumbers(videos[77], at, to, "reel")];
    expectBetween(sample.values, lo, hi, ["views", "likes", "comments"]);
    // The Data API reports no reach, shares or saves: null, never 0.
    expect(sample.values).toMatchObject({ reach: null, shares: null, saves: null });
    expect(sample.deliveryId).toBe(`dlv-${videos[77]}`);
  });

  it("the channel's subscribers: channels.list?part=statistics&mine=true, as YouTube rounds them", async () => {
    const mark = await logLength(yt);
    const reading = await youtubeInsights.account(ctx());
    const [r, ...rest] = await requestsAfter(yt, mark);
    expect(rest).toEqual([]);
    expect([r!.method, r!.path, r!.query]).toEqual(["GET", "/youtube/v3/channels", { part: "statistics", mine: "true" }]);
    expect(r!.headers.authorization).toBe(`Bearer ${ACCESS}`);
    expect(reading.followers).toBe(threeFigures(followersAt(CHANNEL, await fakeNow(yt))));
  });

  it("a hidden subscriber count is null with a note", async () => {
    await seedInsights(yt, { hiddenSubscribers: [CHANNEL] });
    expect(await youtubeInsights.account(ctx())).toEqual({ followers: null, notes: ["subscriberCount: the channel hides its subscriber count"] });
  });

  it("a deleted video and a hidden like count: nulls with notes, the rest of the batch counts", async () => {
    await seedInsights(yt, { omit: { [videos[0]!]: ["likeCount"] } });
    const [hidden, gone, fine] = await youtubeInsights.posts(ctx(), [postRef(videos[0]!, "reel"), postRef(`gone${uid()}`.slice(0, 11), "reel"), postRef(videos[1]!, "reel")]);
    expect(hidden!.values.likes).toBeNull();
    expect(hidden!.values.views).toBeTypeOf("number");
    expect(hidden!.notes).toEqual(["likeCount: not in YouTube's answer"]);
    expect(Object.values(gone!.values)).toEqual([null, null, null, null, null, null]);
    expect(gone!.notes![0]).toMatch(/did not return this video/);
    expect(fine!.values.views).toBeTypeOf("number");
  });
});

describe("YouTube insights: failures of the whole call", () => {
  it("403 quotaExceeded: retryable after midnight Pacific Time", async () => {
    await seedInsights(yt, { rateLimit: { reason: "quotaExceeded" } });
    const c = ctx();
    const err = await insightsFailure(youtubeInsights.posts(c, [postRef(videos[0]!, "reel")]));
    expect(err.errorClass).toBe("retryable");
    expect(err.opts.code).toBe("quotaExceeded");
    expect(err.opts.retryAfterSeconds).toBe(secondsUntilPacificMidnight(c.now()) + 60);
  });

  it("the project's real quota used up (the fake's own accounting): retryable, same as above", async () => {
    await yt.seed({ quota: { units: 10_000 } });
    const err = await insightsFailure(youtubeInsights.account(ctx()));
    expect(err.errorClass).toBe("retryable");
    expect(err.opts.code).toBe("quotaExceeded");
    await yt.seed({ quota: { units: 0 } });
  });

  it("403 rateLimitExceeded and 429 with Retry-After: retryable", async () => {
    await seedInsights(yt, { rateLimit: { reason: "rateLimitExceeded" } });
    expect((await insightsFailure(youtubeInsights.account(ctx()))).errorClass).toBe("retryable");
    await seedInsights(yt, { rateLimit: { reason: "429", minutes: 2 } });
    const err = await insightsFailure(youtubeInsights.account(ctx()));
    expect(err.errorClass).toBe("retryable");
    expect(err.opts.retryAfterSeconds).toBe(120);
  });

  it("a grant without youtube.readonly (403 insufficientPermissions) or a 403 forbidden: missing_permission", async () => {
    const uploadOnly = `ya29.upload-only-${uid()}`;
    await yt.seed({ channels: [{ id: CHANNEL, title: "Insights", accessToken: uploadOnly }] });
    await seedInsights(yt, { scopes: { [uploadOnly]: ["https://www.googleapis.com/auth/youtube.upload"] } });
    const err = await insightsFailure(youtubeInsights.posts(ctx({ account: { externalId: CHANNEL, accessToken: uploadOnly, loginVia: null } }), [postRef(videos[0]!, "reel")]));
    expect(err.errorClass).toBe("missing_permission");
    expect(err.opts.code).toBe("insufficientPermissions");

    await yt.fault({ match: { path: "^/youtube/v3/channels$" }, action: { status: 403, body: { error: { code: 403, message: "Forbidden", errors: [{ reason: "forbidden", domain: "youtube.channel", message: "Forbidden" }] } } } });
    expect((await insightsFailure(youtubeInsights.account(ctx()))).errorClass).toBe("missing_permission");
  });

  it("401: one refresh and the same call with the new token; 401 again: reconnect", async () => {
    const fresh = `ya29.fresh-${uid()}`;
    await yt.seed({ channels: [{ id: CHANNEL, title: "Insights", accessToken: fresh, scopes: READ_SCOPES }] });
    const expired = `ya29.expired-${uid()}`;
    const c = ctx({ account: { externalId: CHANNEL, accessToken: expired, loginVia: null }, refresh: async () => fresh });
    const mark = await logLength(yt);
    expect((await youtubeInsights.account(c)).followers).toBeTypeOf("number");
    expect(c.refreshes).toBe(1);
    expect((await requestsAfter(yt, mark)).map((r) => [r.headers.authorization, r.status])).toEqual([
      [`Bearer ${expired}`, 401],
      [`Bearer ${fresh}`, 200],
    ]);

    const dead = ctx({ account: { externalId: CHANNEL, accessToken: expired, loginVia: null }, refresh: async () => `ya29.still-bad-${uid()}` });
    expect((await insightsFailure(youtubeInsights.account(dead))).errorClass).toBe("reconnect");
    expect(dead.refreshes).toBe(1);
  });

  it("500 backendError: retryable", async () => {
    await yt.fault({ match: { path: "^/youtube/v3/videos$" }, action: { status: 500, body: { error: { code: 500, message: "Backend Error", errors: [{ reason: "backendError" }] } } } });
    expect((await insightsFailure(youtubeInsights.posts(ctx(), [postRef(videos[0]!, "reel")]))).errorClass).toBe("retryable");
  });

  it("the fake refuses more than 50 ids in one call", async () => {
    const res = await fetch(`${yt.url}/youtube/v3/videos?part=statistics&id=${videos.slice(0, 51).join(",")}`, { headers: { authorization: `Bearer ${ACCESS}` } });
    expect(res.status).toBe(400);
  });
});

describe("YouTube metrics budget (the project's daily units)", () => {
  it("each call reserves one unit of the Pacific day before it goes out", async () => {
    const c = ctx();
    await youtubeInsights.posts(c, videos.map((id) => postRef(id, "reel")));
    await youtubeInsights.account(c);
    expect(await metricsUnitsUsed(env, c.now())).toBe(4);
    expect(await metricsUnitsUsed(env, c.now() + 86_400_000)).toBe(0);
  });

  it("past the metrics share: no request goes out, retryable until midnight Pacific Time; uploads keep the rest", async () => {
    const c = ctx({ envOverrides: { YOUTUBE_METRICS_DAILY_UNITS: "2" } });
    const mark = await logLength(yt);
    const err = await insightsFailure(youtubeInsights.posts(c, videos.map((id) => postRef(id, "reel"))));
    expect(err.errorClass).toBe("retryable");
    expect(err.opts.code).toBe("metricsBudget");
    expect(err.opts.retryAfterSeconds).toBe(secondsUntilPacificMidnight(c.now()) + 60);
    // Two calls within the share went out; the third was never sent.
    expect(await requestsAfter(yt, mark)).toHaveLength(2);
    expect(await metricsUnitsUsed(env, c.now())).toBe(2);
  });

  it("concurrent reservations never overspend: of 12 racing for 5 units, exactly 5 win", async () => {
    const now = budgetDay()();
    const small = { DB: env.DB, YOUTUBE_METRICS_DAILY_UNITS: "5" };
    const wins = await Promise.all(Array.from({ length: 12 }, () => reserveMetricsUnits(small, 1, now)));
    expect(wins.filter(Boolean)).toHaveLength(5);
    expect(await metricsUnitsUsed(env, now)).toBe(5);
  });

  it("the day turns at midnight Pacific Time, not UTC", async () => {
    const evening = fromLocal({ year: 2032, month: 3, day: 10, hour: 23, minute: 59 }, "America/Los_Angeles");
    const small = { DB: env.DB, YOUTUBE_METRICS_DAILY_UNITS: "1" };
    expect(pacificDay(evening)).toBe("2032-03-10");
    expect(pacificDay(evening + 60_000)).toBe("2032-03-11");
    expect(await reserveMetricsUnits(small, 1, evening)).toBe(true);
    expect(await reserveMetricsUnits(small, 1, evening + 30_000)).toBe(false);
    expect(await reserveMetricsUnits(small, 1, evening + 60_000)).toBe(true);
  });

  it("the share defaults to 1,000 of the 10,000 units and can never take more than half of them", () => {
    expect(metricsDailyUnits({})).toBe(DEFAULT_METRICS_DAILY_UNITS);
    expect(DEFAULT_METRICS_DAILY_UNITS).toBe(1000);
    expect(metricsDailyUnits({ YOUTUBE_METRICS_DAILY_UNITS: "2500" })).toBe(2500);
    expect(metricsDailyUnits({ YOUTUBE_METRICS_DAILY_UNITS: "9000" })).toBe(5000);
    expect(metricsDailyUnits({ YOUTUBE_METRICS_DAILY_UNITS: "-3" })).toBe(0);
    expect(metricsDailyUnits({ YOUTUBE_METRICS_DAILY_UNITS: "lots" })).toBe(DEFAULT_METRICS_DAILY_UNITS);
  });
});
