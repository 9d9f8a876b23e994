// Structured logs that never carry a credential. Logs end up in dashboards and
// tail sessions that more people read than the database, so whatever an error
// message happens to contain (a signed media URL a platform fetched, a token in
// a query string, an Authorization header echoed back) is stripped first.

const SECRET_PARAMS = [
  "sig",
  "signature",
  "access_token",
  "refresh_token",
  "input_token",
  "fb_exchange_token",
  "client_secret",
  "code",
  "token",
  "password",
  "api_key",
  "apikey",
  "key",
].join("|");

const REDACTIONS: Array<[RegExp, string]> = [
  // Query parameters: /media/x.mp4?exp=1&sig=abc, ?access_token=EAAB...
  [new RegExp(`([?&](?:${SECRET_PARAMS})=)[^&\\s"'\\\\#]+`, "gi"), "$1[redacted]"],
  // Authorization headers, however they got into a message.
  [/\b(Bearer|Basic|OAuth)\s+[A-Za-z0-9._~+/=-]{8,}/g, "$1 [redacted]"],
  // Our own API tokens, wherever they appear.
  [/\bbc_[A-Za-z0-9_-]{16,}/g, "bc_[redacted]"],
  // drizzle's "Failed query: ...\nparams: a,b,c": bound values can be emails, token hashes, session ids,
  // ciphertext. Inside a JSON line the newline before it is the two characters `\n`, so "params" follows
  // an `n`, not a word boundary; the values run to the end of the line (a raw or escaped newline) or of
  // the JSON string (an unescaped quote), escaped quotes included.
  [/(?<=^|\\n|[^\w])(params: )(?:[^"\\\n]|\\[^n])*/g, "$1[redacted]"],
  // JSON fields, plain or escaped inside another JSON string: "accessToken":"...".
  [
    /(\\?"(?:access_?token|refresh_?token|accessToken|refreshToken|client_?secret|password|credentials|token)\\?"\s*:\s*\\?")(?:[^"\\]|\\(?!"))*/gi,
    "$1[redacted]",
  ],
];

/** The text with signatures, tokens, passwords and credentials replaced by `[redacted]`. */
export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of REDACTIONS) out = out.replace(pattern, replacement);
  return out;
}

function plain(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

/**
 * One structured line on stderr: `{message: event, ...fields}`, with every
 * credential redacted (worker/lib/log.ts is the only place worker code should
 * print errors from).
 */
export function logError(event: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ message: event, ...fields }, (_key, value: unknown) => plain(value));
  console.error(redact(line));
}

/** An informational or warning line, redacted the same way (a lease lost, a batch re-sent). */
export function logEvent(event: string, fields: Record<string, unknown> = {}, level: "info" | "warn" = "info"): void {
  const line = redact(JSON.stringify({ message: event, ...fields }, (_key, value: unknown) => plain(value)));
  if (level === "warn") console.warn(line);
  else console.log(line);
}
