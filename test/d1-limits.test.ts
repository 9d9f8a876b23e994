// D1 binds at most 100 parameters per statement (CLOUDFLARE.md §1): every
// query over a list goes through worker/db/bounded.ts. Workspaces larger than
// one statement's worth (250 jobs, 150 brands) load, page and create jobs, and a
// source check keeps new code from binding an unbounded list again.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Brand, Job } from "../worker/contract/schemas";
import { allByList, chunkedStatements, LIST_CHUNK, runByList } from "../worker/db/bounded";
import { createBrand, json, signup, unique, type Session } from "./support/fixtures";

declare global {
  interface ImportMeta {
    glob<T = unknown>(pattern: string | string[], options: { query: "?raw"; import: "default"; eager: true }): Record<string, T>;
  }
}

const JOBS = 250;
const SCHEDULED = 120;

/**
 * `n` jobs, each with one ready output for `brandId`, the first `scheduled`
 * of them booked (one schedule and one pending sandbox delivery each), written
 * straight to D1 in a handful of statements.
 */
async function seedJobs(s: Session, brandId: string, n: number, scheduled: number) {
  const tag = unique("seed");
  const base = Date.UTC(2030, 0, 1);
  await env.DB.batch([
    env.DB.prepare(
      `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?2)
       INSERT INTO generation_jobs (workspace_id, variant, title, platforms, seed, created_by_kind, created_by_user_id)
       SELECT ?1, 'light', ?3 || '-' || i, '["sandbox"]', i, 'user', ?4 FROM seq`,
    ).bind(s.workspaceId, n, tag, s.userId),
    env.DB.prepare(
      `INSERT INTO job_outputs (id, job_id, workspace_id, brand_id, status, caption)
       SELECT 'out_' || ?3 || '_' || j.id, j.id, j.workspace_id, ?2, 'ready', 'Caption ' || j.id
       FROM generation_jobs j WHERE j.workspace_id = ?1 AND j.title LIKE ?3 || '-%'`,
    ).bind(s.workspaceId, brandId, tag),
    env.DB.prepare(
      `INSERT INTO schedules (id, workspace_id, brand_id, output_id, job_id, scheduled_at, kind, variant, created_by_kind, created_by_user_id)
       SELECT 'sch_' || o.id, o.workspace_id, o.brand_id, o.id, o.job_id, ?3 + o.job_id * 3600000, 'reel', 'light', 'user', ?4
       FROM job_outputs o WHERE o.workspace_id = ?1 AND o.id LIKE 'out_' || ?5 || '_%'
       ORDER BY o.job_id LIMIT ?2`,
    ).bind(s.workspaceId, scheduled, base, s.userId, tag),
    env.DB.prepare(
      `INSERT INTO deliveries (id, schedule_id, workspace_id, platform, status)
       SELECT 'dlv_' || sc.id, sc.id, sc.workspace_id, 'sandbox', 'pending' FROM schedules sc
       WHERE sc.workspace_id = ?1 AND sc.brand_id = ?2`,
    ).bind(s.workspaceId, brandId),
  ]);
}

interface JobPage {
  jobs: Job[];
  nextCursor: string | null;
  counts: Record<Job["category"], number>;
}

/** Every page of `GET /api/jobs` at `limit` per page, following nextCursor. */
async function allPages(s: Session, query: Record<string, string>): Promise<JobPage[]> {
  const pages: JobPage[] = [];
  let cursor: string | null = null;
  do {
    const qs = new URLSearchParams({ ...query, ...(cursor ? { cursor } : {}) });
    const page: JobPage = await json<JobPage>(`/api/jobs?${qs}`, s, 200);
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 10);
  return pages;
}

