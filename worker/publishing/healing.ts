// Healing for publishing (DESIGN.md invariant 7, REGRESSIONS #8): a delivery
// left in `publishing` by a consumer that died is never reset blindly. It is
// put back on the queue as it is; the consumer's lease takes it once the dead
// holder's lease has run out, and the client's checkpoint recovery asks the
// platform whether the post already went out before doing anything again.
// The lead wires this into the 10-minute cron.
import type { Env, PublishMessage } from "../env";
import { LEASE_MS } from "./delivery-machine";
import { logEvent } from "../lib/log";

/** Deliveries re-enqueued per run at most (the rest wait for the next run). */
export const HEAL_BATCH = 200;

export interface HealCounts {
  processed: number;
  succeeded: number;
  failed: number;
  remaining: number;
}

export async function healStalePublishing(env: Env, now = Date.now()): Promise<HealCounts> {
  // Stale: the lease ran out, and nobody re-sent it within a lease (a message already on its way would have taken it).
  const stale = await env.DB.prepare(
    `SELECT id FROM deliveries
     WHERE status = 'publishing' AND coalesce(lease_until, 0) <= ?1 AND coalesce(queued_at, 0) <= ?2
     ORDER BY lease_until LIMIT ?3`,
  )
    .bind(now, now - LEASE_MS, HEAL_BATCH + 1)
    .all<{ id: string }>();
  const ids = stale.results.slice(0, HEAL_BATCH).map((r) => r.id);
  if (!ids.length) return { processed: 0, succeeded: 0, failed: 0, remaining: 0 };
  await env.DB.batch(ids.map((id) => env.DB.prepare("UPDATE deliveries SET queued_at = ? WHERE id = ? AND status = 'publishing'").bind(now, id)));
  // sendBatch takes 100 messages at most (CLOUDFLARE.md §3).
  for (let i = 0; i < ids.length; i += 100) {
    await env.PUBLISH_QUEUE.sendBatch(ids.slice(i, i + 100).map((deliveryId): { body: PublishMessage } => ({ body: { kind: "publish", deliveryId } })));
  }
  logEvent("re-enqueued stale publishing deliveries", { count: ids.length });
  return { processed: ids.length, succeeded: ids.length, failed: 0, remaining: stale.results.length > HEAL_BATCH ? 1 : 0 };
}
