// The Webhooks page (API.md "Notifications and webhooks"): endpoints, their
// events and health, a secret shown once after it is made, "send test", and
// each endpoint's recent attempts with the endpoint's answers.
import { batch, signal } from "@preact/signals";
import { ApiError, type Api } from "../api/client";
import type { EventType, Webhook, WebhookAttempt, WebhookCreateInput, WebhookUpdateInput } from "../api/types";
import { messageOf } from "./calendar";

/** The events a person can pick, in words (API.md's names stay visible next to them). */
export const EVENT_CHOICES: Array<{ type: EventType; label: string }> = [
  { type: "delivery.failed", label: "A post failed" },
  { type: "delivery.unconfirmed", label: "A post may have gone out (check it)" },
  { type: "delivery.missed", label: "A post missed its slot" },
  { type: "delivery.published", label: "A post went live" },
  { type: "account.needs_reconnect", label: "An account needs reconnecting" },
  { type: "account.expiring", label: "An account's access is about to expire" },
  { type: "proposal.pending", label: "Proposals wait for review" },
  { type: "burst.empty", label: "The daily burst created nothing" },
  { type: "burst.completed", label: "The daily burst finished" },
  { type: "ping", label: "Test events" },
];
/** What a new endpoint starts with: everything that needs a person. */
export const DEFAULT_EVENTS: EventType[] = ["delivery.failed", "delivery.unconfirmed", "delivery.missed", "account.needs_reconnect", "account.expiring", "burst.empty"];

/** A test's answer comes back through the queue: look again after these delays. */
const TEST_RECHECK_MS = [1500, 4000, 8000, 15_000, 30_000];

export function createWebhooks(api: Api, schedule: (fn: () => void, ms: number) => void = (fn, ms) => void setTimeout(fn, ms)) {
  const list = signal<Webhook[] | null>(null);
  const emailEnabled = signal(false);
  const error = signal<string | null>(null);
  /** A secret just made (created or rotated): shown once, until dismissed. */
  const revealed = signal<{ webhookId: string; secret: string; rotated: boolean } | null>(null);
  const attempts = signal<Record<string, WebhookAttempt[]>>({});
  const busy = signal<string | null>(null);
  const errors = signal<Record<string, string>>({});
  const fieldErrors = signal<Record<string, string>>({});
  const notices = signal<Record<string, string>>({});

  async function load() {
    try {
      const res = await api.listWebhooks();
      batch(() => {
        list.value = res.webhooks;
        emailEnabled.value = res.email.enabled;
        error.value = null;
      });
    } catch (err) {
      error.value = messageOf(err);
    }
  }

  async function loadAttempts(id: string) {
    try {
      const res = await api.webhookAttempts(id);
      attempts.value = { ...attempts.peek(), [id]: res.attempts };
    } catch (err) {
      errors.value = { ...errors.peek(), [id]: messageOf(err) };
    }
  }

  /** Runs an action keyed `key` (an endpoint id, or "new"); its error is kept next to it. */
  async function act<T>(key: string, fn: () => Promise<T>): Promise<T | null> {
    const { [key]: _e, ...restErrors } = errors.peek();
    const { [key]: _n, ...restNotices } = notices.peek();
    batch(() => {
      busy.value = key;
      errors.value = restErrors;
      notices.value = restNotices;
      if (key === "new") fieldErrors.value = {};
    });
    try {
      return await fn();
    } catch (err) {
      batch(() => {
        errors.value = { ...errors.peek(), [key]: messageOf(err) };
        if (key === "new" && err instanceof ApiError) fieldErrors.value = err.fieldErrors();
      });
      return null;
    } finally {
      busy.value = null;
    }
  }

  const replace = (hook: Webhook) => (list.value = (list.peek() ?? []).map((w) => (w.id === hook.id ? hook : w)));

  async function create(input: WebhookCreateInput): Promise<boolean> {
    const made = await act("new", () => api.createWebhook(input));
    if (!made) return false;
    const { secret, ...hook } = made;
    batch(() => {
      list.value = [...(list.peek() ?? []), hook];
      revealed.value = { webhookId: hook.id, secret, rotated: false };
    });
    return true;
  }

  async function update(id: string, input: WebhookUpdateInput): Promise<boolean> {
    const hook = await act(id, () => api.updateWebhook(id, input));
    if (hook) replace(hook);
    return !!hook;
  }

  async function remove(id: string) {
    const done = await act(id, () => api.deleteWebhook(id).then(() => true));
    if (done) list.value = (list.peek() ?? []).filter((w) => w.id !== id);
  }

  async function rotate(id: string) {
    const res = await act(id, () => api.rotateWebhookSecret(id));
    if (res) revealed.value = { webhookId: id, secret: res.secret, rotated: true };
  }

  async function test(id: string) {
    const res = await act(id, () => api.testWebhook(id));
    if (!res) return;
    notices.value = { ...notices.peek(), [id]: "Test event sent. Its answer appears under Recent attempts." };
    for (const ms of TEST_RECHECK_MS) schedule(() => void loadAttempts(id).then(load), ms);
  }

  function reset() {
    batch(() => {
      list.value = null;
      revealed.value = null;
      attempts.value = {};
      errors.value = {};
      notices.value = {};
    });
  }

  return { list, emailEnabled, error, revealed, attempts, busy, errors, fieldErrors, notices, load, loadAttempts, create, update, remove, rotate, test, reset };
}

export type WebhooksModel = ReturnType<typeof createWebhooks>;
