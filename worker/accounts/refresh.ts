// The daily `refresh` pass (DESIGN.md §7.1): re-seals credentials still under
// a previous key, then renews the tokens that expire within 7 days (Instagram
// long-lived tokens, Meta user tokens with their Page tokens, Google access
// tokens). Page tokens and Instagram accounts reached through a Page have no
// expiry, so they are never due. A refusal turns the account needs_reconnect
// unless its token still answers a cheap read; a provider that is down, or an
// app secret the provider refuses (the operator's to fix), is left for the
// next run, never retried in a loop.
import type { DiscoveryPage } from "../automation/pass-messages";
import type { RunCounts } from "../automation/runs";
import type { Env } from "../env";
import { DAY } from "../lib/time";
import { logError, logEvent } from "../lib/log";
import { markNeedsReconnect, NoCredentials, readStoredCredentials, reconnectReason, renewable, renewAndSave, TokenStillAnswers, type AccountRow } from "./credentials";
import { providerFor } from "./providers";
import { ProviderMisconfigured, ProviderRefused } from "./providers/types";
import { warnExpiring } from "../notifications/expiring";
import { rekeyWebhooks } from "../webhooks/store";
import { keyRing, open, seal, sealedKid, type KeyRing } from "./sealing";

export const REFRESH_WINDOW_MS = 7 * DAY;
/** Accounts per run: each costs two or three provider calls, well inside Workers' subrequest limit. */
const BATCH = 100;

/** Re-seals every value of the workspace not under the current key (accounts, pending candidates, webhooks). */
export async function rekeyWorkspace(env: Env, ring: KeyRing, workspaceId: string): Promise<{ rekeyed: number; failed: number }> {
  const prefix = `v1.${ring.current.kid}.%`;
  const accounts = await env.DB.prepare("SELECT id, credentials FROM platform_accounts WHERE workspace_id = ? AND credentials != '' AND credentials NOT LIKE ?")
    .bind(workspaceId, prefix)
    .all<{ id: string; credentials: string }>();
  const candidates = await env.DB.prepare(
    `SELECT c.account_id, c.external_id, c.credentials FROM account_candidates c JOIN platform_accounts a ON a.id = c.account_id
     WHERE a.workspace_id = ? AND c.credentials NOT LIKE ?`,
  )
    .bind(workspaceId, prefix)
    .all<{ account_id: string; external_id: string; credentials: string }>();
  let rekeyed = 0;
  let failed = 0;
  for (const a of accounts.results) {
    try {
      const sealed = await seal(ring, a.id, await open(ring, a.id, a.credentials, { legacy: "reseal" }));
      // Only if unchanged meanwhile: a refresh that just wrote a new token wins.
      await env.DB.prepare("UPDATE platform_accounts SET credentials = ? WHERE id = ? AND credentials = ?").bind(sealed, a.id, a.credentials).run();
      rekeyed++;
    } catch (err) {
      failed++;
      logError("rekey failed", { accountId: a.id, kid: sealedKid(a.credentials), error: err });
    }
  }
  for (const c of candidates.results) {
    try {
      const sealed = await seal(ring, c.account_id, await open(ring, c.account_id, c.credentials, { legacy: "reseal" }));
      await env.DB.prepare("UPDATE account_candidates SET credentials = ? WHERE account_id = ? AND external_id = ? AND credentials = ?")
        .bind(sealed, c.account_id, c.external_id, c.credentials)
        .run();
      rekeyed++;
    } catch (err) {
      failed++;
      logError("rekey failed", { accountId: c.account_id, kid: sealedKid(c.credentials), error: err });
    }
  }
  // Webhook URLs and signing secrets are sealed with the same key.
  const hooks = await rekeyWebhooks(env, ring, workspaceId);
  return { rekeyed: rekeyed + hooks.rekeyed, failed: failed + hooks.failed };
}

/**
 * Re-seals the workspace's values, then renews up to BATCH of its tokens due,
 * in (expires_at, id) order after `after` (a continuation's cursor, from
 * `continueAfter`): an account that could not be renewed stays due, so a
 * continuation must move past it, never take it again in the same run.
 */
