// API.md "Analytics": the posts list and its CSV, a brand's report, best
// times, each Schedule delivery's latest metrics, and "run metrics now". All
// read D1 only; bad input is a 4xx that changes nothing; another workspace's
// brand is a 404.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { brandItemScores } from "../../worker/analytics/brand-report";
import { sampleBrand } from "../../worker/analytics/sampler";
import type { MetricValues } from "../../worker/analytics/types";
import type { BestTimes, BrandAnalytics, PostMetrics, Run, Schedule } from "../../worker/contract/schemas";
import { DAY, HOUR } from "../../worker/lib/time";
import { addMember, call, createBrand, expectClientError, expectNothingWritten, json, signup, type Session } from "../support/fixtures";
import { connectAccount, publishPosts, ScriptedInsights, withInsights, type PublishedPost } from "./support";

const JUNE = Date.UTC(2026, 5, 1);
const WINDOW = { from: new Date(JUNE).toISOString(), to: new Date(JUNE + 30 * DAY).toISOString() };
const qs = (q: Record<string, string | number>) => new URLSearchParams(Object.fromEntries(Object.entries({ ...WINDOW, ...q }).map(([k, v]) => [k, String(v)]))).toString();
const v = (views: number | null, reach: number | null, likes: number | null, rest: number | null = 0): MetricValues => ({ views, reach, likes, comments: rest, shares: rest, saves: rest });

let s: Session;
let other: Session;
let brandA: string;
let brandB: string;
let otherBrand: string;
/** Posts by name, published in June. */
const p: Record<string, PublishedPost | undefined> = {};

/** Reads every due post of the brand once: Instagram and YouTube answer `values` per delivery (and leave other posts out). */
async function read(brandId: string, values: Map<string, MetricValues>) {
  const answer = (refs: Array<{ deliveryId: string }>) => refs.flatMap((r) => (values.has(r.deliveryId) ? [{ deliveryId: r.deliveryId, values: values.get(r.deliveryId)! }] : []));
  const clients = withInsights(new ScriptedInsights("instagram", 1, { posts: answer }), new ScriptedInsights("youtube", 50, { posts: answer }));
  await sampleBrand(env, brandId, { clients, limit: 100 });
}

beforeAll(async () => {
  s = await signup();
  other = await signup();
  brandA = (await createBrand(s, { name: "Alpha", timezone: "America/Los_Angeles" })).id;
  brandB = (await createBrand(s, { name: "Beta, \"the\" brand" })).id;
  otherBrand = (await createBrand(other)).id;
  await connectAccount(s, brandA, "instagram");
  await connectAccount(s, brandA, "youtube");
  await connectAccount(s, brandB, "instagram");
  await connectAccount(other, otherBrand, "instagram");
  const at = (day: number, hour = 12) => JUNE + day * DAY + hour * HOUR;
  [p.big] = await publishPosts(s, brandA, 1, { platform: "instagram", publishedAt: at(3), title: "Big one" });
  [p.engaging] = await publishPosts(s, brandA, 1, { platform: "instagram", publishedAt: at(5), kind: "post", title: "=HYPERLINK(\"http://evil\",\"click\")" });
  [p.noReach] = await publishPosts(s, brandA, 1, { platform: "youtube", publishedAt: at(7), title: "Line one,\nline \"two\"" });
  [p.unread] = await publishPosts(s, brandA, 1, { platform: "instagram", publishedAt: at(9), title: "Not read yet" });
  [p.beta] = await publishPosts(s, brandB, 1, { platform: "instagram", publishedAt: at(4), title: "Beta post" });
  // Edges of the window: `from` is in, `to` is out; and another workspace's post.
  [p.atFrom] = await publishPosts(s, brandB, 1, { platform: "instagram", publishedAt: JUNE, title: "At from" });
  [p.atTo] = await publishPosts(s, brandB, 1, { platform: "instagram", publishedAt: JUNE + 30 * DAY, title: "At to" });
  [p.foreign] = await publishPosts(other, otherBrand, 1, { platform: "instagram", publishedAt: at(3), title: "Not yours" });
  // Not yet read: unread stays out of the client's answers until later (a null reading otherwise).
  await env.DB.prepare("UPDATE metric_targets SET next_at = NULL WHERE id = ?").bind(p.unread!.deliveryId).run();
  await read(brandA, new Map([
    [p.big!.deliveryId, v(5000, 4000, 100, 10)],
    [p.engaging!.deliveryId, v(1000, 500, 100, 25)],
    [p.noReach!.deliveryId, v(800, null, 40, null)],
  ]));
  await read(brandB, new Map([
    [p.beta!.deliveryId, v(300, 200, 10, 0)],
    [p.atFrom!.deliveryId, v(1, 1, 0, 0)],
    [p.atTo!.deliveryId, v(1, 1, 0, 0)],
  ]));
});

