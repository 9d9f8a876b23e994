// GET /api/deliveries (API.md): what needs a person's attention, workspace
// scoped, validated, newest first and bounded. And the Calendar's slim window
// (GET /api/schedules?view=calendar, issue 10 item 6).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { CalendarWindow, DeliveryItem, Schedule } from "../worker/contract/schemas";
import { calendarWindow as calendarWindowSchema, deliveryList } from "../worker/contract/schemas";
import { book, connect, deliveriesOf, HOUR, readyJob, setDelivery } from "./support/dispatch";
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

describe("GET /api/schedules?view=calendar", () => {
  it("returns slim items with each brand once, agreeing with the full view item by item", async () => {
    const s = await signup();
    const [b1, b2] = [await createBrand(s, { name: "Alpha" }), await createBrand(s, { name: "Beta", colors: undefined })];
    await connect(s, b1.id, "sandbox");
    const items: Schedule[] = [];
    for (const b of [b1, b2, b1]) items.push(await book(s, (await readyJob(s, b.id)).jobId, b.id));
    // One item went out and published; one is more than six hours late and never went out.
    await json(`/api/schedules/${items[0]!.scheduleId}/publish-now`, { ...s, body: {} }, 200);
    await setDelivery(items[0]!.scheduleId, "sandbox", "status = 'published'");
    await env.DB.prepare("UPDATE schedules SET scheduled_at = ? WHERE id = ?").bind(Date.now() - 7 * HOUR, items[1]!.scheduleId).run();

    const q = { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 40 * 86_400_000).toISOString() };
    const slim = await json<CalendarWindow>(`/api/schedules?${new URLSearchParams({ ...q, view: "calendar" })}`, s, 200);
    calendarWindowSchema.parse(slim);
    const full = await calendar(s, q);
    expect(slim.schedules.map((i) => i.scheduleId)).toEqual(full.map((f) => f.scheduleId));
    for (const [i, item] of slim.schedules.entries()) {
      const f = full[i]!;
      expect(item).toEqual({
        scheduleId: f.scheduleId,
        brandId: f.brandId,
        contentType: f.contentType,
        variant: f.variant,
        scheduledAt: f.scheduledAt,
        status: f.status,
        title: f.title,
        createdBy: { kind: f.createdBy.kind, name: f.createdBy.name },
      });
    }
    expect(slim.schedules.map((i) => i.status).sort()).toEqual(["missed", "published", "scheduled"]);
    expect(Object.keys(slim.brands).sort()).toEqual([b1.id, b2.id].sort());
    expect(slim.brands[b1.id]).toEqual({ slug: b1.slug, name: "Alpha", color: b1.colors.primary, timezone: b1.timezone });
    // Filters apply as in the full view.
    const published = await json<CalendarWindow>(`/api/schedules?${new URLSearchParams({ ...q, view: "calendar", status: "published" })}`, s, 200);
    expect(published.schedules.map((i) => i.scheduleId)).toEqual([items[0]!.scheduleId]);
    const one = await json<CalendarWindow>(`/api/schedules?${new URLSearchParams({ ...q, view: "calendar", brand: b2.id })}`, s, 200);
    expect(one.schedules.map((i) => i.brandId)).toEqual([b2.id]);
    expect(Object.keys(one.brands)).toEqual([b2.id]);
    await expectClientError(await call(`/api/schedules?${new URLSearchParams({ ...q, view: "grid" })}`, s), 400, "invalid_input");
    // Another workspace's window is empty.
    expect((await json<CalendarWindow>(`/api/schedules?${new URLSearchParams({ ...q, view: "calendar" })}`, await signup(), 200)).schedules).toEqual([]);
  });
});
