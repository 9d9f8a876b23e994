// "Needs attention": deliveries that failed, were missed, or wait for an
// account to be reconnected (GET /api/deliveries), with the count the
// navigation shows. Retrying re-queues only the failed or missed platforms
// of that item (POST /api/schedules/:id/retry).
import { batch, computed, signal } from "@preact/signals";
import type { Api } from "../api/client";
import type { AttentionStatus, DeliveryListItem } from "../api/types";
import { messageOf } from "./calendar";

/** The groups the page shows, in the order a person should act on them. */
export const ATTENTION_GROUPS: Array<{ status: AttentionStatus; title: string; help: string }> = [
  { status: "needs_reconnect", title: "Reconnect an account", help: "The platform refused the account's token. Reconnect it on the Brands page, then retry." },
  { status: "failed", title: "Failed", help: "The platform said no, or every retry ran out. The reason is the platform's, in words." },
  { status: "missed", title: "Missed", help: "Too late to publish: these were never sent late by surprise. Retry to publish them now." },
];

export function createAttention(api: Api) {
  const groups = signal<Record<AttentionStatus, DeliveryListItem[]> | null>(null);
  const error = signal<string | null>(null);
  const busy = signal<string | null>(null);
  const itemErrors = signal<Record<string, string>>({});

  /** Failed deliveries include the reconnect ones; each is counted once, under "reconnect". */
  const visible = computed(() => {
    const g = groups.value;
    if (!g) return null;
    const reconnect = new Set(g.needs_reconnect.map((d) => d.deliveryId));
    return { ...g, failed: g.failed.filter((d) => !reconnect.has(d.deliveryId)) };
  });
  const count = computed(() => {
    const v = visible.value;
    return v ? v.needs_reconnect.length + v.failed.length + v.missed.length : 0;
  });

  async function load() {
    try {
      const [needs_reconnect, failed, missed] = await Promise.all(
        (["needs_reconnect", "failed", "missed"] as const).map((status) => api.listDeliveries({ status }).then((r) => r.deliveries)),
      );
      batch(() => {
        groups.value = { needs_reconnect: needs_reconnect!, failed: failed!, missed: missed!, publishing: [] };
        error.value = null;
      });
    } catch (err) {
      error.value = messageOf(err);
    }
  }

  async function retry(item: DeliveryListItem) {
    const { [item.scheduleId]: _, ...rest } = itemErrors.peek();
    batch(() => {
      busy.value = item.scheduleId;
      itemErrors.value = rest;
    });
    try {
      await api.retrySchedule(item.scheduleId);
    } catch (err) {
      itemErrors.value = { ...itemErrors.peek(), [item.scheduleId]: messageOf(err) };
    } finally {
      busy.value = null;
      await load();
    }
  }

  function reset() {
    batch(() => {
      groups.value = null;
      itemErrors.value = {};
    });
  }

  return { groups, visible, count, error, busy, itemErrors, load, retry, reset };
}

export type AttentionModel = ReturnType<typeof createAttention>;
