// The Calendar's model: windows, keying by window (REGRESSIONS #21), filters,
// and moves that snap back with the server's words when refused.
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../../web/src/api/client";
import type { Schedule } from "../../web/src/api/types";
import { createCalendar, moveToDay, toEntries, windowFor } from "../../web/src/state/calendar";
import { dayKey } from "../../web/src/state/time";
import { DEFAULT_SLOTS, nextFreeSlot, slotsBetween } from "../../worker/scheduling/slot-grid";
import { contentTypeOf, VARIANTS, type Variant } from "../../worker/scheduling/variants";
import { deferred, fakeApi, flush, makeSchedule, windowOf } from "./fixtures";

const NOW = Date.parse("2026-11-25T09:00:00Z");

describe("windowFor", () => {
  it("month: whole weeks, Monday first, covering the month", () => {
    const w = windowFor("month", NOW);
    expect(dayKey(w.days[0]!)).toBe("2026-10-26");
    expect(dayKey(w.days.at(-1)!)).toBe("2026-12-06");
    expect(w.days.length % 7).toBe(0);
    expect(new Date(w.days[0]!).getDay()).toBe(1);
  });
  it("week: seven days from Monday; list: the calendar month", () => {
    expect(windowFor("week", NOW).days.map(dayKey)).toEqual(["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29"]);
    const l = windowFor("list", NOW);
    expect(dayKey(l.days[0]!)).toBe("2026-11-01");
    expect(l.days).toHaveLength(30);
  });
  it("spans a DST change with whole local days", () => {
    const w = windowFor("month", Date.parse("2026-10-15T12:00:00Z"));
    const keys = w.days.map(dayKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain("2026-10-25");
  });
});

describe("moveToDay", () => {
  it("keeps the brand's wall-clock time across a DST change", () => {
    // Lisbon: 24 Oct is UTC+1, 26 Oct is UTC+0. 07:00 local stays 07:00 local.
    const item = makeSchedule({ scheduledAt: "2026-10-24T06:00:00.000Z" });
    const at = moveToDay(item, Date.parse("2026-10-24T00:00:00+01:00"), Date.parse("2026-10-26T00:00:00Z"));
    expect(new Date(at).toISOString()).toBe("2026-10-26T07:00:00.000Z");
  });
  it("uses the brand's zone, not the viewer's", () => {
    const ny = { id: "b", slug: "b", name: "B", timezone: "America/New_York", color: "#000000" };
    const item = makeSchedule({ scheduledAt: "2026-11-10T14:00:00.000Z", brand: ny }); // 09:00 in New York
    const at = moveToDay(item, Date.parse("2026-11-10T00:00:00Z"), Date.parse("2026-11-11T00:00:00Z"));
    expect(new Date(at).toISOString()).toBe("2026-11-11T14:00:00.000Z");
  });
});

describe("calendar data is keyed by its window", () => {
  it("never shows the previous month's items after navigating, even when answers arrive out of order", async () => {
    const nov = makeSchedule({ scheduledAt: "2026-11-26T15:00:00.000Z", title: "November item" });
    const dec = makeSchedule({ scheduledAt: "2026-12-16T15:00:00.000Z", title: "December item" });
    const calls: Array<{ from: string; d: ReturnType<typeof deferred<{ schedules: Schedule[] }>> }> = [];
    const api = fakeApi({
      calendarWindow: (q) => {
        const d = deferred<{ schedules: Schedule[] }>();
        calls.push({ from: String(q.from), d });
        return d.promise.then((r) => windowOf(r.schedules));
      },
    });
    const cal = createCalendar(api, { now: () => NOW });
    void cal.load(); // November
    cal.go(1); // December, before November answers
    expect(cal.items.value).toBeNull(); // loading, not November's cells
    calls[1]!.d.resolve({ schedules: [dec] });
    await flush();
    calls[0]!.d.resolve({ schedules: [nov] }); // the late November answer
    await flush();
    expect(cal.items.value?.map((i) => i.title)).toEqual(["December item"]);
    cal.go(-1);
    expect(cal.items.value).toBeNull();
    calls[2]!.d.resolve({ schedules: [nov] });
    await flush();
    expect(cal.items.value?.map((i) => i.title)).toEqual(["November item"]);
    expect([...cal.byDay.value.keys()]).toEqual(["2026-11-26"]);
  });
});

describe("filters", () => {
  it("content type All / Reels / Posts, brand and status apply to the fetched window", async () => {
    const reel = makeSchedule({ scheduledAt: "2026-11-26T07:00:00.000Z", title: "R" });
    const post = makeSchedule({ scheduledAt: "2026-11-26T08:00:00.000Z", title: "P", variant: "post", contentType: "post", status: "published" });
    const other = makeSchedule({ scheduledAt: "2026-11-27T08:00:00.000Z", title: "O", brandId: "brd_b" });
    const calendarWindow = vi.fn(async () => windowOf([reel, post, other]));
    const cal = createCalendar(fakeApi({ calendarWindow }), { now: () => NOW });
    await cal.load();
    expect(cal.type.value).toBe("all");
    expect(cal.items.value?.map((i) => i.title)).toEqual(["R", "P", "O"]);
    cal.type.value = "post";
    expect(cal.items.value?.map((i) => i.title)).toEqual(["P"]);
    cal.type.value = "reel";
    expect(cal.items.value?.map((i) => i.title)).toEqual(["R", "O"]);
    cal.brand.value = "brd_b";
    expect(cal.items.value?.map((i) => i.title)).toEqual(["O"]);
    cal.type.value = "all";
    cal.brand.value = "";
    cal.status.value = "published";
    expect(cal.items.value?.map((i) => i.title)).toEqual(["P"]);
    expect(calendarWindow).toHaveBeenCalledTimes(1);
  });
});

describe("moving an item", () => {
  it("moves at once and stays moved when the server agrees", async () => {
    const item = makeSchedule({ scheduledAt: "2026-11-26T15:00:00.000Z" });
    const moved = { ...item, scheduledAt: "2026-11-27T15:00:00.000Z" };
    let rows = [item];
    const api = fakeApi({
      calendarWindow: async () => windowOf(rows),
      moveSchedule: async () => {
        rows = [moved];
        return moved;
      },
    });
    const cal = createCalendar(api, { now: () => NOW });
    await cal.load();
    const p = cal.move(item, Date.parse(moved.scheduledAt));
    expect(cal.byDay.value.get("2026-11-27")?.[0]?.scheduleId).toBe(item.scheduleId);
    expect(await p).toBe(true);
    await flush();
    expect(cal.byDay.value.get("2026-11-27")).toHaveLength(1);
    expect(cal.itemError.value).toBeNull();
  });

  it("snaps back and keeps the server's 409 message next to the item when the slot is taken", async () => {
    const item = makeSchedule({ scheduledAt: "2026-11-26T15:00:00.000Z" });
    const api = fakeApi({
      calendarWindow: async () => windowOf([item]),
      moveSchedule: async () => {
        throw new ApiError(409, "slot_taken", "Acme already has an item at 27 Nov 15:00.");
      },
    });
    const cal = createCalendar(api, { now: () => NOW });
    await cal.load();
    expect(await cal.move(item, Date.parse("2026-11-27T15:00:00.000Z"))).toBe(false);
    expect(cal.byDay.value.get("2026-11-26")?.[0]?.scheduledAt).toBe(item.scheduledAt);
    expect(cal.byDay.value.get("2026-11-27")).toBeUndefined();
    expect(cal.itemError.value).toEqual({ scheduleId: item.scheduleId, message: "Acme already has an item at 27 Nov 15:00." });
  });

  it("drops on a day keep the brand's wall-clock time", async () => {
    const item = makeSchedule({ scheduledAt: "2026-11-26T15:00:00.000Z" });
    const moveSchedule = vi.fn(async (_id: string, at: string) => ({ ...item, scheduledAt: at }));
    const cal = createCalendar(fakeApi({ calendarWindow: async () => windowOf([item]), moveSchedule, brandSlots: async () => ({ slots: [] }) }), {
      now: () => NOW,
    });
    await cal.load();
    cal.dragStart(item, 0, 0);
    await cal.dragEnd(`day:${new Date(2026, 10, 28).getTime()}`);
    expect(moveSchedule).toHaveBeenCalledWith(item.scheduleId, "2026-11-28T15:00:00.000Z");
  });
});

describe("drag hints follow the server's slot rule (REGRESSIONS #11, #12)", () => {
  it("for every variant, the highlighted slots are exactly those the server's booking would put it in", async () => {
    const grid = { timezone: "Europe/Lisbon", slots: DEFAULT_SLOTS, scheduleOffset: 1 };
    const from = Date.parse("2026-11-23T00:00:00Z");
    const to = from + 7 * 86_400_000;
    const gridSlots = slotsBetween(grid, from, to);
    // What GET /api/brands/:id/slots answers (the same grid, times as ISO strings).
    const slots = gridSlots.map((g) => ({ at: new Date(g.at).toISOString(), kind: g.kind, variant: g.variant, local: g.local, taken: false }));
    // The server's rule, asked through its own booking search: would the next free slot from this instant be this slot?
    const serverTakes = (variant: Variant, at: number) => nextFreeSlot(grid, variant, new Set(), at, at + 1)?.at === at;
    for (const variant of VARIANTS) {
      const item = makeSchedule({ scheduledAt: "2026-11-26T15:00:00.000Z", variant, contentType: contentTypeOf(variant) });
      const cal = createCalendar(fakeApi({ calendarWindow: async () => windowOf([item]), brandSlots: async () => ({ slots }) }), { now: () => NOW });
      await cal.load();
      cal.dragStart(item, 0, 0);
      await flush();
      const hinted = cal.dropSlots.value.map((x) => x.at);
      const accepted = gridSlots.filter((g) => serverTakes(variant, g.at)).map((g) => new Date(g.at).toISOString());
      expect(hinted, variant).toEqual(accepted);
      expect(hinted.length, variant).toBeGreaterThan(0);
      cal.dragEnd(null);
    }
  });
});

describe("toEntries", () => {
  it("takes the content type from the variant and orders one instant's items by brand name", () => {
    const at = "2026-11-26T15:00:00.000Z";
    const brand = (name: string) => ({ id: `brd_${name}`, slug: name.toLowerCase(), name, timezone: "UTC", color: "#000000" });
    const zed = makeSchedule({ scheduledAt: at, brandId: "brd_Zed", brand: brand("Zed"), variant: "post", contentType: "post" });
    const ana = makeSchedule({ scheduledAt: at, brandId: "brd_Ana", brand: brand("Ana"), variant: "dark" });
    const early = makeSchedule({ scheduledAt: "2026-11-26T09:00:00.000Z", brandId: "brd_Zed", brand: brand("Zed") });
    const wire = windowOf([zed, ana, early]);
    const entries = toEntries(wire);
    expect(entries[0]!.scheduledAt).toBe(early.scheduledAt);
    expect(entries.map((e) => e.scheduleId)).toEqual([early.scheduleId, ana.scheduleId, zed.scheduleId]);
    expect(entries.map((e) => e.contentType)).toEqual(["reel", "reel", "post"]);
  });
});
