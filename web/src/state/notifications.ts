// The notification bell (GET /api/notifications): the latest items of the
// workspace's feed and the caller's unread count, kept fresh while the tab is
// visible. Marking read is optimistic: the item dims at once, and a failed
// request puts it back.
import { batch, signal } from "@preact/signals";
import type { Api } from "../api/client";
import type { Notification } from "../api/types";
import { messageOf } from "./calendar";

/** Items the bell shows. */
export const BELL_ITEMS = 20;

export function createNotifications(api: Api, now: () => number = Date.now) {
  const items = signal<Notification[] | null>(null);
  const unread = signal(0);
  const error = signal<string | null>(null);

  async function load() {
    try {
      const res = await api.listNotifications({ limit: BELL_ITEMS });
      batch(() => {
        items.value = res.notifications;
        unread.value = res.unread;
        error.value = null;
      });
    } catch (err) {
      error.value = messageOf(err);
    }
  }

  async function mark(body: { ids: string[] } | { all: true }, apply: (n: Notification) => boolean) {
    const before = { items: items.peek(), unread: unread.peek() };
    const at = new Date(now()).toISOString();
    let dimmed = 0;
    const next = (before.items ?? []).map((n) => {
      if (n.readAt || !apply(n)) return n;
      dimmed++;
      return { ...n, readAt: at };
    });
    batch(() => {
      items.value = next;
      unread.value = "all" in body ? 0 : Math.max(0, before.unread - dimmed);
    });
    try {
      await api.markNotificationsRead(body);
    } catch (err) {
      batch(() => {
        items.value = before.items;
        unread.value = before.unread;
        error.value = messageOf(err);
      });
    }
  }

  const markRead = (id: string) => mark({ ids: [id] }, (n) => n.id === id);
  const markAll = () => mark({ all: true }, () => true);

  function reset() {
    batch(() => {
      items.value = null;
      unread.value = 0;
      error.value = null;
    });
  }

  return { items, unread, error, load, markRead, markAll, reset };
}

export type NotificationsModel = ReturnType<typeof createNotifications>;
