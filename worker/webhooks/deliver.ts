// One event to one endpoint: one message on the events queue per pair, so a
// slow or failing endpoint holds up nothing but its own messages. The pair's
// row is leased (a duplicate message waits), the request made with a 10 s
// timeout and no redirects, and the attempt, the pair's next step and the
// endpoint's health are written in one batch.
import { keyRing } from "../accounts/sealing";
import type { Env } from "../env";
import { newId } from "../lib/ids";
import { logError } from "../lib/log";
import { eventBody, type EventRow } from "../notifications/events";
import { claimEvents, eventInsert, relayClaimed } from "../notifications/outbox";
import { eventWords } from "../notifications/words";
import { renderBody } from "./formats";
import { decideAfterWebhookAttempt, disabledReason, REQUEST_TIMEOUT_MS, type AttemptDecision } from "./retry";
import { signedHeaders } from "./signing";
import { openWebhook, signingSecrets, type WebhookRow } from "./store";
import { checkWebhookUrl } from "./url-policy";

/** How long one consumer holds a pair: the request's timeout and then some. */
export const WEBHOOK_LEASE_MS = 60_000;
/** The answer kept for the attempts log. */
const RESPONSE_KEEP = 500;

export type WebhookAction = { kind: "ack"; reason: string } | { kind: "retry"; delaySeconds: number };

export interface DeliverOptions {
  now?: () => number;
  random?: () => number;
  /** Overrides REQUEST_TIMEOUT_MS (tests). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** What an endpoint did with one request. */
export interface Answer {
  ok: boolean;
  status: number | null;
  durationMs: number;
  error: string | null;
  response: string | null;
}

export async function deliverToWebhook(env: Env, eventId: string, webhookId: string, opts: DeliverOptions = {}): Promise<WebhookAction> {
  const now = opts.now ?? Date.now;
  const at = now();
  // The lease, and what the attempt needs (the endpoint, the event, the pair as it is then): one round trip.
  const pair = "event_id = ?1 AND webhook_id = ?2";
  const [leaseRes, hookRes, eventRes, pairRes] = await env.DB.batch<unknown>([
    env.DB.prepare(
      `UPDATE webhook_deliveries SET status = 'sending', attempts = attempts + 1, lease_until = ?3, updated_at = ?4
       WHERE ${pair} AND ((status = 'pending' AND next_attempt_at <= ?4 + 1000) OR (status = 'sending' AND coalesce(lease_until, 0) <= ?4))
       RETURNING attempts`,
    ).bind(eventId, webhookId, at + WEBHOOK_LEASE_MS, at),
    env.DB.prepare("SELECT * FROM webhooks WHERE id = ?").bind(webhookId),
    env.DB.prepare("SELECT id, workspace_id, type, data, webhook_id, created_at FROM events WHERE id = ?").bind(eventId),
    env.DB.prepare(`SELECT status, next_attempt_at, lease_until FROM webhook_deliveries WHERE ${pair}`).bind(eventId, webhookId),
  ]);
  const leased = leaseRes!.results[0] as { attempts: number } | undefined;
  if (!leased) return unleased(pairRes!.results[0] as PairRow | undefined, at);
  const attempt = leased.attempts;
  const hook = hookRes!.results[0] as WebhookRow | undefined;
  const event = eventRes!.results[0] as EventRow | undefined;
  if (!hook || !event) return { kind: "ack", reason: "endpoint or event no longer exists" };
  if (!hook.enabled && event.type !== "ping") {
    await dropPair(env, eventId, webhookId, attempt, now());
    return { kind: "ack", reason: "endpoint disabled" };
  }

  const answer = await attemptOnce(env, hook, event, at, opts);
  const done = now();
  const decision = decideAfterWebhookAttempt({
    ok: answer.ok,
    attempt,
    ping: event.type === "ping",
    failingSince: hook.failing_since,
    now: done,
    random: opts.random,
  });
  await record(env, hook, event, attempt, answer, decision, done);
  return decision.kind === "retry" ? { kind: "retry", delaySeconds: decision.delaySeconds } : { kind: "ack", reason: decision.kind };
}

interface PairRow {
  status: string;
  next_attempt_at: number;
  lease_until: number | null;
}

/** A duplicate or early message: done pairs ack; a pair still waiting or held comes back when it is due. */
function unleased(row: PairRow | undefined, at: number): WebhookAction {
  if (!row || row.status === "delivered" || row.status === "failed") return { kind: "ack", reason: `pair ${row?.status ?? "gone"}` };
  const until = row.status === "sending" ? (row.lease_until ?? at) : row.next_attempt_at;
  // Queues hold a message 12 h at most; a later attempt re-arms on arrival.
  return { kind: "retry", delaySeconds: Math.min(12 * 3600, Math.max(1, Math.ceil((until - at) / 1000))) };
}

async function attemptOnce(env: Env, hook: WebhookRow, event: EventRow, at: number, opts: DeliverOptions): Promise<Answer> {
  let secrets;
  try {
    secrets = await openWebhook(await keyRing(env), hook);
  } catch (err) {
    logError("webhook secrets unreadable", { webhookId: hook.id, error: String(err) });
    return refusedBeforeSending("The endpoint's URL and secret could not be unsealed: check TOKEN_ENCRYPTION_KEY (and _PREVIOUS while rotating).");
  }
  // Checked again at send time: a URL saved under other rules (or WEBHOOK_ALLOW_LOOPBACK turned off) is not called.
  const verdict = checkWebhookUrl(secrets.url, { allowLoopback: env.WEBHOOK_ALLOW_LOOPBACK === "true" });
  if (!verdict.ok) return refusedBeforeSending(`Not sent: ${verdict.reason}`);
  const body = eventBody(event);
  const words = eventWords(body.type, body.data);
  const base = env.PUBLIC_BASE_URL?.replace(/\/+$/, "");
  const text = renderBody(hook.format, body, words, base ? `${base}${words.link}` : null);
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "Brandcast-Webhooks/1" };
  // Slack and Discord take their own messages, unsigned; a standard endpoint gets the Standard Webhooks headers.
  if (hook.format === "standard") Object.assign(headers, await signedHeaders(signingSecrets(secrets, at), event.id, Math.floor(at / 1000), text));
  return post(verdict.url.href, headers, text, opts);
}

