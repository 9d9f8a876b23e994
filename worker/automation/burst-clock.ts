// When is the daily burst due? Pure: local date and time in the workspace zone.
import { addDays, fromLocal, localDateString, parseHHMM, toLocal } from "../scheduling/zoned-time";

/** The next instant the burst is due, given whether today's (local) burst already ran. */
export function nextBurstAt(now: number, timezone: string, burstTime: string, ranToday: boolean): number {
  const { hour, minute } = parseHHMM(burstTime);
  const today = toLocal(now, timezone);
  const todayAt = fromLocal({ ...today, hour, minute }, timezone);
  if (!ranToday && todayAt > now) return todayAt;
  if (!ranToday) return now; // due now: the next 10-minute check runs it
  return fromLocal({ ...addDays(today, 1), hour, minute }, timezone);
}

export { localDateString };
