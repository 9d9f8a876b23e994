// GET /api/deliveries (API.md): what needs a person's attention, workspace
// scoped, validated, newest first and bounded. And the Calendar's slim window
// (GET /api/schedules?view=calendar, issue 10 item 6).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { CalendarWindow, DeliveryItem, Schedule } from "../worker/contract/schemas";
import { CALENDAR_COLUMNS, calendarWindow as calendarWindowSchema, deliveryList } from "../worker/contract/schemas";
import { contentTypeOf } from "../worker/scheduling/variants";
import { calendarWindow, workspaceById } from "../worker/services/calendar";
import { book, captureDoQueue, connect, deliveriesOf, HOUR, readyJob, setDelivery } from "./support/dispatch";
import { call, calendar, createBrand, expectClientError, json, signup } from "./support/fixtures";

type Session = Awaited<ReturnType<typeof signup>>;

/** An item that went out to instagram and sandbox, with each delivery then set as `states` says. */
async function wentOut(s: Session, brandId: string, states: Record<string, string>) {
  const item = await book(s, (await readyJob(s, brandId, ["instagram", "sandbox"])).jobId, brandId);
  await json(`/api/schedules/${item.scheduleId}/publish-now`, { ...s, body: {} }, 200);
  for (const [platform, set] of Object.entries(states)) await setDelivery(item.scheduleId, platform, set);
  return item;
}

async function attention(s: Session, query = "") {
  const body = await json<{ deliveries: DeliveryItem[] }>(`/api/deliveries${query}`, s, 200);
  deliveryList.parse(body);
  return body.deliveries;
}

describe("GET /api/deliveries", () => {
  it("lists failed, missed, needs-reconnect and publishing deliveries with their reasons", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await connect(s, brand.id, "instagram");
    await connect(s, brand.id, "sandbox");
    const a = await wentOut(s, brand.id, {
      instagram: "status = 'failed', error_class = 'reconnect', last_error = 'Reconnect Instagram: the token expired.'",
      sandbox: "status = 'published'",
    });
    const b = await wentOut(s, brand.id, {
      instagram: "status = 'failed', error_class = 'permanent', last_error = 'The video is too long.'",
      sandbox: "status = 'publishing'",
    });
    const [aIg] = await deliveriesOf(a.scheduleId);
    const [bIg, bSandbox] = await deliveriesOf(b.scheduleId);

    const failed = await attention(s, "?status=failed");
    expect(failed.map((d) => d.deliveryId).sort()).toEqual([aIg!.id, bIg!.id].sort());
    expect(failed.find((d) => d.deliveryId === aIg!.id)).toEqual({
      deliveryId: aIg!.id,
      scheduleId: a.scheduleId,
      brandId: brand.id,
      platform: "instagram",
      status: "failed",
      attempts: 0,
      error: "Reconnect Instagram: the token expired.",
      errorClass: "reconnect",
      scheduledAt: a.scheduledAt,
    });
    expect((await attention(s, "?status=needs_reconnect")).map((d) => d.deliveryId)).toEqual([aIg!.id]);
    expect((await attention(s, "?status=publishing")).map((d) => d.deliveryId)).toEqual([bSandbox!.id]);
    // Without a status: failed and missed, newest first.
    const all = await attention(s);
    expect(all.map((d) => d.scheduledAt)).toEqual([...all.map((d) => d.scheduledAt)].sort().reverse());
    expect(all).toHaveLength(2);
    // Window and brand filters, and the limit.
    const later = new Date(Math.max(Date.parse(a.scheduledAt), Date.parse(b.scheduledAt))).toISOString();
    expect((await attention(s, `?status=failed&from=${encodeURIComponent(later)}`)).length).toBe(1);
    expect((await attention(s, `?status=failed&brand=${brand.id}&limit=1`)).length).toBe(1);
  });

  it("is scoped to the workspace: another workspace sees nothing and gets 404 for a brand id of ours", async () => {
    const s = await signup();
    const other = await signup();
    const brand = await createBrand(s);
    await connect(s, brand.id, "instagram");
    await connect(s, brand.id, "sandbox");
    await wentOut(s, brand.id, { instagram: "status = 'failed'", sandbox: "status = 'missed'" });
    expect(await attention(s)).toHaveLength(2);
    expect(await attention(other)).toEqual([]);
    expect(await attention(other, "?status=missed")).toEqual([]);
    await expectClientError(await call(`/api/deliveries?brand=${brand.id}`, other), 404, "not_found");
  });

  it("rejects bad filters with 400, never a 500", async () => {
    const s = await signup();
    for (const q of ["?status=done", "?limit=0", "?limit=501", "?from=yesterday", "?page=2", "?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z"]) {
      await expectClientError(await call(`/api/deliveries${q}`, s), 400, "invalid_input", q);
    }
  });
});

