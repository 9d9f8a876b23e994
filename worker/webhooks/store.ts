// Webhook endpoints (API.md "Notifications and webhooks"): create, edit,
// rotate the secret, send a test, list attempts. The URL and the signing
// secrets are sealed at rest like platform credentials (a Slack or Discord
// URL is itself a credential); only the host is stored in the clear.
import { keyRingOrConflict } from "../accounts/connect";
import { open, seal, SealBroken, sealedKid, type KeyRing } from "../accounts/sealing";
import type { Webhook, WebhookAttempt, WebhookCreateInput, WebhookUpdateInput } from "../contract/schemas";
import type { Env } from "../env";
import { ApiError, conflict, notFound } from "../errors";
import { newId } from "../lib/ids";
import { DAY, iso, isoOrNull } from "../lib/time";
import { logError } from "../lib/log";
import { claimEvents, eventInsert, newEventId, relayClaimed } from "../notifications/outbox";
import { newSecret } from "./signing";
import { checkWebhookUrl } from "./url-policy";
import type { WebhookFormat } from "./formats";

/** After a rotation the previous secret keeps signing this long (API.md). */
export const ROTATION_OVERLAP_MS = DAY;

export interface WebhookSecrets {
  url: string;
  /** Newest first; `until` null for the current one. */
  secrets: Array<{ secret: string; until: number | null }>;
}

export interface WebhookRow {
  id: string;
  workspace_id: string;
  sealed: string;
  host: string;
  events: string;
  format: WebhookFormat;
  description: string;
  enabled: number;
  disabled_reason: string | null;
  last_success_at: number | null;
  last_failure_at: number | null;
  failing_since: number | null;
  created_at: number;
  updated_at: number;
}

export const openWebhook = async (ring: KeyRing, row: Pick<WebhookRow, "id" | "sealed">): Promise<WebhookSecrets> =>
  JSON.parse(await open(ring, row.id, row.sealed)) as WebhookSecrets;
const sealWebhook = (ring: KeyRing, id: string, value: WebhookSecrets) => seal(ring, id, JSON.stringify(value));

/**
 * Re-seals the workspace's endpoints still under a previous key (the refresh
 * pass's key rotation, README "Connected accounts"), each only if unchanged
 * meanwhile: an edit or a rotation made at that moment wins.
 */
export async function rekeyWebhooks(env: Env, ring: KeyRing, workspaceId: string): Promise<{ rekeyed: number; failed: number }> {
  const rows = await env.DB.prepare("SELECT id, sealed FROM webhooks WHERE workspace_id = ? AND sealed NOT LIKE ?")
    .bind(workspaceId, `v1.${ring.current.kid}.%`)
    .all<{ id: string; sealed: string }>();
  let rekeyed = 0;
  let failed = 0;
  for (const r of rows.results) {
    try {
      const resealed = await seal(ring, r.id, await open(ring, r.id, r.sealed));
      await env.DB.prepare("UPDATE webhooks SET sealed = ? WHERE id = ? AND sealed = ?").bind(resealed, r.id, r.sealed).run();
      rekeyed++;
    } catch (err) {
      failed++;
      logError("webhook rekey failed", { webhookId: r.id, kid: sealedKid(r.sealed), error: err });
    }
  }
  return { rekeyed, failed };
}

/** The secrets that sign an attempt made at `now`: the current one, and the previous one for a day after a rotation. */
export const signingSecrets = (s: WebhookSecrets, now: number) => s.secrets.filter((x) => x.until === null || x.until > now).map((x) => x.secret);

/** The URL, or 400 `invalid_webhook_url` in words (API.md). */
export function acceptableUrl(env: Env, raw: string) {
  const verdict = checkWebhookUrl(raw, { allowLoopback: env.WEBHOOK_ALLOW_LOOPBACK === "true" });
  if (!verdict.ok) throw new ApiError(400, "invalid_webhook_url", verdict.reason);
  return verdict;
}

