// Consumer of the `publish` queue: one message per delivery (schedule ×
// platform). Each message is leased, run through its platform client and
// acked or retried on its own (CLOUDFLARE.md §3: one bad message never makes
// the batch redeliver the good ones).
//
// Exactly once (DESIGN.md invariant 6): the lease is a conditional update, so
// a duplicate message does nothing while a consumer holds the delivery; every
// platform handle is checkpointed on the row before the next call; and a
// redelivery after a crash resumes from the checkpoint, where the client asks
// the platform before repeating anything that makes a post public.
import { openAccount } from "../accounts/access";
import { markNeedsReconnect, type AccountRow } from "../accounts/credentials";
import type { Env, PublishMessage } from "../env";
import { newId } from "../lib/ids";
import { CLIENTS } from "./clients";
import { publishContent, type OutputMediaRow } from "./content";
import { createPublishContext, deliveryState, LeaseLost, type DeliveryRow } from "./context";
import {
  actionWithoutLease,
  checkAccount,
  decideAfterAttempt,
  LEASE_MS,
  type AccountCheck,
  type AttemptResult,
  type Decision,
  type MessageAction,
  type UnleasedRow,
} from "./delivery-machine";
import { platformConfig, PublishError, type PlatformClient, type PublishPlatform } from "./types";
import { retryDelaySeconds } from "./backoff";
import { logError, logEvent } from "../lib/log";
import { registerPublishedPost } from "../analytics/targets";
import { claimEvents, relayClaimed } from "../notifications/outbox";

export interface ConsumerOptions {
  /** The consumer's clock (tests move it instead of sleeping). */
  now?: () => number;
  /** Jitter source for the backoff, [0, 1). */
  random?: () => number;
  /** Overrides the per-request timeout (PlatformConfig.requestTimeoutMs). */
  requestTimeoutMs?: number;
}

export async function handlePublishBatch(
  batch: MessageBatch<PublishMessage>,
  env: Env,
  clients: Record<PublishPlatform, PlatformClient> = CLIENTS,
  opts: ConsumerOptions = {},
): Promise<void> {
  // Each message settles on its own: one that throws (D1 unavailable mid-attempt) is retried
  // alone, and never makes Promise.all reject the batch while the others are still running.
  await Promise.all(
    batch.messages.map(async (msg) => {
      let action: MessageAction;
      try {
        action = await processMessage(msg.body?.deliveryId, env, clients, opts);
      } catch (err) {
        action = { kind: "retry", delaySeconds: retryDelaySeconds(msg.attempts, undefined, opts.random) };
        logError("publish message crashed the consumer; retrying it", { deliveryId: msg.body?.deliveryId, attempt: msg.attempts, error: String(err) });
      }
      if (action.kind === "ack") msg.ack();
      else msg.retry({ delaySeconds: action.delaySeconds });
    }),
  );
}

/** Dead letters (CLOUDFLARE.md §3): a message that crashed the consumer every time shows as failed, never vanishes. */
export const DEAD_LETTER_REASON = "Publishing stopped after repeated crashes; retry it.";

export async function handlePublishDeadLetters(batch: MessageBatch<PublishMessage>, env: Env, now = Date.now()): Promise<void> {
  for (const msg of batch.messages) {
    const id = msg.body?.deliveryId;
    try {
      if (typeof id === "string") {
        // The delivery.unconfirmed event rides in the same batch (the migration's trigger), then goes out.
        const [, claim] = await env.DB.batch([
          env.DB.prepare(
            `UPDATE deliveries SET status = 'failed', error_class = 'unknown_outcome', last_error = ?, lease_until = NULL, next_attempt_at = NULL, updated_at = ?
             WHERE id = ? AND status IN ('pending', 'queued', 'publishing')`,
          ).bind(DEAD_LETTER_REASON, now, id),
          claimEvents(env.DB),
        ]);
        await relayClaimed(env, claim);
        logError("publish message dead-lettered", { deliveryId: id, attempts: msg.attempts });
      }
      msg.ack();
    } catch (err) {
      logError("dead-lettered publish message could not be recorded; retrying", { deliveryId: id, error: String(err) });
      msg.retry({ delaySeconds: 60 });
    }
  }
}

