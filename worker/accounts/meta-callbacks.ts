// Meta's deauthorisation and data-deletion callbacks (PLATFORMS.md §7.1 step
// 6): a form field `signed_request` = base64url(signature).base64url(payload),
// signature = HMAC-SHA256(payload part, app secret). Verified, in constant
// time, before anything is touched.
import { fromBase64Url, randomToken } from "../auth/crypto";
import type { Env } from "../env";
import { markNeedsReconnect } from "./credentials";

export interface SignedRequest {
  user_id: string;
  algorithm: string;
  issued_at?: number;
}

/** A signed_request older than this is refused: a captured one cannot be replayed later (issue 16 item 10). */
export const SIGNED_REQUEST_MAX_AGE_S = 24 * 3600;
/** Clocks differ a little: an `issued_at` this far ahead is still taken. */
const FUTURE_SKEW_S = 5 * 60;

/**
 * The verified payload, "stale" when the signature holds but `issued_at` is
 * missing, older than a day or in the future, or null when it does not verify.
 */
export async function verifySignedRequest(appSecret: string, signedRequest: string, now = Date.now()): Promise<SignedRequest | "stale" | null> {
  const [sigPart, payloadPart, extra] = signedRequest.split(".");
  if (!sigPart || !payloadPart || extra !== undefined) return null;
  let sig: Uint8Array;
  let payload: SignedRequest;
  try {
    sig = fromBase64Url(sigPart);
    payload = JSON.parse(new TextDecoder().decode(fromBase64Url(payloadPart))) as SignedRequest;
  } catch {
    return null;
  }
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(appSecret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  // WebCrypto's verify compares in constant time.
  const ok = await crypto.subtle.verify("HMAC", key, sig, new TextEncoder().encode(payloadPart));
  if (!ok || String(payload?.algorithm).toUpperCase() !== "HMAC-SHA256" || !payload.user_id) return null;
  const issuedAt = Number(payload.issued_at);
  const ageS = now / 1000 - issuedAt;
  if (!Number.isFinite(issuedAt) || ageS > SIGNED_REQUEST_MAX_AGE_S || ageS < -FUTURE_SKEW_S) return "stale";
  return { ...payload, user_id: String(payload.user_id) };
}

async function accountsOf(env: Env, metaUserId: string): Promise<string[]> {
  const rows = await env.DB.prepare("SELECT id FROM platform_accounts WHERE meta_user_id = ?").bind(metaUserId).all<{ id: string }>();
  return rows.results.map((r) => r.id);
}

/** The person removed the app in Facebook settings: every account they connected needs reconnecting. */
export async function deauthorize(env: Env, metaUserId: string): Promise<number> {
  const ids = await accountsOf(env, metaUserId);
  for (const id of ids) {
    await markNeedsReconnect(env, id, "The person who connected this account removed Brandcast in their Facebook settings. Reconnect the account.");
  }
  return ids.length;
}

/**
 * The person asked Meta to delete their data: their tokens are erased (the
 * account stays, needing reconnection, so the brand shows what happened) and
 * the request is recorded for the status page the confirmation code opens.
 */
export async function deleteMetaData(env: Env, metaUserId: string, now = Date.now()): Promise<{ code: string; accounts: number }> {
  const ids = await accountsOf(env, metaUserId);
  for (const id of ids) {
    await markNeedsReconnect(env, id, "Deleted at the request of the person who connected it (Facebook data deletion). Reconnect the account to publish again.");
    await env.DB.batch([
      env.DB.prepare("UPDATE platform_accounts SET credentials = '', meta_user_id = NULL, expires_at = NULL WHERE id = ?").bind(id),
      env.DB.prepare("DELETE FROM account_candidates WHERE account_id = ?").bind(id),
    ]);
  }
  const code = randomToken(12);
  await env.DB.prepare("INSERT INTO meta_deletions (code, meta_user_id, accounts, completed_at) VALUES (?, ?, ?, ?)").bind(code, metaUserId, ids.length, now).run();
  return { code, accounts: ids.length };
}

export async function deletionStatus(env: Env, code: string) {
  return env.DB.prepare("SELECT accounts, completed_at FROM meta_deletions WHERE code = ?").bind(code).first<{ accounts: number; completed_at: number }>();
}
