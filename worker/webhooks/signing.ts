// Standard Webhooks signatures (standardwebhooks.com, spec "Signature scheme"):
//   webhook-id         the event id, the same on every retry
//   webhook-timestamp  Unix seconds of this attempt
//   webhook-signature  `v1,<base64(HMAC-SHA256(key, "<id>.<timestamp>.<body>"))>`,
//                      space-separated when more than one secret signs
// where the key is the base64-decoded part of the secret after `whsec_`.

const enc = new TextEncoder();
export const SECRET_PREFIX = "whsec_";

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** A new signing secret: `whsec_` and base64 of 32 random bytes (the spec asks for 24 to 64). */
export function newSecret(): string {
  return SECRET_PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(32)));
}

function secretKey(secret: string): Uint8Array {
  const b64 = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const raw = atob(b64);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/** `v1,<signature>` of one secret over `<id>.<timestamp>.<body>`. */
export async function sign(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", secretKey(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, enc.encode(`${id}.${timestamp}.${body}`));
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

/** The three headers of one attempt, every given secret signing (the old one too while a rotation lasts). */
export async function signedHeaders(secrets: readonly string[], id: string, timestamp: number, body: string): Promise<Record<string, string>> {
  const signatures = await Promise.all(secrets.map((s) => sign(s, id, timestamp, body)));
  return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signatures.join(" ") };
}
