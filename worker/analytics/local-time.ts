// Where an instant falls in a brand's week: the weekday (1 Monday … 7 Sunday,
// ISO 8601) and hour of its wall clock, and its local date. Intl only, via
// zoned-time.ts; never the process's zone (REGRESSIONS #10).
import { toLocal } from "../scheduling/zoned-time";

export interface LocalSlot {
  weekday: number;
  hour: number;
  minute: number;
  /** YYYY-MM-DD in the zone. */
  date: string;
}

export function localSlot(instant: number, timeZone: string): LocalSlot {
  const l = toLocal(instant, timeZone);
  // The civil date's weekday needs no zone: read it as a UTC date.
  const sunday0 = new Date(Date.UTC(l.year, l.month - 1, l.day)).getUTCDay();
  const pad = (n: number) => String(n).padStart(2, "0");
  return { weekday: ((sunday0 + 6) % 7) + 1, hour: l.hour, minute: l.minute, date: `${l.year}-${pad(l.month)}-${pad(l.day)}` };
}