function toDto(row: WebhookRow, url: string): Webhook {
  return {
    id: row.id,
    url,
    events: JSON.parse(row.events) as Webhook["events"],
    format: row.format,
    description: row.description,
    enabled: row.enabled === 1,
    createdAt: iso(row.created_at),
    lastSuccessAt: isoOrNull(row.last_success_at),
    lastFailureAt: isoOrNull(row.last_failure_at),
    disabledReason: row.disabled_reason,
  };
}

/** Owners see each URL; other members see only where it goes (a Slack URL is a credential). */
export async function listWebhooks(env: Env, workspaceId: string, showUrls: boolean): Promise<Webhook[]> {
  const rows = await env.DB.prepare("SELECT * FROM webhooks WHERE workspace_id = ? ORDER BY created_at, id").bind(workspaceId).all<WebhookRow>();
  const hostOnly = (r: WebhookRow) => `https://${r.host}/…`;
  if (!showUrls) return rows.results.map((r) => toDto(r, hostOnly(r)));
  const ring = await keyRingOrConflict(env);
  return Promise.all(
    rows.results.map(async (r) => {
      try {
        return toDto(r, (await openWebhook(ring, r)).url);
      } catch (err) {
        // Sealed under a key no longer configured: the list still answers; sending says why it cannot.
        if (!(err instanceof SealBroken)) throw err;
        return toDto(r, hostOnly(r));
      }
    }),
  );
}

/** The row's URL and secrets for an edit, or 409 when no configured key opens them (a rotation gone wrong). */
async function openForEdit(ring: KeyRing, row: WebhookRow): Promise<WebhookSecrets> {
  try {
    return await openWebhook(ring, row);
  } catch (err) {
    if (!(err instanceof SealBroken)) throw err;
    throw new ApiError(409, "encryption_key_mismatch", "This webhook was sealed with a key this deployment no longer has (TOKEN_ENCRYPTION_KEY_PREVIOUS). Set that key again, or delete the webhook and add it anew.");
  }
}

async function getRow(env: Env, workspaceId: string, id: string): Promise<WebhookRow> {
  const row = await env.DB.prepare("SELECT * FROM webhooks WHERE id = ? AND workspace_id = ?").bind(id, workspaceId).first<WebhookRow>();
  if (!row) throw notFound("Webhook");
  return row;
}

