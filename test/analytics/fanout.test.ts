// Sampling fans out (DESIGN.md §9): the cron hands out due brands page by
// page, one `metrics` message each, and never samples in its own invocation;
// a brand's consumer run is bounded and sends itself the rest.
import { passQueue } from "../support/passes";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { BRAND_LEASE_MS, fanOutDueMetrics } from "../../worker/analytics/fanout";
import { TARGETS_PER_RUN } from "../../worker/analytics/sampler";
import type { Env, MetricsMessage } from "../../worker/env";
import { HOUR } from "../../worker/lib/time";
import worker from "../../worker/index";
import { countRows, createBrand, insertOutput, signup, type Session } from "../support/fixtures";
import { handleScheduled } from "../../worker/automation/cron";
import { brandDue, connectAccount, deliverMetrics, publishPosts, recordingMetricsQueue, ScriptedInsights, withInsights } from "./support";

function recorder(): { sent: MetricsMessage[]; env: Env } {
  const sent: MetricsMessage[] = [];
  return { sent, env: { ...env, METRICS_QUEUE: recordingMetricsQueue(sent) } };
}

/** Brands with a connected account, each due at the given time (oldest first). */
async function dueBrands(s: Session, dueAt: number[]): Promise<string[]> {
  const ids: string[] = [];
  for (const at of dueAt) {
    const brandId = (await createBrand(s)).id;
    await connectAccount(s, brandId, "sandbox");
    await env.DB.prepare("UPDATE metric_brands SET next_at = ? WHERE brand_id = ?").bind(at, brandId).run();
    ids.push(brandId);
  }
  return ids;
}

beforeEach(async () => {
  // Storage is shared within the file: earlier tests' brands are not due here.
  await env.DB.prepare("UPDATE metric_brands SET next_at = NULL").run();
});

describe("the cron hands out due brands", () => {
  it("one message per due brand, across workspaces, page by page; brands not due stay", async () => {
    const [a, b] = [await signup(), await signup()];
    const now = Date.now();
    const due = [...(await dueBrands(a, [now - 3000, now - 2000])), ...(await dueBrands(b, [now - 1000]))];
    const later = await dueBrands(b, [now + 60_000]);
    const { sent, env: e } = recorder();
    const result = await fanOutDueMetrics(e, now, { pageSize: 2 });
    expect(result).toEqual({ brands: 3, pages: 2, more: false });
    expect(sent.map((m) => m.brandId)).toEqual(due);
    expect(sent.every((m) => m.kind === "metrics")).toBe(true);
    expect(sent.map((m) => m.brandId)).not.toContain(later[0]);
    // Claimed brands are leased: the next cron sends nothing while their messages wait.
    for (const id of due) expect(await brandDue(id)).toBe(now + BRAND_LEASE_MS);
    expect((await fanOutDueMetrics(e, now + 60_000)).brands).toBe(1); // only `later`, now due
    // A message lost: once the lease runs out the brand is sent again.
    sent.length = 0;
    await fanOutDueMetrics(e, now + BRAND_LEASE_MS + 1);
    expect(sent.map((m) => m.brandId).sort()).toEqual([...due].sort());
  });

  it("is bounded per invocation: the longest-waiting brands go first, the rest stays due", async () => {
    const s = await signup();
    const now = Date.now();
    const ids = await dueBrands(s, [now - 5000, now - 4000, now - 3000, now - 2000, now - 1000]);
    const { sent, env: e } = recorder();
    expect(await fanOutDueMetrics(e, now, { pageSize: 2, maxPages: 1 })).toEqual({ brands: 2, pages: 1, more: true });
    expect(sent.map((m) => m.brandId)).toEqual(ids.slice(0, 2));
    for (const id of ids.slice(2)) expect(await brandDue(id)).toBeLessThanOrEqual(now);
  });

  it("a queue that refuses the batch gives the brands back at once", async () => {
    const s = await signup();
    const now = Date.now();
    const [id] = await dueBrands(s, [now - 1000]);
    const failing = { ...env, METRICS_QUEUE: { sendBatch: async () => Promise.reject(new Error("queue unavailable")) } } as unknown as Env;
    expect((await fanOutDueMetrics(failing, now)).brands).toBe(0);
    expect(await brandDue(id!)).toBe(now);
  });

  it("the ten-minute cron fans out and samples nothing itself", async () => {
    const s = await signup();
    const now = Date.now();
    const [id] = await dueBrands(s, [now - 1000]);
    const { sent, env: e } = recorder();
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "*/10 * * * *" }), e, ctx);
    await waitOnExecutionContext(ctx);
    expect(sent.map((m) => m.brandId)).toContain(id);
    expect(await countRows("metric_snapshots", "brand_id = ?", id)).toBe(0);
  });
});

