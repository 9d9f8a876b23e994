// What a BrandScheduler keeps in memory about its brand's schedule rows. It is
// the only writer of those rows (DESIGN.md §2), so after one load its own
// writes keep this exact: a booking then reads only the outputs it books.
// Any write error drops it (`invalid`), and the next call loads it afresh.
import { DAY } from "../lib/time";

export interface BrandMemory {
  /** Every scheduled instant from a day before the load onwards: complete for any future time. */
  taken: Set<number>;
  /** Items not yet gone out (dispatched_at IS NULL): scheduleId → scheduled_at. The alarm is armed at the earliest. */
  undispatched: Map<string, number>;
  /** Set when a write failed and what D1 holds is no longer certain. */
  invalid: boolean;
}

export async function loadBrandMemory(d1: D1Database, brandId: string, now: number): Promise<BrandMemory> {
  const [taken, undispatched] = await d1.batch<{ id: string; scheduled_at: number }>([
    d1.prepare("SELECT id, scheduled_at FROM schedules WHERE brand_id = ? AND scheduled_at >= ?").bind(brandId, now - DAY),
    d1.prepare("SELECT id, scheduled_at FROM schedules WHERE brand_id = ? AND dispatched_at IS NULL").bind(brandId),
  ]);
  return {
    taken: new Set(taken!.results.map((r) => r.scheduled_at)),
    undispatched: new Map(undispatched!.results.map((r) => [r.id, r.scheduled_at])),
    invalid: false,
  };
}

/** The earliest item still to go out, or null. */
export function nextUndispatched(memory: BrandMemory): number | null {
  let next: number | null = null;
  for (const at of memory.undispatched.values()) if (next === null || at < next) next = at;
  return next;
}
