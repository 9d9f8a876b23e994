// Calendar arithmetic in the viewer's zone. The browser's local zone *is* the
// viewer's zone, so local Date methods are used; the brand's zone only labels
// (title attributes) and drives wall-clock moves (../state/calendar.ts).
const DAY = 86_400_000;

export const viewerZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Local midnight of the day holding `t`. */
export function startOfDay(t: number): number {
  const d = new Date(t);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Local midnight `n` calendar days after `day` (DST-safe: not n × 24 h). */
export function addLocalDays(day: number, n: number): number {
  const d = new Date(day);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n).getTime();
}

export function addMonths(day: number, n: number): number {
  const d = new Date(day);
  return new Date(d.getFullYear(), d.getMonth() + n, 1).getTime();
}

/** Monday of the week holding `day`. */
export function startOfWeek(day: number): number {
  const d = new Date(day);
  return addLocalDays(startOfDay(day), -((d.getDay() + 6) % 7));
}

export function startOfMonth(day: number): number {
  const d = new Date(day);
  return new Date(d.getFullYear(), d.getMonth(), 1).getTime();
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "YYYY-MM-DD" of `t` in the viewer's zone: the calendar's cell key. */
export function dayKey(t: number): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Value for <input type="datetime-local"> in the viewer's zone. */
export function toInputValue(t: number): string {
  const d = new Date(t);
  return `${dayKey(t)}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Parses <input type="datetime-local">'s value as a viewer-local time. */
export function fromInputValue(v: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(v);
  if (!m) return null;
  return new Date(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!).getTime();
}

export const DAY_MS = DAY;

// Formatter construction is the expensive part of Intl: build each once.
const timeFmt = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long" });
const monthFmt = new Intl.DateTimeFormat(undefined, { month: "long", year: "numeric" });
const zoneFmts = new Map<string, Intl.DateTimeFormat>();

export const formatTime = (t: number) => timeFmt.format(t);
export const formatDateTime = (t: number) => dateTimeFmt.format(t);
export const formatDay = (t: number) => dayFmt.format(t);
export const formatMonth = (t: number) => monthFmt.format(t);

/** "Tue 3 Dec, 14:00 (America/New_York)": the same instant in a brand's zone, for title attributes. */
export function formatInZone(t: number, timeZone: string): string {
  let f = zoneFmts.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(undefined, { timeZone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
    } catch {
      return formatDateTime(t);
    }
    zoneFmts.set(timeZone, f);
  }
  return `${f.format(t)} (${timeZone})`;
}

/** "in 3 h", "5 min ago": for run logs and next runs. */
export function formatRelative(t: number, now: number): string {
  const diff = t - now;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  if (abs < 60_000) return rtf.format(Math.round(diff / 1000), "second");
  if (abs < 3_600_000) return rtf.format(Math.round(diff / 60_000), "minute");
  if (abs < DAY) return rtf.format(Math.round(diff / 3_600_000), "hour");
  return rtf.format(Math.round(diff / DAY), "day");
}
