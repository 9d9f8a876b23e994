// Cost per item (`npm run bench`, issue 17 item 5): one day of a workspace of
// 5 brands, 8 items a day each (6 reels, 2 posts), 3 platforms each, through
// the real code paths with every binding counted (cost-meter.ts): the burst
// (proposals and jobs), generation (the output's copy and its media in R2;
// the renderer itself is a stub that writes files of the real count, since
// its CPU is not a binding cost), booking through the BrandScheduler,
// dispatch by its alarm, and publishing with the real clients against the
// fake platforms; then the items' 28 days of metrics (cost-metrics-life.ts):
// cron firings on a virtual clock the fakes follow, the metrics fan-out, the
// `metrics` consumer and the real insights clients against the fakes.
// Prints, for the whole life (metrics included):
//   d1_queries_per_item, d1_rows_read_per_item, d1_rows_written_per_item,
//   do_requests_per_item, queue_messages_per_item, subrequests_per_item,
//   r2_class_a_per_item, r2_class_b_per_item, and the same per phase;
// the metrics' share as d1_queries_metrics_per_item (and so on), the life
// without them in cost_per_item_without_metrics, the platform requests the
// readings took (metrics_platform_requests_per_item); and, on stderr,
// EXPLAIN QUERY PLAN of every statement seen that scans, and the statements
// the metrics ran most often.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { runBurst } from "../../worker/automation/burst";
import type { Env, GenerateMessage, MetricsMessage, PublishMessage } from "../../worker/env";
import { handleGenerateBatch } from "../../worker/generation/generate-consumer";
import type { MediaStep } from "../../worker/generation/generate-output";
import { putMedia } from "../../worker/media/storage";
import { brandScheduler } from "../../worker/scheduling/brand-scheduler";
import { localDateString } from "../../worker/scheduling/zoned-time";
import { chaosEnv, chaosFake, driveUntilQuiet } from "../publishing/chaos-driver";
import { seedBrandsOnFakes } from "../publishing/chaos-seed";
import { workspace } from "../publishing/support";
import { json } from "../support/fixtures";
import { countedEnv, countingFetch, markStatements, newTally, planReport, statementsSince, tallyFigures, type Tally } from "./cost-meter";
import { fakesNow, grantInsights, layOutOverSlots, runMetricsFirings, setDue } from "./cost-metrics-life";
import { round } from "./figures";

const BRANDS = 5;
const FAKES = ["instagram", "facebook", "youtube"] as const;
const report = (figures: Record<string, unknown>) => console.log(`BENCH ${JSON.stringify(figures)}`);
const progress = (msg: string) => console.error(`[bench:cost] ${msg}`);

const bytes = (n: number, magic: number[]) => {
  const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
  data.set(magic);
  return data;
};
const MAGIC = { mp4: [0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70], png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], jpg: [0xff, 0xd8, 0xff, 0xe0] };

/** What the renderer stores per output (media-step.ts): a reel's video, thumbnail, YouTube thumbnail and JPEG cover; a post's 5 slides as PNG and JPEG. */
const stubMedia: MediaStep = async (e, ctx) => {
  const put = (ext: keyof typeof MAGIC) => putMedia(e.MEDIA, ctx.workspaceId, bytes(2048, MAGIC[ext]), ext);
  if (ctx.variant !== "post") return { videoKey: await put("mp4"), thumbnailKey: await put("png"), ytThumbnailKey: await put("jpg"), publishCoverKey: await put("jpg") };
  const slideKeys = [];
  const publishSlideKeys = [];
  for (let i = 0; i < 5; i++) (slideKeys.push(await put("png")), publishSlideKeys.push(await put("jpg")));
  return { coverKey: slideKeys[0], thumbnailKey: slideKeys[0], slideKeys, publishCoverKey: publishSlideKeys[0], publishSlideKeys };
};

function batchOf<M>(queue: string, body: M): MessageBatch<M> {
  const message = { id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body, ack() {}, retry() {} };
  return { queue, messages: [message], ackAll() {}, retryAll() {} } as unknown as MessageBatch<M>;
}

