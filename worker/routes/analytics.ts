// API.md "Analytics": what published posts did, per brand and platform. Every
// answer is read from D1 (the sampler's snapshots); viewing a page never calls
// a platform. Scoped to the caller's workspace: another workspace's brand is a 404.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../auth/context";
import { requireRole } from "../auth/middleware";
import { analyticsPostsQuery, brandAnalyticsQuery, emptyBody } from "../contract/schemas";
import { notFound } from "../errors";
import { readJson, readQuery } from "../lib/validate";
import { brandAnalytics, brandBestTimes } from "../analytics/brand-report";
import { backfillDemoHistory } from "../analytics/demo-history";
import { listPostMetrics, postMetricsCsv, type PostFilter } from "../analytics/posts";

async function postFilter(c: Context<AppEnv>): Promise<PostFilter> {
  const q = readQuery(c, analyticsPostsQuery);
  const workspaceId = c.get("actor").workspaceId;
  // A brand filter names one of the caller's brands, or nothing at all (never reveal another workspace's).
  if (q.brand) {
    const own = await c.env.DB.prepare("SELECT 1 FROM brands WHERE id = ? AND workspace_id = ?").bind(q.brand, workspaceId).first();
    if (!own) throw notFound("Brand");
  }
  return { from: Date.parse(q.from), to: Date.parse(q.to), brand: q.brand, platform: q.platform, type: q.type, sort: q.sort, limit: q.limit };
}

export const analyticsRoutes = new Hono<AppEnv>()
  .get("/posts", async (c) => c.json({ posts: await listPostMetrics(c.env.DB, c.get("actor").workspaceId, await postFilter(c)) }))
  .get("/posts.csv", async (c) => {
    const f = await postFilter(c);
    const csv = await postMetricsCsv(c.env.DB, c.get("actor").workspaceId, f);
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    return c.body(csv, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="brandcast-posts-${day(f.from)}-${day(f.to)}.csv"`,
    });
  })
  .get("/brands/:brandId", async (c) => {
    const q = readQuery(c, brandAnalyticsQuery);
    return c.json(
      await brandAnalytics(c.env.DB, c.get("actor").workspaceId, c.req.param("brandId"), Date.parse(q.from), Date.parse(q.to), { platform: q.platform, type: q.type }),
    );
  })
  .get("/brands/:brandId/best-times", async (c) => c.json(await brandBestTimes(c.env.DB, c.get("actor").workspaceId, c.req.param("brandId"), Date.now())))
  // npm start's demo seed: a month of sandbox history for the caller's workspace (worker/analytics/demo-history.ts).
  .post("/demo-history", requireRole("owner"), async (c) => {
    await readJson(c, emptyBody);
    if (c.env.DEMO_HISTORY !== "true") throw notFound("Route");
    return c.json(await backfillDemoHistory(c.env, c.get("actor").workspaceId));
  });
