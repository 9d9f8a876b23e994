// The calendar window (GET /api/schedules?view=calendar): what the month, week
// and list views draw, and nothing more. A month of 20 brands is ~4,800 items,
// so this reads one row per item with its deliveries' statuses folded in by
// SQLite (an index lookup per item), signs no media URLs, and names each brand
// once in `brands` rather than on every item. The side panel loads the full
// Schedule by id.
import type { CalendarItem, CalendarWindow, DeliveryStatus } from "../contract/schemas";
import type { Env } from "../env";
import { iso } from "../lib/time";
import type { ScheduleFilter } from "./schedules";
import { creatorOf, scheduleStatusOf } from "./views";

interface CalendarRow {
  id: string;
  brand_id: string;
  kind: "reel" | "post";
  variant: CalendarItem["variant"];
  scheduled_at: number;
  dispatched_at: number | null;
  created_by_kind: "user" | "automation";
  created_by_user_id: string | null;
  creator_name: string | null;
  title: string | null;
  statuses: string | null;
}

export async function calendarWindow(env: Env, workspaceId: string, f: ScheduleFilter): Promise<CalendarWindow> {
  const where = ["s.workspace_id = ?", "s.scheduled_at >= ?", "s.scheduled_at < ?"];
  const binds: unknown[] = [workspaceId, f.from, f.to];
  if (f.type !== "all") (where.push("s.kind = ?"), binds.push(f.type));
  if (f.brand) (where.push("s.brand_id = ?"), binds.push(f.brand));
  const [items, brands] = await env.DB.batch<unknown>([
    env.DB.prepare(
      `SELECT s.id, s.brand_id, s.kind, s.variant, s.scheduled_at, s.dispatched_at, s.created_by_kind, s.created_by_user_id,
         u.name AS creator_name, o.title,
         CASE WHEN s.dispatched_at IS NULL THEN NULL ELSE (SELECT group_concat(d.status) FROM deliveries d WHERE d.schedule_id = s.id) END AS statuses
       FROM schedules s JOIN job_outputs o ON o.id = s.output_id LEFT JOIN users u ON u.id = s.created_by_user_id
       WHERE ${where.join(" AND ")} ORDER BY s.scheduled_at`,
    ).bind(...binds),
    env.DB.prepare("SELECT id, slug, name, timezone, colors FROM brands WHERE workspace_id = ?").bind(workspaceId),
  ]);
  const brandRows = new Map(
    (brands!.results as Array<{ id: string; slug: string; name: string; timezone: string; colors: string }>).map((b) => [b.id, b]),
  );
  const now = Date.now();
  const out: Array<CalendarItem & { brandName: string }> = [];
  const used: CalendarWindow["brands"] = {};
  for (const r of items!.results as CalendarRow[]) {
    const deliveries = r.statuses ? r.statuses.split(",").map((status) => ({ status: status as DeliveryStatus })) : [];
    const status = scheduleStatusOf(env, deliveries, r.scheduled_at, r.dispatched_at, now);
    if (f.status && status !== f.status) continue;
    const b = brandRows.get(r.brand_id);
    if (b && !used[b.id]) {
      used[b.id] = { slug: b.slug, name: b.name, timezone: b.timezone, color: (JSON.parse(b.colors) as { primary: string }).primary };
    }
    const creator = creatorOf(r.created_by_kind, r.created_by_user_id, r.creator_name);
    out.push({
      scheduleId: r.id,
      brandId: r.brand_id,
      contentType: r.kind,
      variant: r.variant,
      scheduledAt: iso(r.scheduled_at),
      status,
      title: r.title,
      createdBy: { kind: creator.kind, name: creator.name },
      brandName: b?.name ?? "",
    });
  }
  // Same order as the full view: by time, then brand name (the SQL orders by time only, which the index gives for free).
  out.sort((a, b) => (a.scheduledAt < b.scheduledAt ? -1 : a.scheduledAt > b.scheduledAt ? 1 : a.brandName.localeCompare(b.brandName)));
  return { schedules: out.map(({ brandName: _, ...item }) => item), brands: used };
}