async function posts(query: Record<string, string | number> = {}, caller: Session = s): Promise<PostMetrics[]> {
  return (await json<{ posts: PostMetrics[] }>(`/api/analytics/posts?${qs(query)}`, caller, 200)).posts;
}
const ids = (list: PostMetrics[]) => list.map((x) => x.deliveryId);

describe("GET /api/analytics/posts", () => {
  it("published deliveries in [from, to), newest first, each with its latest reading", async () => {
    const list = await posts();
    expect(ids(list)).toEqual([p.unread, p.noReach, p.engaging, p.beta, p.big, p.atFrom].map((x) => x!.deliveryId));
    const big = list.find((x) => x.deliveryId === p.big!.deliveryId)!;
    expect(big).toMatchObject({
      scheduleId: p.big!.scheduleId,
      brandId: brandA,
      platform: "instagram",
      contentType: "reel",
      title: "Big one",
      permalink: `https://platform.test/${p.big!.deliveryId}`,
      publishedAt: new Date(p.big!.publishedAt).toISOString(),
      metrics: { views: 5000, reach: 4000, likes: 100, comments: 10, shares: 10, saves: 10, engagementRate: 130 / 4000 },
      simulated: false,
    });
    expect(Date.parse(big.capturedAt!)).toBeGreaterThan(JUNE);
    // Not reported is null, never 0; YouTube's rate is over views.
    expect(list.find((x) => x.deliveryId === p.noReach!.deliveryId)!.metrics).toEqual({ views: 800, reach: null, likes: 40, comments: null, shares: null, saves: null, engagementRate: 40 / 800 });
    expect(list.find((x) => x.deliveryId === p.unread!.deliveryId)).toMatchObject({ capturedAt: null, metrics: { views: null, engagementRate: null } });
  });

  it("filters by brand, platform and type", async () => {
    expect(ids(await posts({ brand: brandB }))).toEqual([p.beta!.deliveryId, p.atFrom!.deliveryId]);
    expect(ids(await posts({ platform: "youtube" }))).toEqual([p.noReach!.deliveryId]);
    expect(ids(await posts({ type: "post" }))).toEqual([p.engaging!.deliveryId]);
    expect(ids(await posts({ type: "reel", brand: brandA, platform: "instagram" }))).toEqual([p.unread!.deliveryId, p.big!.deliveryId]);
    // An empty filter is no filter.
    expect(await posts({ brand: "", platform: "" })).toHaveLength(6);
  });

  it("sorts by views or engagement, unknowns last; limit caps the answer", async () => {
    expect(ids(await posts({ sort: "views" }))).toEqual([p.big, p.engaging, p.noReach, p.beta, p.atFrom, p.unread].map((x) => x!.deliveryId));
    // engaging 175/500, noReach 40/800, beta 10/200, big 130/4000, atFrom 0.
    expect(ids(await posts({ sort: "engagement" }))).toEqual([p.engaging, p.noReach, p.beta, p.big, p.atFrom, p.unread].map((x) => x!.deliveryId));
    expect(ids(await posts({ sort: "views", limit: 2 }))).toEqual([p.big!.deliveryId, p.engaging!.deliveryId]);
  });

  it("never shows another workspace's posts, and another workspace's brand is a 404", async () => {
    expect(ids(await posts())).not.toContain(p.foreign!.deliveryId);
    expect(ids(await posts({}, other))).toEqual([p.foreign!.deliveryId]);
    await expectClientError(await call(`/api/analytics/posts?${qs({ brand: otherBrand })}`, s), 404, "not_found");
    await expectClientError(await call(`/api/analytics/posts.csv?${qs({ brand: otherBrand })}`, s), 404, "not_found");
  });

  it("bad input is a 400 that says what is wrong and changes nothing", async () => {
    const bad: Array<Record<string, string | number>> = [
      { to: new Date(JUNE + 367 * DAY).toISOString() },
      { to: WINDOW.from },
      { from: "yesterday" },
      { platform: "tiktok" },
      { type: "story" },
      { sort: "likes" },
      { limit: 501 },
      { limit: 0 },
      { limit: "ten" },
      { colour: "blue" },
    ];
    for (const q of bad) {
      await expectNothingWritten(s.workspaceId, async () => {
        await expectClientError(await call(`/api/analytics/posts?${qs(q)}`, s), 400, "invalid_input", JSON.stringify(q));
        await expectClientError(await call(`/api/analytics/posts.csv?${qs(q)}`, s), 400, "invalid_input", JSON.stringify(q));
      });
    }
    await expectClientError(await call(`/api/analytics/posts?to=${WINDOW.to}`, s), 400, "invalid_input");
    // 366 days is allowed.
    await posts({ to: new Date(JUNE + 366 * DAY).toISOString() });
  });

  it("needs credentials", async () => {
    expect((await call(`/api/analytics/posts?${qs({})}`)).status).toBe(401);
  });
});

