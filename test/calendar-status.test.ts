// REGRESSIONS #15: platforms not configured for a brand must never make an
// item "partial". Every combination of delivery statuses over two and three
// platforms, before and after the missed deadline, gets one status: the same
// in the calendar window's SQL (services/calendar.ts STATUS_SQL), in the full
// view's rollup (scheduling/status.ts) and in the calendar's status filter.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { CalendarWindow, DeliveryStatus, Schedule, ScheduleStatus } from "../worker/contract/schemas";
import { rollupScheduleStatus } from "../worker/scheduling/status";
import { createBrand, json, signup, unique, type Session } from "./support/fixtures";

const STATUSES: DeliveryStatus[] = ["pending", "queued", "publishing", "published", "failed", "missed", "skipped"];
const PLATFORMS = ["instagram", "facebook", "youtube"] as const;
const HOUR = 3_600_000;
const MISSED_MS = 6 * HOUR; // wrangler.toml MISSED_AFTER_HOURS

/** Every multiset of `n` statuses (order does not change a rollup): 28 for two platforms, 84 for three. */
function combinations(n: number, from = 0): DeliveryStatus[][] {
  if (n === 0) return [[]];
  const out: DeliveryStatus[][] = [];
  for (let i = from; i < STATUSES.length; i++) for (const rest of combinations(n - 1, i)) out.push([STATUSES[i]!, ...rest]);
  return out;
}

interface Case {
  scheduleId: string;
  statuses: DeliveryStatus[];
  scheduledAt: number;
}

/** Items that went out (dispatched), each with its deliveries in the given statuses, written straight to D1. */
async function seedCases(s: Session, brandId: string, combos: DeliveryStatus[][], now: number): Promise<Case[]> {
  const cases: Case[] = [];
  const stmts: D1PreparedStatement[] = [];
  let i = 0;
  for (const statuses of combos) {
    // Each combination twice: ahead of its time, and past the missed deadline.
    for (const scheduledAt of [now + HOUR + i * 60_000, now - MISSED_MS - HOUR - i * 60_000]) {
      i++;
      const job = await env.DB.prepare(
        `INSERT INTO generation_jobs (workspace_id, variant, platforms, platforms_explicit, seed, created_by_kind, created_by_user_id)
         VALUES (?, 'light', '[]', 0, 1, 'user', ?) RETURNING id`,
      )
        .bind(s.workspaceId, s.userId)
        .first<{ id: number }>();
      const outputId = unique("out_");
      const scheduleId = unique("sch_");
      stmts.push(
        env.DB.prepare("INSERT INTO job_outputs (id, job_id, workspace_id, brand_id, status, title) VALUES (?, ?, ?, ?, 'ready', ?)").bind(
          outputId,
          job!.id,
          s.workspaceId,
          brandId,
          statuses.join("+"),
        ),
        env.DB.prepare(
          `INSERT INTO schedules (id, workspace_id, brand_id, output_id, job_id, scheduled_at, kind, variant, created_by_kind, created_by_user_id, dispatched_at)
           VALUES (?, ?, ?, ?, ?, ?, 'reel', 'light', 'user', ?, ?)`,
        ).bind(scheduleId, s.workspaceId, brandId, outputId, job!.id, scheduledAt, s.userId, Math.min(now, scheduledAt)),
        ...statuses.map((status, p) =>
          env.DB.prepare("INSERT INTO deliveries (id, schedule_id, workspace_id, platform, status) VALUES (?, ?, ?, ?, ?)").bind(
            unique("dlv_"),
            scheduleId,
            s.workspaceId,
            PLATFORMS[p]!,
            status,
          ),
        ),
      );
      cases.push({ scheduleId, statuses, scheduledAt });
    }
  }
  for (let k = 0; k < stmts.length; k += 100) await env.DB.batch(stmts.slice(k, k + 100));
  return cases;
}

function windowQuery(now: number, extra: Record<string, string> = {}) {
  return new URLSearchParams({ from: new Date(now - 2 * 86_400_000).toISOString(), to: new Date(now + 10 * 86_400_000).toISOString(), ...extra });
}

async function windowStatuses(s: Session, now: number, extra: Record<string, string> = {}): Promise<Map<string, ScheduleStatus>> {
  const w = await json<CalendarWindow>(`/api/schedules?${windowQuery(now, { view: "calendar", ...extra })}`, s, 200);
  const id = w.columns.indexOf("scheduleId");
  const status = w.columns.indexOf("status");
  return new Map(w.rows.map((r) => [r[id] as string, r[status] as ScheduleStatus]));
}

describe("calendar status with skipped platforms (REGRESSIONS #15)", () => {
  it("every combination over two and three platforms: the window's SQL, the full view and the filter agree, and skipped never counts", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const now = Date.now();
    const cases = await seedCases(s, brand.id, [...combinations(2), ...combinations(3)], now);
    expect(cases).toHaveLength(2 * (28 + 84));

    const sql = await windowStatuses(s, now);
    const full = new Map((await json<{ schedules: Schedule[] }>(`/api/schedules?${windowQuery(now)}`, s, 200)).schedules.map((x) => [x.scheduleId, x.status]));
    const seen = new Set<ScheduleStatus>();
    for (const c of cases) {
      const label = `${c.statuses.join("+")} ${c.scheduledAt > now ? "ahead" : "past the deadline"}`;
      const expected = rollupScheduleStatus(
        c.statuses.map((status) => ({ status })),
        c.scheduledAt,
        Date.now(),
        MISSED_MS,
      );
      expect(full.get(c.scheduleId), `full view: ${label}`).toBe(expected);
      expect(sql.get(c.scheduleId), `calendar SQL: ${label}`).toBe(expected);
      seen.add(expected);

      // Skipped platforms are left out, never failures: the item rolls up as its other platforms do.
      const live = c.statuses.filter((x) => x !== "skipped");
      if (live.length > 0 && live.every((x) => x === "published")) expect(expected, label).toBe("published");
      if (live.length > 0 && c.statuses.includes("skipped")) {
        const without = rollupScheduleStatus(live.map((status) => ({ status })), c.scheduledAt, Date.now(), MISSED_MS);
        expect(expected, `${label} is its platforms without the skipped ones`).toBe(without);
      }
    }
    // The combinations reach every status a schedule can show.
    expect([...seen].sort()).toEqual(["failed", "missed", "partial", "published", "publishing", "scheduled"]);

    // The status filter is the same SQL: each status's filtered window holds exactly its items.
    for (const status of seen) {
      const filtered = await windowStatuses(s, now, { status });
      expect([...filtered.keys()].sort(), status).toEqual(cases.filter((c) => sql.get(c.scheduleId) === status).map((c) => c.scheduleId).sort());
    }
  });

  it("published + skipped is published, never partial, on two and on three platforms", () => {
    const now = Date.now();
    for (const statuses of [
      ["published", "skipped"],
      ["skipped", "published"],
      ["published", "skipped", "skipped"],
      ["published", "published", "skipped"],
    ] as DeliveryStatus[][]) {
      expect(rollupScheduleStatus(statuses.map((status) => ({ status })), now - HOUR, now, MISSED_MS), statuses.join("+")).toBe("published");
    }
    expect(rollupScheduleStatus(["published", "failed", "skipped"].map((status) => ({ status: status as DeliveryStatus })), now - HOUR, now, MISSED_MS)).toBe("partial");
  });
});