export async function createWebhook(env: Env, workspaceId: string, input: WebhookCreateInput, now = Date.now()): Promise<Webhook & { secret: string }> {
  const { url, host } = acceptableUrl(env, input.url);
  const ring = await keyRingOrConflict(env);
  const id = newId("whk");
  const secret = newSecret();
  const sealed = await sealWebhook(ring, id, { url: url.href, secrets: [{ secret, until: null }] });
  const row = await env.DB.prepare(
    `INSERT INTO webhooks (id, workspace_id, sealed, host, events, format, description, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  )
    .bind(id, workspaceId, sealed, host, JSON.stringify(input.events), input.format, input.description, now, now)
    .first<WebhookRow>();
  return { ...toDto(row!, url.href), secret };
}

/** Only if the row is still what was read: two edits at once never undo each other's URL or secret. */
async function writeSealed(env: Env, row: WebhookRow, sets: string[], binds: unknown[]): Promise<WebhookRow> {
  const updated = await env.DB.prepare(`UPDATE webhooks SET ${sets.join(", ")} WHERE id = ? AND sealed = ? RETURNING *`)
    .bind(...binds, row.id, row.sealed)
    .first<WebhookRow>();
  if (!updated) throw conflict("conflict", "This webhook changed at the same moment. Reload it and try again.");
  return updated;
}

export async function updateWebhook(env: Env, workspaceId: string, id: string, input: WebhookUpdateInput, by: string, now = Date.now()): Promise<Webhook> {
  const row = await getRow(env, workspaceId, id);
  const ring = await keyRingOrConflict(env);
  const current = await openForEdit(ring, row);
  const sets = ["updated_at = ?"];
  const binds: unknown[] = [now];
  let url = current.url;
  if (input.url !== undefined) {
    const verdict = acceptableUrl(env, input.url);
    url = verdict.url.href;
    sets.push("sealed = ?", "host = ?");
    binds.push(await sealWebhook(ring, id, { ...current, url }), verdict.host);
  }
  if (input.events !== undefined) (sets.push("events = ?"), binds.push(JSON.stringify(input.events)));
  if (input.description !== undefined) (sets.push("description = ?"), binds.push(input.description));
  if (input.enabled === true && row.enabled !== 1) {
    // Enabled again by a person: its failing streak starts over.
    sets.push("enabled = 1", "disabled_reason = NULL", "failing_since = NULL");
  } else if (input.enabled === false && row.enabled === 1) {
    sets.push("enabled = 0", "disabled_reason = ?");
    binds.push(`Switched off by ${by}.`);
  }
  return toDto(await writeSealed(env, row, sets, binds), url);
}

export async function deleteWebhook(env: Env, workspaceId: string, id: string): Promise<void> {
  const res = await env.DB.prepare("DELETE FROM webhooks WHERE id = ? AND workspace_id = ?").bind(id, workspaceId).run();
  if (!res.meta.changes) throw notFound("Webhook");
}

/** A new secret; the previous one signs alongside it for ROTATION_OVERLAP_MS, older ones stop now. */
export async function rotateSecret(env: Env, workspaceId: string, id: string, now = Date.now()): Promise<{ secret: string }> {
  const row = await getRow(env, workspaceId, id);
  const ring = await keyRingOrConflict(env);
  const current = await openForEdit(ring, row);
  const secret = newSecret();
  const previous = current.secrets.find((s) => s.until === null);
  const secrets = [{ secret, until: null }, ...(previous ? [{ secret: previous.secret, until: now + ROTATION_OVERLAP_MS }] : [])];
  await writeSealed(env, row, ["sealed = ?", "updated_at = ?"], [await sealWebhook(ring, id, { ...current, secrets }), now]);
  return { secret };
}

/** A `ping` for this endpoint alone (enabled or not: the test is how one checks it works again). */
export async function sendTest(env: Env, workspaceId: string, id: string): Promise<{ eventId: string }> {
  const row = await getRow(env, workspaceId, id);
  const eventId = newEventId();
  const ping = eventInsert(
    env.DB,
    {
      workspaceId,
      type: "ping",
      webhookId: row.id,
      data: { json: { webhookId: row.id, message: "A test event from Brandcast: this endpoint receives its events." } },
      // Deleted at the same moment: no ping.
      from: { sql: "FROM webhooks WHERE id = ? AND workspace_id = ?", binds: [row.id, workspaceId] },
    },
    eventId,
  );
  const [inserted, claim] = await env.DB.batch([ping, claimEvents(env.DB)]);
  await relayClaimed(env, claim);
  if (!inserted!.meta.changes) throw notFound("Webhook");
  return { eventId };
}

interface AttemptRow {
  event_id: string;
  type: string;
  attempt: number;
  at: number;
  response_status: number | null;
  duration_ms: number;
  error: string | null;
  response: string | null;
}

export async function listAttempts(env: Env, workspaceId: string, id: string, limit: number): Promise<WebhookAttempt[]> {
  await getRow(env, workspaceId, id);
  const rows = await env.DB.prepare("SELECT * FROM webhook_attempts WHERE webhook_id = ? ORDER BY at DESC, attempt DESC LIMIT ?").bind(id, limit).all<AttemptRow>();
  return rows.results.map((r) => ({
    eventId: r.event_id,
    type: r.type,
    attempt: r.attempt,
    at: iso(r.at),
    responseStatus: r.response_status,
    durationMs: r.duration_ms,
    ...(r.error ? { error: r.error } : {}),
    ...(r.response ? { response: r.response } : {}),
  }));
}
