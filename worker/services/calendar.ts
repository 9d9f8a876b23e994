// The calendar window (GET /api/schedules?view=calendar): what the month, week
// and list views draw, and nothing more. A month of 20 brands is ~4,800 items;
// the side panel loads the full Schedule by id.
//
// Why it is shaped like this: D1 pays per row returned (each row an object
// serialised across the binding), its wire format escapes every quote of a
// JSON text it carries, and the Worker pays to rebuild and re-encode
// thousands of objects. So SQLite writes the items' JSON itself, one array per
// slice of the window (json_group_array), each item a tuple in the order of
// CALENDAR_COLUMNS (a month over 20 brands: objects crossed D1 in ~12 ms,
// tuples in ~3 ms), and the Worker splices those arrays into the response
// unparsed. The status rollup therefore also exists in SQL (STATUS_SQL), held
// to rollupScheduleStatus by test/deliveries.test.ts, as the Jobs page's
// category is in services/jobs.ts. No media URLs are signed, each brand is
// named once in `brands`, times are epoch milliseconds (formatting 4,800 ISO
// strings in SQL cost a quarter of the query), and the content type is not
// sent: it is the variant's.
import { CALENDAR_COLUMNS, type CalendarWindow } from "../contract/schemas";
import type { Env } from "../env";
import { HOUR, numberVar } from "../lib/time";
import type { ScheduleFilter } from "./schedules";

const COLUMNS_JSON = JSON.stringify(CALENDAR_COLUMNS);

/** Items per slice: ~1.6 MB of JSON at worst (200-character titles), under D1's 2 MB per value. */
const SLICE = 5_000;

/**
 * rollupScheduleStatus (scheduling/status.ts) in SQL, over the item's own
 * deliveries (an index lookup for items that went out); :now and :missed are bound by name.
 */
const STATUS_SQL = `CASE WHEN s.dispatched_at IS NULL THEN CASE WHEN :now > s.scheduled_at + :missed THEN 'missed' ELSE 'scheduled' END
  ELSE (SELECT CASE
    WHEN SUM(d.status IN ('queued', 'publishing')) > 0 THEN 'publishing'
    WHEN SUM(d.status <> 'skipped') > 0 AND SUM(d.status = 'published') = SUM(d.status <> 'skipped') THEN 'published'
    WHEN SUM(d.status = 'published') > 0 AND SUM(d.status = 'pending') = 0 THEN 'partial'
    WHEN SUM(d.status = 'published') > 0 THEN 'publishing'
    WHEN SUM(d.status = 'failed') > 0 AND SUM(d.status = 'pending') = 0 THEN 'failed'
    WHEN SUM(d.status = 'missed') > 0 AND SUM(d.status = 'pending') = 0 THEN 'missed'
    WHEN SUM(d.status = 'pending') > 0 AND SUM(d.status = 'failed') = 0 AND :now > s.scheduled_at + :missed THEN 'missed'
    WHEN SUM(d.status = 'failed') > 0 THEN 'failed'
    WHEN SUM(d.status <> 'skipped') = 0 AND COUNT(*) > 0 THEN 'failed'
    ELSE 'scheduled' END
  FROM deliveries d WHERE d.schedule_id = s.id) END`;

interface BrandRow {
  id: string;
  slug: string;
  name: string;
  timezone: string;
  colors: string;
}

interface SliceRow {
  items: string;
  n: number;
  last_at: number | null;
}

