// Platform account credentials: the one module that reads, writes and
// refreshes them (DESIGN.md §7.1). Publishing and the refresh pass go through
// these functions; nothing else decrypts a credential.
//
// NOTE: a first version on the existing AES-GCM helper. Issue 8 replaces the
// internals (key ids, rotation, fail-closed keys, provider refresh) and keeps
// these signatures.
import { decryptSecret } from "../auth/crypto";
import type { Env } from "../env";

export interface AccountCredentials {
  accessToken: string;
  refreshToken: string | null;
}

export interface AccountRow {
  id: string;
  workspace_id: string;
  brand_id: string;
  platform: "instagram" | "facebook" | "youtube" | "sandbox";
  external_id: string;
  name: string | null;
  login_via: "facebook" | "instagram" | null;
  credentials: string;
  key_version: number;
  expires_at: number | null;
  status: string;
  status_reason: string | null;
}

/** Refusals that need a person: the account turns needs_reconnect with `reason`. */
export class ReconnectRequired extends Error {
  override name = "ReconnectRequired";
}

export async function readCredentials(env: Env, account: AccountRow): Promise<AccountCredentials> {
  const plain = JSON.parse(await decryptSecret(env.TOKEN_ENCRYPTION_KEY, account.credentials)) as AccountCredentials;
  return { accessToken: plain.accessToken, refreshToken: plain.refreshToken ?? null };
}

/**
 * Asks the provider for a fresh access token and stores it. Throws
 * ReconnectRequired when the provider refuses (invalid_grant, Graph 190), after
 * marking the account needs_reconnect.
 */
export async function refreshAccessToken(env: Env, account: AccountRow): Promise<AccountCredentials> {
  const reason = `The ${account.platform} token was refused and cannot be refreshed here; reconnect the account.`;
  await markNeedsReconnect(env, account.id, reason);
  throw new ReconnectRequired(reason);
}

export async function markNeedsReconnect(env: Env, accountId: string, reason: string): Promise<void> {
  await env.DB.prepare("UPDATE platform_accounts SET status = 'needs_reconnect', status_reason = ?, updated_at = ? WHERE id = ?")
    .bind(reason.slice(0, 500), Date.now(), accountId)
    .run();
}
