// Fake Google for YouTube publishing (PLATFORMS.md §6.3): the OAuth token
// endpoint (refresh grant), the resumable videos.insert protocol on
// /upload/youtube/v3, thumbnails.set, and the list calls the recovery lookup
// uses on /youtube/v3. State is kept like the real service keeps it: sessions
// with the bytes received so far, videos that exist only once the last byte
// lands, quota per Pacific day in either accounting model, the per-channel
// daily upload limit.
//
// State conventions shared with the accounts engineer's OAuth plugin:
//   state.accessTokens[token]  = {channelId, expiresAt | null, scopes?}
//   state.refreshTokens[rt]    = {valid, channelId, scopes}
//   state.channels[channelId]  = {title, uploadsPlaylistId}
//   state.videos[videoId]      = the video resource plus {channelId, sha256, uploadSessionId}
//
// Seed (`POST /__admin/seed`):
//   {channels?: [{id, title, accessToken, refreshToken?, accessTokenExpiresAt?}],
//    config?: Partial<config> (below),
//    quota?: {units?, insertCalls?} (today's usage),
//    uploadFaults?: [{storeBytes, status?, reason?, skip?}]  each consumed by a data PUT (after letting `skip`
//                   of them through): keep the first `storeBytes` of the chunk, then answer `status`
//                   (default 503 backendError): §6.3 fault 1,
//    rotateRefreshTokens?: n  the next n refreshes return a new refresh_token and revoke the old one,
//    revokeRefreshToken?: rt}
// Everything else (429, 401, hangs, dropAfterCommit, truncate) goes through
// the frame's generic fault rules (`POST /__admin/faults`).
import { createHash, randomBytes } from "node:crypto";
import { FakeServer, params } from "./fake-server.mjs";
import { withStatistics } from "./insights-youtube.mjs";

export const CHUNK_GRANULARITY = 262_144;
const DAY_MS = 86_400_000;

const defaultConfig = () => ({
  /** `legacy1600`: 10,000 units a day, videos.insert costs 1,600. `bucket100`: 100 inserts a day in their own bucket (PLATFORMS.md §3.6). */
  quotaModel: "legacy1600",
  dailyUnits: 10_000,
  dailyInsertCalls: 100,
  /** Per-channel uploads per Pacific day (web, mobile and API together). */
  channelDailyUploadLimit: 50,
  thumbnailMaxBytes: 2 * 1024 * 1024,
  /** Google keeps a resumable session about a week. */
  sessionTtlMs: 7 * DAY_MS,
  /** Unverified API projects: every upload is locked to private (§3.3). */
  unverifiedProject: false,
});

const initialState = () => ({
  config: defaultConfig(),
  accessTokens: {},
  refreshTokens: {},
  channels: {},
  /** upload_id → {id, channelId, meta, total, contentType, received, createdAt, expiresAt, videoId} */
  sessions: {},
  videos: {},
  /** Pacific day (YYYY-MM-DD) → {units, insertCalls} */
  quota: {},
  /** channelId → {day → uploads} */
  channelUploads: {},
  uploadFaults: [],
  rotateRefreshTokens: 0,
});

// ---------------------------------------------------------------- envelopes

