// The calendar window kept in the isolate (services/calendar-cache.ts) is never
// stale: every change a window shows moves the workspace's calendar version
// (migrations/0021, in SQL, so the changes here go straight to D1 as any code
// path could), an item turning missed by time alone ends the kept window, and
// a kept window is only shown to the credential that read it, after checking
// that credential again.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CalendarWindow, DeliveryStatus } from "../worker/contract/schemas";
import { rollupScheduleStatus } from "../worker/scheduling/status";
import { calendarCache, WindowCache, type KeptWindow } from "../worker/services/calendar-cache";
import { call, createBrand, insertOutput, json, signup, unique, type Session } from "./support/fixtures";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MISSED_MS = 6 * HOUR; // wrangler.toml MISSED_AFTER_HOURS

afterEach(() => {
  vi.useRealTimers();
});

interface Item {
  scheduleId: string;
  outputId: string;
  jobNumber: number;
}

/** A ready output booked at `at`, written straight to D1 (so the test, not a booking path, decides what changes). */
async function book(s: Session, brandId: string, at: number, dispatched = false): Promise<Item> {
  const out = await insertOutput(s, brandId, { status: "ready" });
  const scheduleId = unique("sch_");
  await env.DB.prepare(
    `INSERT INTO schedules (id, workspace_id, brand_id, output_id, job_id, scheduled_at, kind, variant, created_by_kind, created_by_user_id, dispatched_at)
     VALUES (?, ?, ?, ?, ?, ?, 'reel', 'light', 'user', ?, ?)`,
  )
    .bind(scheduleId, s.workspaceId, brandId, out.outputId, out.jobNumber, at, s.userId, dispatched ? at : null)
    .run();
  return { scheduleId, outputId: out.outputId, jobNumber: out.jobNumber };
}

const windowPath = (now: number, extra: Record<string, string> = {}) =>
  `/api/schedules?${new URLSearchParams({ from: new Date(now - DAY).toISOString(), to: new Date(now + 10 * DAY).toISOString(), view: "calendar", ...extra })}`;

/** The window as a map of scheduleId → the row as an object, and the brands. */
async function read(s: Session, now: number, extra: Record<string, string> = {}) {
  const w = await json<CalendarWindow>(windowPath(now, extra), s, 200);
  const rows = new Map(w.rows.map((r) => [r[0] as string, Object.fromEntries(w.columns.map((c, i) => [c, r[i]])) as Record<string, unknown>]));
  return { rows, brands: w.brands };
}

const version = async (workspaceId: string) =>
  (await env.DB.prepare("SELECT version FROM calendar_versions WHERE workspace_id = ?").bind(workspaceId).first<{ version: number }>())?.version ?? 0;