describe("the cron's other passes", () => {
  it("still run when the metrics fan-out fails", async () => {
    const s = await signup();
    const brandId = (await createBrand(s)).id;
    await insertOutput(s, brandId, { status: "ready" });
    const db = env.DB;
    const failingFanout = new Proxy(db, {
      get(target, prop) {
        if (prop === "prepare") return (sql: string) => (/UPDATE metric_brands/.test(sql) ? { bind: () => ({ all: () => Promise.reject(new Error("D1 overloaded")) }) } : target.prepare(sql));
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const now = Date.now();
    const q = passQueue({ ...env, DB: failingFanout } as Env);
    await handleScheduled(createScheduledController({ scheduledTime: now, cron: "*/10 * * * *" }), q.env);
    // Catch-up was handed out for the workspace in this window.
    expect(q.sent).toContainEqual(expect.objectContaining({ kind: "catchup", workspaceId: s.workspaceId }));
  });
});

describe("the metrics consumer", () => {
  it("samples its brand, bounded; with more due it sends the brand again (and leases it)", async () => {
    const s = await signup();
    const brandId = (await createBrand(s)).id;
    await connectAccount(s, brandId, "youtube");
    // Published long enough ago that every one of them is due.
    await publishPosts(s, brandId, 15, { platform: "youtube", publishedAt: Date.now() - 5 * HOUR });
    const yt = new ScriptedInsights("youtube", 50);
    const { sent, env: e } = recorder();
    // A run takes at most TARGETS_PER_RUN; here 10, so that 16 due targets need two.
    expect(TARGETS_PER_RUN).toBeGreaterThan(10);
    const result = await deliverMetrics([brandId], { env: e, clients: withInsights(yt), limit: 10 });
    expect(result.explicitAcks).toHaveLength(1);
    expect(await countRows("metric_snapshots", "brand_id = ?", brandId)).toBe(10);
    expect(sent).toEqual([{ kind: "metrics", brandId }]);
    expect(await brandDue(brandId)).toBeGreaterThan(Date.now());
    // The follow-up message finishes the brand, and sends nothing more.
    sent.length = 0;
    await deliverMetrics([brandId], { env: e, clients: withInsights(yt), limit: 10 });
    expect(await countRows("metric_snapshots", "brand_id = ?", brandId)).toBe(16);
    expect(sent).toEqual([]);
  });

  it("a message that fails is retried; a malformed one is dropped", async () => {
    const s = await signup();
    const brandId = (await createBrand(s)).id;
    await connectAccount(s, brandId, "sandbox");
    const broken = { ...env, DB: { batch: () => Promise.reject(new Error("D1 unavailable")), prepare: env.DB.prepare.bind(env.DB) } } as unknown as Env;
    const result = await deliverMetrics([brandId], { env: broken });
    expect(result.retryMessages).toHaveLength(1);
    const { createMessageBatch, getQueueResult } = await import("cloudflare:test");
    const batch = createMessageBatch<MetricsMessage>("brandcast-metrics", [{ id: "bad", timestamp: new Date(), attempts: 1, body: { kind: "metrics" } as MetricsMessage }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["bad"]);
  });
});
