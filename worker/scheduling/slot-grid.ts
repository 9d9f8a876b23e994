// A brand's slot grid (DESIGN.md §4): wall-clock times in the brand's zone,
// shifted by its schedule offset. Pure: no I/O, no clock. The API serves these
// slots to the web app so the grid is defined once (REGRESSIONS #11).
import { slotAccepts, type ContentType, type Variant } from "./variants";
import { addDays, fromLocal, parseHHMM, toLocal } from "./zoned-time";

export interface ReelSlot {
  time: string; // "HH:MM"
  variant: "light" | "dark";
}

export interface SlotConfig {
  reel: ReelSlot[];
  post: string[];
}

/**
 * Defaults of the system being replaced: 6 reels a day every 4 h alternating
 * light/dark, posts at 08:00 and 14:00. The reel grid starts at 03:00 so no
 * reel shares a minute with a post (a brand publishes one item per instant).
 */
export const DEFAULT_SLOTS: SlotConfig = {
  reel: [
    { time: "03:00", variant: "dark" },
    { time: "07:00", variant: "light" },
    { time: "11:00", variant: "dark" },
    { time: "15:00", variant: "light" },
    { time: "19:00", variant: "dark" },
    { time: "23:00", variant: "light" },
  ],
  post: ["08:00", "14:00"],
};

export interface BrandGrid {
  timezone: string;
  slots: SlotConfig;
  /** Whole hours added to every slot time (wrapping within the day) so brands do not publish at the same minute. */
  scheduleOffset: number;
}

export interface GridSlot {
  at: number; // epoch ms UTC
  kind: ContentType;
  /** `light`/`dark` for reel slots, `post` for post slots. */
  variant: Variant;
  local: string; // "YYYY-MM-DD HH:MM" in the brand's zone, for people and logs
}

function shift(time: string, offsetHours: number): { hour: number; minute: number } {
  const { hour, minute } = parseHHMM(time);
  return { hour: (((hour + offsetHours) % 24) + 24) % 24, minute };
}

/** The grid's slots for one local date, in time order, each instant once. */
export function slotsOnDate(grid: BrandGrid, date: { year: number; month: number; day: number }): GridSlot[] {
  const raw: Array<{ hour: number; minute: number; kind: ContentType; variant: Variant }> = [
    ...grid.slots.reel.map((s) => ({ ...shift(s.time, grid.scheduleOffset), kind: "reel" as const, variant: s.variant })),
    ...grid.slots.post.map((t) => ({ ...shift(t, grid.scheduleOffset), kind: "post" as const, variant: "post" as const })),
  ];
  const seen = new Set<string>();
  const out: GridSlot[] = [];
  for (const r of raw) {
    const at = fromLocal({ ...date, hour: r.hour, minute: r.minute }, grid.timezone);
    // Two grid times can land on one instant (both inside a DST gap): keep the first of each kind.
    const key = `${r.kind}:${at}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const l = toLocal(at, grid.timezone);
    const pad = (n: number) => String(n).padStart(2, "0");
    out.push({ at, kind: r.kind, variant: r.variant, local: `${l.year}-${pad(l.month)}-${pad(l.day)} ${pad(l.hour)}:${pad(l.minute)}` });
  }
  return out.sort((a, b) => a.at - b.at || a.kind.localeCompare(b.kind));
}

/** Every grid slot with `from <= at < to`, in time order. */
export function slotsBetween(grid: BrandGrid, from: number, to: number): GridSlot[] {
  const out: GridSlot[] = [];
  // Start a day early: a local date can begin before `from` in UTC terms.
  let date = addDays(toLocal(from, grid.timezone), -1);
  const last = addDays(toLocal(to, grid.timezone), 1);
  for (;;) {
    for (const s of slotsOnDate(grid, date)) if (s.at >= from && s.at < to) out.push(s);
    if (date.year === last.year && date.month === last.month && date.day === last.day) break;
    date = addDays(date, 1);
  }
  return out;
}

type CivilDate = { year: number; month: number; day: number };
export type DaySlots = (grid: BrandGrid, date: CivilDate) => GridSlot[];

/**
 * Memoises `slotsOnDate` per grid. Without it every booking rebuilds each day
 * from now to the first free slot (~1,500 Intl calls for a brand booked a week
 * ahead); the key carries everything a day depends on, so an edited grid,
 * zone or offset simply misses.
 */
export class DaySlotCache {
  private readonly days = new Map<string, GridSlot[]>();
  constructor(private readonly max = 4_096) {}

  /** A `DaySlots` for one grid, identified by `gridKey` (zone, offset and slot config). */
  for(gridKey: string): DaySlots {
    return (grid, date) => {
      const key = `${gridKey}|${date.year}-${date.month}-${date.day}`;
      let slots = this.days.get(key);
      if (!slots) {
        slots = slotsOnDate(grid, date);
        if (this.days.size >= this.max) this.days.delete(this.days.keys().next().value!);
        this.days.set(key, slots);
      }
      return slots;
    };
  }
}

/**
 * The earliest grid slot that is at or after `earliest`, before `horizonEnd`,
 * accepts `variant`, and is not in `taken`. `null` when the horizon is full:
 * the caller reports that; nothing ever piles up past it (REGRESSIONS #13).
 */
export function nextFreeSlot(
  grid: BrandGrid,
  variant: Variant,
  taken: ReadonlySet<number>,
  earliest: number,
  horizonEnd: number,
  daySlots: DaySlots = slotsOnDate,
): GridSlot | null {
  let date: CivilDate = addDays(toLocal(earliest, grid.timezone), -1);
  for (let i = 0; i < 400; i++) {
    const day = daySlots(grid, date);
    for (const s of day) {
      if (s.at >= horizonEnd) return null;
      if (s.at >= earliest && slotAccepts(s, variant) && !taken.has(s.at)) return s;
    }
    date = addDays(date, 1);
  }
  return null;
}