async function processMessage(deliveryId: unknown, env: Env, clients: Record<PublishPlatform, PlatformClient>, opts: ConsumerOptions): Promise<MessageAction> {
  if (typeof deliveryId !== "string" || !deliveryId) return { kind: "ack", reason: "malformed message" };
  const now = opts.now ?? Date.now;
  const row = await lease(env, deliveryId, now());
  if (!row) {
    const seen = await env.DB.prepare("SELECT status, lease_until, next_attempt_at FROM deliveries WHERE id = ?")
      .bind(deliveryId)
      .first<{ status: UnleasedRow["status"]; lease_until: number | null; next_attempt_at: number | null }>();
    return actionWithoutLease(seen && { status: seen.status, leaseUntil: seen.lease_until, nextAttemptAt: seen.next_attempt_at }, now());
  }
  return runAttempt(env, row, clients, opts);
}

/**
 * Takes the delivery: from `queued` when its time has come, or from
 * `publishing` whose holder's lease ran out (it crashed). The attempt number
 * is the fence every later write checks. An attempt the crashed holder left
 * open is closed as an unknown outcome, so crashes count towards giving up.
 */
async function lease(env: Env, id: string, now: number): Promise<DeliveryRow | null> {
  const [, taken] = await env.DB.batch([
    env.DB.prepare(
      `UPDATE publish_attempts SET ended_at = ?1, error_class = 'unknown_outcome', raw_message = 'The attempt stopped without finishing (the consumer was interrupted).',
         step = coalesce((SELECT step FROM deliveries WHERE id = ?2), step)
       WHERE delivery_id = ?2 AND ended_at IS NULL
         AND EXISTS (SELECT 1 FROM deliveries WHERE id = ?2 AND status = 'publishing' AND coalesce(lease_until, 0) <= ?1)`,
    ).bind(now, id),
    env.DB.prepare(
      `UPDATE deliveries SET status = 'publishing', attempts = attempts + 1, lease_until = ?, updated_at = ?
       WHERE id = ?
         AND ((status = 'queued' AND coalesce(next_attempt_at, 0) <= ?) OR (status = 'publishing' AND coalesce(lease_until, 0) <= ?))
       RETURNING *`,
    ).bind(now + LEASE_MS, now, id, now, now),
  ]);
  return (taken!.results[0] as DeliveryRow | undefined) ?? null;
}

interface Loaded {
  kind: "reel" | "post";
  output: OutputMediaRow | null;
  account: AccountRow | null;
}

async function load(env: Env, row: DeliveryRow): Promise<Loaded> {
  const [schedule, account] = await env.DB.batch([
    // o.*: the JPEG columns (publish_cover_key, publish_slide_keys) are read when the schema has them.
    env.DB.prepare("SELECT s.kind AS schedule_kind, o.* FROM schedules s LEFT JOIN job_outputs o ON o.id = s.output_id WHERE s.id = ?").bind(row.schedule_id),
    env.DB.prepare("SELECT * FROM platform_accounts WHERE id = ?").bind(row.account_id),
  ]);
  const s = schedule!.results[0] as (OutputMediaRow & { schedule_kind: "reel" | "post"; id: string | null }) | undefined;
  return {
    kind: s?.schedule_kind ?? "reel",
    output: s?.id ? s : null,
    account: (account!.results[0] as AccountRow | undefined) ?? null,
  };
}