describe("a workspace with 250 jobs", () => {
  it("lists 100 per page and pages through all of them by cursor, every category", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await seedJobs(s, brand.id, JOBS, SCHEDULED);

    const all = await allPages(s, { limit: "100" });
    expect(all.map((p) => p.jobs.length)).toEqual([100, 100, 50]);
    const ids = all.flatMap((p) => p.jobs.map((j) => j.jobId));
    expect(new Set(ids).size).toBe(JOBS);
    expect(all[0]!.counts).toEqual({ to_schedule: JOBS - SCHEDULED, scheduled: SCHEDULED, in_progress: 0, other: 0 });
    // Every job comes back with its output (the outputs query is the one that bound one parameter per job).
    for (const job of all.flatMap((p) => p.jobs)) expect(job.outputs).toHaveLength(1);

    const scheduled = await allPages(s, { limit: "100", category: "scheduled" });
    expect(scheduled.map((p) => p.jobs.length)).toEqual([100, SCHEDULED - 100]);
    for (const job of scheduled.flatMap((p) => p.jobs)) {
      expect(job.category).toBe("scheduled");
      expect(job.outputs[0]!.schedule).not.toBeNull();
    }

    const toSchedule = await allPages(s, { limit: "100", category: "to_schedule" });
    expect(toSchedule.map((p) => p.jobs.length)).toEqual([100, JOBS - SCHEDULED - 100]);
    expect(toSchedule.flatMap((p) => p.jobs).every((j) => j.category === "to_schedule")).toBe(true);
  });
});

describe("a workspace with 150 brands", () => {
  it("lists every brand with its accounts, and creates a job over 50 of them", async () => {
    const s = await signup();
    const tag = unique("many");
    await env.DB.batch([
      env.DB.prepare(
        `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < 150)
         INSERT INTO brands (id, workspace_id, slug, name, timezone, colors, slots)
         SELECT 'brd_' || ?2 || '_' || i, ?1, ?2 || '-' || i, printf('Brand %03d', i), 'Europe/Lisbon', ?3, ?4 FROM seq`,
      ).bind(
        s.workspaceId,
        tag,
        JSON.stringify({ primary: "#2563eb", accent: "#db2777", light: { bg: "#ffffff", fg: "#111827" }, dark: { bg: "#0b1020", fg: "#f9fafb" } }),
        JSON.stringify({ reel: [{ time: "09:00", variant: "light" }], post: ["12:00"] }),
      ),
      env.DB.prepare(
        `INSERT INTO platform_accounts (id, workspace_id, brand_id, platform, external_id, credentials)
         SELECT 'acc_' || b.id, b.workspace_id, b.id, 'sandbox', 'ext-' || b.id, 'x' FROM brands b WHERE b.workspace_id = ?1`,
      ).bind(s.workspaceId),
    ]);

    const { brands } = await json<{ brands: Brand[] }>("/api/brands", s, 200);
    expect(brands).toHaveLength(150);
    expect(brands.every((b) => b.accounts.length === 1 && b.accounts[0]!.platform === "sandbox")).toBe(true);

    // Without `platforms`, a job takes what its brands have connected.
    const fifty = brands.slice(100).map((b) => b.id);
    const job = await json<Job>("/api/jobs", { ...s, body: { variant: "light", brands: fifty } }, 201);
    expect(job.outputs).toHaveLength(50);
    expect(job.platforms).toEqual(["sandbox"]);
  });
});

describe("worker/db/bounded.ts", () => {
  it("reads and updates lists of any length, one statement per chunk of at most 90 ids", async () => {
    const s = await signup();
    const brandIds: string[] = [];
    for (let i = 0; i < 3; i++) brandIds.push((await createBrand(s)).id);
    const ids = Array.from({ length: 250 }, (_, i) => (i < 3 ? brandIds[i]! : `brd_missing_${i}`));
    const statements = chunkedStatements(env.DB, "SELECT id FROM brands WHERE workspace_id = ?1 AND id IN (:list)", [s.workspaceId], ids);
    expect(statements).toHaveLength(Math.ceil(250 / LIST_CHUNK));
    const rows = await allByList<{ id: string }>(env.DB, "SELECT id FROM brands WHERE workspace_id = ?1 AND id IN (:list)", [s.workspaceId], ids);
    expect(rows.map((r) => r.id).sort()).toEqual([...brandIds].sort());
    await runByList(env.DB, "UPDATE brands SET handle = ?1 WHERE id IN (:list)", ["@renamed"], [...ids].reverse());
    const handles = await env.DB.prepare("SELECT DISTINCT handle FROM brands WHERE workspace_id = ?").bind(s.workspaceId).all();
    expect(handles.results).toEqual([{ handle: "@renamed" }]);
    expect(await allByList(env.DB, "SELECT id FROM brands WHERE id IN (:list)", [], [])).toEqual([]);
  });

  it("refuses SQL without exactly one (:list), and fixed parameters that leave no room for a chunk", () => {
    expect(() => chunkedStatements(env.DB, "SELECT 1 WHERE 1 IN (?1)", [], [1])).toThrow(/\(:list\)/);
    expect(() => chunkedStatements(env.DB, "SELECT 1 WHERE ?1 IN (:list)", Array(11).fill(0), [1])).toThrow(/no room/);
  });
});

