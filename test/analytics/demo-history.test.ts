// The demo's month of history (issue 15 item 4): `npm start` shows a month of
// charts on first start. Only where DEMO_HISTORY is "true"; idempotent (a
// second start changes nothing); what it writes is what publishing and the
// sampler would have left, so the API reads it like any other history.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_HISTORY_DAYS } from "../../worker/analytics/demo-history";
import { sampleBrand } from "../../worker/analytics/sampler";
import type { BestTimes, BrandAnalytics, PostMetrics } from "../../worker/contract/schemas";
import type { Env } from "../../worker/env";
import worker from "../../worker/index";
import { DAY } from "../../worker/lib/time";
import { addMember, call, createBrand, expectClientError, ORIGIN, signup, type Session } from "../support/fixtures";
import { connectAccount } from "./support";

const demoEnv = { ...env, DEMO_HISTORY: "true" } as Env;

/** A request to the Worker with DEMO_HISTORY set (as npm start runs it). */
async function backfill(s: Session & { workspace?: string }) {
  const headers: Record<string, string> = { cookie: s.cookie, origin: ORIGIN };
  if (s.workspace) headers["x-workspace"] = s.workspace;
  return worker.fetch(new Request(`${ORIGIN}/api/analytics/demo-history`, { method: "POST", headers }), demoEnv, createExecutionContext());
}

/** Every row the history touches, for the brand. */
async function rowCounts(brandId: string) {
  const q = (sql: string) => env.DB.prepare(sql).bind(brandId);
  const results = await env.DB.batch<{ n: number }>([
    q("SELECT COUNT(*) AS n FROM schedules WHERE brand_id = ?"),
    q("SELECT COUNT(*) AS n FROM job_outputs WHERE brand_id = ?"),
    q("SELECT COUNT(*) AS n FROM deliveries d JOIN schedules s ON s.id = d.schedule_id WHERE s.brand_id = ?"),
    q("SELECT COUNT(*) AS n FROM sandbox_posts p JOIN deliveries d ON d.id = p.delivery_id JOIN schedules s ON s.id = d.schedule_id WHERE s.brand_id = ?"),
    q("SELECT COUNT(*) AS n FROM metric_snapshots WHERE brand_id = ?"),
    q("SELECT COUNT(*) AS n FROM metric_targets WHERE brand_id = ?"),
  ]);
  return results.map((r) => r.results[0]!.n);
}

let s: Session;
let brandId: string;
let result: { brands: number; posts: number };
beforeAll(async () => {
  s = await signup();
  brandId = (await createBrand(s, { name: "Quick Kitchen", brief: { niche: "food and cooking" } })).id;
  await connectAccount(s, brandId, "sandbox");
  // A brand without a sandbox account gets no history.
  await createBrand(s, { name: "Elsewhere" });
  const res = await backfill(s);
  expect(res.status, await res.clone().text()).toBe(200);
  result = (await res.json()) as typeof result;
});

describe("POST /api/analytics/demo-history", () => {
  it("is a 404 unless the Worker runs with DEMO_HISTORY=true (npm start); owners only", async () => {
    await expectClientError(await call("/api/analytics/demo-history", { ...s, body: {} }), 404, "not_found");
    const editor = await signup();
    await addMember(s.workspaceId, editor.userId, "editor");
    await expectClientError(await backfill({ ...editor, workspace: s.workspaceId }), 403, "forbidden");
  });

  it("writes a month of published sandbox posts, four a day, for each brand with a sandbox account", () => {
    expect(result.brands).toBe(1);
    expect(result.posts).toBeGreaterThanOrEqual(3 * DEMO_HISTORY_DAYS);
    expect(result.posts).toBeLessThanOrEqual(4 * DEMO_HISTORY_DAYS);
  });

  it("a second start changes nothing", async () => {
    const before = await rowCounts(brandId);
    const again = await backfill(s);
    expect(await again.json()).toEqual({ brands: 0, posts: 0 });
    expect(await rowCounts(brandId)).toEqual(before);
  });

  it("the API reads it as history: simulated posts with their readings, followers, daily series, best times", async () => {
    const now = Date.now();
    const window = `from=${new Date(now - 31 * DAY).toISOString()}&to=${new Date(now).toISOString()}`;
    const posts = (await (await call(`/api/analytics/posts?${window}&limit=500&brand=${brandId}`, s)).json()) as { posts: PostMetrics[] };
    expect(posts.posts).toHaveLength(result.posts);
    expect(posts.posts.every((p) => p.simulated && p.platform === "sandbox" && p.metrics.views! > 0 && p.capturedAt)).toBe(true);
    expect(posts.posts.every((p) => p.permalink!.endsWith(`/sandbox/${p.deliveryId}`))).toBe(true);
    const report = (await (await call(`/api/analytics/brands/${brandId}?${window}`, s)).json()) as BrandAnalytics;
    expect(report.followers[0]!.series.length).toBe(DEMO_HISTORY_DAYS);
    expect(report.daily.filter((d) => d.posts > 0).length).toBe(DEMO_HISTORY_DAYS);
    expect(report.totals.posts).toBe(result.posts);
    const best = (await (await call(`/api/analytics/brands/${brandId}/best-times`, s)).json()) as BestTimes;
    expect(best.cells.some((c) => c.score !== null)).toBe(true);
    // The posts published on the first day are past their 28 days: read for the last time.
    const oldest = posts.posts.at(-1)!;
    const row = await env.DB.prepare("SELECT next_at, samples FROM metric_targets WHERE id = ?").bind(oldest.deliveryId).first<{ next_at: number | null; samples: number }>();
    expect(row!.next_at).toBeNull();
    expect(row!.samples).toBeGreaterThan(5);
  });

  it("the sampler carries on from where the history leaves off, numbering its readings after it", async () => {
    const due = await env.DB.prepare("SELECT id, samples, next_at FROM metric_targets WHERE brand_id = ? AND kind = 'post' AND next_at IS NOT NULL ORDER BY next_at LIMIT 1")
      .bind(brandId)
      .first<{ id: string; samples: number; next_at: number }>();
    await sampleBrand(env, brandId, { now: () => due!.next_at });
    const after = await env.DB.prepare("SELECT samples FROM metric_targets WHERE id = ?").bind(due!.id).first<{ samples: number }>();
    expect(after!.samples).toBe(due!.samples + 1);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM metric_snapshots WHERE delivery_id = ?").bind(due!.id).first<{ n: number }>()).toEqual({ n: due!.samples + 1 });
  });
});
