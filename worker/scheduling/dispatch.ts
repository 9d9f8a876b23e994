// The dispatch claim (DESIGN.md §5, §7): an item goes out once. Runs inside
// the brand's BrandScheduler, serialised with bookings, moves and unschedules,
// so whichever comes second sees the first. The claim is also a conditional
// update (only from the pre-publish state, dispatched_at IS NULL), and its
// deliveries are inserted in the same batch only if *this* claim won: racing
// alarms, crons and clicks send each delivery once.
import type { Env, PublishMessage } from "../env";
import { newId } from "../lib/ids";
import { HOUR, numberVar } from "../lib/time";
import { missedReason, planDeliveries, type BrandAccount } from "./delivery-plan";
import type { Platform } from "./variants";
import { logError } from "../lib/log";
import { claimEvents, relayClaimed } from "../notifications/outbox";

/** Items claimed per call: one D1 batch stays well inside its limits; the alarm or the cron comes back for the rest. */
export const CLAIM_LIMIT = 50;
const QUEUE_SEND_MAX = 100;

export interface ClaimRequest {
  brandId: string;
  now: number;
  /** One item (publish-now, retry of a missed item), or every due item of the brand. */
  only?: { scheduleId: string; workspaceId: string };
  /**
   * `auto`: an item more than MISSED_AFTER_HOURS late becomes `missed`, never
   * published late by surprise. `never`: a person asked for it now.
   */
  lateness: "auto" | "never";
}

export interface ClaimResult {
  /** Schedules this call claimed. */
  claimed: string[];
  /** Deliveries put on the publish queue. */
  queued: string[];
  missed: number;
  skipped: number;
}

interface DueRow {
  id: string;
  workspace_id: string;
  scheduled_at: number;
  platforms: string;
  platforms_explicit: number;
  kind: "reel" | "post";
}

export async function claimSchedules(env: Env, req: ClaimRequest): Promise<ClaimResult> {
  const d1 = env.DB;
  const missedAfterHours = numberVar(env.MISSED_AFTER_HOURS, 6);
  const due = req.only
    ? d1
        .prepare(
          `SELECT s.id, s.workspace_id, s.scheduled_at, s.kind, j.platforms, j.platforms_explicit
           FROM schedules s JOIN generation_jobs j ON j.id = s.job_id
           WHERE s.id = ? AND s.brand_id = ? AND s.workspace_id = ? AND s.dispatched_at IS NULL`,
        )
        .bind(req.only.scheduleId, req.brandId, req.only.workspaceId)
    : d1
        .prepare(
          `SELECT s.id, s.workspace_id, s.scheduled_at, s.kind, j.platforms, j.platforms_explicit
           FROM schedules s JOIN generation_jobs j ON j.id = s.job_id
           WHERE s.brand_id = ? AND s.dispatched_at IS NULL AND s.scheduled_at <= ?
           ORDER BY s.scheduled_at LIMIT ?`,
        )
        .bind(req.brandId, req.now, CLAIM_LIMIT);
  const [dueRes, accountsRes] = await d1.batch<unknown>([
    due,
    d1.prepare("SELECT id, platform, status FROM platform_accounts WHERE brand_id = ?").bind(req.brandId),
  ]);
  const rows = dueRes!.results as DueRow[];
  const result: ClaimResult = { claimed: [], queued: [], missed: 0, skipped: 0 };
  if (!rows.length) return result;
  const accounts = accountsRes!.results as BrandAccount[];

  const claimAt = req.now;
  const statements: D1PreparedStatement[] = [];
  for (const row of rows) {
    const late = req.lateness === "auto" && claimAt > row.scheduled_at + missedAfterHours * HOUR;
    statements.push(d1.prepare("UPDATE schedules SET dispatched_at = ? WHERE id = ? AND dispatched_at IS NULL").bind(claimAt, row.id));
    const plan = planDeliveries(
      { explicit: row.platforms_explicit === 1, platforms: JSON.parse(row.platforms) as Platform[] },
      accounts,
      "dispatch",
      row.kind,
    );
    for (const p of plan) {
      const status = p.status === "skipped" ? "skipped" : late ? "missed" : "queued";
      const reason = p.status === "skipped" ? p.reason : late ? missedReason(missedAfterHours) : null;
      // Inserted only if this claim is the one that set dispatched_at (a losing racer's
      // update matched nothing, so its inserts select nothing).
      statements.push(
        d1
          .prepare(
            `INSERT OR IGNORE INTO deliveries (id, schedule_id, workspace_id, platform, account_id, status, last_error, queued_at, updated_at)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 WHERE EXISTS (SELECT 1 FROM schedules WHERE id = ?2 AND dispatched_at = ?9)
             RETURNING id, schedule_id, status`,
          )
          .bind(newId("dlv"), row.id, row.workspace_id, p.platform, p.accountId, status, reason, status === "queued" ? claimAt : null, claimAt),
      );
    }
  }
  // A `missed` delivery's event is written by the migration's trigger on its insert; the claim at the end hands it on.
  const results = await d1.batch<{ id: string; schedule_id: string; status: string }>([...statements, claimEvents(d1)]);
  const eventClaim = results.pop();
  const claimed = new Set<string>();
  for (const r of results) {
    for (const d of r.results) {
      claimed.add(d.schedule_id);
      if (d.status === "queued") result.queued.push(d.id);
      else if (d.status === "missed") result.missed++;
      else result.skipped++;
    }
  }
  result.claimed = [...claimed];
  await sendPublishMessages(env, result.queued);
  await relayClaimed(env, eventClaim);
  return result;
}

