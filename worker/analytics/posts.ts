// GET /api/analytics/posts and posts.csv (API.md "Analytics"): published
// deliveries with their latest reading, read from D1 only (never a platform
// call when a page is viewed). One query: deliveries by (workspace, status,
// published_at), each with its metric_targets row (the latest reading).
import { POSTS_CSV_COLUMNS, type PostMetrics } from "../contract/schemas";
import { iso, isoOrNull } from "../lib/time";
import type { Platform } from "../scheduling/variants";
import { csvRecord } from "./csv";
import { ENGAGEMENT_RATE_SQL, metricsOf, type MetricColumns } from "./metrics";

export interface PostFilter {
  from: number;
  to: number;
  brand?: string;
  platform?: Platform;
  type: "all" | "reel" | "post";
  sort: "published" | "views" | "engagement";
  limit: number;
}

interface PostRow extends MetricColumns {
  delivery_id: string;
  schedule_id: string;
  brand_id: string;
  brand_name: string;
  platform: Platform;
  content_type: "reel" | "post";
  title: string | null;
  permalink: string | null;
  published_at: number;
  captured_at: number | null;
  simulated: number | null;
}

/** Newest first; by views or engagement, unknowns last, then newest first. */
const ORDER: Record<PostFilter["sort"], string> = {
  published: "d.published_at DESC, d.id",
  views: "t.views IS NULL, t.views DESC, d.published_at DESC, d.id",
  engagement: "engagement_rate IS NULL, engagement_rate DESC, d.published_at DESC, d.id",
};

async function postRows(d1: D1Database, workspaceId: string, f: PostFilter): Promise<PostRow[]> {
  const where = ["d.workspace_id = ?", "d.status = 'published'", "d.published_at >= ?", "d.published_at < ?"];
  const binds: unknown[] = [workspaceId, f.from, f.to];
  if (f.brand) (where.push("s.brand_id = ?"), binds.push(f.brand));
  if (f.platform) (where.push("d.platform = ?"), binds.push(f.platform));
  if (f.type !== "all") (where.push("s.kind = ?"), binds.push(f.type));
  const rows = await d1
    .prepare(
      `SELECT d.id AS delivery_id, d.schedule_id, s.brand_id, b.name AS brand_name, d.platform, s.kind AS content_type, o.title,
         d.permalink, d.published_at, t.views, t.reach, t.likes, t.comments, t.shares, t.saves, t.captured_at, t.simulated,
         ${ENGAGEMENT_RATE_SQL} AS engagement_rate
       FROM deliveries d
       JOIN schedules s ON s.id = d.schedule_id
       JOIN brands b ON b.id = s.brand_id
       LEFT JOIN job_outputs o ON o.id = s.output_id
       LEFT JOIN metric_targets t ON t.id = d.id
       WHERE ${where.join(" AND ")}
       ORDER BY ${ORDER[f.sort]} LIMIT ?`,
    )
    .bind(...binds, f.limit)
    .all<PostRow>();
  return rows.results;
}

/** Sandbox posts are simulated whether or not they have a reading yet. */
const simulatedOf = (r: PostRow) => r.platform === "sandbox" || r.simulated === 1;

export async function listPostMetrics(d1: D1Database, workspaceId: string, f: PostFilter): Promise<PostMetrics[]> {
  return (await postRows(d1, workspaceId, f)).map((r) => ({
    deliveryId: r.delivery_id,
    scheduleId: r.schedule_id,
    brandId: r.brand_id,
    platform: r.platform,
    contentType: r.content_type,
    title: r.title,
    permalink: r.permalink,
    publishedAt: iso(r.published_at),
    metrics: metricsOf(r),
    capturedAt: isoOrNull(r.captured_at),
    simulated: simulatedOf(r),
  }));
}

export async function postMetricsCsv(d1: D1Database, workspaceId: string, f: PostFilter): Promise<string> {
  const rows = await postRows(d1, workspaceId, f);
  let out = csvRecord(POSTS_CSV_COLUMNS);
  for (const r of rows) {
    const m = metricsOf(r);
    out += csvRecord([
      iso(r.published_at),
      r.brand_name,
      r.platform,
      r.content_type,
      r.title,
      r.permalink,
      m.views,
      m.reach,
      m.likes,
      m.comments,
      m.shares,
      m.saves,
      m.engagementRate,
      isoOrNull(r.captured_at),
      simulatedOf(r),
    ]);
  }
  return out;
}
