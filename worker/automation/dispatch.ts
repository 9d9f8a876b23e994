// Dispatch pass (DESIGN.md §5): the safety net under each BrandScheduler's
// alarm. Every minute it (a) asks the DO of each brand with due items still
// unclaimed to claim them (a lost alarm, a new deployment), and (b) re-sends
// publish messages that look lost: deliveries `queued` for a while with no
// retry wait pending. Bounded per invocation; the next minute takes the rest.
import type { Env } from "../env";
import { MINUTE } from "../lib/time";
import { brandScheduler } from "../scheduling/brand-scheduler";
import { sendPublishMessages } from "../scheduling/dispatch";
import type { RunCounts } from "./runs";
import { logError } from "../lib/log";

/** A queued delivery whose message has not been consumed for this long is sent again (the consumer ignores duplicates). */
export const LOST_MESSAGE_AFTER_MS = 5 * MINUTE;
const BRANDS_PER_RUN = 50;
const RESENDS_PER_RUN = 200;
/** Brands claimed in parallel (Workers allow 6 simultaneous connections). */
const PARALLEL_BRANDS = 6;

export async function runDispatch(env: Env, scope: { workspaceId?: string }, now = Date.now()): Promise<RunCounts> {
  const counts: RunCounts = { processed: 0, succeeded: 0, failed: 0, remaining: 0 };
  const wsFilter = scope.workspaceId ? "AND workspace_id = ?" : "";
  const wsBind = scope.workspaceId ? [scope.workspaceId] : [];

  // (a) Brands with due, unclaimed items, the longest-waiting first.
  const due = await env.DB.prepare(
    `SELECT brand_id FROM schedules WHERE dispatched_at IS NULL AND scheduled_at <= ? ${wsFilter}
     GROUP BY brand_id ORDER BY MIN(scheduled_at) LIMIT ?`,
  )
    .bind(now, ...wsBind, BRANDS_PER_RUN + 1)
    .all<{ brand_id: string }>();
  const brands = due.results.slice(0, BRANDS_PER_RUN).map((r) => r.brand_id);
  if (due.results.length > BRANDS_PER_RUN) counts.remaining++;
  const errors: string[] = [];
  let next = 0;
  const lane = async () => {
    while (next < brands.length) {
      const brandId = brands[next++]!;
      try {
        const claim = await brandScheduler(env, brandId).dispatchDue(brandId);
        counts.processed += claim.claimed.length;
        counts.succeeded += claim.queued.length;
      } catch (err) {
        counts.failed++;
        logError("dispatch claim failed", { brandId, error: String(err) });
        if (errors.length < 3) errors.push("A brand's due items could not be claimed; the next minute tries again.");
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_BRANDS, brands.length) }, lane));

  // (b) Lost messages: queued long ago and not waiting for a retry the consumer scheduled.
  const stale = now - LOST_MESSAGE_AFTER_MS;
  const lost = await env.DB.prepare(
    `SELECT id, queued_at FROM deliveries
     WHERE status = 'queued' AND queued_at < ? AND (next_attempt_at IS NULL OR next_attempt_at < ?) ${wsFilter}
     ORDER BY queued_at LIMIT ?`,
  )
    .bind(stale, stale, ...wsBind, RESENDS_PER_RUN)
    .all<{ id: string; queued_at: number }>();
  if (lost.results.length) {
    // Conditional on the row being unchanged since we read it: two passes re-send once.
    const updated = await env.DB.batch<{ id: string }>(
      lost.results.map((r) =>
        env.DB.prepare("UPDATE deliveries SET queued_at = ?, updated_at = ? WHERE id = ? AND status = 'queued' AND queued_at = ? RETURNING id").bind(
          now,
          now,
          r.id,
          r.queued_at,
        ),
      ),
    );
    const ids = updated.flatMap((u) => u.results.map((r) => r.id));
    if (ids.length) {
      counts.processed += ids.length;
      if (await sendPublishMessages(env, ids)) counts.succeeded += ids.length;
      else counts.failed += ids.length;
    }
  }
  if (errors.length) counts.error = errors.join(" ");
  return counts;
}