async function runAttempt(env: Env, row: DeliveryRow, clients: Record<PublishPlatform, PlatformClient>, opts: ConsumerOptions): Promise<MessageAction> {
  const now = opts.now ?? Date.now;
  const attemptRowId = newId("att");
  await env.DB.prepare("INSERT INTO publish_attempts (id, delivery_id, attempt, step, started_at) VALUES (?, ?, ?, ?, ?)")
    .bind(attemptRowId, row.id, row.attempts, row.step ?? "start", now())
    .run();
  const delivery = deliveryState(row);
  let result: AttemptResult;
  let rawMessage: string | null = null;
  let loaded: Loaded | null = null;
  // Every secret this attempt held: whatever a platform or a runtime error echoes back is scrubbed before it is logged or stored.
  let secrets: string[] = [];
  const scrub = (text: string) => secrets.reduce((t, secret) => (secret.length >= 8 ? t.split(secret).join("[redacted]") : t), text);
  try {
    loaded = await load(env, row);
    const account = loaded.account && { status: loaded.account.status, statusReason: loaded.account.status_reason };
    const check = checkAccount(row.platform, account, Boolean(row.publish_started_at || row.published_id));
    if (check.kind !== "ok") return await endBeforePublishing(env, row, attemptRowId, check, now());
    if (!loaded.output) throw new PublishError("permanent", "The content of this item no longer exists.");
    const content = publishContent(loaded.kind, loaded.output);
    const access = await openAccount(env, loaded.account!);
    secrets = access.secrets;
    const config = { ...platformConfig(env), ...(opts.requestTimeoutMs ? { requestTimeoutMs: opts.requestTimeoutMs } : {}) };
    const ctx = createPublishContext({ env, delivery, content, access, config, now, attemptRowId });
    const client = clients[row.platform];
    let outcome;
    try {
      outcome = await client.publish(ctx);
    } catch (err) {
      // The platform refused the token (401, Graph 190): refresh once and run the client again in this attempt.
      if (!(err instanceof PublishError && err.opts.tokenRejected)) throw err;
      await ctx.refreshAccessToken();
      outcome = await client.publish(ctx);
    }
    result = outcome.kind === "published" ? outcome : { kind: "waiting", delaySeconds: outcome.delaySeconds, reason: outcome.reason, restartsWait: outcome.restartsWait };
    if (outcome.kind === "waiting") rawMessage = `Waiting: ${outcome.reason}`;
  } catch (err) {
    if (err instanceof LeaseLost) {
      logEvent("publish lease lost", { deliveryId: row.id, attempt: row.attempts }, "warn");
      return { kind: "ack", reason: "another consumer holds the delivery" };
    }
    ({ result, rawMessage } = failureOf(err, row, scrub));
  }
  if (result.kind === "error") {
    result.message = scrub(result.message);
    if (result.platformMessage) result.platformMessage = scrub(result.platformMessage);
  }
  if (rawMessage) rawMessage = scrub(rawMessage);
  const decision = decideAfterAttempt(result, {
    platform: row.platform,
    contentKind: loaded?.kind ?? "reel",
    failuresBefore: result.kind === "error" ? await failuresBefore(env, row.id, attemptRowId) : 0,
    waitingSince: waitingSince(delivery.checkpoint),
    now: now(),
    random: opts.random,
  });
  if (decision.kind === "failed" && decision.reconnectReason && row.account_id) await markNeedsReconnect(env, row.account_id, decision.reconnectReason);
  return settle(env, row, delivery.checkpoint, attemptRowId, decision, rawMessage, result.kind === "error" ? result.errorClass : null, now());
}

