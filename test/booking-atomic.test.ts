// Bookings are atomic per output (issue 10 item 3): each output's rows commit
// in one D1 batch, whole outputs per batch; a batch that fails turns only its
// own outputs into errors and the caller keeps the committed ones. Also: the
// BrandScheduler's in-memory taken set, and book on ready (issue 10 item 5).
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { CalendarWindow } from "../worker/contract/schemas";
import type { GenerateMessage, PublishMessage } from "../worker/env";
import worker from "../worker/index";
import { loadBrandMemory } from "../worker/scheduling/brand-memory";
import { bookOutputs, WRITE_BATCH_STATEMENTS, type BookingResult } from "../worker/scheduling/booking";
import { alarmOf } from "./support/dispatch";
import { calendar, countRows, createBrand, expectNoDoubleBooking, insertOutput, json, outputRow, signup } from "./support/fixtures";

const MINUTE = 60_000;
const DAY = 86_400_000;
const policy = () => ({ now: Date.now(), leadMs: 15 * MINUTE, horizonMs: 30 * DAY });

/** A D1 binding whose `failOn`-th batch() call throws (as D1 does on an overload or a reset), recording every batch's size. */
function d1FailingOnBatch(failOn: number) {
  const sizes: number[] = [];
  let calls = 0;
  const d1 = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          calls++;
          sizes.push(statements.length);
          if (calls === failOn) throw new Error("D1_ERROR: injected failure");
          return target.batch(statements);
        };
      }
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { d1, sizes };
}

async function readyOutputs(s: { workspaceId: string; userId: string }, brandId: string, n: number) {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await insertOutput(s, brandId, { status: "ready", variant: i % 2 ? "dark" : "light" })).outputId);
  return out;
}

describe("bookOutputs commits whole outputs per batch", () => {
  it("a failure in a later batch turns only that batch's outputs into errors; the committed ones stay booked", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const ids = await readyOutputs(s, brand.id, 150);
    const memory = await loadBrandMemory(env.DB, brand.id, Date.now());
    // Batch 1 reads; batch 2 writes the first 100 outputs; batch 3 (the last 50) fails.
    const { d1, sizes } = d1FailingOnBatch(3);
    const [results] = await bookOutputs(d1, memory, [{ workspaceId: s.workspaceId, brandId: brand.id, outputIds: ids, actor: { kind: "automation", userId: null } }], policy());

    expect(sizes.slice(1)).toEqual([WRITE_BATCH_STATEMENTS, 100]);
    const ok = results!.filter((r): r is Extract<BookingResult, { ok: true }> => r.ok === true);
    const failed = results!.filter((r) => r.ok === false);
    expect(ok).toHaveLength(100);
    expect(failed).toHaveLength(50);
    expect(failed.every((r) => r.ok === false && r.code === "booking_failed" && r.status === 500)).toBe(true);
    expect(memory.invalid).toBe(true);

    // D1 agrees with the results, output by output: booked ⇔ a schedules row.
    const rows = await env.DB.prepare("SELECT output_id, id, scheduled_at FROM schedules WHERE brand_id = ?").bind(brand.id).all<{ output_id: string; id: string; scheduled_at: number }>();
    const byOutput = new Map(rows.results.map((r) => [r.output_id, r]));
    for (const r of results!) {
      if (r.ok === true) expect(byOutput.get(r.outputId)).toMatchObject({ id: r.scheduleId, scheduled_at: r.scheduledAt });
      else expect(byOutput.has(r.outputId)).toBe(false);
    }
    // The failed outputs are still ready and unheld: the next catch-up books them.
    for (const r of failed) expect(await outputRow(r.outputId)).toMatchObject({ status: "ready", hold: 0 });
    const fresh = await loadBrandMemory(env.DB, brand.id, Date.now());
    const [again] = await bookOutputs(env.DB, fresh, [{ workspaceId: s.workspaceId, brandId: brand.id, outputIds: failed.map((f) => f.outputId), actor: { kind: "automation", userId: null } }], policy());
    expect(again!.every((r) => r.ok === true)).toBe(true);
    expect(await countRows("schedules", "brand_id = ?", brand.id)).toBe(150);
    expectNoDoubleBooking((await calendar(s)).map((c) => ({ brandId: c.brandId, scheduledAt: c.scheduledAt })));
  });

  it("never splits one output's rows across batches", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const ids = await readyOutputs(s, brand.id, 130);
    const { d1, sizes } = d1FailingOnBatch(0);
    await bookOutputs(d1, await loadBrandMemory(env.DB, brand.id, Date.now()), [{ workspaceId: s.workspaceId, brandId: brand.id, outputIds: ids, actor: { kind: "user", userId: s.userId } }], policy());
    const writes = sizes.slice(1);
    expect(writes.reduce((a, b) => a + b, 0)).toBe(2 * 130);
    for (const n of writes) {
      expect(n % 2).toBe(0);
      expect(n).toBeLessThanOrEqual(WRITE_BATCH_STATEMENTS);
    }
  });
});