type Figures = ReturnType<typeof tallyFigures>;
const minus = (a: Figures, b: Figures) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - b[k as keyof Figures]])) as Figures;
const plus = (a: Figures, b: Figures) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v + b[k as keyof Figures]])) as Figures;
const perItem = (f: Figures, items: number) =>
  Object.fromEntries(Object.entries(f).filter(([k]) => !k.startsWith("d1Size")).map(([k, v]) => [k, round(v / items, 2)])) as Record<Exclude<keyof Figures, "d1SizeFirst" | "d1SizeLast">, number>;

/** Statements that scan a table or sort in a temp B-tree (EXPLAIN QUERY PLAN), the heaviest readers and the most frequent, on stderr. */
function printStatements(label: string, plans: Awaited<ReturnType<typeof planReport>>, items: number) {
  const scans = plans.filter((p) => p.plan.some((d) => /^SCAN (?!.*USING (COVERING )?INDEX)|TEMP B-TREE/.test(d) && !/CONSTANT ROW|json_each/.test(d)));
  progress(`${label}: ${plans.length} distinct statements; ${scans.length} scan a table or sort in a temp B-tree:`);
  for (const p of scans) progress(`  [${p.runs}× ${p.rowsRead} rows] ${p.sql.slice(0, 160)} → ${p.plan.join(" | ")}`);
  progress(`${label}: statements reading the most rows:`);
  for (const p of [...plans].sort((a, b) => b.rowsRead - a.rowsRead).slice(0, 8)) progress(`  [${p.runs}× ${p.rowsRead} rows] ${p.sql.slice(0, 160)}`);
  progress(`${label}: statements writing the most rows:`);
  for (const p of [...plans].sort((a, b) => b.rowsWritten - a.rowsWritten).slice(0, 8)) progress(`  [${p.runs}× ${p.rowsWritten} rows] ${p.sql.slice(0, 160)}`);
  progress(`${label}: statements run most often (per item):`);
  for (const p of [...plans].sort((a, b) => b.runs - a.runs).slice(0, 25)) progress(`  [${round(p.runs / items, 2)}/item, ${p.rowsRead} rows] ${p.sql.slice(0, 200)}`);
  return scans;
}

