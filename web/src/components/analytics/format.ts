// Numbers and local dates as the Analytics page writes them (counts and rates
// as the whole app does, ../metrics.tsx). Dates are the
// API's local dates ("2026-11-03", the brand's or the viewer's day), so they
// are formatted as calendar dates, never shifted through a time zone.
const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });
const shortDate = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", timeZone: "UTC" });
const longDate = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

export { formatCount, formatMetric, formatRate } from "../metrics";
export const formatCompact = (n: number) => compact.format(n);

const utcOf = (date: string) => Date.parse(`${date}T00:00:00Z`);
/** "3 Nov" for a local date "YYYY-MM-DD". */
export const formatShortDate = (date: string) => shortDate.format(utcOf(date));
/** "Tue, 3 Nov 2026" for a local date "YYYY-MM-DD". */
export const formatLongDate = (date: string) => longDate.format(utcOf(date));

/** Monday-first weekday names (API.md best-times: weekday 1 is Monday). */
export const WEEKDAYS = Array.from({ length: 7 }, (_, i) => ({
  short: new Intl.DateTimeFormat(undefined, { weekday: "short", timeZone: "UTC" }).format(Date.UTC(2024, 0, 1 + i)),
  long: new Intl.DateTimeFormat(undefined, { weekday: "long", timeZone: "UTC" }).format(Date.UTC(2024, 0, 1 + i)),
}));
export const hourLabel = (h: number) => `${String(h).padStart(2, "0")}:00`;