const STATUS_NAMES = { 400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE" };
const DOMAINS = { quotaExceeded: "youtube.quota", rateLimitExceeded: "youtube.quota", uploadLimitExceeded: "youtube.video", authError: "global" };

/** The YouTube Data API error envelope (§3.7). */
export function googleError(code, reason, message) {
  return {
    status: code,
    body: {
      error: {
        code,
        message,
        errors: [{ message, domain: DOMAINS[reason] ?? "youtube.video", reason }],
        status: STATUS_NAMES[code] ?? "FAILED_PRECONDITION",
      },
    },
  };
}

const authError = () => googleError(401, "authError", "Request had invalid authentication credentials. Expected OAuth 2 access token.");

// ---------------------------------------------------------------- time, quota

const pacificDay = new Intl.DateTimeFormat("en-CA", { timeZone: "America/Los_Angeles", year: "numeric", month: "2-digit", day: "2-digit" });
const dayOf = (ms) => pacificDay.format(new Date(ms));

function quotaToday(fake) {
  const day = dayOf(fake.now());
  return (fake.state.quota[day] ??= { units: 0, insertCalls: 0 });
}

/** Would `units` more (or one more insert) exceed today's quota? */
function quotaExhausted(fake, { units = 0, insert = false }) {
  const q = quotaToday(fake);
  const c = fake.state.config;
  if (insert && c.quotaModel === "bucket100") return q.insertCalls + 1 > c.dailyInsertCalls;
  if (insert) return q.units + 1600 > c.dailyUnits;
  return q.units + units > c.dailyUnits;
}

function charge(fake, { units = 0, insert = false }) {
  const q = quotaToday(fake);
  if (insert && fake.state.config.quotaModel === "bucket100") q.insertCalls += 1;
  else if (insert) q.units += 1600;
  else q.units += units;
}

const quotaError = () =>
  googleError(403, "quotaExceeded", "The request cannot be completed because you have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.");

// ---------------------------------------------------------------- OAuth

const newAccessToken = () => `ya29.fake-${randomBytes(12).toString("base64url")}`;
const newRefreshToken = () => `1//fake-${randomBytes(12).toString("base64url")}`;

/** Issues an access token for a channel (1 h, like Google's), stored in state.accessTokens. */
export function issueAccessToken(fake, channelId, scopes) {
  const token = newAccessToken();
  fake.state.accessTokens[token] = { channelId, expiresAt: fake.now() + 3599_000, scopes };
  return token;
}

/**
 * `POST /token` with `grant_type=refresh_token` (§3.1). Exported so the OAuth
 * plugin (authorization_code + PKCE, revoke) can delegate to it; a plugin
 * mounted on this fake sees /token first and returns null for grants it does
 * not handle.
 */
export function refreshTokenGrant(fake, form) {
  const rt = fake.state.refreshTokens[form.refresh_token ?? ""];
  if (!rt || !rt.valid) return { status: 400, body: { error: "invalid_grant", error_description: "Token has been expired or revoked." } };
  const scope = (rt.scopes ?? ["https://www.googleapis.com/auth/youtube.upload"]).join(" ");
  const body = { access_token: issueAccessToken(fake, rt.channelId, rt.scopes), expires_in: 3599, scope, token_type: "Bearer" };
  if (fake.state.rotateRefreshTokens > 0) {
    fake.state.rotateRefreshTokens -= 1;
    const next = newRefreshToken();
    fake.state.refreshTokens[next] = { ...rt, valid: true };
    rt.valid = false;
    body.refresh_token = next;
  }
  return { status: 200, body };
}

export function handleToken(req) {
  if (req.method !== "POST") return { status: 405, body: { error: "invalid_request" } };
  const form = params(req);
  if (form.grant_type === "refresh_token") return refreshTokenGrant(req.fake, form);
  return { status: 400, body: { error: "unsupported_grant_type", error_description: `Invalid grant_type: ${form.grant_type ?? ""}` } };
}

/** The channel behind the request's Bearer token, or null (missing, unknown or expired). */
function channelOf(req) {
  const m = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "");
  const tok = m && req.fake.state.accessTokens[m[1]];
  if (!tok) return null;
  if (tok.expiresAt != null && tok.expiresAt <= req.fake.now()) return null;
  return tok.channelId;
}

// ---------------------------------------------------------------- videos.insert (resumable)

const VALID_PRIVACY = new Set(["public", "unlisted", "private"]);
const CATEGORY_IDS = new Set(["1", "2", "10", "15", "17", "19", "20", "22", "23", "24", "25", "26", "27", "28", "29"]);

/** Returns a Google error response for a bad video resource, or null (§3.3). */
function validateVideoResource(fake, meta) {
  const s = meta.snippet ?? {};
  const st = meta.status ?? {};
  const title = typeof s.title === "string" ? s.title : "";
  if ([...title].length < 1 || [...title].length > 100 || /[<>]/.test(title)) return googleError(400, "invalidTitle", "The request metadata specifies an invalid or empty video title.");
  const description = typeof s.description === "string" ? s.description : "";
  if (Buffer.byteLength(description) > 5000 || /[<>]/.test(description)) return googleError(400, "invalidDescription", "The request metadata specifies an invalid video description.");
  const tags = s.tags ?? [];
  if (!Array.isArray(tags) || tags.reduce((n, t) => n + String(t).length + (/\s/.test(String(t)) ? 2 : 0), 0) + Math.max(0, tags.length - 1) > 500)
    return googleError(400, "invalidTags", "The request metadata specifies invalid video keywords.");
  if (s.categoryId !== undefined && !CATEGORY_IDS.has(String(s.categoryId))) return googleError(400, "invalidCategoryId", "The snippet.categoryId property specifies an invalid category ID.");
  if (st.privacyStatus !== undefined && !VALID_PRIVACY.has(st.privacyStatus)) return googleError(400, "invalidVideoMetadata", "The request metadata is invalid.");
  if (st.publishAt !== undefined) {
    const at = Date.parse(st.publishAt);
    if (st.privacyStatus !== "private" || !Number.isFinite(at) || at <= fake.now()) return googleError(400, "invalidPublishAt", "The request metadata specifies an invalid scheduled publishing time.");
  }
  return null;
}

