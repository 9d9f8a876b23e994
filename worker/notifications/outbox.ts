// The outbox (DESIGN.md §11). An event row is written in the same D1
// transaction as the change it reports: by the migration's triggers, or by a
// statement from `eventInsert` in the same batch, guarded by the same
// condition as the change. The relay then hands each row to the events queue:
//
//   (a) right after the commit, by whoever made the change: `claimEvents`
//       rides at the end of that batch (it sees the rows the batch wrote) and
//       `relayClaimed` sends what it claimed;
//   (b) every minute, `relayOutbox` claims whatever is still unsent: a crash
//       between commit and send, a failed send, a consumer that died.
//
// A claim moves `relay_after` a minute ahead, so the row is sent again unless
// the consumer fans it out first (it then sets `relay_after` NULL): at least
// once, and a second message finds the row handled. The event's id never
// changes, so no event reaches an endpoint under two ids. An event whose
// message crashes the consumer every time ends in the dead-letter queue, whose
// consumer marks it handled (consumer.ts), so it is not sent for ever.
import type { Env } from "../env";
import { logError } from "../lib/log";
import type { EventsMessage, StoredEventType } from "./events";

/** D1's clock in epoch ms: the same one the triggers stamp rows with. */
export const NOW_MS_SQL = "cast(unixepoch('subsec') * 1000 AS integer)";
/** A claimed row is sent again after this unless fanned out. */
export const RELAY_LEASE_MS = 60_000;
/** Rows one piggy-backed claim takes: enough for any one change (a reconnect failing a brand's queue). */
export const CLAIM_AFTER_COMMIT = 50;
const SEND_MAX = 100;

/**
 * The claim that rides at the end of a state change's batch: takes unsent
 * events (this batch's among them) and returns their ids.
 */
export function claimEvents(db: D1Database, limit = CLAIM_AFTER_COMMIT, now?: number): D1PreparedStatement {
  const at = now === undefined ? NOW_MS_SQL : "?2";
  const stmt = db.prepare(
    `UPDATE events SET relay_after = ${at} + ${RELAY_LEASE_MS}, relays = relays + 1
     WHERE id IN (SELECT id FROM events WHERE relay_after IS NOT NULL AND relay_after <= ${at}
                  ORDER BY relay_after LIMIT ?1)
     RETURNING id`,
  );
  return now === undefined ? stmt.bind(limit) : stmt.bind(limit, now);
}

/** Sends the claim's events to the queue. Never throws: a lost send is the relay pass's to repeat. */
export async function relayClaimed(env: Env, claim: D1Result | undefined): Promise<number> {
  const ids = ((claim?.results ?? []) as Array<{ id: string }>).map((r) => r.id);
  if (!ids.length) return 0;
  try {
    for (let i = 0; i < ids.length; i += SEND_MAX) {
      await env.EVENTS_QUEUE.sendBatch(ids.slice(i, i + SEND_MAX).map((eventId): { body: EventsMessage } => ({ body: { kind: "event", eventId } })));
    }
    return ids.length;
  } catch (err) {
    logError("events queue send failed; the relay pass sends again", { events: ids.length, error: String(err) });
    return 0;
  }
}

/** Claims and sends unsent events (the minute's relay pass, and changes that could not carry the claim in their batch). */
export async function relayOutbox(env: Env, limit = 200, now?: number): Promise<number> {
  return relayClaimed(env, await claimEvents(env.DB, limit, now).run());
}

export interface EventInsert {
  workspaceId: string;
  type: StoredEventType;
  /** A SQL expression (json_object(…)) over `from`'s columns, or a JSON text bound as a value. */
  data: { sql: string; binds?: unknown[] } | { json: Record<string, unknown> };
  /** `ping`: the one endpoint. */
  webhookId?: string | null;
  /** `FROM … WHERE …` that must match for the event to exist: the state change's own condition. */
  from?: { sql: string; binds: unknown[] };
}

/**
 * An explicit event (one no trigger writes): to go in the same batch as its
 * change, *before* it, guarded by the condition the change itself checks, so
 * the event exists exactly when the change happens.
 */
export function eventInsert(db: D1Database, e: EventInsert, id = newEventId()): D1PreparedStatement {
  const data = "json" in e.data ? { sql: "?", binds: [JSON.stringify(e.data.json)] } : { sql: e.data.sql, binds: e.data.binds ?? [] };
  return db
    .prepare(
      `INSERT INTO events (id, workspace_id, type, data, webhook_id, created_at, relay_after)
       SELECT ?, ?, ?, ${data.sql}, ?, ${NOW_MS_SQL}, ${NOW_MS_SQL} ${e.from?.sql ?? ""}`,
    )
    .bind(id, e.workspaceId, e.type, ...data.binds, e.webhookId ?? null, ...(e.from?.binds ?? []));
}

/** `evt_` and 24 hex digits, like the triggers' ids. */
export function newEventId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `evt_${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
