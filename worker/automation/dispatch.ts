// Dispatch's safety net (DESIGN.md §5, §9) under each BrandScheduler's alarm.
// Every minute the cron (a) wakes the alarm of each brand with items past due
// and still unclaimed (a lost alarm, a new deployment): the brand's own
// BrandScheduler then claims them, in its own invocation; and (b) re-sends
// publish messages that look lost: deliveries `queued` for a while with no
// retry wait pending. Both walk the fleet page by page and hand the work out;
// the cron claims and publishes nothing itself.
//
// By hand (`POST /api/automation/run {"pass":"dispatch"}`), one workspace's
// due brands are claimed in the request instead.
import type { Env } from "../env";
import { logError } from "../lib/log";
import { MINUTE } from "../lib/time";
import { brandScheduler } from "../scheduling/brand-scheduler";
import { sendPublishMessages } from "../scheduling/dispatch";
import { fanoutLimits, type FanoutLimits, type FanoutResult } from "./pass-messages";
import type { RunCounts } from "./runs";

/** A queued delivery whose message has not been consumed for this long is sent again (the consumer ignores duplicates). */
export const LOST_MESSAGE_AFTER_MS = 5 * MINUTE;
/** An alarm claims its items within a second of their time: the net wakes only brands whose items have waited this long. */
export const ALARM_GRACE_MS = 30_000;
/** Brands claimed by hand, one workspace's, in one request. */
const BRANDS_PER_RUN = 50;
/** Brands woken or claimed in parallel (Workers allow 6 simultaneous connections). */
const PARALLEL_BRANDS = 6;

/** Runs `work` over `items` in PARALLEL_BRANDS lanes. */
async function inLanes<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_BRANDS, items.length) }, lane));
}

/** Brands with items due at or before `dueBy` and not claimed, after `after` in id order (index schedules_undispatched). */
async function overdueBrands(env: Env, dueBy: number, after: string, limit: number, workspaceId?: string): Promise<string[]> {
  const rows = await env.DB.prepare(
    `SELECT DISTINCT brand_id FROM schedules WHERE dispatched_at IS NULL AND scheduled_at <= ?1 AND brand_id > ?2
     ${workspaceId ? "AND workspace_id = ?4" : ""} ORDER BY brand_id LIMIT ?3`,
  )
    .bind(dueBy, after, limit, ...(workspaceId ? [workspaceId] : []))
    .all<{ brand_id: string }>();
  return rows.results.map((r) => r.brand_id);
}

/** (a) The cron's part: wakes each overdue brand's alarm, page by page; the alarms do the claiming. */
export async function wakeOverdueBrands(env: Env, now: number, limits: FanoutLimits = {}): Promise<FanoutResult> {
  const { pageSize, maxPages } = fanoutLimits(limits);
  const result: FanoutResult = { handedOut: 0, pages: 0, continued: false };
  let after = "";
  for (let page = 0; page < maxPages; page++) {
    const brands = await overdueBrands(env, now - ALARM_GRACE_MS, after, pageSize);
    if (!brands.length) return result;
    result.pages++;
    after = brands.at(-1)!;
    await inLanes(brands, async (brandId) => {
      try {
        await brandScheduler(env, brandId).wake(brandId);
        result.handedOut++;
      } catch (err) {
        logError("dispatch net: could not wake a brand's alarm; the next minute tries again", { brandId, error: String(err) });
      }
    });
    if (brands.length < pageSize) return result;
  }
  // The rest waits a minute: they stay due, and brands are walked in id order from the start each minute.
  result.continued = true;
  return result;
}

/** (b) Re-sends publish messages that look lost, page by page; conditional on the row being unchanged, so two passes re-send once. */
async function resendLostMessages(env: Env, now: number, scope: { workspaceId?: string }, limits: FanoutLimits = {}): Promise<RunCounts> {
  const { pageSize, maxPages } = fanoutLimits(limits);
  const counts: RunCounts = { processed: 0, succeeded: 0, failed: 0, remaining: 0 };
  const stale = now - LOST_MESSAGE_AFTER_MS;
  for (let page = 0; page < maxPages; page++) {
    // Queued long ago and not waiting for a retry the consumer scheduled.
    const lost = await env.DB.prepare(
      `SELECT id, queued_at FROM deliveries
       WHERE status = 'queued' AND queued_at < ?1 AND (next_attempt_at IS NULL OR next_attempt_at < ?1) ${scope.workspaceId ? "AND workspace_id = ?3" : ""}
       ORDER BY queued_at LIMIT ?2`,
    )
      .bind(stale, pageSize, ...(scope.workspaceId ? [scope.workspaceId] : []))
      .all<{ id: string; queued_at: number }>();
    if (!lost.results.length) break;
    const updated = await env.DB.batch<{ id: string }>(
      lost.results.map((r) =>
        env.DB.prepare("UPDATE deliveries SET queued_at = ?, updated_at = ? WHERE id = ? AND status = 'queued' AND queued_at = ? RETURNING id").bind(now, now, r.id, r.queued_at),
      ),
    );
    const ids = updated.flatMap((u) => u.results.map((r) => r.id));
    counts.processed += ids.length;
    if (await sendPublishMessages(env, ids)) counts.succeeded += ids.length;
    else counts.failed += ids.length;
    if (lost.results.length < pageSize) break;
  }
  return counts;
}

/** The per-minute cron: hands overdue brands to their alarms and lost messages back to the publish queue. */
export async function runDispatchNet(env: Env, now: number): Promise<{ woken: FanoutResult; resent: RunCounts }> {
  return { woken: await wakeOverdueBrands(env, now), resent: await resendLostMessages(env, now, {}) };
}

/** By hand, for one workspace: claims its due items now (through each brand's BrandScheduler), then re-sends its lost messages. */
export async function runDispatch(env: Env, scope: { workspaceId: string }, now = Date.now()): Promise<RunCounts> {
  const counts: RunCounts = { processed: 0, succeeded: 0, failed: 0, remaining: 0 };
  // Brands with due, unclaimed items (the longest-waiting first is the alarms' business; here, all of them up to the bound).
  const brands = await overdueBrands(env, now, "", BRANDS_PER_RUN + 1, scope.workspaceId);
  if (brands.length > BRANDS_PER_RUN) counts.remaining++;
  const errors: string[] = [];
  await inLanes(brands.slice(0, BRANDS_PER_RUN), async (brandId) => {
    try {
      const claim = await brandScheduler(env, brandId).dispatchDue(brandId);
      counts.processed += claim.claimed.length;
      counts.succeeded += claim.queued.length;
    } catch (err) {
      counts.failed++;
      logError("dispatch claim failed", { brandId, error: String(err) });
      if (errors.length < 3) errors.push("A brand's due items could not be claimed; the next minute tries again.");
    }
  });
  const resent = await resendLostMessages(env, now, scope, { maxPages: 2 });
  counts.processed += resent.processed;
  counts.succeeded += resent.succeeded;
  counts.failed += resent.failed;
  if (errors.length) counts.error = errors.join(" ");
  return counts;
}
