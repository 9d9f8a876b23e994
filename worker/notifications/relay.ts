// The minute's relay pass (DESIGN.md §11: nothing is lost): events still
// unsent (a crash between a commit and its send, a failed send, a consumer
// that died), endpoint messages that look lost (a pair past due by minutes,
// or held by a consumer long dead), and email digests whose hour is up.
import type { Env } from "../env";
import { MINUTE } from "../lib/time";
import { sendDueDigests } from "./digest";
import type { EventsMessage } from "./events";
import { relayOutbox } from "./outbox";

/** A pair due this long ago (or held by a lease that ran out this long ago) lost its message. */
export const LOST_PAIR_AFTER_MS = 5 * MINUTE;
const RESENDS_PER_PASS = 200;

export interface RelayCounts {
  events: number;
  pairs: number;
  digests: number;
}

export async function runRelayPass(env: Env, now = Date.now()): Promise<RelayCounts> {
  const events = await relayOutbox(env);
  const pairs = await resendLostPairs(env, now);
  const digests = await sendDueDigests(env, now);
  return { events, pairs, digests };
}

export async function resendLostPairs(env: Env, now = Date.now()): Promise<number> {
  const stale = now - LOST_PAIR_AFTER_MS;
  const lost = await env.DB.prepare(
    `SELECT event_id, webhook_id, updated_at FROM webhook_deliveries
     WHERE (status = 'pending' AND next_attempt_at < ?1) OR (status = 'sending' AND lease_until < ?1)
     LIMIT ?2`,
  )
    .bind(stale, RESENDS_PER_PASS)
    .all<{ event_id: string; webhook_id: string; updated_at: number }>();
  if (!lost.results.length) return 0;
  // Only if unchanged since read: two passes send each once. A held pair's lease ran out: it is due again.
  const touched = await env.DB.batch<{ event_id: string; webhook_id: string }>(
    lost.results.map((r) =>
      env.DB.prepare(
        `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?1, lease_until = NULL, updated_at = ?1
         WHERE event_id = ?2 AND webhook_id = ?3 AND updated_at = ?4 AND status IN ('pending', 'sending')
         RETURNING event_id, webhook_id`,
      ).bind(now, r.event_id, r.webhook_id, r.updated_at),
    ),
  );
  const messages = touched.flatMap((t) => t.results).map((r): { body: EventsMessage } => ({ body: { kind: "webhook", eventId: r.event_id, webhookId: r.webhook_id } }));
  for (let i = 0; i < messages.length; i += 100) await env.EVENTS_QUEUE.sendBatch(messages.slice(i, i + 100));
  return messages.length;
}