/** The window's rows as objects, by the contract's column names. */
function itemsOf(w: CalendarWindow) {
  expect(w.columns).toEqual([...CALENDAR_COLUMNS]);
  return w.rows.map(([scheduleId, brandId, variant, at, status, title, createdBy]) => ({ scheduleId, brandId, variant, at, status, title, createdBy }));
}

describe("GET /api/schedules?view=calendar", () => {
  it("returns slim items with each brand once, agreeing with the full view item by item", async () => {
    const s = await signup();
    const [b1, b2] = [await createBrand(s, { name: "Alpha" }), await createBrand(s, { name: "Beta", colors: undefined })];
    await connect(s, b1.id, "sandbox");
    await connect(s, b1.id, "instagram");
    const items: Schedule[] = [];
    for (const b of [b1, b2, b1, b1, b1, b1, b1, b1]) items.push(await book(s, (await readyJob(s, b.id)).jobId, b.id));
    // Every rollup the calendar's SQL must agree with: published, missed before going out,
    // scheduled, partial, failed, publishing, all skipped, missed after going out.
    // Messages go to a recorder, not to a consumer that could publish behind the states set below.
    await captureDoQueue(b1.id);
    const went = async (i: number, states: Record<string, string>) => {
      await json(`/api/schedules/${items[i]!.scheduleId}/publish-now`, { ...s, body: {} }, 200);
      for (const [platform, set] of Object.entries(states)) await setDelivery(items[i]!.scheduleId, platform, set);
    };
    await went(0, { sandbox: "status = 'published'", instagram: "status = 'published'" });
    await env.DB.prepare("UPDATE schedules SET scheduled_at = ? WHERE id = ?").bind(Date.now() - 7 * HOUR, items[1]!.scheduleId).run();
    await went(3, { sandbox: "status = 'published'", instagram: "status = 'failed'" });
    await went(4, { sandbox: "status = 'failed'", instagram: "status = 'failed'" });
    await went(5, { sandbox: "status = 'publishing'", instagram: "status = 'published'" });
    await went(6, { sandbox: "status = 'skipped'", instagram: "status = 'skipped'" });
    await went(7, { sandbox: "status = 'missed'", instagram: "status = 'missed'" });
    // One by automation, shown without repeating its name.
    await env.DB.prepare("UPDATE schedules SET created_by_kind = 'automation', created_by_user_id = NULL WHERE id = ?").bind(items[2]!.scheduleId).run();

    const q = { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 40 * 86_400_000).toISOString() };
    const slim = await json<CalendarWindow>(`/api/schedules?${new URLSearchParams({ ...q, view: "calendar" })}`, s, 200);
    calendarWindowSchema.parse(slim);
    const slimItems = itemsOf(slim);
    const full = await calendar(s, q);
    // The same items, in time order (the full view orders one instant's items by brand name; the slim one leaves that to the client).
    expect(slimItems.map((i) => i.scheduleId).sort()).toEqual(full.map((f) => f.scheduleId).sort());
    const times = slimItems.map((i) => i.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const byId = new Map(full.map((f) => [f.scheduleId, f]));
    for (const item of slimItems) {
      const f = byId.get(item.scheduleId)!;
      expect(item).toEqual({
        scheduleId: f.scheduleId,
        brandId: f.brandId,
        variant: f.variant,
        at: Date.parse(f.scheduledAt),
        status: f.status,
        title: f.title,
        createdBy: f.createdBy.kind === "automation" ? null : f.createdBy.name,
      });
      expect(contentTypeOf(item.variant)).toBe(f.contentType);
    }
    expect(slimItems.map((i) => i.status).sort()).toEqual(["failed", "failed", "missed", "missed", "partial", "published", "publishing", "scheduled"]);
    expect(slimItems.find((i) => i.scheduleId === items[2]!.scheduleId)!.createdBy).toBeNull();
    expect(Object.keys(slim.brands).sort()).toEqual([b1.id, b2.id].sort());
    expect(slim.brands[b1.id]).toEqual({ slug: b1.slug, name: "Alpha", color: b1.colors.primary, timezone: b1.timezone });
    // Filters apply as in the full view.
    const published = await json<CalendarWindow>(`/api/schedules?${new URLSearchParams({ ...q, view: "calendar", status: "published" })}`, s, 200);
    expect(itemsOf(published).map((i) => i.scheduleId)).toEqual([items[0]!.scheduleId]);
    const failedOnes = await json<CalendarWindow>(`/api/schedules?${new URLSearchParams({ ...q, view: "calendar", status: "failed" })}`, s, 200);
    expect(itemsOf(failedOnes).map((i) => i.scheduleId).sort()).toEqual([items[4]!.scheduleId, items[6]!.scheduleId].sort());
    // One brand's window is read through another index (brand_id, scheduled_at): still in time order.
    const alpha = itemsOf(await json<CalendarWindow>(`/api/schedules?${new URLSearchParams({ ...q, view: "calendar", brand: b1.id })}`, s, 200));
    expect(alpha.map((i) => i.scheduleId).sort()).toEqual(slimItems.filter((i) => i.brandId === b1.id).map((i) => i.scheduleId).sort());
    expect(alpha.map((i) => i.at)).toEqual(alpha.map((i) => i.at).sort((x, y) => x - y));
    const one = await json<CalendarWindow>(`/api/schedules?${new URLSearchParams({ ...q, view: "calendar", brand: b2.id })}`, s, 200);
    expect(itemsOf(one).map((i) => i.brandId)).toEqual([b2.id]);
    expect(Object.keys(one.brands)).toEqual([b2.id]);
    await expectClientError(await call(`/api/schedules?${new URLSearchParams({ ...q, view: "grid" })}`, s), 400, "invalid_input");
    // Another workspace's window is empty.
    expect((await json<CalendarWindow>(`/api/schedules?${new URLSearchParams({ ...q, view: "calendar" })}`, await signup(), 200)).rows).toEqual([]);
  });

  it("a window larger than one slice comes back whole, in order, even when a slice ends inside one instant", async () => {
    const s = await signup();
    const brands = [await createBrand(s, { name: "A" }), await createBrand(s, { name: "B" }), await createBrand(s, { name: "C" })];
    // Three brands on the same grid and offset: their items share instants, three at a time.
    for (const b of brands) for (let i = 0; i < 4; i++) await book(s, (await readyJob(s, b.id)).jobId, b.id);
    const q = { from: Date.now() - 86_400_000, to: Date.now() + 40 * 86_400_000, type: "all" as const };
    const whole = JSON.parse((await calendarWindow(env, workspaceById(s.workspaceId), q)).json) as CalendarWindow;
    expect(whole.rows).toHaveLength(12);
    for (const size of [1, 2, 3, 4, 5, 11]) {
      const sliced = JSON.parse((await calendarWindow(env, workspaceById(s.workspaceId), q, size)).json) as CalendarWindow;
      expect(sliced, `slices of ${size}`).toEqual(whole);
    }
  });
});