/** The response body (a CalendarWindow) as JSON text. `sliceSize` is for tests of windows larger than one slice. */
export async function calendarWindowJson(env: Env, workspaceId: string, f: ScheduleFilter, sliceSize = SLICE): Promise<string> {
  const where = ["s.workspace_id = :ws", "s.scheduled_at >= :from", "s.scheduled_at < :to"];
  if (f.type !== "all") where.push("s.kind = :type");
  if (f.brand) where.push("s.brand_id = :brand");
  const params: Record<string, unknown> = {
    ws: workspaceId,
    from: f.from,
    to: f.to,
    now: Date.now(),
    missed: numberVar(env.MISSED_AFTER_HOURS, 6) * HOUR,
    ...(f.type !== "all" ? { type: f.type } : {}),
    ...(f.brand ? { brand: f.brand } : {}),
    ...(f.status ? { status: f.status } : {}),
  };

  /**
   * Items with `after <= scheduled_at < before` (each optional), in time order,
   * at most `limit` (-1: no limit).
   */
  const slice = (after: number | null, before: number | null, limit = sliceSize) => {
    const bounds = [...where, ...(after === null ? [] : ["s.scheduled_at >= :after"]), ...(before === null ? [] : ["s.scheduled_at < :before"])];
    // Time order is the index's own (workspace_id, scheduled_at): no sort step. Items of one instant
    // come in index order; the web app orders them by brand name (state/calendar.ts toEntries).
    const sql = `WITH items AS (SELECT s.id, s.brand_id, s.variant, s.scheduled_at, s.created_by_kind, u.name AS creator_name, o.title,
              ${STATUS_SQL} AS status
            FROM schedules s JOIN job_outputs o ON o.id = s.output_id
            LEFT JOIN users u ON u.id = s.created_by_user_id
            WHERE ${bounds.join(" AND ")}),
      page AS (SELECT * FROM items ${f.status ? "WHERE status = :status" : ""} ORDER BY scheduled_at LIMIT :limit)
      SELECT COUNT(*) AS n, MAX(scheduled_at) AS last_at, json_group_array(json_array(
          id, brand_id, variant, scheduled_at, status, title,
          CASE created_by_kind WHEN 'automation' THEN NULL ELSE COALESCE(creator_name, 'Deleted user') END)) AS items
      FROM page`;
    return named(env.DB, sql, { ...params, limit, ...(after === null ? {} : { after }), ...(before === null ? {} : { before }) });
  };

  const [brandRes, firstRes] = await env.DB.batch<unknown>([
    // Every brand the window may name (the one asked for, with a brand filter): a workspace's brands are few next to its items.
    named(env.DB, `SELECT id, slug, name, timezone, colors FROM brands WHERE workspace_id = :ws${f.brand ? " AND id = :brand" : ""}`, params),
    slice(null, null),
  ]);
  const arrays: string[] = [];
  let after: number | null = null;
  const take = (r: SliceRow) => arrays.push(r.items);
  // A full slice may end part-way through one instant: keep what lies before that
  // instant, read the instant whole (UNIQUE(brand_id, scheduled_at) bounds it by
  // the number of brands), and go on after it.
  let current = (firstRes!.results as SliceRow[])[0]!;
  while (current.n === sliceSize && current.last_at !== null) {
    const at = current.last_at;
    const [before, instant] = await env.DB.batch<SliceRow>([slice(after, at), slice(at, at + 1, -1)]);
    take(before!.results[0]!);
    take(instant!.results[0]!);
    after = at + 1;
    current = (await slice(after, null).first<SliceRow>())!;
  }
  take(current);

  const brands: CalendarWindow["brands"] = {};
  for (const b of brandRes!.results as BrandRow[]) {
    brands[b.id] = { slug: b.slug, name: b.name, timezone: b.timezone, color: (JSON.parse(b.colors) as { primary: string }).primary };
  }
  // SQLite's JSON arrays, spliced in as they are: nothing is parsed and encoded again (nor copied, for one slice).
  const rows = arrays.length === 1 ? arrays[0]! : `[${arrays.map((a) => a.slice(1, -1)).filter((a) => a.length > 0).join(",")}]`;
  return `{"columns":${COLUMNS_JSON},"rows":${rows},"brands":${JSON.stringify(brands)}}`;
}

/**
 * D1 binds positionally; this binds `:name` parameters by name (each name may
 * appear several times), so long SQL stays readable.
 */
function named(d1: D1Database, sql: string, params: Record<string, unknown>): D1PreparedStatement {
  const order: string[] = [];
  const text = sql.replace(/:([a-z]+)/g, (m, name: string) => {
    if (!(name in params)) return m;
    let i = order.indexOf(name);
    if (i < 0) i = order.push(name) - 1;
    return `?${i + 1}`;
  });
  return d1.prepare(text).bind(...order.map((n) => params[n]));
}
