// The calendar window (GET /api/schedules?view=calendar): what the month, week
// and list views draw, and nothing more. A month of 20 brands is ~4,800 items;
// the side panel loads the full Schedule by id.
//
// Why it is shaped like this: D1 pays per row returned (each row an object
// serialised across the binding), its wire format escapes every quote of a
// JSON text it carries, and the Worker pays to rebuild and re-encode
// thousands of objects. So SQLite writes the items' JSON itself, one array for
// the window (json_group_array; slices past 5,000 items), each item a tuple in
// the order of CALENDAR_COLUMNS (a month over 20 brands: objects crossed D1 in
// ~12 ms, tuples in ~3 ms), and the Worker splices it into the response
// unparsed. The status rollup therefore also exists in SQL (STATUS_SQL), held
// to rollupScheduleStatus by test/deliveries.test.ts, as the Jobs page's
// category is in services/jobs.ts. No media URLs are signed, each brand is
// named once in `brands`, times are epoch milliseconds (formatting 4,800 ISO
// strings in SQL cost a quarter of the query), and the content type is not
// sent: it is the variant's.
//
// One D1 round trip: the caller's identity check, the brands, the window and
// the workspace's calendar version go in one batch (routes/schedules.ts
// calendarWindowRoute, which keeps the answer for repeat views while that
// version holds: services/calendar-cache.ts), and the items
// come from two indexes alone, schedules (workspace_id, scheduled_at, …every
// column read) and job_outputs (id, title), with no lookup of a wide row.
import { CALENDAR_COLUMNS, type CalendarWindow } from "../contract/schemas";
import { named, type NamedSql } from "../db/named";
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

/**
 * Whose window. `workspace` is SQL for the workspace id: a bound id
 * (workspaceById), or a credential's scope subquery (auth/credential.ts), with
 * `check` the caller's identity statement, run first in the window's batch and
 * admitted (or refused: it throws) before a row is used.
 */
export interface WindowAccess {
  workspace: NamedSql;
  check?: { statement: D1PreparedStatement; admit(row: unknown): Promise<unknown> };
}

export const workspaceById = (id: string): WindowAccess => ({ workspace: { sql: ":ws", params: { ws: id } } });

/** A window as read: its JSON, and how long that JSON holds (services/calendar-cache.ts). */
export interface WindowRead {
  json: string;
  /** The workspace and its calendar version (migrations/0021), read in the same batch as the rows. */
  workspaceId: string | null;
  version: number;
  /**
   * The first instant at which an item of the window (whatever the filters) turns
   * missed by the passing of time alone; null for a window read in slices, which is not kept.
   */
  validUntil: number | null;
}

/**
 * The caller's workspace and its calendar version, for a statement in the same
 * batch as what is read under it (a version is only as good as its snapshot).
 */
export const versionStatement = (d1: D1Database, workspace: NamedSql) =>
  named(
    d1,
    `SELECT ${workspace.sql} AS ws, COALESCE((SELECT version FROM calendar_versions WHERE workspace_id = ${workspace.sql}), 0) AS version`,
    workspace.params,
  );

export interface VersionRow {
  ws: string | null;
  version: number;
}

/** The window (its `json` a CalendarWindow). `sliceSize` is for tests of windows larger than one slice. */
export async function calendarWindow(env: Env, access: WindowAccess, f: ScheduleFilter, sliceSize = SLICE): Promise<WindowRead> {
  const where = [`s.workspace_id = ${access.workspace.sql}`, "s.scheduled_at >= :from", "s.scheduled_at < :to"];
  if (f.type !== "all") where.push("s.kind = :type");
  if (f.brand) where.push("s.brand_id = :brand");
  // The status filter applies to the items, not to the count that guards the whole window (an upper bound).
  const items = f.status ? [...where, `${STATUS_SQL} = :status`] : where;
  const params: Record<string, unknown> = {
    ...access.workspace.params,
    from: f.from,
    to: f.to,
    now: Date.now(),
    missed: numberVar(env.MISSED_AFTER_HOURS, 6) * HOUR,
    limit: sliceSize,
    ...(f.type !== "all" ? { type: f.type } : {}),
    ...(f.brand ? { brand: f.brand } : {}),
    ...(f.status ? { status: f.status } : {}),
  };

  const results = await env.DB.batch<unknown>([
    ...(access.check ? [access.check.statement] : []),
    // Every brand the window may name (the one asked for, with a brand filter): a workspace's brands are few next to its items.
    named(env.DB, `SELECT id, slug, name, timezone, colors FROM brands WHERE workspace_id = ${access.workspace.sql}${f.brand ? " AND id = :brand" : ""}`, params),
    wholeWindow(env.DB, where, items, f, params),
    versionStatement(env.DB, access.workspace),
  ]);
  if (access.check) await access.check.admit(results.shift()!.results[0] ?? null);
  const [brandRes, wholeRes, versionRes] = results;
  const whole = (wholeRes!.results as WholeRow[])[0]!;
  const version = (versionRes!.results as VersionRow[])[0]!;
  const sliced = whole.total > sliceSize;
  const arrays = sliced ? await slices(env.DB, items, f, params, sliceSize) : [whole.items];

  const brands: CalendarWindow["brands"] = {};
  for (const b of brandRes!.results as BrandRow[]) {
    brands[b.id] = { slug: b.slug, name: b.name, timezone: b.timezone, color: (JSON.parse(b.colors) as { primary: string }).primary };
  }
  // SQLite's JSON arrays, spliced in as they are: nothing is parsed and encoded again (nor copied, for one slice).
  const rows = arrays.length === 1 ? arrays[0]! : `[${arrays.map((a) => a.slice(1, -1)).filter((a) => a.length > 0).join(",")}]`;
  return {
    json: `{"columns":${COLUMNS_JSON},"rows":${rows},"brands":${JSON.stringify(brands)}}`,
    workspaceId: version.ws,
    version: version.version,
    validUntil: sliced ? null : (whole.valid_until ?? Number.MAX_SAFE_INTEGER),
  };
}