/**
 * Puts deliveries on the publish queue. A send that fails is logged, not
 * thrown: the rows are already `queued` with `queued_at`, and the per-minute
 * dispatch pass re-sends messages that look lost.
 */
export async function sendPublishMessages(env: Env, deliveryIds: readonly string[]): Promise<boolean> {
  try {
    for (let i = 0; i < deliveryIds.length; i += QUEUE_SEND_MAX) {
      const chunk = deliveryIds.slice(i, i + QUEUE_SEND_MAX);
      await env.PUBLISH_QUEUE.sendBatch(chunk.map((deliveryId): { body: PublishMessage } => ({ body: { kind: "publish", deliveryId } })));
    }
    return true;
  } catch (err) {
    logError("publish queue send failed; the dispatch pass re-sends", { deliveries: deliveryIds.length, error: String(err) });
    return false;
  }
}

export type RetryOutcome =
  | { ok: true; queued: string[] }
  | { ok: false; status: 404 | 409; code: string; message: string };

/**
 * Re-queues the failed and missed platforms of an item that went out (never a
 * published or skipped one, REGRESSIONS #7), keeping checkpoints and the
 * attempt count so the consumer resumes rather than repeats. A missed item that
 * never went out (no dispatch ran in its window) is claimed now. Keeps
 * scheduled_at (REGRESSIONS #18).
 */
export async function retrySchedule(env: Env, req: { brandId: string; workspaceId: string; scheduleId: string; now: number }): Promise<RetryOutcome> {
  const d1 = env.DB;
  const s = await d1
    .prepare("SELECT scheduled_at, dispatched_at FROM schedules WHERE id = ? AND brand_id = ? AND workspace_id = ?")
    .bind(req.scheduleId, req.brandId, req.workspaceId)
    .first<{ scheduled_at: number; dispatched_at: number | null }>();
  if (!s) return { ok: false, status: 404, code: "not_found", message: "Schedule not found." };
  if (s.dispatched_at == null) {
    if (req.now <= s.scheduled_at + numberVar(env.MISSED_AFTER_HOURS, 6) * HOUR) {
      return { ok: false, status: 409, code: "wrong_state", message: "Nothing to retry: this item has not gone out yet." };
    }
    const claim = await claimSchedules(env, {
      brandId: req.brandId,
      now: req.now,
      only: { scheduleId: req.scheduleId, workspaceId: req.workspaceId },
      lateness: "never",
    });
    return { ok: true, queued: claim.queued };
  }
  const rows = await d1
    .prepare(
      `UPDATE deliveries SET status = 'queued', last_error = NULL, error_class = NULL, lease_until = NULL, next_attempt_at = NULL,
         queued_at = ?1, updated_at = ?1,
         account_id = COALESCE((SELECT a.id FROM platform_accounts a WHERE a.brand_id = ?2 AND a.platform = deliveries.platform AND a.status = 'connected'), account_id)
       WHERE schedule_id = ?3 AND workspace_id = ?4 AND status IN ('failed', 'missed') RETURNING id`,
    )
    .bind(req.now, req.brandId, req.scheduleId, req.workspaceId)
    .all<{ id: string }>();
  if (!rows.results.length) {
    return { ok: false, status: 409, code: "wrong_state", message: "Nothing to retry: no platform of this item has failed or been missed." };
  }
  const queued = rows.results.map((r) => r.id);
  await sendPublishMessages(env, queued);
  return { ok: true, queued };
}
