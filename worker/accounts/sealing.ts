// Credentials at rest (DESIGN.md §7.1): AES-GCM with a fresh 12-byte IV per
// value, the owning row's id as additional data (a ciphertext copied onto
// another account's row does not open), and the key's id inside the stored
// value so TOKEN_ENCRYPTION_KEY can be rotated:
//
//   v1.<kid>.<base64url(iv || ciphertext+tag)>     kid = base64url(SHA-256(key))[0..8)
//
// Fail closed: a missing or malformed key is an error, never a derived key.
import { fromBase64Url, toBase64Url } from "../auth/crypto";
import type { Env } from "../env";

const enc = new TextEncoder();
const dec = new TextDecoder();
const FORMAT = "v1";

export const KEY_HELP = "openssl rand -base64 32 | npx wrangler secret put TOKEN_ENCRYPTION_KEY";

/** No usable key: nothing is stored or read. Routes answer 409 `encryption_key_missing` with this message. */
export class EncryptionKeyMissing extends Error {
  override name = "EncryptionKeyMissing";
  constructor(detail: string) {
    super(`${detail} Platform credentials cannot be stored or read until it is set: ${KEY_HELP}`);
  }
}

/** The stored value does not open with any configured key (wrong key, another row's value, tampering). */
export class SealBroken extends Error {
  override name = "SealBroken";
}

export interface SealKey {
  kid: string;
  key: CryptoKey;
}

export interface KeyRing {
  /** Everything is sealed under this one. */
  current: SealKey;
  /** Reads also accept these (TOKEN_ENCRYPTION_KEY_PREVIOUS while rotating). */
  previous: SealKey[];
}

/** Base64 or base64url of exactly 32 bytes (padding optional); anything else is null. */
export function decodeKey(value: string | undefined): Uint8Array | null {
  const s = (value ?? "").trim();
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(s)) return null;
  try {
    const raw = fromBase64Url(s.replace(/=+$/, ""));
    return raw.length === 32 ? raw : null;
  } catch {
    return null;
  }
}

async function importKey(raw: Uint8Array): Promise<SealKey> {
  const kid = toBase64Url(await crypto.subtle.digest("SHA-256", raw)).slice(0, 8);
  return { kid, key: await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]) };
}

export async function keyRing(env: Pick<Env, "TOKEN_ENCRYPTION_KEY" | "TOKEN_ENCRYPTION_KEY_PREVIOUS">): Promise<KeyRing> {
  const raw = decodeKey(env.TOKEN_ENCRYPTION_KEY);
  if (!raw) {
    throw new EncryptionKeyMissing(
      env.TOKEN_ENCRYPTION_KEY ? "TOKEN_ENCRYPTION_KEY is not base64 of exactly 32 bytes." : "TOKEN_ENCRYPTION_KEY is not set.",
    );
  }
  const previous: SealKey[] = [];
  if (env.TOKEN_ENCRYPTION_KEY_PREVIOUS) {
    const prev = decodeKey(env.TOKEN_ENCRYPTION_KEY_PREVIOUS);
    // A malformed previous key would silently strand every row sealed with it.
    if (!prev) throw new EncryptionKeyMissing("TOKEN_ENCRYPTION_KEY_PREVIOUS is set but is not base64 of exactly 32 bytes.");
    previous.push(await importKey(prev));
  }
  return { current: await importKey(raw), previous };
}

/** Seals `plaintext` for the row `aad` (the account's id). */
export async function seal(ring: KeyRing, aad: string, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: enc.encode(aad) }, ring.current.key, enc.encode(plaintext));
  const out = new Uint8Array(12 + ct.byteLength);
  out.set(iv);
  out.set(new Uint8Array(ct), 12);
  return `${FORMAT}.${ring.current.kid}.${toBase64Url(out)}`;
}

/** The key id a stored value names ("legacy" for values from before key ids). */
export function sealedKid(stored: string): string {
  const parts = stored.split(".");
  return parts.length === 3 && parts[0] === FORMAT ? parts[1]! : "legacy";
}

/**
 * Opens a sealed value for the row `aad`. Values from before key ids were
 * sealed without additional data, so one row's could be copied onto another
 * and still open: only the rotation pass may read them (`legacy: "reseal"`),
 * to seal them again under the row's id; every other read refuses them.
 */
export async function open(ring: KeyRing, aad: string, stored: string, opts: { legacy?: "reseal" } = {}): Promise<string> {
  const parts = stored.split(".");
  const keys = [ring.current, ...ring.previous];
  if (parts.length === 3 && parts[0] === FORMAT) {
    const k = keys.find((x) => x.kid === parts[1]);
    if (!k) throw new SealBroken(`Sealed with key ${parts[1]}, which is neither TOKEN_ENCRYPTION_KEY nor TOKEN_ENCRYPTION_KEY_PREVIOUS.`);
    return decrypt(k.key, parts[2]!, aad);
  }
  if (opts.legacy !== "reseal") {
    throw new SealBroken("These credentials were sealed before key ids, without the account's id as additional data; the refresh pass re-seals them (run it, then try again).");
  }
  // Values written before key ids (base64url(iv || ct), no additional data): the rekey step upgrades them.
  for (const k of keys) {
    try {
      return await decrypt(k.key, stored, null);
    } catch {
      // try the next key
    }
  }
  throw new SealBroken("The stored credentials do not open with the configured keys.");
}

async function decrypt(key: CryptoKey, body: string, aad: string | null): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(body);
  } catch {
    throw new SealBroken("The stored credentials are not valid base64.");
  }
  if (bytes.length < 12 + 16) throw new SealBroken("The stored credentials are truncated.");
  try {
    const iv = bytes.slice(0, 12);
    const params = aad === null ? { name: "AES-GCM", iv } : { name: "AES-GCM", iv, additionalData: enc.encode(aad) };
    return dec.decode(await crypto.subtle.decrypt(params, key, bytes.slice(12)));
  } catch {
    throw new SealBroken("The stored credentials do not open with this key for this account.");
  }
}
