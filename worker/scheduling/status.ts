// Pure rollups: what users see is computed from rows, never stored twice.
import type { DeliveryStatus, ScheduleStatus } from "../contract/schemas";

/**
 * A schedule's status from its deliveries (DESIGN.md §3). `skipped` deliveries
 * (platform not connected) never count as failures (REGRESSIONS #15).
 * `dispatched` says whether the item has gone out (schedules.dispatched_at):
 * before that it has no deliveries of its own, only planned ones.
 */
export function rollupScheduleStatus(
  deliveries: ReadonlyArray<{ status: DeliveryStatus }>,
  scheduledAt: number,
  now: number,
  missedAfterMs: number,
  dispatched = true,
): ScheduleStatus {
  // Not gone out yet: nothing was attempted; too late means missed, never published late by surprise.
  if (!dispatched) return now > scheduledAt + missedAfterMs ? "missed" : "scheduled";
  const live = deliveries.filter((d) => d.status !== "skipped");
  const count = (s: DeliveryStatus) => live.filter((d) => d.status === s).length;
  const published = count("published");
  const failed = count("failed");
  const missed = count("missed");
  const inFlight = count("queued") + count("publishing");
  const pending = count("pending");

  if (inFlight > 0) return "publishing";
  if (live.length > 0 && published === live.length) return "published";
  if (published > 0 && pending === 0) return "partial";
  if (published > 0) return "publishing";
  if (failed > 0 && pending === 0) return "failed";
  if (missed > 0 && pending === 0) return "missed";
  if (pending > 0 && failed === 0 && now > scheduledAt + missedAfterMs) return "missed";
  if (failed > 0) return "failed";
  // Gone out with every platform skipped: nothing was published, and each delivery says why.
  if (live.length === 0 && deliveries.length > 0) return "failed";
  return "scheduled";
}

export type OutputRowStatus = "pending" | "generating" | "ready" | "failed";

/** An output is `scheduled` exactly when a schedules row references it (invariant 1). */
export function outputStatus(rowStatus: OutputRowStatus, hasSchedule: boolean) {
  return hasSchedule ? ("scheduled" as const) : rowStatus;
}

export function jobStatus(outputs: ReadonlyArray<{ status: OutputRowStatus }>) {
  if (outputs.some((o) => o.status === "generating")) return "generating" as const;
  if (outputs.some((o) => o.status === "pending")) return "pending" as const;
  if (outputs.length > 0 && outputs.every((o) => o.status === "failed")) return "failed" as const;
  return "completed" as const;
}

/**
 * The Jobs page category (API.md). The SQL in services/jobs.ts computes the
 * same thing for filtering and paging; a test holds the two together.
 */
export function jobCategory(outputs: ReadonlyArray<{ status: OutputRowStatus; scheduled: boolean }>) {
  if (outputs.some((o) => o.status === "pending" || o.status === "generating")) return "in_progress" as const;
  if (outputs.some((o) => o.status === "ready" && !o.scheduled)) return "to_schedule" as const;
  if (outputs.some((o) => o.scheduled)) return "scheduled" as const;
  return "other" as const;
}
