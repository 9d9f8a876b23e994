// Metrics benchmarks (`npm run bench`): the sampler with the real Instagram,
// Facebook and YouTube insights clients against the fake platforms (this
// project's own instances), inside workerd with the real local D1. Prints
// `BENCH {json}` lines that scripts/bench.mjs merges:
//   metrics_samples_per_s            readings stored per second through the `metrics`
//                                    queue consumer (4 brands, each 20 Instagram posts,
//                                    20 Facebook posts and 50 YouTube videos due; 5
//                                    messages a batch as wrangler.toml says), with the
//                                    HTTP requests the fakes answered; seeding not timed;
//   metrics_platform_calls_per_post  platform requests per post over its first 28 days,
//                                    per platform and overall: a brand publishing its 8
//                                    default slots a day for 3 days to all three, the
//                                    sampler run at every ten-minute cron tick on a
//                                    virtual clock the fakes' clocks follow; fewer is
//                                    better. Next to it, the readings per post: requests /
//                                    readings is what batching (YouTube: 50 ids a call,
//                                    posts halfway to their next reading riding along)
//                                    and the clients' request shapes (Facebook: two a
//                                    post) make of the schedule.
// Benchmarks measure; they assert nothing.
import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { handleMetricsBatch } from "../../worker/analytics/fanout";
import { sampleBrand } from "../../worker/analytics/sampler";
import type { InsightsPlatform } from "../../worker/analytics/types";
import type { Env, MetricsMessage } from "../../worker/env";
import { HOUR, MINUTE } from "../../worker/lib/time";
import { DEFAULT_SLOTS } from "../../worker/scheduling/slot-grid";
import { parseHHMM } from "../../worker/scheduling/zoned-time";
import { connectAccount, recordingMetricsQueue } from "../analytics/support";
import { fb, ig, publishFacebook, publishInstagram, seedInsights, uid, uploadYouTube, yt, type Admin } from "../analytics/insights-support";
import { createBrand, json, signup, type Session } from "../support/fixtures";
import { round } from "./figures";

const report = (figures: Record<string, unknown>) => console.log(`BENCH ${JSON.stringify(figures)}`);
const progress = (msg: string) => console.error(`[bench:metrics] ${msg}`);

type RealPlatform = Exclude<InsightsPlatform, "sandbox">;
const FAKES: Record<RealPlatform, Admin> = { instagram: ig, facebook: fb, youtube: yt };

/** An Instagram Login account, a Facebook Page and a YouTube channel on the fakes, with the insights permissions, connected to the brand by pasting their tokens. */
async function connectFakeAccounts(s: Session, brandId: string) {
  const igUserId = `9${uid()}`;
  const pageId = `5${uid()}`;
  const channel = `UCbench${uid()}`;
  const tokens = { instagram: `IGQ-${igUserId}`, facebook: `EAAPage-${pageId}`, youtube: `ya29.${channel}` };
  await ig.seed({ users: [{ igUserId, token: tokens.instagram, scopes: ["instagram_business_basic", "instagram_business_content_publish", "instagram_business_manage_insights"] }] });
  await fb.seed({ pages: [{ id: pageId, name: `Bench ${pageId}`, token: tokens.facebook }] });
  await seedInsights(fb, { scopes: { [tokens.facebook]: ["pages_show_list", "pages_read_engagement", "pages_manage_posts", "read_insights"] } });
  await yt.seed({ channels: [{ id: channel, title: "Bench", accessToken: tokens.youtube }], config: { quotaModel: "bucket100", dailyInsertCalls: 100_000, channelDailyUploadLimit: 100_000 } });
  const ids = { instagram: igUserId, facebook: pageId, youtube: channel };
  for (const p of Object.keys(ids) as RealPlatform[]) {
    await json(`/api/brands/${brandId}/accounts/${p}`, { ...s, method: "PUT", body: { externalId: ids[p], accessToken: tokens[p] } }, 200);
  }
  // Followers are read daily and are not what these figures count.
  await env.DB.prepare("UPDATE metric_targets SET next_at = NULL WHERE brand_id = ? AND kind = 'account'").bind(brandId).run();
  return { ids, tokens };
}

/** One post (or reel) published on the platform's fake; its platform id. */
function publishOnFake(accounts: Awaited<ReturnType<typeof connectFakeAccounts>>, platform: RealPlatform, kind: "reel" | "post"): Promise<string> {
  if (platform === "instagram") return publishInstagram(ig, accounts.ids.instagram, accounts.tokens.instagram, kind);
  if (platform === "facebook") return publishFacebook(accounts.ids.facebook, accounts.tokens.facebook, kind);
  return uploadYouTube(accounts.tokens.youtube);
}