/** The creator column: the person's name, or NULL for automation's items. */
const CREATOR_SQL = `CASE s.created_by_kind WHEN 'automation' THEN NULL ELSE COALESCE(u.name, 'Deleted user') END`;

/** One item as the JSON array of CALENDAR_COLUMNS, over `s`, `o` and `u` of itemsFrom. */
const ITEM_JSON = `json_array(s.id, s.brand_id, s.variant, s.scheduled_at, ${STATUS_SQL}, o.title, ${CREATOR_SQL})`;

/**
 * The items' rows. Each title is read from the index job_outputs (id, title)
 * alone: without INDEXED BY, SQLite looks the output up through its primary
 * key and reads the whole row (caption, media keys), ~1 ms more a month.
 */
const itemsFrom = (f: ScheduleFilter) =>
  // The schedules index fixes the scan, hence the order, to (…, scheduled_at): see wholeWindow.
  `FROM schedules s INDEXED BY ${f.brand ? "schedules_brand_slot" : "schedules_workspace_time"}
   JOIN job_outputs o INDEXED BY job_outputs_title ON o.id = s.output_id
   LEFT JOIN users u ON u.id = s.created_by_user_id`;

interface WholeRow {
  total: number;
  items: string;
  valid_until: number | null;
}

/**
 * The whole window as one JSON array, when its items number at most :limit
 * (`total` says how many there are; `items` is then empty). One flat
 * aggregate, with no subquery to copy rows through: the index scan hands the
 * rows over in time order (both indexes end in scheduled_at, and INDEXED BY
 * pins the choice), and json_group_array keeps the order it is given.
 * test/deliveries.test.ts holds the order, across brands and for one.
 */
function wholeWindow(d1: D1Database, where: string[], items: string[], f: ScheduleFilter, params: Record<string, unknown>) {
  // valid_until is over the whole window, not the status filter's items: an item outside the filter can turn missed into it.
  const sql = `WITH total AS (SELECT COUNT(*) AS n, MIN(iif(s.scheduled_at + :missed >= :now, s.scheduled_at + :missed, NULL)) AS valid_until
      FROM schedules s WHERE ${where.join(" AND ")})
    SELECT (SELECT n FROM total) AS total, (SELECT valid_until FROM total) AS valid_until, json_group_array(${ITEM_JSON}) AS items
    ${itemsFrom(f)}
    WHERE ${items.join(" AND ")} AND (SELECT n FROM total) <= :limit`;
  return named(d1, sql, params);
}

interface SliceRow {
  items: string;
  n: number;
  last_at: number | null;
}

/**
 * A window of more than :limit items, in slices of at most that many (each
 * JSON array under D1's 2 MB per value), read by keyset on scheduled_at.
 */
async function slices(d1: D1Database, items: string[], f: ScheduleFilter, params: Record<string, unknown>, sliceSize: number): Promise<string[]> {
  /** Items with `after <= scheduled_at < before` (each optional), in time order, at most `limit` (-1: no limit). */
  const slice = (after: number | null, before: number | null, limit = sliceSize) => {
    const bounds = [...items, ...(after === null ? [] : ["s.scheduled_at >= :after"]), ...(before === null ? [] : ["s.scheduled_at < :before"])];
    // A LIMIT needs a subquery, and a subquery's rows lose json_array's JSON subtype (json_group_array
    // would quote them as strings): the subquery passes the columns and the outer query builds the item.
    const sql = `WITH page AS (SELECT s.id, s.brand_id, s.variant, s.scheduled_at, ${STATUS_SQL} AS status, o.title, ${CREATOR_SQL} AS created_by
        ${itemsFrom(f)}
        WHERE ${bounds.join(" AND ")}
        ORDER BY s.scheduled_at LIMIT :limit)
      SELECT COUNT(*) AS n, MAX(scheduled_at) AS last_at,
        json_group_array(json_array(id, brand_id, variant, scheduled_at, status, title, created_by)) AS items
      FROM page`;
    return named(d1, sql, { ...params, limit, ...(after === null ? {} : { after }), ...(before === null ? {} : { before }) });
  };
  const arrays: string[] = [];
  const take = (r: SliceRow) => arrays.push(r.items);
  let after: number | null = null;
  // A full slice may end part-way through one instant: keep what lies before that
  // instant, read the instant whole (UNIQUE(brand_id, scheduled_at) bounds it by
  // the number of brands), and go on after it.
  let current = (await slice(null, null).first<SliceRow>())!;
  while (current.n === sliceSize && current.last_at !== null) {
    const at = current.last_at;
    const [before, instant] = await d1.batch<SliceRow>([slice(after, at), slice(at, at + 1, -1)]);
    take(before!.results[0]!);
    take(instant!.results[0]!);
    after = at + 1;
    current = (await slice(after, null).first<SliceRow>())!;
  }
  take(current);
  return arrays;
}
