// Slot arithmetic (DESIGN.md §4, REGRESSIONS #10, #13): wall-clock grids in
// the brand's zone, DST-correct, never the process zone.
import { describe, expect, it } from "vitest";
import { DaySlotCache, DEFAULT_SLOTS, nextFreeSlot, slotsBetween, slotsOnDate, type BrandGrid } from "../worker/scheduling/slot-grid";
import { fromLocal, offsetAt, toLocal } from "../worker/scheduling/zoned-time";

const HOUR = 3_600_000;
const lisbon: BrandGrid = { timezone: "Europe/Lisbon", slots: DEFAULT_SLOTS, scheduleOffset: 0 };
const utc = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString();

describe("fromLocal / toLocal", () => {
  it("Lisbon noon is 12:00Z in winter and 11:00Z in summer", () => {
    expect(iso(fromLocal({ year: 2026, month: 1, day: 15, hour: 12, minute: 0 }, "Europe/Lisbon"))).toBe("2026-01-15T12:00:00.000Z");
    expect(iso(fromLocal({ year: 2026, month: 7, day: 15, hour: 12, minute: 0 }, "Europe/Lisbon"))).toBe("2026-07-15T11:00:00.000Z");
  });

  it("a wall time inside the spring gap moves to the next valid minute (Lisbon 2026-03-29 01:30 → 02:00 WEST)", () => {
    const t = fromLocal({ year: 2026, month: 3, day: 29, hour: 1, minute: 30 }, "Europe/Lisbon");
    expect(iso(t)).toBe("2026-03-29T01:00:00.000Z");
    expect(toLocal(t, "Europe/Lisbon")).toMatchObject({ hour: 2, minute: 0 });
  });

  it("a repeated wall time maps to its first occurrence (Lisbon 2026-10-25 01:30 WEST)", () => {
    expect(iso(fromLocal({ year: 2026, month: 10, day: 25, hour: 1, minute: 30 }, "Europe/Lisbon"))).toBe("2026-10-25T00:30:00.000Z");
  });

  it("handles half-hour offsets (Asia/Kolkata is UTC+5:30)", () => {
    expect(iso(fromLocal({ year: 2026, month: 6, day: 1, hour: 8, minute: 0 }, "Asia/Kolkata"))).toBe("2026-06-01T02:30:00.000Z");
    expect(offsetAt(utc("2026-06-01T00:00:00Z"), "Asia/Kolkata")).toBe(5.5 * HOUR);
  });

  it("New York: 08:00 is 13:00Z in winter, 12:00Z in summer; the 02:30 gap on 2026-03-08 becomes 03:00 EDT", () => {
    expect(iso(fromLocal({ year: 2026, month: 1, day: 10, hour: 8, minute: 0 }, "America/New_York"))).toBe("2026-01-10T13:00:00.000Z");
    expect(iso(fromLocal({ year: 2026, month: 7, day: 10, hour: 8, minute: 0 }, "America/New_York"))).toBe("2026-07-10T12:00:00.000Z");
    expect(iso(fromLocal({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, "America/New_York"))).toBe("2026-03-08T07:00:00.000Z");
  });
});

describe("slot grid", () => {
  it("has 6 reels alternating light/dark and 2 posts a day by default", () => {
    const day = slotsOnDate(lisbon, { year: 2026, month: 1, day: 15 });
    expect(day.filter((s) => s.kind === "reel").map((s) => `${s.local.slice(11)} ${s.variant}`)).toEqual([
      "03:00 dark",
      "07:00 light",
      "11:00 dark",
      "15:00 light",
      "19:00 dark",
      "23:00 light",
    ]);
    expect(day.filter((s) => s.kind === "post").map((s) => s.local.slice(11))).toEqual(["08:00", "14:00"]);
  });

  it("keeps wall-clock times across Lisbon's spring change (2026-03-29): 08:00 stays 08:00", () => {
    const before = slotsOnDate(lisbon, { year: 2026, month: 3, day: 28 }).find((s) => s.kind === "post")!;
    const after = slotsOnDate(lisbon, { year: 2026, month: 3, day: 30 }).find((s) => s.kind === "post")!;
    expect(iso(before.at)).toBe("2026-03-28T08:00:00.000Z");
    expect(iso(after.at)).toBe("2026-03-30T07:00:00.000Z");
    expect(after.local.slice(11)).toBe("08:00");
  });

  it("keeps wall-clock times across Lisbon's autumn change (2026-10-25) and uses a repeated hour once", () => {
    const grid: BrandGrid = { ...lisbon, slots: { reel: [{ time: "01:30", variant: "light" }], post: [] } };
    const slots = slotsBetween(grid, utc("2026-10-24T00:00:00Z"), utc("2026-10-27T00:00:00Z"));
    expect(slots.map((s) => iso(s.at))).toEqual(["2026-10-24T00:30:00.000Z", "2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"]);
  });

  it("a slot inside the spring gap moves to 02:00 WEST and is still used once that day", () => {
    const grid: BrandGrid = { ...lisbon, slots: { reel: [{ time: "01:00", variant: "light" }, { time: "01:30", variant: "light" }], post: [] } };
    const day = slotsOnDate(grid, { year: 2026, month: 3, day: 29 });
    expect(day.map((s) => iso(s.at))).toEqual(["2026-03-29T01:00:00.000Z"]);
  });

  it("shifts every slot by the brand's schedule offset, wrapping within the day", () => {
    const shifted = slotsOnDate({ ...lisbon, scheduleOffset: 1 }, { year: 2026, month: 1, day: 15 });
    expect(shifted.filter((s) => s.kind === "reel").map((s) => s.local.slice(11))).toEqual(["00:00", "04:00", "08:00", "12:00", "16:00", "20:00"]);
    const back = slotsOnDate({ ...lisbon, scheduleOffset: -1 }, { year: 2026, month: 1, day: 15 });
    expect(back.filter((s) => s.kind === "reel").map((s) => s.local.slice(11))).toEqual(["02:00", "06:00", "10:00", "14:00", "18:00", "22:00"]);
  });

  it("computes New York and Kolkata grids in their own zones", () => {
    const ny = slotsOnDate({ ...lisbon, timezone: "America/New_York" }, { year: 2026, month: 3, day: 8 });
    expect(ny.find((s) => s.kind === "post")!.at).toBe(utc("2026-03-08T12:00:00Z")); // 08:00 EDT
    const kol = slotsOnDate({ ...lisbon, timezone: "Asia/Kolkata" }, { year: 2026, month: 3, day: 8 });
    expect(kol.find((s) => s.kind === "post")!.at).toBe(utc("2026-03-08T02:30:00Z"));
  });
});

describe("nextFreeSlot", () => {
  const now = utc("2026-01-15T09:00:00Z");
  const horizon = now + 30 * 24 * HOUR;

  it("finds the earliest slot of the right variant after the lead time", () => {
    expect(iso(nextFreeSlot(lisbon, "light", new Set(), now + 15 * 60_000, horizon)!.at)).toBe("2026-01-15T15:00:00.000Z");
    expect(iso(nextFreeSlot(lisbon, "dark", new Set(), now + 15 * 60_000, horizon)!.at)).toBe("2026-01-15T11:00:00.000Z");
    expect(iso(nextFreeSlot(lisbon, "post", new Set(), now + 15 * 60_000, horizon)!.at)).toBe("2026-01-15T14:00:00.000Z");
  });

  it("respects the lead time: a slot 5 minutes away is not offered", () => {
    const at = utc("2026-01-15T13:55:00Z");
    expect(iso(nextFreeSlot(lisbon, "post", new Set(), at + 15 * 60_000, horizon)!.at)).toBe("2026-01-16T08:00:00.000Z");
  });

  it("skips taken slots", () => {
    const taken = new Set([utc("2026-01-15T15:00:00Z"), utc("2026-01-15T23:00:00Z")]);
    expect(iso(nextFreeSlot(lisbon, "light", taken, now, horizon)!.at)).toBe("2026-01-16T07:00:00.000Z");
  });

  it("returns null when the 30-day horizon is full instead of piling past it", () => {
    const taken = new Set(slotsBetween(lisbon, now, horizon).map((s) => s.at));
    expect(nextFreeSlot(lisbon, "post", taken, now, horizon)).toBeNull();
  });

  it("allocates across the spring DST change in New York without losing or doubling a slot", () => {
    const ny: BrandGrid = { ...lisbon, timezone: "America/New_York" };
    const start = utc("2026-03-06T00:00:00Z");
    const taken = new Set<number>();
    const got: string[] = [];
    for (let i = 0; i < 6; i++) {
      const s = nextFreeSlot(ny, "post", taken, start, start + 30 * 24 * HOUR)!;
      taken.add(s.at);
      got.push(s.local);
    }
    expect(got).toEqual(["2026-03-06 08:00", "2026-03-06 14:00", "2026-03-07 08:00", "2026-03-07 14:00", "2026-03-08 08:00", "2026-03-08 14:00"]);
  });

  it("gives the same answers through the day cache as without it, across DST changes", () => {
    const cache = new DaySlotCache(64);
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (const timezone of ["Europe/Lisbon", "America/New_York", "Asia/Kolkata"]) {
      const grid: BrandGrid = { timezone, slots: DEFAULT_SLOTS, scheduleOffset: 1 };
      const days = cache.for(`${timezone}|1|default`);
      const start = utc("2026-03-01T00:00:00Z");
      const taken = new Set<number>();
      for (let i = 0; i < 300; i++) {
        const earliest = start + Math.floor(rand() * 60) * 24 * HOUR;
        const variant = (["light", "dark", "post"] as const)[i % 3]!;
        const plain = nextFreeSlot(grid, variant, taken, earliest, earliest + 30 * 24 * HOUR);
        const cached = nextFreeSlot(grid, variant, taken, earliest, earliest + 30 * 24 * HOUR, days);
        expect(cached).toEqual(plain);
        if (plain) taken.add(plain.at);
      }
    }
  });
});
