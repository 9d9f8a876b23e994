// Notification retention: the outbox's events go after 90 days (their read
// marks and finished webhook deliveries with them, by the foreign keys'
// cascade) and webhook attempts after 30. An event still on its way (not yet
// fanned out, or with an endpoint still retrying) stays whatever its age. Run
// by the 10-minute cron beside the auth pruning; bounded like it, so a
// backlog drains over several runs.
import { PRUNE_LIMIT, pruneLogged } from "../auth/prune";
import { DAY } from "../lib/time";

export const EVENT_RETENTION_MS = 90 * DAY;
export const ATTEMPT_RETENTION_MS = 30 * DAY;

export interface PrunedNotifications {
  events: number;
  attempts: number;
}

/** Deletes up to `limit` old events and `limit` old webhook attempts, oldest first, in one D1 batch. */
export async function pruneNotifications(d1: D1Database, now = Date.now(), limit = PRUNE_LIMIT): Promise<PrunedNotifications> {
  // DELETE … LIMIT is not in D1's SQLite build: the bound is a subquery on each table's time index.
  const [events, attempts] = await d1.batch([
    d1
      .prepare(
        `DELETE FROM events WHERE id IN (
           SELECT e.id FROM events e INDEXED BY events_created
           WHERE e.created_at <= ?1 AND e.relay_after IS NULL
             AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.status IN ('pending', 'sending'))
           ORDER BY e.created_at LIMIT ?2)`,
      )
      .bind(now - EVENT_RETENTION_MS, limit),
    d1
      .prepare("DELETE FROM webhook_attempts WHERE id IN (SELECT id FROM webhook_attempts INDEXED BY webhook_attempts_at WHERE at <= ?1 ORDER BY at LIMIT ?2)")
      .bind(now - ATTEMPT_RETENTION_MS, limit),
  ]);
  return { events: events!.meta.changes, attempts: attempts!.meta.changes };
}

/** The cron's call: a failure is logged and never stops the passes after it. */
export const pruneNotificationsSafely = (d1: D1Database, now: number) => pruneLogged("old notifications", () => pruneNotifications(d1, now));
