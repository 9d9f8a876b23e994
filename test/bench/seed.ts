// Bench data, seeded straight into D1 (multi-row INSERT … SELECT over recursive
// CTEs) rather than through generation: the benches measure the scheduler and
// the calendar, not the writer. Shared by the benches inside the test pool
// (scheduling.bench.test.ts) and the bench Worker run by wrangler dev
// (bench-worker.ts), so both measure the same rows.
import { DEFAULT_SLOTS } from "../../worker/scheduling/slot-grid";
import type { Variant } from "../../worker/scheduling/variants";

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export const COLORS = JSON.stringify({ primary: "#2563eb", accent: "#f59e0b", light: { bg: "#ffffff", fg: "#111827" }, dark: { bg: "#0b1020", fg: "#f9fafb" } });
const SLOTS = JSON.stringify(DEFAULT_SLOTS);
const PLATFORMS = JSON.stringify(["instagram", "sandbox"]);
const CAPTION =
  "Five small habits that compound: a short walk after lunch, one page of reading, a glass of water before coffee, " +
  "a two-minute tidy, and writing tomorrow's first task tonight. #habits #focus";

const RANGE = (n: number) => `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${n - 1})`;

/** Slots held twice by one brand in `table` (0 is the only right answer for `schedules`). */
export async function duplicateSlots(db: D1Database, table: string, workspaceId: string): Promise<number> {
  const row = await db
    .prepare(`SELECT COALESCE(SUM(c - 1), 0) AS n FROM (SELECT COUNT(*) AS c FROM ${table} WHERE workspace_id = ? GROUP BY brand_id, scheduled_at HAVING c > 1)`)
    .bind(workspaceId)
    .first<{ n: number }>();
  return row!.n;
}

/** `count` brands `${prefix}b${i}` with the default grid and a sandbox account each. */
export async function seedBrands(db: D1Database, workspaceId: string, prefix: string, count: number, timezone: string) {
  await db.batch([
    db
      .prepare(
        `${RANGE(count)}
         INSERT INTO brands (id, workspace_id, slug, name, timezone, colors, slots, schedule_offset)
         SELECT ?1 || 'b' || i, ?2, ?1 || '-b' || i, 'Bench brand ' || i, ?3, ?4, ?5, i % 4 FROM n`,
      )
      .bind(prefix, workspaceId, timezone, COLORS, SLOTS),
    db
      .prepare(
        `${RANGE(count)}
         INSERT INTO platform_accounts (id, workspace_id, brand_id, platform, external_id, credentials)
         SELECT ?1 || 'acct' || i, ?2, ?1 || 'b' || i, 'sandbox', 'sandbox-' || i, 'bench' FROM n`,
      )
      .bind(prefix, workspaceId),
  ]);
  return Array.from({ length: count }, (_, i) => `${prefix}b${i}`);
}

export interface SeededOutput {
  id: string;
  brand_id: string;
  variant: Variant;
}

/**
 * `count` ready outputs over `brands` brands: output i belongs to brand i % brands
 * and to job jobBase + floor(i / 10) (a job covers 10 consecutive brands, never one
 * twice). Variants rotate per job 3 light : 3 dark : 2 post, the grid's own
 * proportions, which gives every brand that mix. Outputs became ready one
 * millisecond apart in i order, so catch-up meets the brands interleaved, as
 * after a burst that generated for every brand.
 */
export async function seedReadyOutputs(
  db: D1Database,
  workspaceId: string,
  prefix: string,
  brands: number,
  count: number,
  jobBase: number,
  userId: string,
): Promise<SeededOutput[]> {
  const perJob = Math.min(10, brands);
  const jobs = Math.ceil(count / perJob);
  const updatedAt = Date.now() - HOUR;
  await db.batch([
    db
      .prepare(
        `${RANGE(jobs)}
         INSERT INTO generation_jobs (id, workspace_id, variant, title, topic, platforms, seed, created_by_kind, created_by_user_id)
         SELECT ?1 + i, ?2, CASE WHEN i % 8 < 3 THEN 'light' WHEN i % 8 < 6 THEN 'dark' ELSE 'post' END, 'Bench job ' || i, 'habits', ?3, i, 'user', ?4 FROM n`,
      )
      .bind(jobBase, workspaceId, PLATFORMS, userId),
    db
      .prepare(
        `${RANGE(count)}
         INSERT INTO job_outputs (id, job_id, workspace_id, brand_id, status, caption, title, updated_at)
         SELECT ?1 || 'o' || printf('%07d', i), ?2 + i / ${perJob}, ?3, ?1 || 'b' || (i % ${brands}), 'ready', ?4, 'Bench title ' || i, ?5 + i FROM n`,
      )
      .bind(prefix, jobBase, workspaceId, CAPTION, updatedAt),
  ]);
  const rows = await db
    .prepare(`SELECT o.id, o.brand_id, j.variant FROM job_outputs o JOIN generation_jobs j ON j.id = o.job_id WHERE o.workspace_id = ? AND o.id LIKE ? ORDER BY o.id`)
    .bind(workspaceId, `${prefix}o%`)
    .all<SeededOutput>();
  return rows.results;
}

/**
 * `total` schedules over `brands` brands (8 grid slots a day each, the
 * defaults in UTC), starting 150 days ago; items in the past went out (claimed,
 * with an Instagram delivery skipped and a sandbox one published), future ones
 * have no deliveries yet (DESIGN.md §7).
 */
