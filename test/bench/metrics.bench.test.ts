// Metrics benchmarks (`npm run bench`), inside workerd against the real local
// D1. Prints `BENCH {json}` lines that scripts/bench.mjs merges:
//   metrics_samples_per_s            readings stored per second through the metrics
//                                    queue consumer and the real sampler (10 brands ×
//                                    100 due posts, 5 messages a batch as wrangler.toml
//                                    says); seeding not timed;
//   metrics_platform_calls_per_post  insights client calls per post over its first
//                                    28 days, per platform and overall, with the
//                                    sampler run at every ten-minute cron tick on a
//                                    virtual clock (a brand publishing its 8 default
//                                    slots a day for a week to Instagram, Facebook and
//                                    YouTube); fewer is better. Next to it, the
//                                    readings per post: calls / readings is what
//                                    batching (YouTube: 50 ids a call) saves.
// The real Instagram, Facebook and YouTube insights clients are not merged yet
// (worker/analytics/insights/index.ts is a placeholder): both figures run the
// sandbox's simulated readings (metrics_bench_clients says so), with the
// platforms' batch sizes. Benchmarks measure; they assert nothing.
import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { handleMetricsBatch } from "../../worker/analytics/fanout";
import { sampleBrand } from "../../worker/analytics/sampler";
import { simulatedReading } from "../../worker/analytics/sandbox-insights";
import type { InsightsClient, InsightsPlatform } from "../../worker/analytics/types";
import type { Env, MetricsMessage } from "../../worker/env";
import { DAY, HOUR, MINUTE } from "../../worker/lib/time";
import { DEFAULT_SLOTS } from "../../worker/scheduling/slot-grid";
import { fromLocal, parseHHMM } from "../../worker/scheduling/zoned-time";
import { connectAccount, recordingMetricsQueue, withInsights } from "../analytics/support";
import { createBrand, signup, type Session } from "../support/fixtures";
import { round } from "./figures";

const report = (figures: Record<string, unknown>) => console.log(`BENCH ${JSON.stringify(figures)}`);
const progress = (msg: string) => console.error(`[bench:metrics] ${msg}`);

