// Pieces both Meta fakes (instagram.mjs, facebook.mjs) share: the Graph error
// envelope, versioned paths, token lookup, Graph's time format, and media
// metadata registered by tests in place of real fetching (PLATFORMS.md §6).

/** `{"error":{…}}` as Graph sends it (PLATFORMS.md §0). */
export function graphError(status, code, message, subcode, extra = {}) {
  const error = { message, type: "OAuthException", code, ...(subcode === undefined ? {} : { error_subcode: subcode }), is_transient: false, fbtrace_id: `Afake${Math.random().toString(36).slice(2, 12)}`, ...extra };
  return { status, body: { error } };
}

/** The 190 envelope for a token that is unknown, revoked or expired. */
export function tokenError(record, now) {
  if (!record) return graphError(400, 190, "Invalid OAuth access token - Cannot parse access token");
  if (record.valid === false) {
    const sub = record.revokedSubcode ?? 460;
    const why = sub === 467 ? "The access token is invalid since the user logged out or the app was removed." : "The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.";
    return graphError(400, 190, `Error validating access token: ${why}`, sub);
  }
  if (record.expiresAt != null && record.expiresAt <= now) return graphError(400, 190, "Error validating access token: Session has expired.", 463);
  return null;
}

/** The token from `access_token` (query or form) or `Authorization: OAuth|Bearer <token>`. */
export function tokenOf(req, p) {
  const auth = req.headers.authorization ?? "";
  const m = /^(?:OAuth|Bearer)\s+(.+)$/i.exec(auth);
  return p.access_token ?? (m ? m[1].trim() : undefined);
}

/** `/v25.0/a/b` → {version: "v25.0", parts: ["a","b"]}; null without a version segment. */
export function versioned(path) {
  const m = /^\/(v\d+\.\d+)\/(.*)$/.exec(path);
  if (!m) return null;
  return { version: m[1], parts: m[2].split("/").filter(Boolean) };
}

/** Graph's timestamps: `2026-11-26T05:00:00+0000`. */
export const graphTime = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+0000");

/** Only the requested `fields` (always with id), like Graph. */
export function pick(obj, fields, always = ["id"]) {
  const wanted = new Set([...(fields ? String(fields).split(",").map((f) => f.trim()).filter(Boolean) : []), ...always]);
  return Object.fromEntries(Object.entries(obj).filter(([k, v]) => wanted.has(k) && v !== undefined));
}

/**
 * Metadata a test registered for a URL (longest matching prefix):
 * `{width, height, durationMs, format, sizeBytes, unreachable, processingMs, neverFinishes, errorSubcode, uploadStuck, processingError}`.
 */
export function mediaMetaFor(state, url) {
  let best;
  for (const prefix of Object.keys(state.mediaMeta ?? {})) if (url.startsWith(prefix) && (!best || prefix.length > best.length)) best = prefix;
  return best === undefined ? undefined : state.mediaMeta[best];
}

/**
 * In fetch mode the fake GETs the URL like Meta's fetcher and reads the
 * format from Content-Type; otherwise registered metadata or nothing (accept).
 * Returns `{unreachable}` when the fetch fails.
 */
export async function inspectMedia(state, config, url) {
  const meta = mediaMetaFor(state, url);
  if (meta || !config.fetchMedia) return meta;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) return { unreachable: true };
    const buf = Buffer.from(await res.arrayBuffer());
    const type = (res.headers.get("content-type") ?? "").toLowerCase();
    const format = type.includes("jpeg") || type.includes("jpg") ? "jpeg" : type.includes("png") ? "png" : type.includes("mp4") ? "mp4" : type.includes("quicktime") ? "mov" : type.split("/")[1] || "unknown";
    return { format, sizeBytes: buf.length };
  } catch {
    return { unreachable: true };
  }
}

/** A media metadata seed: `{ "<url prefix>": {...} }` merged into state.mediaMeta. */
export function seedMediaMeta(state, input) {
  state.mediaMeta = { ...(state.mediaMeta ?? {}), ...(input.media ?? input) };
  return { media: Object.keys(state.mediaMeta).length };
}

let idSeq = 0;
/**
 * Numeric-looking, unique ids like Graph's (17–18 digits). Built as strings:
 * fake-server.mjs `nextId()` adds past Number.MAX_SAFE_INTEGER, so
 * consecutive ids there can collide.
 */
export const graphId = () => `1784${String(Date.now() % 1e6).padStart(6, "0")}${String(idSeq++).padStart(7, "0")}`;