describe("the BrandScheduler keeps its brand's taken slots in memory", () => {
  it("books from memory without reading the schedules table, and never double-books", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const ids = await readyOutputs(s, brand.id, 20);
    const memory = await loadBrandMemory(env.DB, brand.id, Date.now());
    const seen: string[] = [];
    const spy = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "prepare") return (sql: string) => (seen.push(sql), target.prepare(sql));
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const actor = { kind: "user" as const, userId: s.userId };
    // Twenty requests grouped into one call, as the DO groups requests that queue up.
    const results = await bookOutputs(spy, memory, ids.map((id) => ({ workspaceId: s.workspaceId, brandId: brand.id, outputIds: [id], actor })), policy());
    expect(results.flat().every((r) => r.ok === true)).toBe(true);
    expect(seen.filter((q) => /FROM schedules WHERE/.test(q))).toEqual([]);
    const times = results.flat().map((r) => (r.ok === true ? r.scheduledAt : 0));
    expect(new Set(times).size).toBe(20);
    expect(memory.taken.size).toBe(20);
    expect(memory.undispatched.size).toBe(20);
  });
});

describe("book on ready (issue 10 item 5)", () => {
  async function deliverGenerate(outputIds: string[]) {
    const batch = createMessageBatch<GenerateMessage | PublishMessage>(
      "brandcast-generate",
      outputIds.map((outputId, i) => ({ id: `m${i}-${outputId}`, timestamp: new Date(), attempts: 1, body: { kind: "generate", outputId } })),
    );
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    return getQueueResult(batch, ctx);
  }

  it("an output that turns ready is on the calendar at once, with the alarm armed", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const out = await insertOutput(s, brand.id, { status: "pending" });
    await deliverGenerate([out.outputId]);
    const cal = await calendar(s);
    expect(cal.map((c) => c.jobId)).toEqual([out.jobId]);
    expect(await alarmOf(brand.id)).toBe(Date.parse(cal[0]!.scheduledAt));
  });

  it("is booked as its job's creator: a person's post is theirs on the calendar, automation's stays automation's (issue 16 item 8)", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const mine = await insertOutput(s, brand.id, { status: "pending" });
    const automatic = await insertOutput(s, brand.id, { status: "pending", createdBy: "automation" });
    await deliverGenerate([mine.outputId, automatic.outputId]);
    const cal = await calendar(s);
    const me = (await json<{ user: { name: string } }>("/api/me", s, 200)).user.name;
    expect(Object.fromEntries(cal.map((c) => [c.jobId, c.createdBy]))).toEqual({
      [mine.jobId]: { kind: "user", id: s.userId, name: me },
      [automatic.jobId]: { kind: "automation", name: "Automation" },
    });
    // The calendar window (the month view) says the same: the person's name, and null for automation.
    const window = await json<CalendarWindow>(`/api/schedules?${new URLSearchParams({ from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 40 * 86_400_000).toISOString(), view: "calendar" })}`, s, 200);
    const creator = window.columns.indexOf("createdBy");
    expect(Object.fromEntries(window.rows.map((r) => [r[0], r[creator]]))).toEqual(
      Object.fromEntries(cal.map((c) => [c.scheduleId, c.createdBy.kind === "user" ? me : null])),
    );
    expect(await countRows("schedules", "output_id = ? AND created_by_kind = 'user' AND created_by_user_id = ?", mine.outputId, s.userId)).toBe(1);
    expect(await countRows("schedules", "output_id = ? AND created_by_kind = 'automation' AND created_by_user_id IS NULL", automatic.outputId)).toBe(1);
  });

  it("a held output stays off the calendar", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const out = await insertOutput(s, brand.id, { status: "pending" });
    await env.DB.prepare("UPDATE job_outputs SET hold = 1 WHERE id = ?").bind(out.outputId).run();
    await deliverGenerate([out.outputId]);
    expect((await outputRow(out.outputId))!.status).toBe("ready");
    expect(await calendar(s)).toEqual([]);
  });
});
