// The in-app feed (API.md `GET /api/notifications`): the workspace's events
// for people, read straight from the outbox (no copy to drift), newest first,
// each in words with a link to what it is about. Read state is each person's
// own, as in any inbox: one member reading an item does not hide it from the
// others. "Mark all read" is a per-person watermark; single items are marks.
import type { Notification } from "../contract/schemas";
import { notFound } from "../errors";
import { iso, isoOrNull } from "../lib/time";
import { FEED_EXCLUDED, sqlNames, type StoredEventType } from "./events";
import { eventWords } from "./words";

const FEED = `e.type NOT IN ${sqlNames(FEED_EXCLUDED)}`;
/** The caller's watermark: everything of the workspace up to it is read. */
const WATERMARK = "(SELECT read_through FROM notification_cursors WHERE user_id = ?2 AND workspace_id = ?1)";
const UNREAD = `e.created_at > coalesce(${WATERMARK}, 0) AND NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.user_id = ?2 AND r.event_id = e.id)`;

interface FeedRow {
  id: string;
  type: StoredEventType;
  data: string;
  created_at: number;
  read_at: number | null;
}

export interface FeedQuery {
  workspaceId: string;
  userId: string;
  unread: boolean;
  limit: number;
}

export async function listNotifications(d1: D1Database, q: FeedQuery): Promise<{ notifications: Notification[]; unread: number }> {
  const [items, count] = await d1.batch<unknown>([
    d1
      .prepare(
        `SELECT e.id, e.type, e.data, e.created_at,
           coalesce((SELECT read_at FROM notification_reads r WHERE r.user_id = ?2 AND r.event_id = e.id),
                    (SELECT read_at FROM notification_cursors c WHERE c.user_id = ?2 AND c.workspace_id = ?1 AND e.created_at <= c.read_through)) AS read_at
         FROM events e
         WHERE e.workspace_id = ?1 AND ${FEED} ${q.unread ? `AND ${UNREAD}` : ""}
         ORDER BY e.created_at DESC, e.rowid DESC LIMIT ?3`,
      )
      .bind(q.workspaceId, q.userId, q.limit),
    d1.prepare(`SELECT count(*) AS n FROM events e WHERE e.workspace_id = ?1 AND ${FEED} AND ${UNREAD}`).bind(q.workspaceId, q.userId),
  ]);
  const notifications = (items!.results as FeedRow[]).map((r) => {
    const words = eventWords(r.type, JSON.parse(r.data) as Record<string, unknown>);
    return { id: r.id, type: r.type, ...words, createdAt: iso(r.created_at), readAt: isoOrNull(r.read_at) };
  });
  return { notifications, unread: (count!.results[0] as { n: number }).n };
}

/**
 * Marks items read for the caller (each must be one of the workspace's feed
 * items, or nothing is marked: 404), or everything up to now.
 */
export async function markRead(d1: D1Database, workspaceId: string, userId: string, input: { ids?: string[]; all?: true }, now = Date.now()) {
  if (input.all) {
    await d1.batch([
      d1
        .prepare(
          `INSERT INTO notification_cursors (user_id, workspace_id, read_through, read_at)
           VALUES (?1, ?2, (SELECT coalesce(max(created_at), 0) FROM events WHERE workspace_id = ?2), ?3)
           ON CONFLICT (user_id, workspace_id) DO UPDATE SET read_through = max(read_through, excluded.read_through), read_at = excluded.read_at`,
        )
        .bind(userId, workspaceId, now),
      // Single marks under the watermark say nothing more.
      d1
        .prepare(
          `DELETE FROM notification_reads WHERE user_id = ?1
           AND event_id IN (SELECT id FROM events WHERE workspace_id = ?2 AND created_at <= (SELECT read_through FROM notification_cursors WHERE user_id = ?1 AND workspace_id = ?2))`,
        )
        .bind(userId, workspaceId),
    ]);
    return;
  }
  const ids = JSON.stringify([...new Set(input.ids ?? [])]);
  const found = await d1
    .prepare(`SELECT count(*) AS n FROM events e WHERE e.workspace_id = ? AND ${FEED} AND e.id IN (SELECT value FROM json_each(?))`)
    .bind(workspaceId, ids)
    .first<{ n: number }>();
  // Another workspace's id is as unknown as a made-up one (API.md: never reveal existence).
  if ((found?.n ?? 0) !== new Set(input.ids).size) throw notFound("Notification");
  await d1
    .prepare(`INSERT OR IGNORE INTO notification_reads (user_id, event_id, read_at) SELECT ?, e.id, ? FROM events e WHERE e.workspace_id = ? AND e.id IN (SELECT value FROM json_each(?))`)
    .bind(userId, now, workspaceId, ids)
    .run();
}