/** Published deliveries of one brand and platform, with their sampler rows, written in one batch (json_each: one parameter each). */
async function seedPublished(s: Session, brandId: string, platform: InsightsPlatform, publishedAts: number[], kind: "reel" | "post" = "reel") {
  const tag = `${brandId}_${platform}_${kind}`;
  const rows = JSON.stringify(publishedAts.map((at, i) => ({ i, at, id: `${tag}_${i}` })));
  const each = `FROM json_each(?2) e`;
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO generation_jobs (workspace_id, variant, title, topic, platforms, seed, created_by_kind)
       SELECT ?1, 'light', 'Bench', ?3, '["sandbox"]', json_extract(e.value, '$.i'), 'automation' ${each}`,
    ).bind(s.workspaceId, rows, tag),
    env.DB.prepare(
      `INSERT INTO job_outputs (id, job_id, workspace_id, brand_id, status, title)
       SELECT 'out_' || json_extract(e.value, '$.id'), j.id, ?1, ?3, 'ready', 'Bench post' ${each}
       JOIN generation_jobs j ON j.workspace_id = ?1 AND j.topic = ?4 AND j.seed = json_extract(e.value, '$.i')`,
    ).bind(s.workspaceId, rows, brandId, tag),
    env.DB.prepare(
      `INSERT INTO schedules (id, workspace_id, brand_id, output_id, job_id, scheduled_at, kind, variant, created_by_kind, dispatched_at)
       SELECT 'sch_' || json_extract(e.value, '$.id'), ?1, ?3, o.id, o.job_id, json_extract(e.value, '$.at') + ?5, ?4, 'light', 'automation', json_extract(e.value, '$.at') ${each}
       JOIN job_outputs o ON o.id = 'out_' || json_extract(e.value, '$.id')`,
    ).bind(s.workspaceId, rows, brandId, kind, ["instagram", "facebook", "youtube", "sandbox"].indexOf(platform)),
    env.DB.prepare(
      `INSERT INTO deliveries (id, schedule_id, workspace_id, platform, status, attempts, published_id, published_at)
       SELECT 'dlv_' || json_extract(e.value, '$.id'), 'sch_' || json_extract(e.value, '$.id'), ?1, ?3, 'published', 1, 'pub_' || json_extract(e.value, '$.id'), json_extract(e.value, '$.at') ${each}`,
    ).bind(s.workspaceId, rows, platform),
    // What registerPublishedPost writes for each (first reading an hour after publishing), set-wise.
    env.DB.prepare(
      `INSERT INTO metric_targets (id, kind, workspace_id, brand_id, platform, content_type, published_at, next_at)
       SELECT 'dlv_' || json_extract(e.value, '$.id'), 'post', ?1, ?3, ?4, ?5, json_extract(e.value, '$.at'), json_extract(e.value, '$.at') + ?6 ${each}`,
    ).bind(s.workspaceId, rows, brandId, platform, kind, HOUR),
  ]);
}

/** A client answering the sandbox's simulated readings with a platform's batch size, counting its calls. */
function countingClient(platform: InsightsPlatform, batchSize: number, brandId: string) {
  const counts = { postCalls: 0, readings: 0 };
  const client: InsightsClient = {
    platform,
    batchSize,
    async posts(ctx, refs) {
      counts.postCalls++;
      counts.readings += refs.length;
      return refs.map((r) => simulatedReading(r, { brandId, timezone: "Europe/Lisbon", topic: "bench" }, ctx.now()));
    },
    async account() {
      return { followers: 1000, simulated: true };
    },
  };
  return { client, counts };
}

describe("metrics bench", () => {
  it("metrics_samples_per_s: due posts through the metrics consumer", async () => {
    try {
      const s = await signup();
      const BRANDS = 10;
      const POSTS = 100;
      const brands: string[] = [];
      for (let b = 0; b < BRANDS; b++) {
        const brandId = (await createBrand(s)).id;
        await connectAccount(s, brandId, "sandbox");
        await seedPublished(s, brandId, "sandbox", Array.from({ length: POSTS }, (_, i) => Date.now() - 5 * HOUR + i * 1000));
        brands.push(brandId);
      }
      const sent: MetricsMessage[] = [];
      const e = { ...env, METRICS_QUEUE: recordingMetricsQueue(sent) } as Env;
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
      const stored = await env.DB.prepare("SELECT COUNT(*) AS n FROM metric_snapshots WHERE workspace_id = ?").bind(s.workspaceId).first<{ n: number }>();
      progress(`${stored!.n} readings in ${round(seconds, 2)} s, ${messages} messages`);
      report({ metrics_samples_per_s: round(stored!.n / seconds), metrics_samples_bench_readings: stored!.n, metrics_samples_bench_messages: messages, metrics_bench_clients: "sandbox" });
    } catch (err) {
      report({ errors: [`metrics/samples_per_s: ${err instanceof Error ? err.message : String(err)}`] });
      throw err;
    }
  });

  it("metrics_platform_calls_per_post: a week of posts read through their 28 days, cron tick by cron tick", async () => {
    try {
      const s = await signup();
      const brandId = (await createBrand(s, { timezone: "Europe/Lisbon" })).id;
      const platforms = { instagram: 1, facebook: 1, youtube: 50 } as const;
      for (const p of Object.keys(platforms) as Array<keyof typeof platforms>) await connectAccount(s, brandId, p);
      // A week of the default slots: six reels and two posts a day, from 2026-03-02 (Lisbon).
      const items: Array<{ at: number; kind: "reel" | "post" }> = [];
      for (let d = 0; d < 7; d++) {
        const date = { year: 2026, month: 3, day: 2 + d };
        for (const r of DEFAULT_SLOTS.reel) items.push({ at: fromLocal({ ...date, ...parseHHMM(r.time) }, "Europe/Lisbon"), kind: "reel" });
        for (const t of DEFAULT_SLOTS.post) items.push({ at: fromLocal({ ...date, ...parseHHMM(t) }, "Europe/Lisbon"), kind: "post" });
      }
      const counting = Object.fromEntries(Object.entries(platforms).map(([p, size]) => [p, countingClient(p as InsightsPlatform, size, brandId)]));
      for (const p of Object.keys(platforms) as InsightsPlatform[]) {
        for (const kind of ["reel", "post"] as const) await seedPublished(s, brandId, p, items.filter((i) => i.kind === kind).map((i) => i.at), kind);
      }
      const clients = withInsights(...Object.values(counting).map((c) => c.client));
      const nextPostDue = async () =>
        (await env.DB.prepare("SELECT MIN(next_at) AS at FROM metric_targets WHERE brand_id = ? AND kind = 'post'").bind(brandId).first<{ at: number | null }>())!.at;
      const TICK = 10 * MINUTE;
      let ticks = 0;
      const t0 = performance.now();
      for (let due = await nextPostDue(); due !== null; due = await nextPostDue()) {
        // The cron fires every ten minutes: the first tick at or after the due time.
        const at = Math.ceil(due / TICK) * TICK;
        ticks++;
        for (let more = true; more; ) more = (await sampleBrand(env, brandId, { now: () => at, clients })).moreDue;
      }
      const posts = items.length;
      const perPlatform = Object.fromEntries(Object.entries(counting).map(([p, c]) => [p, round(c.counts.postCalls / posts, 2)]));
      const readings = Object.fromEntries(Object.entries(counting).map(([p, c]) => [p, round(c.counts.readings / posts, 2)]));
      const calls = Object.values(counting).reduce((n, c) => n + c.counts.postCalls, 0);
      progress(`${ticks} cron ticks over ${round((items.at(-1)!.at + 28 * DAY - items[0]!.at) / DAY)} days in ${round((performance.now() - t0) / 1000, 1)} s`);
      report({
        metrics_platform_calls_per_post: round(calls / (posts * 3), 2),
        metrics_platform_calls_per_post_by_platform: perPlatform,
        metrics_readings_per_post_by_platform: readings,
        metrics_bench_clients: "sandbox",
      });
    } catch (err) {
      report({ errors: [`metrics/platform_calls_per_post: ${err instanceof Error ? err.message : String(err)}`] });
      throw err;
    }
  });
});