describe("GET /api/analytics/posts.csv", () => {
  it("RFC 4180 with the exact header, empty cells for null, titles that cannot run as formulas", async () => {
    const res = await call(`/api/analytics/posts.csv?${qs({ sort: "views" })}`, s);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="brandcast-posts-2026-06-01-2026-07-01\.csv"$/);
    const text = await res.text();
    expect(text.endsWith("\r\n")).toBe(true);
    const lines = text.split("\r\n");
    expect(lines[0]).toBe("published_at,brand,platform,content_type,title,permalink,views,reach,likes,comments,shares,saves,engagement_rate,captured_at,simulated");
    expect(lines[1]).toMatch(new RegExp(`^${new Date(p.big!.publishedAt).toISOString()},Alpha,instagram,reel,Big one,https://platform.test/${p.big!.deliveryId},5000,4000,100,10,10,10,0.0325,\\d{4}-.+Z,false$`));
    expect(lines[2]).toContain(`,"'=HYPERLINK(""http://evil"",""click"")",`);
    // A field with a newline stays one record (quoted), and the YouTube post's unreported cells are empty.
    expect(text).toContain(`,"Line one,\nline ""two""",https://platform.test/${p.noReach!.deliveryId},800,,40,,,,0.05,`);
    expect(text).toContain(`,"Beta, ""the"" brand",instagram,`);
    const unread = lines.find((l) => l.includes("Not read yet"))!;
    expect(unread).toMatch(/,,,,,,,,,false$/);
    // One header and one record per post (a newline inside a quoted field is not a record's end).
    expect(text.split("\r\n").filter(Boolean)).toHaveLength(1 + 6);
  });
});

