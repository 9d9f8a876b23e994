// Consumer of the `events` queue (DESIGN.md §11). Two kinds of message:
//   - `event`: fan an outbox row out to its channels: a pair row and a
//     message for each subscribed, enabled endpoint (INSERT OR IGNORE, so a
//     duplicate message creates and sends nothing), and the owners' email
//     digest; the row is then handled (the relay stops sending it). A batch's
//     events go out together (one read, one D1 batch, one send). The feed
//     needs nothing: it reads the outbox itself.
//   - `webhook`: one event to one endpoint (worker/webhooks/deliver.ts), each
//     acked or retried on its own, so a slow endpoint holds up nothing but
//     its own message (wrangler.toml keeps batches within the 6 connections
//     an invocation may hold open).
import type { Env } from "../env";
import { logError } from "../lib/log";
import { deliverToWebhook, type DeliverOptions, type WebhookAction } from "../webhooks/deliver";
import { emailEnabled, markDigestPending, sendDigestIfDue } from "./digest";
import { EMAIL_TYPES, type EventRow, type EventsMessage } from "./events";

const SEND_MAX = 100;

type Action = WebhookAction;
const retryLater = (attempts: number): Action => ({ kind: "retry", delaySeconds: Math.min(300, 5 * 2 ** Math.min(attempts, 6)) });

export async function handleEventsBatch(batch: MessageBatch<EventsMessage>, env: Env, opts: DeliverOptions = {}): Promise<void> {
  const settle = (msg: Message<EventsMessage>, action: Action) => (action.kind === "ack" ? msg.ack() : msg.retry({ delaySeconds: action.delaySeconds }));
  const events: Array<Message<EventsMessage> & { body: { kind: "event"; eventId: string } }> = [];
  const sends: Array<Promise<void>> = [];
  for (const msg of batch.messages) {
    const body = msg.body;
    if (body?.kind === "event" && typeof body.eventId === "string") events.push(msg as (typeof events)[number]);
    else if (body?.kind === "webhook" && typeof body.eventId === "string" && typeof body.webhookId === "string") {
      // Each endpoint's message on its own: a slow or failing endpoint holds up only itself.
      sends.push(
        deliverToWebhook(env, body.eventId, body.webhookId, opts).then(
          (action) => settle(msg, action),
          (err) => {
            logError("webhook message failed; retrying it", { body, attempts: msg.attempts, error: String(err) });
            settle(msg, retryLater(msg.attempts));
          },
        ),
      );
    } else settle(msg, { kind: "ack", reason: "malformed message" });
  }
  if (events.length) {
    try {
      await fanOut(env, [...new Set(events.map((m) => m.body.eventId))], opts.now?.() ?? Date.now());
      for (const m of events) m.ack();
    } catch (err) {
      // D1 unavailable, a bug: these come back; the dead-letter queue ends a message that always fails.
      logError("event messages failed; retrying them", { events: events.length, error: String(err) });
      for (const m of events) settle(m, retryLater(m.attempts));
    }
  }
  await Promise.all(sends);
}

/**
 * Events to their channels, all of a batch's at once: one read, one D1 batch,
 * one send. Returns how many endpoint messages went out.
 */
export async function fanOut(env: Env, eventIds: readonly string[], now = Date.now()): Promise<number> {
  const db = env.DB;
  const rows = await db
    .prepare("SELECT id, workspace_id, type, data, webhook_id, created_at FROM events WHERE id IN (SELECT value FROM json_each(?)) AND relay_after IS NOT NULL")
    .bind(JSON.stringify(eventIds))
    .all<EventRow>();
  // Gone (its workspace deleted) or already fanned out (a duplicate message): nothing to do.
  const events = rows.results;
  if (!events.length) return 0;
  const stmts: D1PreparedStatement[] = events.flatMap((event) => [
    // A ping goes to its endpoint only (on or off); every other event to each enabled endpoint subscribed to its type.
    db
      .prepare(
        `INSERT OR IGNORE INTO webhook_deliveries (event_id, webhook_id, status, attempts, next_attempt_at, updated_at)
         SELECT ?1, w.id, 'pending', 0, ?2, ?2 FROM webhooks w
         WHERE w.workspace_id = ?3 AND iif(?4 IS NULL,
           w.enabled = 1 AND EXISTS (SELECT 1 FROM json_each(w.events) WHERE value = ?5),
           w.id = ?4)
         RETURNING event_id, webhook_id`,
      )
      .bind(event.id, now, event.workspace_id, event.webhook_id, event.type),
    db.prepare("UPDATE events SET relay_after = NULL, handled_at = ? WHERE id = ?").bind(now, event.id),
  ]);
  const emails = emailEnabled(env) ? [...new Set(events.filter((e) => EMAIL_TYPES.includes(e.type)).map((e) => e.workspace_id))] : [];
  for (const workspaceId of emails) stmts.push(markDigestPending(db, workspaceId));
  const results = await db.batch<{ event_id: string; webhook_id: string }>(stmts);
  const messages = results
    .flatMap((r) => r.results)
    .filter((r) => "webhook_id" in r)
    .map((r): { body: EventsMessage } => ({ body: { kind: "webhook", eventId: r.event_id, webhookId: r.webhook_id } }));
  // A lost send leaves its pair `pending` past due: the relay pass sends it again (relay.ts).
  for (let i = 0; i < messages.length; i += SEND_MAX) await env.EVENTS_QUEUE.sendBatch(messages.slice(i, i + SEND_MAX));
  for (const workspaceId of emails) await sendDigestIfDue(env, workspaceId, now);
  return messages.length;
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