export async function runRefresh(env: Env, workspaceId: string, now = Date.now(), after?: string): Promise<RunCounts> {
  const ring = await keyRing(env);
  const rk = after ? { rekeyed: 0, failed: 0 } : await rekeyWorkspace(env, ring, workspaceId);
  const [afterExpiry, afterId] = after ? [Number(after.slice(0, after.indexOf(":"))), after.slice(after.indexOf(":") + 1)] : [-1, ""];
  const due = await env.DB.prepare(
    `SELECT * FROM platform_accounts WHERE workspace_id = ?1 AND status = 'connected' AND platform != 'sandbox'
     AND expires_at IS NOT NULL AND expires_at < ?2 AND (expires_at, id) > (?3, ?4) ORDER BY expires_at, id LIMIT ?5`,
  )
    .bind(workspaceId, now + REFRESH_WINDOW_MS, afterExpiry, afterId, BATCH + 1)
    .all<AccountRow>();
  const rows = due.results.slice(0, BATCH);
  const counts: RunCounts = { processed: rk.rekeyed + rk.failed, succeeded: rk.rekeyed, failed: rk.failed, remaining: due.results.length - rows.length };
  const last = rows.at(-1);
  if (counts.remaining && last) counts.continueAfter = `${last.expires_at}:${last.id}`;
  for (const account of rows) {
    try {
      // A pasted Facebook token has nothing to renew it with: it stays until it expires and publishing says so,
      // and the owners hear about it before it runs out (account.expiring).
      if (!renewable(env, account, await readStoredCredentials(env, account, ring))) {
        await warnExpiring(env, account);
        continue;
      }
      counts.processed++;
      await renewAndSave(env, account, now);
      counts.succeeded++;
    } catch (err) {
      if (err instanceof TokenStillAnswers && providerFor(account.platform, account.login_via)?.id === "meta") {
        // A Page token outlives the user token it came from: what an older version stored as its expiry was the user token's.
        await env.DB.prepare("UPDATE platform_accounts SET expires_at = NULL, updated_at = ? WHERE id = ? AND credentials = ?").bind(now, account.id, account.credentials).run();
        counts.succeeded++;
        continue;
      }
      counts.failed++;
      if (err instanceof ProviderRefused || err instanceof NoCredentials) {
        await markNeedsReconnect(env, account.id, reconnectReason(err.message));
      } else if (err instanceof TokenStillAnswers || err instanceof ProviderMisconfigured) {
        // It works today but will not be renewed: the owners hear about it before it runs out (account.expiring).
        logEvent("token not renewed", { accountId: account.id, platform: account.platform, why: err.name, reason: err.message }, "warn");
        await warnExpiring(env, account, `Renewing it was refused: ${err.message}`);
      } else {
        logError("token refresh failed", { accountId: account.id, platform: account.platform, error: err });
      }
    }
  }
  return counts;
}

/** A page of workspaces with tokens to renew or values to re-seal, after `after` in id order (the cron's fan-out). */
export async function workspacesToRefresh(env: Env, page: { after: string; now: number; limit: number }): Promise<DiscoveryPage> {
  const ring = await keyRing(env);
  const rows = await env.DB.prepare(
    `SELECT DISTINCT id, 1 AS due FROM (
       SELECT workspace_id AS id FROM platform_accounts
       WHERE (status = 'connected' AND platform != 'sandbox' AND expires_at IS NOT NULL AND expires_at < ?1)
          OR (credentials != '' AND credentials NOT LIKE ?2)
       UNION ALL SELECT workspace_id FROM webhooks WHERE sealed NOT LIKE ?2
     ) WHERE id > ?3 ORDER BY id LIMIT ?4`,
  )
    .bind(page.now + REFRESH_WINDOW_MS, `v1.${ring.current.kid}.%`, page.after, page.limit)
    .all<{ id: string; due: number }>();
  return rows.results;
}