describe("GET /api/analytics/brands/:brandId", () => {
  it("followers per platform, totals, per platform, and every local day of the window", async () => {
    const from = new Date(JUNE).toISOString();
    const to = new Date(JUNE + 10 * DAY).toISOString();
    const report = await json<BrandAnalytics>(`/api/analytics/brands/${brandA}?from=${from}&to=${to}`, s, 200);
    expect(report).toMatchObject({
      brandId: brandA,
      timezone: "America/Los_Angeles",
      totals: { posts: 4, views: 6800, likes: 240, comments: 35, shares: 35, saves: 35 },
      byPlatform: {
        instagram: { posts: 3, views: 6000, likes: 200, comments: 35, shares: 35, saves: 35 },
        youtube: { posts: 1, views: 800, likes: 40, comments: 0, shares: 0, saves: 0 },
      },
    });
    // [June 1 00:00Z, June 11 00:00Z) is May 31 17:00 to June 10 17:00 in Los Angeles: its local dates, May 31 to June 10.
    expect(report.daily.map((d) => d.date)).toEqual(["2026-05-31", ...Array.from({ length: 10 }, (_, i) => `2026-06-${String(i + 1).padStart(2, "0")}`)]);
    // Posted at 12:00Z, the big one is June 4 at 05:00 in Los Angeles.
    expect(report.daily.find((d) => d.date === "2026-06-04")).toEqual({ date: "2026-06-04", posts: 1, views: 5000, engagements: 130 });
    expect(report.daily.find((d) => d.date === "2026-06-02")).toEqual({ date: "2026-06-02", posts: 0, views: 0, engagements: 0 });
    // The accounts were read (in the test's present, outside this June window): no followers in it.
    expect(report.followers).toEqual([]);
    const now = await json<BrandAnalytics>(`/api/analytics/brands/${brandA}?from=${new Date(Date.now() - DAY).toISOString()}&to=${new Date(Date.now() + HOUR).toISOString()}`, s, 200);
    expect(now.followers.map((f) => f.platform)).toEqual(["instagram", "youtube"]);
    expect(now.followers[0]!.series).toEqual([{ at: expect.any(String), value: 1234 }]);
  });

  it("narrows to a platform and a content type as the posts list does, followers to that platform", async () => {
    const window = `from=${new Date(JUNE).toISOString()}&to=${new Date(JUNE + 10 * DAY).toISOString()}`;
    const youtube = await json<BrandAnalytics>(`/api/analytics/brands/${brandA}?${window}&platform=youtube`, s, 200);
    expect(youtube.totals).toEqual({ posts: 1, views: 800, likes: 40, comments: 0, shares: 0, saves: 0 });
    expect(Object.keys(youtube.byPlatform)).toEqual(["youtube"]);
    expect(youtube.daily.reduce((n, d) => n + d.posts, 0)).toBe(1);
    const posts = await json<BrandAnalytics>(`/api/analytics/brands/${brandA}?${window}&type=post`, s, 200);
    expect(posts.totals).toMatchObject({ posts: 1, views: 1000 });
    // Empty values mean "any", as in the posts list.
    const any = await json<BrandAnalytics>(`/api/analytics/brands/${brandA}?${window}&platform=&type=all`, s, 200);
    expect(any.totals.posts).toBe(4);
    const now = `from=${new Date(Date.now() - DAY).toISOString()}&to=${new Date(Date.now() + HOUR).toISOString()}`;
    expect((await json<BrandAnalytics>(`/api/analytics/brands/${brandA}?${now}&platform=youtube`, s, 200)).followers.map((f) => f.platform)).toEqual(["youtube"]);
    await expectClientError(await call(`/api/analytics/brands/${brandA}?${window}&platform=tiktok`, s), 400, "invalid_input");
    await expectClientError(await call(`/api/analytics/brands/${brandA}?${window}&type=story`, s), 400, "invalid_input");
  });

  it("another workspace's brand is a 404; a bad window a 400", async () => {
    await expectClientError(await call(`/api/analytics/brands/${otherBrand}?${qs({})}`, s), 404, "not_found");
    await expectClientError(await call(`/api/analytics/brands/${otherBrand}/best-times`, s), 404, "not_found");
    await expectClientError(await call(`/api/analytics/brands/brd_nothing/best-times`, s), 404, "not_found");
    await expectClientError(await call(`/api/analytics/brands/${brandA}?${qs({ to: new Date(JUNE + 400 * DAY).toISOString() })}`, s), 400, "invalid_input");
    await expectClientError(await call(`/api/analytics/brands/${brandA}`, s), 400, "invalid_input");
  });
});

