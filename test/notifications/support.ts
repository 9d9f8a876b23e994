// Fixtures for the outbox, the feed and webhooks: the events a change wrote,
// a D1 whose batches fail on demand, queues that record what was sent, and
// events-queue batches delivered by hand.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { Env } from "../../worker/env";
import { handleEventsBatch } from "../../worker/notifications/consumer";
import type { EventsMessage } from "../../worker/notifications/events";
import type { DeliverOptions } from "../../worker/webhooks/deliver";
import { deliverBatch, type BatchOutcome } from "../support/queue-batch";

export interface StoredEvent {
  id: string;
  workspace_id: string;
  type: string;
  data: Record<string, any>;
  webhook_id: string | null;
  created_at: number;
  relay_after: number | null;
  relays: number;
  handled_at: number | null;
}

/** Outbox rows whose data names `key` = `value` (deliveryId, accountId, brandId…), oldest first. */
export async function eventsAbout(key: string, value: string): Promise<StoredEvent[]> {
  const rows = await env.DB.prepare(`SELECT * FROM events WHERE json_extract(data, '$.' || ?) = ? ORDER BY created_at, rowid`).bind(key, value).all<StoredEvent & { data: string }>();
  return rows.results.map((r) => ({ ...r, data: JSON.parse(r.data) }));
}

export async function eventsOfWorkspace(workspaceId: string): Promise<StoredEvent[]> {
  const rows = await env.DB.prepare("SELECT * FROM events WHERE workspace_id = ? ORDER BY created_at, rowid").bind(workspaceId).all<StoredEvent & { data: string }>();
  return rows.results.map((r) => ({ ...r, data: JSON.parse(r.data) }));
}

/** Exactly one event of `type` about the thing, with an `evt_` id: what "no event lost, none invented" looks like. */
export async function expectOneEvent(key: string, value: string, type: string): Promise<StoredEvent> {
  const events = (await eventsAbout(key, value)).filter((e) => e.type === type);
  expect(events.map((e) => e.type), `${type} events about ${key}=${value}`).toEqual([type]);
  expect(events[0]!.id).toMatch(/^evt_[0-9a-z]{24}$/);
  return events[0]!;
}

/**
 * The real D1, except that a batch holding a statement whose SQL matches
 * `fail` gets one more statement that errors: D1 rolls the whole batch back,
 * as it would after a crash or a constraint failure mid-batch.
 */
export function failingD1(real: D1Database, fail: RegExp): D1Database & { failures: number } {
  const sqlOf = new WeakMap<object, string>();
  const track = (stmt: D1PreparedStatement, sql: string): D1PreparedStatement => {
    sqlOf.set(stmt, sql);
    const bind = stmt.bind.bind(stmt);
    stmt.bind = (...values: unknown[]) => track(bind(...values), sql);
    return stmt;
  };
  const db = {
    failures: 0,
    prepare: (sql: string) => track(real.prepare(sql), sql),
    batch: async (stmts: D1PreparedStatement[]) => {
      if (stmts.some((s) => fail.test(sqlOf.get(s) ?? ""))) {
        db.failures++;
        return real.batch([...stmts, real.prepare("SELECT * FROM no_such_table_injected_failure")]);
      }
      return real.batch(stmts);
    },
    exec: (sql: string) => real.exec(sql),
    dump: () => real.dump(),
    withSession: (c?: string) => real.withSession(c),
  };
  return db as unknown as D1Database & { failures: number };
}

/** A queue that records every body sent to it. */
export function recordingQueue<T>(sent: T[]): Queue<T> {
  return {
    send: async (body: T) => void sent.push(body),
    sendBatch: async (batch: Iterable<MessageSendRequest<T>>) => {
      for (const m of batch) sent.push(m.body);
    },
  } as unknown as Queue<T>;
}

/** The test Worker's env with the events queue recording (and anything else replaced). */
export function envWith(over: Partial<Env> = {}): Env & { sent: EventsMessage[] } {
  const sent: EventsMessage[] = [];
  return Object.assign({}, env, { EVENTS_QUEUE: recordingQueue(sent) }, over, { sent }) as Env & { sent: EventsMessage[] };
}

export type EventsOutcome = BatchOutcome<EventsMessage>;

/** One batch of events-queue messages through the consumer; what it acked and retried. */
export function deliverEvents(bodies: EventsMessage[], e: Env, opts: DeliverOptions = {}): Promise<EventsOutcome> {
  return deliverBatch("brandcast-events", bodies, (batch) => handleEventsBatch(batch, e, opts));
}

// ---- webhooks -----------------------------------------------------------------

/** The API with a given env (WEBHOOK_ALLOW_LOOPBACK for the local receiver, an EMAIL binding…). */
export async function callWith(e: Env, path: string, opts: { cookie?: string; workspace?: string; method?: string; body?: unknown } = {}): Promise<Response> {
  const headers: Record<string, string> = { origin: "http://app.test" };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.workspace) headers["x-workspace"] = opts.workspace;
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  if (body) headers["content-type"] = "application/json";
  const { createApp } = await import("../../worker/app");
  return createApp().fetch(new Request(`http://app.test${path}`, { method: opts.method ?? (body ? "POST" : "GET"), headers, body }), e, createExecutionContext());
}

/** A request the Worker made, as the endpoint saw it. */
export interface Captured {
  url: string;
  headers: Record<string, string>;
  body: string;
  redirect: RequestInit["redirect"];
}

/** A fetch that records each request and answers with `answer` (200 by default). */
export function capturingFetch(answer: (req: Captured, n: number) => Response | Promise<Response> = () => new Response("ok")) {
  const requests: Captured[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req: Captured = {
      url: String(input),
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      body: String(init?.body ?? ""),
      redirect: init?.redirect,
    };
    requests.push(req);
    return answer(req, requests.length);
  }) as typeof fetch;
  return { fetch: fetchFn, requests };
}