// ---- the source check ------------------------------------------------------------

/** Ways of putting a list's length into a statement's parameter count. */
const LIST_BINDING_PATTERNS: Array<[RegExp, string]> = [
  [/\bIN\s*\(\s*\$\{/i, "interpolates an IN (...) list"],
  [/\.map\(\s*\([^)]*\)\s*=>\s*[`"']\?/, "makes one placeholder per item"],
  [/\.fill\(\s*[`"']\?|[`"'],?\s*\?,?\s*[`"']\.repeat\(/, "makes one placeholder per item"],
  [/\b(?:not)?inArray\(/i, "binds a list with drizzle's inArray"],
  [/\bsql\.join\(/, "binds a list with drizzle's sql.join"],
];

/** The one module allowed to expand a list into placeholders. */
const BOUNDED_MODULE = "worker/db/bounded.ts";

/**
 * Sites that bind a list in chunks of their own, with the number of lines each
 * file may have and why. Keep this short: new code uses worker/db/bounded.ts.
 */
const ALLOWED: Record<string, { lines: number; why: string }> = {};

function findListBindings(files: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    if (file === BOUNDED_MODULE) continue;
    const hits: string[] = [];
    text.split("\n").forEach((line, i) => {
      if (/^\s*(\/\/|\*)/.test(line)) return; // comments may talk about IN (...) lists
      const why = LIST_BINDING_PATTERNS.find(([pattern]) => pattern.test(line))?.[1];
      if (why) hits.push(`${file}:${i + 1} ${why}: ${line.trim().slice(0, 120)}`);
    });
    if (hits.length > (ALLOWED[file]?.lines ?? 0)) found.push(...hits);
  }
  return found;
}

describe("no query binds an unbounded list", () => {
  const sources = import.meta.glob<string>("../worker/**/*.ts", { query: "?raw", import: "default", eager: true });
  const files = Object.fromEntries(Object.entries(sources).map(([path, text]) => [path.replace(/^\.\.\//, ""), text]));

  it("reads the Worker's source (the check is not vacuous)", () => {
    expect(Object.keys(files)).toContain(BOUNDED_MODULE);
    expect(Object.keys(files)).toContain("worker/services/jobs.ts");
    expect(Object.keys(files).length).toBeGreaterThan(40);
  });

  it("finds no list bound outside worker/db/bounded.ts", () => {
    const found = findListBindings(files);
    expect(found, `Bind lists through worker/db/bounded.ts (allByList / runByList), or JOIN instead of IN:\n${found.join("\n")}`).toEqual([]);
  });

  it("flags each pattern, naming the file and line", () => {
    const bad = {
      "worker/services/new.ts": [
        "const a = 1;",
        "  d1.prepare(`SELECT * FROM t WHERE id IN (${ids.map(() => \"?\").join(\",\")})`)",
        "  db.select().from(t).where(inArray(t.id, ids))",
        "  // a comment about IN (${x}) is fine",
        "  const marks = Array(ids.length).fill(\"?\").join(\",\");",
      ].join("\n"),
      "worker/scheduling/booking.ts": "x IN (${a})\ny IN (${b})",
      [BOUNDED_MODULE]: "IN (${placeholders})",
    };
    const found = findListBindings(bad);
    expect(found.filter((f) => f.startsWith("worker/services/new.ts:2 "))).toHaveLength(1);
    expect(found.some((f) => f.startsWith("worker/services/new.ts:3 binds a list with drizzle's inArray"))).toBe(true);
    expect(found.some((f) => f.startsWith("worker/services/new.ts:4"))).toBe(false);
    expect(found.some((f) => f.startsWith("worker/services/new.ts:5 makes one placeholder per item"))).toBe(true);
    // booking.ts once had its own chunking; it goes through bounded.ts now, like everyone else.
    expect(found.filter((f) => f.startsWith("worker/scheduling/booking.ts"))).toHaveLength(2);
    expect(found.some((f) => f.startsWith(BOUNDED_MODULE))).toBe(false);
  });
});