describe("GET /api/analytics/brands/:brandId/best-times", () => {
  it("with too few posts: every cell, no scores, no suggestions", async () => {
    const result = await json<BestTimes>(`/api/analytics/brands/${brandA}/best-times`, s, 200);
    expect(result.brandId).toBe(brandA);
    expect(result.timezone).toBe("America/Los_Angeles");
    expect(result.cells).toHaveLength(168);
    expect(result.cells.every((c) => c.score === null)).toBe(true);
    expect(result.suggestions).toEqual([]);
  });

  it("from the sandbox's month of posts: scored cells where there are enough", async () => {
    const sb = await signup();
    const brandId = (await createBrand(sb, { timezone: "Europe/Lisbon" })).id;
    await connectAccount(sb, brandId, "sandbox");
    // Every day for three weeks at 10:00 and 20:00 UTC (Lisbon in December: UTC+0).
    const start = Date.UTC(2026, 10, 1);
    for (let d = 0; d < 21; d++) for (const h of [10, 20]) await publishPosts(sb, brandId, 1, { publishedAt: start + d * DAY + h * HOUR, topic: "habits" });
    await sampleBrand(env, brandId, { limit: 100 });
    const result = await json<BestTimes>(`/api/analytics/brands/${brandId}/best-times`, sb, 200);
    const scored = result.cells.filter((c) => c.score !== null);
    expect(scored.length).toBeGreaterThan(0);
    expect(scored.every((c) => (c.hour === 10 || c.hour === 20) && c.posts >= 3)).toBe(true);

    // The same scores per item, for the learning loop: one per schedule, with its job, from the snapshots alone.
    const items = await brandItemScores(env.DB, sb.workspaceId, brandId, start, start + 21 * DAY);
    expect(items).toHaveLength(42);
    const jobs = await env.DB.prepare("SELECT id, job_id FROM schedules WHERE brand_id = ?").bind(brandId).all<{ id: string; job_id: number }>();
    const jobOf = new Map(jobs.results.map((r) => [r.id, r.job_id]));
    expect(items.every((i) => i.jobId === jobOf.get(i.scheduleId) && i.score > 0 && i.kind === "reel")).toBe(true);
    const sorted = items.map((i) => i.score).sort((a, b) => a - b);
    expect(sorted[21]!).toBeGreaterThan(0.8);
    expect(sorted[20]!).toBeLessThan(1.25);
    await expect(brandItemScores(env.DB, s.workspaceId, brandId, start, start + DAY)).rejects.toMatchObject({ status: 404 });
  });
});

describe("a Schedule's deliveries carry their latest metrics", () => {
  it("metrics and metricsAt after a reading; null before", async () => {
    const read = await json<Schedule>(`/api/schedules/${p.big!.scheduleId}`, s, 200);
    expect(read.deliveries[0]).toMatchObject({ platform: "instagram", metrics: { views: 5000, engagementRate: 0.0325 } });
    expect(Date.parse(read.deliveries[0]!.metricsAt!)).toBeGreaterThan(JUNE);
    const unread = await json<Schedule>(`/api/schedules/${p.unread!.scheduleId}`, s, 200);
    expect(unread.deliveries[0]).toMatchObject({ metrics: null, metricsAt: null });
    // The list shows them too.
    const list = await json<{ schedules: Schedule[] }>(`/api/schedules?from=${new Date(JUNE).toISOString()}&to=${new Date(JUNE + 20 * DAY).toISOString()}&brand=${brandA}`, s, 200);
    expect(list.schedules.find((x) => x.scheduleId === p.big!.scheduleId)!.deliveries[0]!.metrics!.views).toBe(5000);
  });
});

describe("POST /api/automation/run {pass: metrics}", () => {
  it("an owner samples the workspace's due metrics now, recorded as a run", async () => {
    const o = await signup();
    const brandId = (await createBrand(o)).id;
    await connectAccount(o, brandId, "sandbox");
    await publishPosts(o, brandId, 3);
    const run = await json<Run>("/api/automation/run", { ...o, body: { pass: "metrics" } }, 200);
    expect(run).toMatchObject({ kind: "metrics", trigger: "manual", status: "succeeded", processed: 4, succeeded: 4, failed: 0, remaining: 0 });
    expect((await json<{ available: string[] }>("/api/automation", o, 200)).available).toContain("metrics");
    // Nothing is due any more: a second run reads nothing.
    expect(await json<Run>("/api/automation/run", { ...o, body: { pass: "metrics" } }, 200)).toMatchObject({ processed: 0 });
  });

  it("is for owners only", async () => {
    const editor = await signup();
    await addMember(s.workspaceId, editor.userId, "editor");
    await expectClientError(await call("/api/automation/run", { ...editor, workspace: s.workspaceId, body: { pass: "metrics" } }), 403, "forbidden");
  });
});
