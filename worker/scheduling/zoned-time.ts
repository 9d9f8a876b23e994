// Wall-clock ⇄ instant conversion for IANA zones using only Intl (DESIGN.md §4,
// REGRESSIONS #10). Instants are epoch ms UTC; a slot is a local date + time in
// the brand's zone. The process zone never enters.

export interface LocalDateTime {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * IANA names are letters, digits, `_`, `-`, `+` in `/`-separated parts
 * ("America/Port-au-Prince", "Etc/GMT+5"). Intl also accepts offsets such as
 * "+05:30", which have no DST rules and are not zones a brand can live in.
 */
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

export function isValidTimeZone(timeZone: string): boolean {
  if (!IANA_NAME.test(timeZone)) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading of `instant` in `timeZone`. */
export function toLocal(instant: number, timeZone: string): LocalDateTime & { second: number } {
  const parts = formatterFor(timeZone).formatToParts(new Date(instant));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute"), second: get("second") };
}

/** Offset of `timeZone` from UTC at `instant`, in ms (Lisbon summer: +3_600_000). */
export function offsetAt(instant: number, timeZone: string): number {
  const l = toLocal(instant, timeZone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

function sameWall(a: LocalDateTime, b: LocalDateTime): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute;
}

/**
 * The instant at which the clock in `timeZone` reads `local`.
 * - A repeated wall time (autumn fall-back) maps to its first occurrence, so a
 *   slot in the repeated hour is used once.
 * - A wall time that does not exist (spring gap) moves to the next valid minute.
 */
export function fromLocal(local: LocalDateTime, timeZone: string): number {
  const wallAsUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  // Candidate instants: the wall time read with the offsets in force a day
  // either side (zones change offset at most once within that window).
  const offsets = new Set([offsetAt(wallAsUtc - 86_400_000, timeZone), offsetAt(wallAsUtc + 86_400_000, timeZone), offsetAt(wallAsUtc, timeZone)]);
  const matches = [...offsets]
    .map((o) => wallAsUtc - o)
    .filter((t) => sameWall(toLocal(t, timeZone), local))
    .sort((a, b) => a - b);
  if (matches.length > 0) return matches[0]!;
  // In a gap: the first instant after the wall time whose reading is past it.
  // Gaps are at most a few hours; walk minute by minute from the earliest candidate.
  const start = Math.min(...[...offsets].map((o) => wallAsUtc - o));
  for (let t = start; t < start + 6 * 3_600_000; t += 60_000) {
    const l = toLocal(t, timeZone);
    if (Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute) > wallAsUtc) return t;
  }
  throw new Error(`cannot resolve ${JSON.stringify(local)} in ${timeZone}`);
}

/** The local calendar date (YYYY-MM-DD) of `instant` in `timeZone`. */
export function localDateString(instant: number, timeZone: string): string {
  const l = toLocal(instant, timeZone);
  return `${l.year}-${String(l.month).padStart(2, "0")}-${String(l.day).padStart(2, "0")}`;
}

/** Adds `days` to a civil date (no zone involved). */
export function addDays(date: { year: number; month: number; day: number }, days: number) {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function parseHHMM(value: string): { hour: number; minute: number } {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (!m) throw new Error(`not HH:MM: ${value}`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}