/** A PublishError in its own words; anything else is an unknown outcome, logged with an id, its raw text kept out of the UI. */
function failureOf(err: unknown, row: DeliveryRow, scrub: (text: string) => string): { result: AttemptResult; rawMessage: string } {
  if (err instanceof PublishError) {
    const raw = [err.opts.platformMessage, err.opts.code !== undefined ? `code ${err.opts.code}` : null, err.opts.subcode ? `subcode ${err.opts.subcode}` : null]
      .filter(Boolean)
      .join(" · ");
    return {
      result: {
        kind: "error",
        errorClass: err.errorClass,
        message: err.message,
        platformMessage: err.opts.platformMessage,
        retryAfterSeconds: err.opts.retryAfterSeconds,
        maxFailures: err.opts.maxFailures,
      },
      rawMessage: raw || err.message,
    };
  }
  const errorId = newId("err", 6);
  const text = scrub(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  logError("publish attempt crashed", { errorId, deliveryId: row.id, platform: row.platform, attempt: row.attempts, error: text });
  return {
    result: {
      kind: "error",
      errorClass: "unknown_outcome",
      message: `Something unexpected interrupted publishing (reference ${errorId}); it will be checked and tried again.`,
    },
    rawMessage: text.slice(0, 2000),
  };
}

async function endBeforePublishing(env: Env, row: DeliveryRow, attemptRowId: string, check: Exclude<AccountCheck, { kind: "ok" }>, now: number): Promise<MessageAction> {
  const errorClass = check.kind === "failed" ? "reconnect" : null;
  const [, , claim] = await env.DB.batch([
    env.DB.prepare(
      `UPDATE deliveries SET status = ?, error_class = ?, last_error = ?, lease_until = NULL, next_attempt_at = NULL, updated_at = ?
       WHERE id = ? AND status = 'publishing' AND attempts = ?`,
    ).bind(check.kind, errorClass, check.reason, now, row.id, row.attempts),
    env.DB.prepare("UPDATE publish_attempts SET ended_at = ?, error_class = ?, raw_message = ? WHERE id = ?").bind(now, errorClass, check.reason, attemptRowId),
    claimEvents(env.DB),
  ]);
  await relayClaimed(env, claim);
  return { kind: "ack", reason: check.kind };
}

async function failuresBefore(env: Env, deliveryId: string, currentAttemptRowId: string): Promise<number> {
  const row = await env.DB.prepare(
    "SELECT COUNT(*) AS n FROM publish_attempts WHERE delivery_id = ? AND id != ? AND error_class IN ('retryable', 'unknown_outcome')",
  )
    .bind(deliveryId, currentAttemptRowId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** When the current run of `waiting` outcomes began (kept in the checkpoint next to the platform's ids). */
function waitingSince(checkpoint: Record<string, unknown>): number | null {
  return typeof checkpoint.waitingSince === "number" ? checkpoint.waitingSince : null;
}

async function settle(
  env: Env,
  row: DeliveryRow,
  checkpoint: Record<string, unknown>,
  attemptRowId: string,
  decision: Decision,
  rawMessage: string | null,
  attemptErrorClass: string | null,
  now: number,
): Promise<MessageAction> {
  const db = env.DB;
  const { waitingSince: _previous, ...nextCheckpoint } = checkpoint;
  if (decision.kind === "requeue" && decision.waitingSince !== null) nextCheckpoint.waitingSince = decision.waitingSince;
  const fence = "WHERE id = ? AND status = 'publishing' AND attempts = ?";
  let update: D1PreparedStatement;
  // What else the same batch does: a published post becomes one the metrics sampler reads (DESIGN.md §10).
  let follow: D1PreparedStatement[] = [];
  let action: MessageAction;
  switch (decision.kind) {
    case "published":
      update = db
        .prepare(
          `UPDATE deliveries SET status = 'published', published_id = ?, permalink = ?, published_at = ?, error_class = NULL, last_error = NULL,
             next_attempt_at = NULL, lease_until = NULL, checkpoint = ?, updated_at = ? ${fence}`,
        )
        .bind(decision.publishedId, decision.permalink, now, JSON.stringify(nextCheckpoint), now, row.id, row.attempts);
      follow = registerPublishedPost(db, row.id, now);
      action = { kind: "ack", reason: "published" };
      break;
    case "requeue":
      update = db
        .prepare(
          `UPDATE deliveries SET status = 'queued', error_class = ?, last_error = ?, next_attempt_at = ?, queued_at = ?, lease_until = NULL,
             checkpoint = ?, updated_at = ? ${fence}`,
        )
        .bind(decision.errorClass, decision.lastError, decision.nextAttemptAt, now, JSON.stringify(nextCheckpoint), now, row.id, row.attempts);
      action = { kind: "retry", delaySeconds: decision.delaySeconds };
      break;
    case "failed":
      update = db
        .prepare(
          `UPDATE deliveries SET status = 'failed', error_class = ?, last_error = ?, next_attempt_at = NULL, lease_until = NULL, checkpoint = ?, updated_at = ? ${fence}`,
        )
        .bind(decision.errorClass, decision.lastError, JSON.stringify(nextCheckpoint), now, row.id, row.attempts);
      action = { kind: "ack", reason: "failed" };
      break;
  }
  // The delivery's event (published, failed, unconfirmed) is written by the migration's trigger inside
  // `update`, so it exists exactly when this batch commits and the fence held; the claim hands it on.
  const [written, , claim] = await db.batch([
    update,
    // The step the attempt reached is the delivery's last checkpoint: written once, here, rather than at every checkpoint (cost bench).
    db.prepare("UPDATE publish_attempts SET ended_at = ?, error_class = ?, raw_message = ?, step = coalesce((SELECT step FROM deliveries WHERE id = ?), step) WHERE id = ?").bind(
      now,
      attemptErrorClass,
      rawMessage,
      row.id,
      attemptRowId,
    ),
    claimEvents(db),
    ...follow,
  ]);
  await relayClaimed(env, claim);
  if (!written!.meta.changes) return { kind: "ack", reason: "another consumer holds the delivery" };
  return action;
}