function startSession(req) {
  const fake = req.fake;
  const channelId = channelOf(req);
  if (!channelId) return authError();
  if (req.query.uploadType !== "resumable") return googleError(400, "invalidUploadType", "uploadType must be resumable.");
  if (!req.query.part) return googleError(400, "required", "Required parameter: part");
  const total = Number(req.headers["x-upload-content-length"]);
  if (!req.headers["x-upload-content-length"] || !Number.isInteger(total) || total <= 0) return googleError(400, "required", "X-Upload-Content-Length is required.");
  const type = req.headers["x-upload-content-type"] ?? "video/mp4";
  if (!/^video\//.test(type) && type !== "application/octet-stream") return googleError(400, "invalidContentType", `X-Upload-Content-Type ${type} is not a video type.`);
  let meta;
  try {
    meta = JSON.parse(req.body.toString("utf8") || "{}");
  } catch {
    charge(fake, { units: 1 });
    return googleError(400, "parseError", "Parse Error");
  }
  const invalid = validateVideoResource(fake, meta);
  if (invalid) {
    charge(fake, { units: 1 }); // invalid requests cost at least a unit (§3.6)
    return invalid;
  }
  if (quotaExhausted(fake, { insert: true })) return quotaError();
  const day = dayOf(fake.now());
  const uploads = (fake.state.channelUploads[channelId] ??= {});
  if ((uploads[day] ?? 0) >= fake.state.config.channelDailyUploadLimit) return googleError(400, "uploadLimitExceeded", "The user has exceeded the number of videos they may upload.");
  const id = randomBytes(18).toString("base64url");
  const now = fake.now();
  fake.state.sessions[id] = { id, channelId, meta, total, contentType: type, received: 0, hash: createHash("sha256"), createdAt: now, expiresAt: now + fake.state.config.sessionTtlMs, videoId: null };
  const host = req.headers.host ? `http://${req.headers.host}` : fake.url;
  return { status: 200, headers: { location: `${host}/upload/youtube/v3/videos?uploadType=resumable&upload_id=${id}` } };
}

// Parses `bytes */T` (a probe) and `bytes a-b/T`; null when absent, "bad" when malformed.
function parseContentRange(value) {
  if (value === undefined) return null;
  let m = /^bytes \*\/(\d+)$/.exec(value);
  if (m) return { probe: true, total: Number(m[1]) };
  m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(value);
  if (m) return { probe: false, first: Number(m[1]), last: Number(m[2]), total: Number(m[3]) };
  return "bad";
}

const incomplete = (session) => ({ status: 308, headers: session.received > 0 ? { range: `bytes=0-${session.received - 1}` } : {} });

function finishUpload(fake, session) {
  const now = fake.now();
  const videoId = randomBytes(8).toString("base64url").slice(0, 11);
  const s = session.meta.snippet ?? {};
  const st = session.meta.status ?? {};
  const video = {
    kind: "youtube#video",
    id: videoId,
    snippet: { publishedAt: new Date(now).toISOString(), channelId: session.channelId, title: s.title, description: s.description ?? "", tags: s.tags, categoryId: s.categoryId ?? "22", channelTitle: fake.state.channels[session.channelId]?.title },
    status: {
      uploadStatus: "uploaded",
      privacyStatus: fake.state.config.unverifiedProject ? "private" : (st.privacyStatus ?? "public"),
      ...(st.publishAt ? { publishAt: st.publishAt } : {}),
      selfDeclaredMadeForKids: st.selfDeclaredMadeForKids,
      license: "youtube",
      embeddable: true,
    },
    fileDetails: { fileSize: session.total },
  };
  fake.state.videos[videoId] = { ...video, channelId: session.channelId, sha256: session.hash.digest("hex"), uploadSessionId: session.id, uploadedAt: now, thumbnail: null };
  session.videoId = videoId;
  session.hash = null;
  charge(fake, { insert: true });
  const uploads = (fake.state.channelUploads[session.channelId] ??= {});
  const day = dayOf(now);
  uploads[day] = (uploads[day] ?? 0) + 1;
  return video;
}

const videoResource = (v) => ({ kind: v.kind, id: v.id, snippet: v.snippet, status: v.status, fileDetails: v.fileDetails });

/** The next partial-store fault, once its `skip` data PUTs have gone through. */
function takeUploadFault(fake) {
  const next = fake.state.uploadFaults[0];
  if (!next) return null;
  if ((next.skip ?? 0) > 0) {
    next.skip -= 1;
    return null;
  }
  return fake.state.uploadFaults.shift();
}

function putSession(req) {
  const fake = req.fake;
  const session = fake.state.sessions[req.query.upload_id ?? ""];
  if (!session || session.expiresAt <= fake.now()) return googleError(404, "notFound", "The upload session was not found or has expired.");
  // The session URI is the capability; a token sent with it must still be valid.
  if (req.headers.authorization !== undefined && channelOf(req) !== session.channelId) return authError();
  if (session.videoId) return { status: 201, body: videoResource(fake.state.videos[session.videoId]) };

  const range = parseContentRange(req.headers["content-range"]);
  if (range === "bad") return googleError(400, "badRequest", `Malformed Content-Range: ${req.headers["content-range"]}`);
  if (range?.probe) {
    if (range.total !== session.total) return googleError(400, "badRequest", `Content-Range total ${range.total} is not the announced ${session.total}.`);
    if (req.body.length > 0) return googleError(400, "badRequest", "A status probe has an empty body.");
    return incomplete(session);
  }
  // A whole-file PUT has no Content-Range.
  const first = range ? range.first : 0;
  const last = range ? range.last : req.body.length - 1;
  const total = range ? range.total : req.body.length;
  if (total !== session.total) return googleError(400, "badRequest", `Content-Range total ${total} is not the announced ${session.total}.`);
  if (first !== session.received) return googleError(400, "badRequest", `Content-Range starts at ${first}, but ${session.received} bytes were received.`);
  if (last < first || last >= total) return googleError(400, "badRequest", `Content-Range ${first}-${last} is outside 0-${total - 1}.`);
  const length = last - first + 1;
  let body = req.body;
  if (!req.truncated) {
    if (body.length !== length) return googleError(400, "badRequest", `Content-Range announces ${length} bytes, the body has ${body.length}.`);
    if (last !== total - 1 && length % CHUNK_GRANULARITY !== 0) return googleError(400, "badRequest", `A chunk other than the last must be a multiple of ${CHUNK_GRANULARITY} bytes; this one has ${length}.`);
  }
  const fault = takeUploadFault(fake);
  if (fault) body = body.subarray(0, Math.min(fault.storeBytes ?? 0, body.length));
  session.hash.update(body);
  session.received += body.length;
  if (fault) return googleError(fault.status ?? 503, fault.reason ?? "backendError", "Backend Error");
  if (session.received === session.total) return { status: 201, body: finishUpload(fake, session) };
  return incomplete(session);
}

// ---------------------------------------------------------------- thumbnails.set

const isJpeg = (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
const isPng = (b) => b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

function setThumbnail(req) {
  const fake = req.fake;
  const channelId = channelOf(req);
  if (!channelId) return authError();
  const video = fake.state.videos[req.query.videoId ?? ""];
  if (!video) return googleError(404, "videoNotFound", "The video that you are trying to update cannot be found.");
  if (video.channelId !== channelId) return googleError(403, "forbidden", "The authenticated user doesn't have permissions for setting a custom thumbnail for this video.");
  if (quotaExhausted(fake, { units: 50 })) return quotaError();
  charge(fake, { units: 50 });
  if (req.body.length === 0) return googleError(400, "mediaBodyRequired", "The request does not include the image content.");
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim();
  if (!["image/jpeg", "image/png", "application/octet-stream"].includes(type) || !(isJpeg(req.body) || isPng(req.body)))
    return googleError(400, "imageFormatUnsupported", "The image content provided is not supported.");
  if (req.body.length > fake.state.config.thumbnailMaxBytes) return googleError(400, "invalidImage", "The provided image content is invalid: it is larger than the maximum size.");
  video.thumbnail = { bytes: req.body.length, contentType: isJpeg(req.body) ? "image/jpeg" : "image/png", setAt: fake.now() };
  const url = `https://i.ytimg.com/vi/${video.id}/default.jpg`;
  return { status: 200, body: { kind: "youtube#thumbnailSetResponse", items: [{ default: { url, width: 120, height: 90 }, maxres: { url: url.replace("default", "maxresdefault"), width: 1280, height: 720 } }] } };
}

// ---------------------------------------------------------------- list calls (1 unit each)

function listCall(req, build) {
  const channelId = channelOf(req);
  if (!channelId) return authError();
  if (!req.query.part) return googleError(400, "required", "Required parameter: part");
  if (quotaExhausted(req.fake, { units: 1 })) return quotaError();
  charge(req.fake, { units: 1 });
  return { status: 200, body: build(channelId) };
}

function listChannels(req) {
  return listCall(req, (channelId) => {
    const ids = req.query.mine === "true" ? [channelId] : (req.query.id ?? "").split(",").filter(Boolean);
    const items = ids
      .filter((id) => req.fake.state.channels[id])
      .map((id) => {
        const ch = req.fake.state.channels[id];
        return withStatistics(req, "channel", id, { kind: "youtube#channel", id, snippet: { title: ch.title }, contentDetails: { relatedPlaylists: { likes: "", uploads: ch.uploadsPlaylistId } } });
      });
    return { kind: "youtube#channelListResponse", pageInfo: { totalResults: items.length, resultsPerPage: items.length }, items };
  });
}

function listPlaylistItems(req) {
  return listCall(req, () => {
    const entry = Object.entries(req.fake.state.channels).find(([, ch]) => ch.uploadsPlaylistId === req.query.playlistId);
    const videos = entry ? Object.values(req.fake.state.videos).filter((v) => v.channelId === entry[0]).sort((a, b) => b.uploadedAt - a.uploadedAt) : [];
    const perPage = Math.min(Math.max(Number(req.query.maxResults ?? 5) || 5, 0), 50);
    const start = Number(req.query.pageToken ?? 0) || 0;
    const page = videos.slice(start, start + perPage);
    return {
      kind: "youtube#playlistItemListResponse",
      ...(start + perPage < videos.length ? { nextPageToken: String(start + perPage) } : {}),
      pageInfo: { totalResults: videos.length, resultsPerPage: perPage },
      items: page.map((v, i) => ({
        kind: "youtube#playlistItem",
        id: `${req.query.playlistId}.${v.id}`,
        snippet: { publishedAt: v.snippet.publishedAt, channelId: v.channelId, title: v.snippet.title, description: v.snippet.description, playlistId: req.query.playlistId, position: start + i, resourceId: { kind: "youtube#video", videoId: v.id } },
      })),
    };
  });
}

function listVideos(req) {
  return listCall(req, () => {
    const items = (req.query.id ?? "")
      .split(",")
      .map((id) => req.fake.state.videos[id])
      .filter(Boolean)
      .map((v) => withStatistics(req, "video", v.id, videoResource(v)));
    return { kind: "youtube#videoListResponse", pageInfo: { totalResults: items.length, resultsPerPage: items.length }, items };
  });
}

// ---------------------------------------------------------------- wiring

function route(req) {
  const { method, path } = req;
  if (path === "/token") return handleToken(req);
  if (method === "POST" && path === "/upload/youtube/v3/videos") return startSession(req);
  if (method === "PUT" && path === "/upload/youtube/v3/videos") return putSession(req);
  if (method === "POST" && path === "/upload/youtube/v3/thumbnails/set") return setThumbnail(req);
  if (method === "GET" && path === "/youtube/v3/channels") return listChannels(req);
  if (method === "GET" && path === "/youtube/v3/playlistItems") return listPlaylistItems(req);
  if (method === "GET" && path === "/youtube/v3/videos") return listVideos(req);
  return googleError(404, "notFound", `No route for ${method} ${path}`);
}

function seed(state, input, fake) {
  for (const ch of input.channels ?? []) {
    state.channels[ch.id] = { title: ch.title ?? ch.id, uploadsPlaylistId: `UU${ch.id.replace(/^UC/, "")}` };
    if (ch.accessToken) state.accessTokens[ch.accessToken] = { channelId: ch.id, expiresAt: ch.accessTokenExpiresAt ?? null };
    if (ch.refreshToken) state.refreshTokens[ch.refreshToken] = { valid: true, channelId: ch.id, scopes: ch.scopes ?? ["https://www.googleapis.com/auth/youtube.upload", "https://www.googleapis.com/auth/youtube.readonly"] };
  }
  if (input.config) Object.assign(state.config, input.config);
  if (input.quota) Object.assign(quotaToday(fake), input.quota);
  if (input.uploadFaults) state.uploadFaults.push(...input.uploadFaults);
  if (input.rotateRefreshTokens) state.rotateRefreshTokens += input.rotateRefreshTokens;
  if (input.revokeRefreshToken && state.refreshTokens[input.revokeRefreshToken]) state.refreshTokens[input.revokeRefreshToken].valid = false;
  return { ok: true };
}

/** GET /__admin/state: everything but the running hashes. */
function publicState(state) {
  return { ...state, sessions: Object.fromEntries(Object.entries(state.sessions).map(([id, s]) => [id, { ...s, hash: undefined }])) };
}

export function createFake() {
  return new FakeServer("youtube", route, { initialState, publicState, seed });
}
