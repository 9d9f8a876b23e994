// Signed, expiring media URLs: /media/<key>?exp=<unix seconds>&sig=<HMAC>.
// Platforms fetch media by URL without our cookies, so the URL itself is the
// credential: HMAC-SHA256 over the key and the expiry, with a key derived from
// SESSION_SECRET for this one purpose (a media signature is never valid as
// anything else signed with the session secret).
import { hmacSha256, timingSafeEqual } from "../auth/crypto";
import type { Env } from "../env";

/** API responses carry URLs valid for a day; publishers sign their own at publish time. */
export const DEFAULT_MEDIA_URL_TTL_SECONDS = 24 * 60 * 60;

const derived = new Map<string, Promise<string>>();

function signingKey(env: Env): Promise<string> {
  let key = derived.get(env.SESSION_SECRET);
  if (!key) {
    key = hmacSha256(env.SESSION_SECRET, "brandcast media URL signing key v1");
    derived.set(env.SESSION_SECRET, key);
  }
  return key;
}

async function signature(env: Env, key: string, exp: number): Promise<string> {
  return hmacSha256(await signingKey(env), `${key}\n${exp}`);
}

/** The path of a key under /media, each segment percent-encoded. */
export function mediaPath(key: string): string {
  return `/media/${key.split("/").map(encodeURIComponent).join("/")}`;
}

export async function signMediaUrl(
  env: Env,
  key: string,
  opts: { ttlSeconds?: number; origin?: string; now?: number } = {},
): Promise<string> {
  const exp = Math.floor((opts.now ?? Date.now()) / 1000) + (opts.ttlSeconds ?? DEFAULT_MEDIA_URL_TTL_SECONDS);
  const sig = await signature(env, key, exp);
  return `${opts.origin ?? ""}${mediaPath(key)}?exp=${exp}&sig=${sig}`;
}

export type SignatureCheck = { ok: true; exp: number } | { ok: false; reason: "missing" | "expired" | "invalid" };

export async function verifyMediaSignature(env: Env, key: string, exp: string | undefined, sig: string | undefined, now = Date.now()): Promise<SignatureCheck> {
  if (!exp || !sig) return { ok: false, reason: "missing" };
  if (!/^\d{1,12}$/.test(exp)) return { ok: false, reason: "invalid" };
  const expires = Number(exp);
  // Checked before the expiry, so an expired URL with a forged signature says "invalid".
  if (!timingSafeEqual(await signature(env, key, expires), sig)) return { ok: false, reason: "invalid" };
  if (expires * 1000 <= now) return { ok: false, reason: "expired" };
  return { ok: true, exp: expires };
}