describe("cost bench", () => {
  it("cost per item: proposal, job, render, booking, dispatch, publish to each platform, 28 days of metrics", async () => {
    try {
      await Promise.all(FAKES.map((f) => chaosFake(f).clearFaults()));
      const s = await workspace();
      const brands = await seedBrandsOnFakes(BRANDS);
      await grantInsights();
      for (const b of brands) await json(`/api/brands/${b.brandId}`, { ...s, method: "PATCH", body: { brief: { niche: "food", reelsPerDay: 6, postsPerDay: 2 } } }, 200);

      const t: Tally = newTally();
      const sent = { generate: [] as GenerateMessage[], publish: [] as PublishMessage[], metrics: [] as MetricsMessage[] };
      const base = chaosEnv();
      const counted = countedEnv(t, base, sent);
      // The BrandSchedulers count into the same tally: their D1 statements and the publish messages their alarms send.
      for (const b of brands) {
        await runInDurableObject(brandScheduler(env, b.brandId), (instance) => {
          (instance as unknown as { env: Env }).env = countedEnv(t, (instance as unknown as { env: Env }).env, sent);
        });
      }
      const phases: Record<string, Figures> = {};
      let mark = tallyFigures(t);
      const phase = (name: string) => {
        const now = tallyFigures(t);
        phases[name] = minus(now, mark);
        mark = now;
      };

      // 1. The burst: proposals through the gate, jobs and their outputs, generate messages.
      const now = Date.now();
      const burst = await runBurst(counted, s.workspaceId, localDateString(now, "Europe/Lisbon"), { now, llm: null, maxBrands: BRANDS });
      if (burst.error) throw new Error(`burst: ${burst.error}`);
      phase("burst");
      const items = sent.generate.length;

      // 2. Generation of each output (copy, media to R2), then its booking through the brand's BrandScheduler.
      for (const m of sent.generate) await handleGenerateBatch(batchOf("brandcast-generate", m), counted, stubMedia);
      phase("generate_and_book");

      // 3. Dispatch: every item made due (behind the scheduler's back, as the dispatch tests travel time), then each brand's alarm claims its items.
      const scheduled = await env.DB.prepare("SELECT id, scheduled_at FROM schedules WHERE workspace_id = ? ORDER BY scheduled_at")
        .bind(s.workspaceId)
        .all<{ id: string; scheduled_at: number }>();
      for (const [i, r] of scheduled.results.entries()) {
        await env.DB.prepare("UPDATE schedules SET scheduled_at = ? WHERE id = ?").bind(now - 60_000 - i * 1000, r.id).run();
      }
      for (const b of brands) {
        // An alarm firing is a request to the object; a full page re-arms at once, so fire until it has nothing left.
        for (let k = 0; k < 10 && (await runDurableObjectAlarm(brandScheduler(env, b.brandId))); k++) t.doRequests++;
      }
      phase("dispatch");
      const undispatched = await env.DB.prepare("SELECT COUNT(*) AS n FROM schedules WHERE workspace_id = ? AND dispatched_at IS NULL").bind(s.workspaceId).first<{ n: number }>();
      progress(`dispatch: ${scheduled.results.length} scheduled, ${undispatched!.n} left undispatched, ${sent.publish.length} publish messages`);

      // 4. Publishing: every message through the consumer with the real clients against the fakes (retries while a platform processes included).
      const ids = sent.publish.map((m) => m.deliveryId);
      const stats = await countingFetch(t, () =>
        driveUntilQuiet(ids, { seed: 17, faultRate: 0, softKillRate: 0, hardKillRate: 0, duplicateRate: 0, initialCopies: 1, requestTimeoutMs: 30_000, concurrency: 10, fakes: [...FAKES], env: counted, frozenClock: true }),
      );
      phase("publish");
      const sizeBeforeMetrics = t.d1SizeLast;

      // 5. 28 days of metrics: each published post's readings from an hour after its slot (on one day's grid) to its 28-day figure, cron firing by firing.
      const brandIds = brands.map((b) => b.brandId);
      const from = await fakesNow(FAKES);
      const { spreadHours } = await layOutOverSlots(scheduled.results, from);
      // Accounts' followers are read daily whatever a brand publishes: measured below as one day's worth, not 28 days of these 40 items'.
      await setDue(brandIds, null);
      const statementsBeforeMetrics = markStatements(t);
      const posts = await runMetricsFirings({ counted, t, sent: sent.metrics, brandIds, fakes: FAKES, from });
      phase("metrics_posts_28_days");
      // 6. One day of the brands' account readings (3 a brand), the day's share of 8 items a brand: the same per-item division as the rest.
      await setDue(brandIds, posts.clock + 1);
      const accounts = await runMetricsFirings({ counted, t, sent: sent.metrics, brandIds, fakes: FAKES, from: posts.clock + 1, until: posts.clock + 24 * 3_600_000 });
      phase("metrics_accounts_1_day");
      const readings = await env.DB.prepare(
        `SELECT platform, COUNT(*) AS n, COUNT(delivery_id) AS posts, COUNT(views) + COUNT(followers) AS with_values FROM metric_snapshots
         WHERE brand_id IN (SELECT value FROM json_each(?)) GROUP BY platform`,
      )
        .bind(JSON.stringify(brandIds))
        .all<{ platform: string; n: number; posts: number; with_values: number }>();
      const targets = await env.DB.prepare(
        `SELECT kind, platform, COUNT(*) AS n, SUM(next_at IS NULL AND parked IS NULL) AS done, SUM(parked IS NOT NULL) AS parked, MIN(samples) AS min_samples, MAX(samples) AS max_samples
         FROM metric_targets WHERE brand_id IN (SELECT value FROM json_each(?)) GROUP BY kind, platform`,
      )
        .bind(JSON.stringify(brandIds))
        .all<{ kind: string; n: number; done: number }>();
      // Figures for posts that stopped short (parked, deferred) would not be an item's 28 days.
      const unfinished = targets.results.filter((r) => r.kind === "post").reduce((n, r) => n + r.n - r.done, 0);
      if (unfinished) throw new Error(`metrics: ${unfinished} posts did not reach their 28-day reading`);
      progress(`metrics: items laid out over ${round(spreadHours, 1)} h of slots; ${posts.firings} cron firings over ${round((posts.clock - from) / 86_400_000, 1)} days, ${posts.messages} messages; requests ${JSON.stringify(posts.requests)}`);
      progress(`metrics: accounts' day: ${accounts.firings} firings, ${accounts.messages} messages, requests ${JSON.stringify(accounts.requests)}`);
      progress(`metrics: readings ${JSON.stringify(readings.results)}; targets ${JSON.stringify(targets.results)}`);

      const outcome = await env.DB.prepare("SELECT platform, status, substr(last_error, 1, 120) AS why, COUNT(*) AS n FROM deliveries WHERE workspace_id = ? GROUP BY platform, status, why")
        .bind(s.workspaceId)
        .all<{ platform: string; status: string; why: string | null; n: number }>();
      const total = tallyFigures(t);
      const per = perItem(total, items);
      progress(`${items} items over ${BRANDS} brands, ${ids.length} deliveries (${stats.messages} consumer deliveries): ${JSON.stringify(outcome.results)}`);
      for (const [name, f] of Object.entries(phases)) progress(`${name}: ${JSON.stringify(perItem(f, items))} per item`);

      const scans = printStatements("whole life", await planReport(env.DB, t), items);
      const metricScans = printStatements("metrics", await planReport(env.DB, statementsSince(t, statementsBeforeMetrics)), items);
      const metrics = perItem(plus(phases.metrics_posts_28_days!, phases.metrics_accounts_1_day!), items);
      const platformRequests = Object.fromEntries(FAKES.map((f) => [f, round((posts.requests[f] + accounts.requests[f]) / items, 2)]));
      const storedReadings = readings.results.reduce((n, r) => n + r.n, 0);

      report({
        cost_items: items,
        d1_queries_per_item: per.d1Queries,
        d1_rows_read_per_item: per.d1RowsRead,
        d1_rows_written_per_item: per.d1RowsWritten,
        do_requests_per_item: per.doRequests,
        queue_messages_per_item: per.queueMessages,
        queue_deliveries_per_item: round((items + stats.messages + posts.messages + accounts.messages) / items, 2),
        subrequests_per_item: per.subrequests,
        r2_class_a_per_item: per.r2ClassA,
        r2_class_b_per_item: per.r2ClassB,
        // What the item's rows (and their indexes) add to the database, in bytes (page-granular).
        d1_bytes_per_item: Math.round((t.d1SizeLast - t.d1SizeFirst) / items),
        deliveries_per_item: round(ids.length / items, 2),
        // The metrics' share: 28 days of the item's posts' readings, and a day of its brand's account readings over the day's 8 items.
        d1_queries_metrics_per_item: metrics.d1Queries,
        d1_rows_read_metrics_per_item: metrics.d1RowsRead,
        d1_rows_written_metrics_per_item: metrics.d1RowsWritten,
        do_requests_metrics_per_item: metrics.doRequests,
        queue_messages_metrics_per_item: metrics.queueMessages,
        subrequests_metrics_per_item: metrics.subrequests,
        d1_bytes_metrics_per_item: Math.round((t.d1SizeLast - sizeBeforeMetrics) / items),
        metrics_platform_requests_per_item: { ...platformRequests, total: round(Object.values(platformRequests).reduce((a, b) => a + b, 0), 2) },
        metrics_readings_per_item: round(storedReadings / items, 2),
        metrics_cron_firings: posts.firings + accounts.firings,
        cost_per_item_without_metrics: perItem(minus(total, plus(phases.metrics_posts_28_days!, phases.metrics_accounts_1_day!)), items),
        cost_per_item_by_phase: Object.fromEntries(Object.entries(phases).map(([k, f]) => [k, perItem(f, items)])),
        cost_scanning_statements: scans.length,
        cost_scanning_statements_metrics: metricScans.length,
      });
    } catch (e) {
      report({ errors: [`cost/cost_per_item: ${e instanceof Error ? e.message : String(e)}`] });
      throw e;
    }
  });
});
