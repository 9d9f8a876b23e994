// The events of API.md "Notifications and webhooks": their names, which of
// them people see in the feed, which reach the owners by email, and the
// messages the events queue carries. Rows are written by the outbox
// (outbox.ts and the migration's triggers), never by hand elsewhere.

/** Every event a webhook can subscribe to (API.md). */
export const EVENT_TYPES = [
  "delivery.published",
  "delivery.failed",
  "delivery.missed",
  "delivery.unconfirmed",
  "account.needs_reconnect",
  "account.expiring",
  "proposal.pending",
  "burst.completed",
  "burst.empty",
  "ping",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Events only people get (feed and email), never webhooks: an endpoint that
 * was switched off for failing cannot be told so through itself.
 */
export const PEOPLE_ONLY_TYPES = ["webhook.disabled"] as const;
export type StoredEventType = EventType | (typeof PEOPLE_ONLY_TYPES)[number];

/** The feed shows every event for people: all but `ping` and `burst.completed` (API.md). */
export const FEED_EXCLUDED: readonly StoredEventType[] = ["ping", "burst.completed"];
/** What needs an owner's attention: these go into the hourly email digest. */
export const EMAIL_TYPES: readonly StoredEventType[] = [
  "delivery.failed",
  "delivery.unconfirmed",
  "delivery.missed",
  "account.needs_reconnect",
  "account.expiring",
  "webhook.disabled",
];

/** `('a', 'b')`: a constant list of names for `IN`, written into the SQL (never user input, no parameters). */
export const sqlNames = (names: readonly string[]) => `(${names.map((n) => `'${n}'`).join(", ")})`;

/** One event to fan out (its channels), or one event to one endpoint (an attempt). */
export type EventsMessage = { kind: "event"; eventId: string } | { kind: "webhook"; eventId: string; webhookId: string };

/** An outbox row as D1 returns it. */
export interface EventRow {
  id: string;
  workspace_id: string;
  type: StoredEventType;
  data: string;
  webhook_id: string | null;
  created_at: number;
}

/** API.md's event body: `{id, type, createdAt, workspaceId, data}`. */
export interface EventBody {
  id: string;
  type: StoredEventType;
  createdAt: string;
  workspaceId: string;
  data: Record<string, unknown>;
}

export function eventBody(row: EventRow): EventBody {
  return { id: row.id, type: row.type, createdAt: new Date(row.created_at).toISOString(), workspaceId: row.workspace_id, data: JSON.parse(row.data) as Record<string, unknown> };
}