const refusedBeforeSending = (error: string): Answer => ({ ok: false, status: null, durationMs: 0, error, response: null });

/** One POST: 2xx within the timeout is success; a redirect is not followed (SSRF), and says so. */
export async function post(url: string, headers: Record<string, string>, body: string, opts: Pick<DeliverOptions, "timeoutMs" | "fetch"> = {}): Promise<Answer> {
  const timeoutMs = opts.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const started = performance.now();
  const duration = () => Math.round(performance.now() - started);
  try {
    const res = await (opts.fetch ?? fetch)(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    const response = await readSome(res);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, durationMs: duration(), error: null, response };
    const error =
      res.status >= 300 && res.status < 400
        ? `The endpoint answered ${res.status} (a redirect${res.headers.get("location") ? ` to ${res.headers.get("location")}` : ""}); redirects are not followed, so use the final URL.`
        : `The endpoint answered ${res.status}${res.statusText ? ` ${res.statusText}` : ""}; only a 2xx answer counts as received.`;
    return { ok: false, status: res.status, durationMs: duration(), error, response };
  } catch (err) {
    const name = (err as Error)?.name;
    const error =
      name === "TimeoutError" || name === "AbortError"
        ? `No answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}.`
        : `Could not reach the endpoint: ${String((err as Error)?.message ?? err).slice(0, 200)}`;
    return { ok: false, status: null, durationMs: duration(), error, response: null };
  }
}

/** The start of the body, for the log; a body that will not come is not waited for past the request's own timeout. */
async function readSome(res: Response): Promise<string | null> {
  try {
    const text = await res.text();
    return text ? text.slice(0, RESPONSE_KEEP) : null;
  } catch {
    return null;
  }
}

/** An endpoint switched off gets no request: the pair ends without one (a person's test pings still go). */
async function dropPair(env: Env, eventId: string, webhookId: string, attempt: number, now: number) {
  await env.DB.prepare(
    `UPDATE webhook_deliveries SET status = 'failed', lease_until = NULL, updated_at = ? WHERE event_id = ? AND webhook_id = ? AND status = 'sending' AND attempts = ?`,
  )
    .bind(now, eventId, webhookId, attempt)
    .run();
}

/** The attempt, the pair's next step, the endpoint's health (and its switching off, with the event saying so): one batch. */
async function record(env: Env, hook: WebhookRow, event: EventRow, attempt: number, answer: Answer, decision: AttemptDecision, now: number) {
  const db = env.DB;
  const pair =
    decision.kind === "retry"
      ? db
          .prepare(
            `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, lease_until = NULL, updated_at = ?
             WHERE event_id = ? AND webhook_id = ? AND status = 'sending' AND attempts = ?`,
          )
          .bind(decision.nextAttemptAt, now, event.id, hook.id, attempt)
      : db
          .prepare(
            `UPDATE webhook_deliveries SET status = ?, lease_until = NULL, updated_at = ?
             WHERE event_id = ? AND webhook_id = ? AND status = 'sending' AND attempts = ?`,
          )
          .bind(decision.kind === "delivered" ? "delivered" : "failed", now, event.id, hook.id, attempt);
  const health = answer.ok
    ? db.prepare("UPDATE webhooks SET last_success_at = ?, failing_since = NULL WHERE id = ?").bind(now, hook.id)
    : db.prepare("UPDATE webhooks SET last_failure_at = ?, failing_since = coalesce(failing_since, ?) WHERE id = ?").bind(now, now, hook.id);
  const stmts = [
    db
      .prepare(
        `INSERT INTO webhook_attempts (id, webhook_id, event_id, type, attempt, at, response_status, duration_ms, error, response)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(newId("wha"), hook.id, event.id, event.type, attempt, now, answer.status, answer.durationMs, answer.error, answer.response),
    pair,
    health,
  ];
  if (decision.kind === "gave_up" && decision.disable && hook.failing_since !== null) {
    const reason = disabledReason(hook.failing_since, now);
    // The event and the switching off share one condition: the endpoint is still on and still failing since then.
    const guard = "FROM webhooks WHERE id = ? AND enabled = 1 AND failing_since = ?";
    stmts.push(
      eventInsert(db, {
        workspaceId: hook.workspace_id,
        type: "webhook.disabled",
        data: { json: { webhookId: hook.id, host: hook.host, reason, failingSince: new Date(hook.failing_since).toISOString() } },
        from: { sql: guard, binds: [hook.id, hook.failing_since] },
      }),
      db
        .prepare("UPDATE webhooks SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ? AND enabled = 1 AND failing_since = ?")
        .bind(reason, now, hook.id, hook.failing_since),
      claimEvents(db),
    );
  }
  const results = await db.batch(stmts);
  if (stmts.length > 3) await relayClaimed(env, results.at(-1));
}