/** Published deliveries of one brand and platform, with their sampler rows (first reading an hour after publishing), written in one batch. */
async function registerPublished(s: Session, brandId: string, platform: InsightsPlatform, posts: Array<{ at: number; publishedId: string; kind: "reel" | "post" }>) {
  const rows = JSON.stringify(posts.map((p, i) => ({ ...p, i, id: `${brandId}_${platform}_${i}` })));
  const each = "FROM json_each(?2) e";
  const v = (field: string) => `json_extract(e.value, '$.${field}')`;
  const tag = `${brandId}_${platform}`;
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO generation_jobs (workspace_id, variant, title, topic, platforms, seed, created_by_kind)
       SELECT ?1, CASE ${v("kind")} WHEN 'post' THEN 'post' ELSE 'light' END, 'Bench', ?3, '["${platform}"]', ${v("i")}, 'automation' ${each}`,
    ).bind(s.workspaceId, rows, tag),
    env.DB.prepare(
      `INSERT INTO job_outputs (id, job_id, workspace_id, brand_id, status, title)
       SELECT 'out_' || ${v("id")}, j.id, ?1, ?3, 'ready', 'Bench post' ${each}
       JOIN generation_jobs j ON j.workspace_id = ?1 AND j.topic = ?4 AND j.seed = ${v("i")}`,
    ).bind(s.workspaceId, rows, brandId, tag),
    env.DB.prepare(
      `INSERT INTO schedules (id, workspace_id, brand_id, output_id, job_id, scheduled_at, kind, variant, created_by_kind, dispatched_at)
       SELECT 'sch_' || ${v("id")}, ?1, ?3, o.id, o.job_id, ${v("at")} + ?4, ${v("kind")}, CASE ${v("kind")} WHEN 'post' THEN 'post' ELSE 'light' END, 'automation', ${v("at")} ${each}
       JOIN job_outputs o ON o.id = 'out_' || ${v("id")}`,
    ).bind(s.workspaceId, rows, brandId, ["instagram", "facebook", "youtube", "sandbox"].indexOf(platform)),
    env.DB.prepare(
      `INSERT INTO deliveries (id, schedule_id, workspace_id, platform, status, attempts, published_id, published_at)
       SELECT 'dlv_' || ${v("id")}, 'sch_' || ${v("id")}, ?1, ?3, 'published', 1, ${v("publishedId")}, ${v("at")} ${each}`,
    ).bind(s.workspaceId, rows, platform),
    // What registerPublishedPost writes for each, set-wise.
    env.DB.prepare(
      `INSERT INTO metric_targets (id, kind, workspace_id, brand_id, platform, content_type, published_at, next_at)
       SELECT 'dlv_' || ${v("id")}, 'post', ?1, ?3, ?4, ${v("kind")}, ${v("at")}, ${v("at")} + ?5 ${each}`,
    ).bind(s.workspaceId, rows, brandId, platform, HOUR),
  ]);
}

/** Requests each fake has logged (its own /__admin calls are not logged). */
async function requestMarks(): Promise<Record<RealPlatform, number>> {
  const entries = await Promise.all(Object.entries(FAKES).map(async ([p, admin]) => [p, (await admin.requests()).length] as const));
  return Object.fromEntries(entries) as Record<RealPlatform, number>;
}

describe("metrics bench", () => {
  it("metrics_samples_per_s: due posts through the metrics consumer and the real clients", async () => {
    try {
      await Promise.all(Object.values(FAKES).map((f) => f.reset()));
      const s = await signup();
      const brands: string[] = [];
      const now = Date.now();
      for (let b = 0; b < 4; b++) {
        const brandId = (await createBrand(s)).id;
        const accounts = await connectFakeAccounts(s, brandId);
        for (const [platform, n, kind] of [["instagram", 20, "post"], ["facebook", 20, "post"], ["youtube", 50, "reel"]] as const) {
          const posts = [];
          for (let i = 0; i < n; i++) posts.push({ at: now - 5 * HOUR + i * 1000, publishedId: await publishOnFake(accounts, platform, kind), kind });
          await registerPublished(s, brandId, platform, posts);
        }
        await env.DB.prepare("UPDATE metric_brands SET next_at = ? WHERE brand_id = ?").bind(now - 1000, brandId).run();
        brands.push(brandId);
      }
      const sent: MetricsMessage[] = [];
      const e = { ...env, METRICS_QUEUE: recordingMetricsQueue(sent) } as Env;
      const before = await requestMarks();
      let queue = brands.map((brandId) => ({ kind: "metrics", brandId }) as MetricsMessage);
      let messages = 0;
      const t0 = performance.now();
      while (queue.length) {
        for (let i = 0; i < queue.length; i += 5) {
          const batch = createMessageBatch<MetricsMessage>(
            "brandcast-metrics",
            queue.slice(i, i + 5).map((body, k) => ({ id: `b${messages + k}`, timestamp: new Date(), attempts: 1, body })),
          );
          messages += batch.messages.length;
          await handleMetricsBatch(batch, e);
        }
        queue = sent.splice(0);
      }
      const seconds = (performance.now() - t0) / 1000;
      const after = await requestMarks();
      const stored = await env.DB.prepare("SELECT COUNT(*) AS n FROM metric_snapshots WHERE workspace_id = ? AND (views IS NOT NULL OR reach IS NOT NULL)").bind(s.workspaceId).first<{ n: number }>();
      const requests = Object.fromEntries(Object.keys(FAKES).map((p) => [p, after[p as RealPlatform] - before[p as RealPlatform]]));
      progress(`${stored!.n} readings in ${round(seconds, 2)} s, ${messages} messages, requests ${JSON.stringify(requests)}`);
      report({ metrics_samples_per_s: round(stored!.n / seconds), metrics_samples_bench_readings: stored!.n, metrics_samples_bench_requests: requests });
    } catch (err) {
      report({ errors: [`metrics/samples_per_s: ${err instanceof Error ? err.message : String(err)}`] });
      throw err;
    }
  });

  it("metrics_platform_calls_per_post: three days of posts read through their 28 days, cron tick by cron tick", async () => {
    try {
      await Promise.all(Object.values(FAKES).map((f) => f.reset()));
      const s = await signup();
      const brandId = (await createBrand(s, { timezone: "UTC" })).id;
      const accounts = await connectFakeAccounts(s, brandId);
      // The virtual clock: the sampler's `now`, and the fakes' clocks moved by the same steps.
      let clock = Math.ceil(Date.now() / HOUR) * HOUR;
      const moveTo = async (at: number) => {
        if (at > clock) await Promise.all(Object.values(FAKES).map((f) => f.advance(at - clock)));
        clock = Math.max(clock, at);
      };
      // Three days of the default slots (UTC): six reels and two posts a day, each to all three platforms.
      const slots = [...DEFAULT_SLOTS.reel.map((r) => ({ ...parseHHMM(r.time), kind: "reel" as const })), ...DEFAULT_SLOTS.post.map((t) => ({ ...parseHHMM(t), kind: "post" as const }))];
      const start = clock + HOUR;
      const items = [0, 1, 2]
        .flatMap((d) => slots.map((sl) => ({ at: start + d * 24 * HOUR + sl.hour * HOUR + sl.minute * MINUTE, kind: sl.kind })))
        .sort((a, b) => a.at - b.at);
      const published: Record<RealPlatform, Array<{ at: number; publishedId: string; kind: "reel" | "post" }>> = { instagram: [], facebook: [], youtube: [] };
      for (const item of items) {
        await moveTo(item.at);
        for (const p of Object.keys(FAKES) as RealPlatform[]) published[p].push({ ...item, publishedId: await publishOnFake(accounts, p, item.kind) });
      }
      for (const p of Object.keys(FAKES) as RealPlatform[]) await registerPublished(s, brandId, p, published[p]);
      const before = await requestMarks();
      const nextPostDue = async () =>
        (await env.DB.prepare("SELECT MIN(next_at) AS at FROM metric_targets WHERE brand_id = ? AND kind = 'post'").bind(brandId).first<{ at: number | null }>())!.at;
      const TICK = 10 * MINUTE;
      let ticks = 0;
      const t0 = performance.now();
      for (let due = await nextPostDue(); due !== null; due = await nextPostDue()) {
        // The cron fires every ten minutes: the first tick at or after the due time.
        await moveTo(Math.ceil(due / TICK) * TICK);
        ticks++;
        for (let more = true; more; ) more = (await sampleBrand(env, brandId, { now: () => clock })).moreDue;
      }
      const after = await requestMarks();
      const readings = await env.DB.prepare("SELECT t.platform, COUNT(*) AS n FROM metric_snapshots s JOIN metric_targets t ON t.id = s.delivery_id WHERE t.brand_id = ? GROUP BY t.platform")
        .bind(brandId)
        .all<{ platform: RealPlatform; n: number }>();
      const perPost = (n: number) => round(n / items.length, 2);
      const calls = Object.fromEntries(Object.keys(FAKES).map((p) => [p, perPost(after[p as RealPlatform] - before[p as RealPlatform])]));
      const total = Object.keys(FAKES).reduce((n, p) => n + after[p as RealPlatform] - before[p as RealPlatform], 0);
      progress(`${ticks} cron ticks, ${items.length * 3} posts, in ${round((performance.now() - t0) / 1000, 1)} s`);
      report({
        metrics_platform_calls_per_post: round(total / (items.length * 3), 2),
        metrics_platform_calls_per_post_by_platform: calls,
        metrics_readings_per_post_by_platform: Object.fromEntries(readings.results.map((r) => [r.platform, perPost(r.n)])),
      });
    } catch (err) {
      report({ errors: [`metrics/platform_calls_per_post: ${err instanceof Error ? err.message : String(err)}`] });
      throw err;
    }
  });
});
