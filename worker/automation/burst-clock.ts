// When is the daily burst due? Pure: local date and time in the workspace zone.
import { addDays, fromLocal, localDateString, parseHHMM, toLocal } from "../scheduling/zoned-time";

/**
 * Is the burst due for this workspace at `now`? Yes when the local time is at
 * or past the burst time; the run key is the local date, so it runs exactly
 * once per local day whatever the DST offset or how often the cron fires.
 */
export function burstDue(now: number, timezone: string, burstTime: string): { due: boolean; runKey: string } {
  const l = toLocal(now, timezone);
  const { hour, minute } = parseHHMM(burstTime);
  return { due: l.hour * 60 + l.minute >= hour * 60 + minute, runKey: localDateString(now, timezone) };
}

/** The next instant the burst is due, given whether today's (local) burst already ran. */
export function nextBurstAt(now: number, timezone: string, burstTime: string, ranToday: boolean): number {
  const { hour, minute } = parseHHMM(burstTime);
  const today = toLocal(now, timezone);
  const todayAt = fromLocal({ ...today, hour, minute }, timezone);
  if (!ranToday && todayAt > now) return todayAt;
  if (!ranToday) return now; // due now: the next 10-minute check runs it
  return fromLocal({ ...addDays(today, 1), hour, minute }, timezone);
}

/** The burst instant on the local day after `runKey` (YYYY-MM-DD): where next_burst_at goes once that day's burst is done. */
export function burstAfter(runKey: string, timezone: string, burstTime: string): number {
  const [year, month, day] = runKey.split("-").map(Number) as [number, number, number];
  const { hour, minute } = parseHHMM(burstTime);
  return fromLocal({ ...addDays({ year, month, day }, 1), hour, minute }, timezone);
}
