// Consumer of the `events` queue (DESIGN.md §11). Two kinds of message:
//   - `event`: fan one outbox row out to its channels: a pair row and a
//     message for each subscribed, enabled endpoint (INSERT OR IGNORE, so a
//     duplicate message creates and sends nothing), and the owners' email
//     digest; the row is then handled (the relay stops sending it). The feed
//     needs nothing: it reads the outbox itself.
//   - `webhook`: one event to one endpoint (worker/webhooks/deliver.ts).
// Each message is acked or retried on its own, so one slow endpoint holds up
// nothing but its own messages.
import type { Env } from "../env";
import { logError } from "../lib/log";
import { deliverToWebhook, type DeliverOptions, type WebhookAction } from "../webhooks/deliver";
import { emailEnabled, markDigestPending, sendDigestIfDue } from "./digest";
import { EMAIL_TYPES, type EventRow, type EventsMessage } from "./events";

const SEND_MAX = 100;

export async function handleEventsBatch(batch: MessageBatch<EventsMessage>, env: Env, opts: DeliverOptions = {}): Promise<void> {
  await Promise.all(
    batch.messages.map(async (msg) => {
      let action: WebhookAction;
      try {
        const body = msg.body;
        action =
          body?.kind === "event" && typeof body.eventId === "string"
            ? await fanOut(env, body.eventId, opts.now?.() ?? Date.now())
            : body?.kind === "webhook" && typeof body.eventId === "string" && typeof body.webhookId === "string"
              ? await deliverToWebhook(env, body.eventId, body.webhookId, opts)
              : { kind: "ack", reason: "malformed message" };
      } catch (err) {
        // D1 unavailable, a bug: this message alone comes back; the dead-letter queue ends a message that always fails.
        logError("events message failed; retrying it", { body: msg.body, attempts: msg.attempts, error: String(err) });
        action = { kind: "retry", delaySeconds: Math.min(300, 5 * 2 ** Math.min(msg.attempts, 6)) };
      }
      if (action.kind === "ack") msg.ack();
      else msg.retry({ delaySeconds: action.delaySeconds });
    }),
  );
}

/** One event to its channels; returns what to do with its message. */
export async function fanOut(env: Env, eventId: string, now = Date.now()): Promise<WebhookAction> {
  const db = env.DB;
  const event = await db
    .prepare("SELECT id, workspace_id, type, data, webhook_id, created_at, relay_after FROM events WHERE id = ?")
    .bind(eventId)
    .first<EventRow & { relay_after: number | null }>();
  if (!event) return { kind: "ack", reason: "event no longer exists" };
  if (event.relay_after === null) return { kind: "ack", reason: "already fanned out" };
  const stmts = [
    // A ping goes to its endpoint only (on or off); every other event to each enabled endpoint subscribed to its type.
    db
      .prepare(
        `INSERT OR IGNORE INTO webhook_deliveries (event_id, webhook_id, status, attempts, next_attempt_at, updated_at)
         SELECT ?1, w.id, 'pending', 0, ?2, ?2 FROM webhooks w
         WHERE w.workspace_id = ?3 AND iif(?4 IS NULL,
           w.enabled = 1 AND EXISTS (SELECT 1 FROM json_each(w.events) WHERE value = ?5),
           w.id = ?4)
         RETURNING webhook_id`,
      )
      .bind(event.id, now, event.workspace_id, event.webhook_id, event.type),
    db.prepare("UPDATE events SET relay_after = NULL, handled_at = ? WHERE id = ?").bind(now, event.id),
  ];
  const emails = emailEnabled(env) && EMAIL_TYPES.includes(event.type);
  if (emails) stmts.push(markDigestPending(db, event.workspace_id));
  const [pairs] = await db.batch<{ webhook_id: string }>(stmts);
  const hooks = pairs!.results.map((r) => r.webhook_id);
  for (let i = 0; i < hooks.length; i += SEND_MAX) {
    // A lost send leaves its pair `pending` past due: the relay pass sends it again (relay.ts).
    await env.EVENTS_QUEUE.sendBatch(hooks.slice(i, i + SEND_MAX).map((webhookId): { body: EventsMessage } => ({ body: { kind: "webhook", eventId: event.id, webhookId } })));
  }
  if (emails) await sendDigestIfDue(env, event.workspace_id, now);
  return { kind: "ack", reason: `fanned out to ${hooks.length} endpoint(s)` };
}

/**
 * Dead letters: a message that crashed the consumer every time. An event is
 * marked handled (it stays in the feed; the relay stops sending it); a pair
 * fails, with an attempt saying so in the endpoint's log.
 */
export async function handleEventsDeadLetters(batch: MessageBatch<EventsMessage>, env: Env, now = Date.now()): Promise<void> {
  for (const msg of batch.messages) {
    const body = msg.body;
    try {
      if (body?.kind === "event") {
        await env.DB.prepare("UPDATE events SET relay_after = NULL, handled_at = ? WHERE id = ? AND relay_after IS NOT NULL").bind(now, body.eventId).run();
      } else if (body?.kind === "webhook") {
        await env.DB.batch([
          env.DB.prepare(
            `INSERT INTO webhook_attempts (id, webhook_id, event_id, type, attempt, at, response_status, duration_ms, error)
             SELECT 'wha_' || lower(hex(randomblob(12))), d.webhook_id, d.event_id, e.type, d.attempts, ?, NULL, 0, ?
             FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
             WHERE d.event_id = ? AND d.webhook_id = ? AND d.status IN ('pending', 'sending')`,
          ).bind(now, "Delivery stopped after repeated crashes of the sender; this event was not delivered.", body.eventId, body.webhookId),
          env.DB.prepare(
            "UPDATE webhook_deliveries SET status = 'failed', lease_until = NULL, updated_at = ? WHERE event_id = ? AND webhook_id = ? AND status IN ('pending', 'sending')",
          ).bind(now, body.eventId, body.webhookId),
        ]);
      }
      logError("events message dead-lettered", { body, attempts: msg.attempts });
      msg.ack();
    } catch (err) {
      logError("dead-lettered events message could not be recorded; retrying", { body, error: String(err) });
      msg.retry({ delaySeconds: 60 });
    }
  }
}
