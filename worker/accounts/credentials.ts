// Platform account credentials: the one module that reads, writes and
// refreshes them (DESIGN.md §7.1). Publishing and the refresh pass go through
// these functions; nothing else opens a sealed credential.
import type { Env } from "../env";
import { claimEvents, relayClaimed } from "../notifications/outbox";
import { providerFor } from "./providers";
import { ProviderRefused, type Renewed, type StoredCredentials } from "./providers/types";
import { keyRing, open, seal, type KeyRing } from "./sealing";

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
  meta_user_id?: string | null;
  connected_at?: number | null;
  insights_access?: "granted" | "missing" | null;
}

/** Refusals that need a person: the account turns needs_reconnect with `reason`. */
export class ReconnectRequired extends Error {
  override name = "ReconnectRequired";
}

/**
 * The provider refused to renew the token, but the token itself still answers
 * a cheap read: the account stays connected (issue 16: never disconnect an
 * account whose token still works). The message is the refusal's.
 */
export class TokenStillAnswers extends Error {
  override name = "TokenStillAnswers";
}

/** The account has no credentials to read (waiting for a Page/channel choice, or deleted at Meta's request). */
export class NoCredentials extends Error {
  override name = "NoCredentials";
}

export async function readStoredCredentials(env: Env, account: AccountRow, ring?: KeyRing): Promise<StoredCredentials> {
  if (!account.credentials) {
    throw new NoCredentials(
      account.status === "pending_selection"
        ? `The ${account.platform} account is waiting for you to pick which one to use.`
        : `The ${account.platform} account has no stored credentials`,
    );
  }
  const plain = JSON.parse(await open(ring ?? (await keyRing(env)), account.id, account.credentials)) as StoredCredentials;
  return { accessToken: plain.accessToken, refreshToken: plain.refreshToken ?? null, userAccessToken: plain.userAccessToken ?? null };
}

export async function readCredentials(env: Env, account: AccountRow): Promise<AccountCredentials> {
  const c = await readStoredCredentials(env, account);
  return { accessToken: c.accessToken, refreshToken: c.refreshToken };
}

export async function sealCredentials(ring: KeyRing, accountId: string, credentials: StoredCredentials): Promise<string> {
  const plain: StoredCredentials = { accessToken: credentials.accessToken, refreshToken: credentials.refreshToken ?? null };
  if (credentials.userAccessToken) plain.userAccessToken = credentials.userAccessToken;
  return seal(ring, accountId, JSON.stringify(plain));
}

/** Whether this account's token can be renewed without a person (a pasted Facebook token cannot). */
export function renewable(env: Env, account: AccountRow, creds: StoredCredentials): boolean {
  const provider = providerFor(account.platform, account.login_via);
  if (!provider) return false;
  // A Page token is taken afresh with the user token it came from: no app secret involved.
  if (provider.id === "meta") return !!creds.userAccessToken;
  if (provider.id === "google") return !!creds.refreshToken && !!provider.credentials(env);
  return true; // Instagram Login refreshes with the token alone
}

/**
 * Asks the provider for a fresh token and saves it at once (a rotated Google
 * refresh token is in the row before anything else happens). The row is
 * updated only if it still holds what we read, so two refreshes racing never
 * overwrite a newer token with an older one: the loser returns the winner's.
 * Throws ProviderRefused / ProviderUnavailable / ProviderMisconfigured from
 * the provider, and TokenStillAnswers when the provider refused but the
 * current token still works.
 */
export async function renewAndSave(env: Env, account: AccountRow, now = Date.now()): Promise<StoredCredentials> {
  const ring = await keyRing(env);
  const creds = await readStoredCredentials(env, account, ring);
  const provider = providerFor(account.platform, account.login_via);
  if (!provider) throw new ProviderRefused(`${account.platform} accounts have no token to refresh.`);
  let renewed: Renewed;
  const params = { platform: account.platform as "instagram" | "facebook" | "youtube", externalId: account.external_id, credentials: creds, now };
  try {
    renewed = await provider.renew(env, params);
  } catch (err) {
    if (!(err instanceof ProviderRefused)) throw err;
    // A refresh racing ours may have rotated the refresh token we sent (Google revokes the old one):
    // if the row changed meanwhile, its newer credentials are the answer, not a reconnect.
    const latest = await env.DB.prepare("SELECT * FROM platform_accounts WHERE id = ?").bind(account.id).first<AccountRow>();
    if (latest?.credentials && latest.credentials !== account.credentials && latest.status === "connected") return readStoredCredentials(env, latest, ring);
    // Refused to renew is not refused to publish: a token that still answers keeps the account connected.
    if (await provider.probe(env, params)) throw new TokenStillAnswers(err.message);
    throw err;
  }
  const sealed = await sealCredentials(ring, account.id, renewed.credentials);
  const res = await env.DB.prepare("UPDATE platform_accounts SET credentials = ?, expires_at = ?, updated_at = ? WHERE id = ? AND credentials = ?")
    .bind(sealed, renewed.expiresAt, now, account.id, account.credentials)
    .run();
  if (res.meta.changes === 0) {
    const latest = await env.DB.prepare("SELECT * FROM platform_accounts WHERE id = ?").bind(account.id).first<AccountRow>();
    if (latest?.credentials) return readStoredCredentials(env, latest, ring);
  }
  return renewed.credentials;
}

/**
 * Asks the provider for a fresh access token and stores it. Throws
 * ReconnectRequired when the provider refuses (invalid_grant, Graph 190), after
 * marking the account needs_reconnect.
 */
export async function refreshAccessToken(env: Env, account: AccountRow): Promise<AccountCredentials> {
  try {
    const c = await renewAndSave(env, account);
    return { accessToken: c.accessToken, refreshToken: c.refreshToken };
  } catch (err) {
    // Still answering: the caller goes on with the token it has (a second refusal of the same call is then the platform's word).
    if (err instanceof TokenStillAnswers) return readCredentials(env, account);
    if (err instanceof ProviderRefused || err instanceof NoCredentials) {
      const reason = reconnectReason(err.message);
      await markNeedsReconnect(env, account.id, reason);
      throw new ReconnectRequired(reason);
    }
    throw err;
  }
}

/** The platform's words, then what to do: the reason an account shows while it needs reconnecting. */
export function reconnectReason(detail: string): string {
  const text = detail.trim().replace(/\.$/, "");
  return /reconnect the account$/i.test(text) ? `${text}.` : `${text}. Reconnect the account.`;
}

/**
 * The account turns needs_reconnect with the reason, and its deliveries
 * waiting on the queue fail with that reason now instead of each one asking
 * the platform again with a dead token.
 */
export async function markNeedsReconnect(env: Env, accountId: string, reason: string): Promise<void> {
  const now = Date.now();
  const why = reason.slice(0, 500);
  // account.needs_reconnect and each delivery.failed are written by the migration's triggers in this batch.
  const [, , claim] = await env.DB.batch([
    env.DB.prepare("UPDATE platform_accounts SET status = 'needs_reconnect', status_reason = ?, updated_at = ? WHERE id = ?").bind(why, now, accountId),
    env.DB.prepare(
      "UPDATE deliveries SET status = 'failed', error_class = 'reconnect', last_error = ?, updated_at = ? WHERE account_id = ? AND status = 'queued'",
    ).bind(why, now, accountId),
    claimEvents(env.DB),
  ]);
  await relayClaimed(env, claim);
}