describe("calendar window kept in the isolate", () => {
  it("a repeat view is the kept window; each kind of change, made straight in D1, shows in the next view", async () => {
    const s = await signup();
    const brand = await createBrand(s, { name: "Calm Kitchen" });
    const now = Date.now();
    const a = await book(s, brand.id, now + 2 * HOUR);
    const b = await book(s, brand.id, now + 3 * HOUR, true);
    await env.DB.prepare("INSERT INTO deliveries (id, schedule_id, workspace_id, platform, status) VALUES (?, ?, ?, 'instagram', 'publishing')")
      .bind(unique("dlv_"), b.scheduleId, s.workspaceId)
      .run();

    const first = await read(s, now);
    expect([...first.rows.keys()].sort()).toEqual([a.scheduleId, b.scheduleId].sort());
    expect(first.rows.get(b.scheduleId)!.status).toBe("publishing");
    const hits = calendarCache.hits;
    const again = await read(s, now);
    expect(again).toEqual(first);
    expect(calendarCache.hits, "the repeat view is the window kept").toBe(hits + 1);
    expect(await read(s, now), "a kept body is sent whole each time").toEqual(first);
    expect(calendarCache.hits).toBe(hits + 2);

    /** One change, then the next view must show what `expectIn` checks. */
    const changes: Array<[string, () => Promise<unknown>, (w: Awaited<ReturnType<typeof read>>) => void]> = [
      [
        "a schedule added",
        () => book(s, brand.id, now + 4 * HOUR),
        (w) => expect(w.rows.size).toBe(3),
      ],
      [
        "a schedule moved",
        () => env.DB.prepare("UPDATE schedules SET scheduled_at = ? WHERE id = ?").bind(now + 5 * HOUR, a.scheduleId).run(),
        (w) => expect(w.rows.get(a.scheduleId)!.at).toBe(now + 5 * HOUR),
      ],
      [
        "a delivery's status",
        () => env.DB.prepare("UPDATE deliveries SET status = 'published' WHERE schedule_id = ?").bind(b.scheduleId).run(),
        (w) => expect(w.rows.get(b.scheduleId)!.status).toBe("published"),
      ],
      [
        "a delivery added",
        () =>
          env.DB.prepare("INSERT INTO deliveries (id, schedule_id, workspace_id, platform, status) VALUES (?, ?, ?, 'youtube', 'failed')")
            .bind(unique("dlv_"), b.scheduleId, s.workspaceId)
            .run(),
        (w) => expect(w.rows.get(b.scheduleId)!.status).toBe("partial"),
      ],
      [
        "a delivery removed",
        () => env.DB.prepare("DELETE FROM deliveries WHERE schedule_id = ? AND platform = 'youtube'").bind(b.scheduleId).run(),
        (w) => expect(w.rows.get(b.scheduleId)!.status).toBe("published"),
      ],
      [
        "a title",
        () => env.DB.prepare("UPDATE job_outputs SET title = 'Five-minute miso soup' WHERE id = ?").bind(a.outputId).run(),
        (w) => expect(w.rows.get(a.scheduleId)!.title).toBe("Five-minute miso soup"),
      ],
      [
        "the creator's name",
        () => env.DB.prepare("UPDATE users SET name = 'Ana Ribeiro' WHERE id = ?").bind(s.userId).run(),
        (w) => expect(w.rows.get(a.scheduleId)!.createdBy).toBe("Ana Ribeiro"),
      ],
      [
        "the brand's name and colour",
        () => env.DB.prepare(`UPDATE brands SET name = 'Calmer Kitchen', colors = '{"primary":"#0f766e","accent":"#f59e0b"}' WHERE id = ?`).bind(brand.id).run(),
        (w) => expect(w.brands[brand.id]).toMatchObject({ name: "Calmer Kitchen", color: "#0f766e" }),
      ],
      [
        "a schedule removed",
        () => env.DB.prepare("DELETE FROM schedules WHERE id = ?").bind(a.scheduleId).run(),
        (w) => expect(w.rows.has(a.scheduleId)).toBe(false),
      ],
    ];
    for (const [label, change, expectIn] of changes) {
      const before = await version(s.workspaceId);
      await change();
      expect(await version(s.workspaceId), `${label} moves the version`).toBeGreaterThan(before);
      const hitsBefore = calendarCache.hits;
      const w = await read(s, now);
      expect(calendarCache.hits, `${label}: the kept window is not shown`).toBe(hitsBefore);
      expectIn(w);
      // And what the window shows is what the full Schedules show (one truth, read twice).
      const full = await json<{ schedules: Array<{ scheduleId: string; status: string; title: string | null }> }>(
        windowPath(now).replace("view=calendar", "view=full"),
        s,
        200,
      );
      expect(
        full.schedules.map((x) => [x.scheduleId, x.status, x.title]).sort(),
        label,
      ).toEqual([...w.rows.values()].map((r) => [r.scheduleId, r.status, r.title]).sort());
    }
  });

  it("an item turning missed by time alone ends the kept window (and a status filter's window too)", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const now = Date.now();
    // Not dispatched, due almost MISSED_AFTER_HOURS ago: missed once its deadline passes, 2 minutes from now
    // (well inside the kept window's age limit, so that only the deadline can end it).
    const item = await book(s, brand.id, now - MISSED_MS + 2 * 60_000);
    const path = windowPath(now);
    const missedOnly = windowPath(now, { status: "missed" });
    expect((await read(s, now)).rows.get(item.scheduleId)!.status).toBe("scheduled");
    expect((await json<CalendarWindow>(missedOnly, s, 200)).rows).toHaveLength(0);
    const v = await version(s.workspaceId);

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(now + 3 * 60_000);
    const later = await json<CalendarWindow>(path, s, 200);
    expect(later.rows.map((r) => r[4])).toEqual(["missed"]);
    expect((await json<CalendarWindow>(missedOnly, s, 200)).rows.map((r) => r[0])).toEqual([item.scheduleId]);
    expect(await version(s.workspaceId), "nothing was written: time alone").toBe(v);
  });

  it("a kept window is shown only after its credential is checked again, and only to that credential", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const now = Date.now();
    await book(s, brand.id, now + HOUR);
    const path = windowPath(now);
    expect((await json<CalendarWindow>(path, s, 200)).rows).toHaveLength(1);

    // Another workspace's member asking the same window sees their own (empty) one.
    const other = await signup();
    expect((await json<CalendarWindow>(path, other, 200)).rows).toHaveLength(0);

    // Signed out: the session is gone, the kept window is not shown.
    expect((await call("/api/auth/logout", { ...s, method: "POST" })).status).toBeLessThan(300);
    expect((await call(path, s)).status).toBe(401);
  });

  it("a member removed from the workspace is refused even though the window is kept (membership does not move the version)", async () => {
    const s = await signup();
    const path = windowPath(Date.now());
    await json(path, s, 200);
    const v = await version(s.workspaceId);
    await env.DB.prepare("DELETE FROM memberships WHERE user_id = ? AND workspace_id = ?").bind(s.userId, s.workspaceId).run();
    expect(await version(s.workspaceId)).toBe(v);
    const res = await call(path, s);
    expect([401, 403]).toContain(res.status);
  });

  it("the version moves in the same D1 write as the change, and a workspace's changes never move another's", async () => {
    const s = await signup();
    const t = await signup();
    const brand = await createBrand(s);
    const v0 = await version(t.workspaceId);
    await book(s, brand.id, Date.now() + HOUR);
    expect(await version(t.workspaceId)).toBe(v0);
    // A delivery update that does not change its status (an attempt's log, a retry counter) leaves the version be.
    const item = await book(s, brand.id, Date.now() + 2 * HOUR, true);
    await env.DB.prepare("INSERT INTO deliveries (id, schedule_id, workspace_id, platform, status) VALUES (?, ?, ?, 'instagram', 'queued')")
      .bind(unique("dlv_"), item.scheduleId, s.workspaceId)
      .run();
    const v1 = await version(s.workspaceId);
    await env.DB.prepare("UPDATE deliveries SET attempts = attempts + 1 WHERE schedule_id = ?").bind(item.scheduleId).run();
    expect(await version(s.workspaceId)).toBe(v1);
    // queued → publishing rolls up alike (next test), so it leaves the version be too; publishing → published moves it.
    await env.DB.prepare("UPDATE deliveries SET status = 'publishing' WHERE schedule_id = ?").bind(item.scheduleId).run();
    expect(await version(s.workspaceId)).toBe(v1);
    await env.DB.prepare("UPDATE deliveries SET status = 'published' WHERE schedule_id = ?").bind(item.scheduleId).run();
    expect(await version(s.workspaceId)).toBe(v1 + 1);
  });

  it("queued and publishing roll up alike in every company of other deliveries (what lets the trigger skip that change)", () => {
    const statuses: DeliveryStatus[] = ["pending", "queued", "publishing", "published", "failed", "missed", "skipped"];
    const now = Date.now();
    for (const others of [[], ...statuses.map((x) => [x]), ...statuses.flatMap((x) => statuses.map((y) => [x, y]))]) {
      for (const at of [now + HOUR, now - MISSED_MS - HOUR]) {
        const rollup = (mine: DeliveryStatus) => rollupScheduleStatus([mine, ...others].map((status) => ({ status })), at, now, MISSED_MS);
        expect(rollup("queued"), others.join("+")).toBe(rollup("publishing"));
      }
    }
  });
});