export async function seedCalendar(db: D1Database, workspaceId: string, userId: string, brands = 20, total = 50_000) {
  const JOB_BASE = 1_000_000;
  await seedBrands(db, workspaceId, "ca", brands, "UTC");
  const day0 = Math.floor(Date.now() / DAY) * DAY - 150 * DAY;
  // Per brand, schedule m sits on day m / 8 at the m % 8-th grid time.
  const slot = `(i / ${brands}) % 8`;
  const hourOf = `CASE ${slot} WHEN 0 THEN 3 WHEN 1 THEN 7 WHEN 2 THEN 8 WHEN 3 THEN 11 WHEN 4 THEN 14 WHEN 5 THEN 15 WHEN 6 THEN 19 ELSE 23 END`;
  const variantOf = `CASE ${slot} WHEN 0 THEN 'dark' WHEN 1 THEN 'light' WHEN 2 THEN 'post' WHEN 3 THEN 'dark' WHEN 4 THEN 'post' WHEN 5 THEN 'light' WHEN 6 THEN 'dark' ELSE 'light' END`;
  await db
    .prepare(
      `${RANGE(total)}
       INSERT INTO generation_jobs (id, workspace_id, variant, title, topic, platforms, seed, created_by_kind, created_by_user_id)
       SELECT ?1 + i, ?2, ${variantOf}, 'Bench job ' || i, 'habits', ?3, i, 'user', ?4 FROM n`,
    )
    .bind(JOB_BASE, workspaceId, PLATFORMS, userId)
    .run();
  await db
    .prepare(
      `${RANGE(total)}
       INSERT INTO job_outputs (id, job_id, workspace_id, brand_id, status, caption, title)
       SELECT 'cao' || i, ?1 + i, ?2, 'cab' || (i % ${brands}), 'ready', ?3, 'Bench title ' || i FROM n`,
    )
    .bind(JOB_BASE, workspaceId, CAPTION)
    .run();
  await db
    .prepare(
      `${RANGE(total)}
       INSERT INTO schedules (id, workspace_id, brand_id, output_id, job_id, scheduled_at, kind, variant, created_by_kind, created_by_user_id)
       SELECT 'cas' || i, ?1, 'cab' || (i % ${brands}), 'cao' || i, ?2 + i, ?3 + ((i / ${brands}) / 8) * ${DAY} + (${hourOf}) * ${HOUR},
              CASE WHEN ${slot} IN (2, 4) THEN 'post' ELSE 'reel' END, ${variantOf},
              CASE i % 3 WHEN 0 THEN 'automation' ELSE 'user' END, CASE i % 3 WHEN 0 THEN NULL ELSE ?4 END FROM n`,
    )
    .bind(workspaceId, JOB_BASE, day0, userId)
    .run();
  await db.prepare("UPDATE schedules SET dispatched_at = scheduled_at WHERE workspace_id = ? AND scheduled_at < ?").bind(workspaceId, Date.now()).run();
  await db
    .prepare(
      `INSERT INTO deliveries (id, schedule_id, workspace_id, platform, status, last_error)
       SELECT 'dI' || id, id, workspace_id, 'instagram', 'skipped', 'No connected Instagram account for this brand when it went out.' FROM schedules WHERE workspace_id = ?1 AND dispatched_at IS NOT NULL
       UNION ALL
       SELECT 'dS' || id, id, workspace_id, 'sandbox', 'published', NULL FROM schedules WHERE workspace_id = ?1 AND dispatched_at IS NOT NULL`,
    )
    .bind(workspaceId)
    .run();
  const n = await db.prepare("SELECT COUNT(*) AS n FROM schedules WHERE workspace_id = ?").bind(workspaceId).first<{ n: number }>();
  if (n!.n !== total) throw new Error(`seeded ${n!.n} schedules, wanted ${total}`);
}

/**
 * A fleet: one workspace per entry of `sizes` (`${prefix}w0000`, …) holding
 * that many brands, all in `timezone` with the same burst time and brief, and
 * nothing else (no users: the passes need none). Returns the workspace ids.
 */
export async function seedFleet(
  db: D1Database,
  prefix: string,
  sizes: readonly number[],
  opts: { timezone?: string; burstTime?: string; brief?: Record<string, unknown> } = {},
): Promise<string[]> {
  const timezone = opts.timezone ?? "UTC";
  const ids = sizes.map((_, i) => `${prefix}w${String(i).padStart(4, "0")}`);
  await db
    .prepare("INSERT INTO workspaces (id, name, timezone, burst_time) SELECT value, 'Fleet ' || value, ?2, ?3 FROM json_each(?1)")
    .bind(JSON.stringify(ids), timezone, opts.burstTime ?? "00:00")
    .run();
  const brands = sizes.flatMap((n, i) => Array.from({ length: n }, (_, k) => [ids[i], k]));
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < brands.length; i += 500) {
    statements.push(
      db
        .prepare(
          `INSERT INTO brands (id, workspace_id, slug, name, timezone, colors, slots, schedule_offset, brief)
           SELECT json_extract(value, '$[0]') || 'b' || json_extract(value, '$[1]'), json_extract(value, '$[0]'), 'brand-' || json_extract(value, '$[1]'),
                  'Brand ' || printf('%04d', json_extract(value, '$[1]')), ?2, ?3, ?4, json_extract(value, '$[1]') % 4, ?5
           FROM json_each(?1)`,
        )
        .bind(JSON.stringify(brands.slice(i, i + 500)), timezone, COLORS, SLOTS, JSON.stringify(opts.brief ?? { niche: "habits", reelsPerDay: 1, postsPerDay: 0 })),
    );
  }
  // A fleet this size is an operator's: its quotas are overridden (worker/services/quotas.ts), as a 500-brand customer's would be.
  statements.push(
    db
      .prepare("INSERT INTO workspace_quotas (workspace_id, brands, jobs_per_day, renders_per_day, llm_calls_per_day) SELECT value, 100000, 100000, 100000, 100000 FROM json_each(?1)")
      .bind(JSON.stringify(ids)),
  );
  await db.batch(statements);
  return ids;
}