describe("WindowCache", () => {
  const entry = (bytes: number, over: Partial<KeptWindow> = {}): KeptWindow => ({
    workspaceId: "wsp_a",
    version: 1,
    validUntil: 10_000,
    keptAt: 0,
    body: new Uint8Array(bytes),
    ...over,
  });

  it("keeps at most its byte budget, dropping the least recently shown first", () => {
    const c = new WindowCache(1_000, 60_000);
    c.put("a", entry(250));
    c.put("b", entry(250));
    c.put("c", entry(250));
    expect(c.hit("a", c.peek("a", 1)!, "wsp_a", 1)).toBeDefined(); // a is now the most recent
    c.put("d", entry(250));
    c.put("e", entry(250));
    expect(c.bytes).toBeLessThanOrEqual(1_000);
    expect(c.peek("b", 1)).toBeUndefined();
    expect(c.peek("a", 1)).toBeDefined();
    // A window larger than a quarter of the budget is not kept at all.
    c.put("big", entry(251));
    expect(c.peek("big", 1)).toBeUndefined();
    expect(c.bytes).toBe(1_000);
  });

  it("a window ends at its first missed deadline, at its age limit, and at any other version or workspace", () => {
    const c = new WindowCache(1_000, 60_000);
    c.put("k", entry(10, { validUntil: 500 }));
    expect(c.peek("k", 499)).toBeDefined();
    expect(c.peek("k", 500)).toBeUndefined();
    c.put("k", entry(10, { validUntil: 1e12 }));
    expect(c.peek("k", 59_999)).toBeDefined();
    expect(c.peek("k", 60_000)).toBeUndefined();
    c.put("k", entry(10));
    expect(c.hit("k", c.peek("k", 1)!, "wsp_a", 2)).toBeUndefined();
    expect(c.size).toBe(0);
    c.put("k", entry(10));
    expect(c.hit("k", c.peek("k", 1)!, "wsp_b", 1)).toBeUndefined();
    expect(c.bytes).toBe(0);
  });
});
