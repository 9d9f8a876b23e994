// Fake Facebook Pages Graph + rupload on one server (PLATFORMS.md §6.2): Page
// reels in three phases (start, transfer to this fake's
// `/video-upload/{ver}/{video_id}`, finish), photos, multi-photo posts through
// /feed, the recovery listings, the 30-reels window and the 190 envelopes.
// The instagram fake's plugin serves the IG endpoints here for Facebook Login
// accounts.
//
// State conventions shared with the OAuth plugins and the chaos test:
//   state.tokens[token] = {kind: "user"|"page", userId?, pageId?, expiresAt|null, scopes, valid}
//   state.pages[pageId] = {name, accessToken, igUserId?}
//   state.videos[id], state.photos[id], state.posts[id], state.reelsLog[pageId] = [ms]
//   state.counts = {reels, posts} (published objects, to assert "exactly once")
import { FakeServer, params } from "./fake-server.mjs";
import { graphError, graphId, graphTime, inspectMedia, pick, seedMediaMeta, tokenError, tokenOf, versioned } from "./graph-common.mjs";
import { mediaSeedPlugin } from "./instagram.mjs";

const DAY_MS = 24 * 3600 * 1000;

const initialState = () => ({
  tokens: {},
  pages: {},
  videos: {},
  photos: {},
  posts: {},
  reelsLog: {},
  counts: { reels: 0, posts: 0 },
  mediaMeta: {},
  fbConfig: { reelsCap: 30, processingMs: 5_000, strictDuplicate: false, fetchMedia: false },
});

/** rupload's own error envelope. */
const debugError = (status, type, message, retriable = false) => ({ status, body: { debug_info: { type, message, retriable } } });

/** The Page token for `pageId`, or the error Graph would answer with. */
export function pageAuth(state, token, pageId, now) {
  const record = token ? state.tokens[token] : undefined;
  const bad = tokenError(record, now);
  if (bad) return { error: bad };
  if (record.kind !== "page" || record.pageId !== pageId) {
    return { error: graphError(403, 200, "(#200) Requires a Page access token with pages_manage_posts for this Page.", undefined, { type: "OAuthException" }) };
  }
  return { record };
}

/** Upload and processing phases follow the virtual clock (§2.2 step 3). */
function videoStatus(v, now) {
  const up = v.uploading;
  const processing = up.status !== "complete" ? { status: "not_started" } : v.processingError ? { status: "error", error: { message: v.processingError } } : now >= up.completedAt + v.processingMs ? { status: "complete" } : { status: "in_progress" };
  const video_status = v.processingError ? "error" : up.status !== "complete" ? (up.status === "not_started" ? "upload_complete" : "processing") : processing.status === "complete" ? "ready" : "processing";
  return {
    video_status: up.status === "not_started" ? "processing" : video_status,
    uploading_phase: { status: up.status, bytes_transferred: up.bytes_transferred },
    processing_phase: processing,
    publishing_phase: v.publishing,
  };
}

async function rupload(req, state, videoId, now) {
  const v = state.videos[videoId];
  const auth = /^OAuth\s+(.+)$/i.exec(req.headers.authorization ?? "");
  if (!auth) return debugError(401, "AuthError", "Authorization header with 'OAuth <token>' is required");
  if (!v) return debugError(400, "NotFoundError", `No upload session for video ${videoId}`);
  const { error } = pageAuth(state, auth[1].trim(), v.pageId, now);
  if (error) return { status: 401, body: { debug_info: { type: "AuthError", message: error.body.error.message, retriable: false } } };
  const cfg = state.fbConfig;
  const hasOffset = req.headers.offset !== undefined;
  const fileUrl = req.headers.file_url ?? req.headers["file-url"];
  if (fileUrl) {
    // The hosted form too wants `offset` and `file_size` (trypost PR #32 met this refusal).
    if (!hasOffset || req.headers.file_size === undefined) return debugError(400, "ParameterValidationError", "HeaderValuePredicate: Header Offset not convertable to unsigned long");
    const meta = await inspectMedia(state, cfg, fileUrl);
    if (meta?.unreachable) return debugError(400, "ProcessingFailedError", "Could not fetch the file at file_url", true);
    const size = meta?.sizeBytes ?? (Number(req.headers.file_size) || 1);
    v.fileUrl = fileUrl;
    v.uploading = meta?.uploadStuck ? { status: "in_progress", bytes_transferred: 0, file_size: size } : { status: "complete", bytes_transferred: size, file_size: size, completedAt: now };
    if (meta?.processingError) v.processingError = meta.processingError;
    return { body: { success: true } };
  }
  const offset = Number(req.headers.offset);
  const fileSize = Number(req.headers.file_size);
  if (!hasOffset || !Number.isFinite(offset) || !Number.isFinite(fileSize) || fileSize <= 0) return debugError(400, "ParameterValidationError", "Headers offset and file_size are required with a body");
  if (offset !== v.uploading.bytes_transferred) return debugError(400, "InvalidOffsetError", `Invalid offset ${offset}: ${v.uploading.bytes_transferred} bytes were transferred`);
  // Non-chunking: one request carries the rest of the file. Only a cut connection (truncate fault) leaves part of it,
  // and the client resumes from bytes_transferred.
  if (!req.truncated && req.body.length !== fileSize - offset) {
    return debugError(400, "ParameterValidationError", `The body must hold the rest of the file: ${fileSize - offset} bytes from offset ${offset}, not ${req.body.length}`);
  }
  const total = Math.min(fileSize, offset + req.body.length);
  v.uploading = { status: total >= fileSize ? "complete" : "in_progress", bytes_transferred: total, file_size: fileSize, ...(total >= fileSize ? { completedAt: now } : {}) };
  v.bytes = (v.bytes ?? 0) + req.body.length;
  return { body: { success: true } };
}

function videoReels(req, state, pageId, p, now) {
  const cfg = state.fbConfig;
  if (p.upload_phase === "start") {
    const id = graphId();
    state.videos[id] = {
      id, pageId, kind: "reel", createdAt: now, processingMs: cfg.processingMs,
      uploading: { status: "not_started", bytes_transferred: 0, file_size: 0 },
      publishing: { status: "not_started" }, video_state: null, description: null,
    };
    const version = versioned(req.path).version;
    return { body: { video_id: id, upload_url: `${req.fake.url}/video-upload/${version}/${id}` } };
  }
  if (p.upload_phase === "finish") {
    const v = state.videos[p.video_id];
    if (!v || v.pageId !== pageId) return graphError(400, 100, `Unsupported post request. Object with ID '${p.video_id}' does not exist.`, 33);
    if (v.publishing.status === "complete") return graphError(400, 100, "This video has already been published.", 1363130);
    if (v.uploading.status !== "complete") return graphError(400, 6000, "There was a problem uploading your video file. Please try again with another file.", undefined, { error_user_title: "Problem with file" });
    const log = (state.reelsLog[pageId] ??= []);
    const inWindow = log.filter((t) => t > now - DAY_MS);
    if (inWindow.length >= (state.pages[pageId]?.reelsCap ?? cfg.reelsCap)) {
      const minutes = Math.ceil((inWindow[0] + DAY_MS - now) / 60_000);
      return { ...graphError(400, 32, "Page request limit reached: too many reels published in 24 hours."), headers: { "x-business-use-case-usage": JSON.stringify({ [pageId]: [{ type: "pages", call_count: 100, total_cputime: 10, total_time: 10, estimated_time_to_regain_access: minutes }] }) } };
    }
    const state_ = String(p.video_state ?? "PUBLISHED").toUpperCase();
    v.video_state = state_;
    v.description = p.description ?? "";
    if (state_ === "PUBLISHED") {
      v.publishing = { status: "complete", publish_status: "published", publish_time: Math.floor(now / 1000) };
      log.push(now);
      state.counts.reels += 1;
    } else v.publishing = { status: "not_started", publish_status: state_ === "SCHEDULED" ? "scheduled" : "draft" };
    return { body: { success: true } };
  }
  return graphError(400, 100, "(#100) upload_phase must be start or finish.");
}

async function photos(state, pageId, p, now) {
  if (!p.url) return graphError(400, 100, "(#100) url is required.");
  const meta = await inspectMedia(state, state.fbConfig, p.url);
  if (meta?.unreachable) return graphError(400, 324, "(#324) Missing or invalid image file");
  if (meta?.sizeBytes > 4 * 1024 * 1024 || (meta?.format && !["jpeg", "jpg", "png"].includes(String(meta.format).toLowerCase()))) {
    return graphError(400, 1366046, "Your photos couldn't be uploaded. Photos should be less than 4 MB and saved as JPG or PNG files.");
  }
  const id = graphId();
  const published = String(p.published ?? "true") !== "false";
  state.photos[id] = { id, pageId, url: p.url, published, attachedTo: null };
  if (!published) return { body: { id } };
  const post = addPost(state, pageId, p.message ?? "", [id], now);
  state.photos[id].attachedTo = post.id;
  return { body: { id, post_id: post.id } };
}

function addPost(state, pageId, message, attached, now) {
  const id = `${pageId}_${graphId()}`;
  state.posts[id] = { id, pageId, message, attached, created_time: graphTime(now), at: now };
  state.counts.posts += 1;
  return state.posts[id];
}

function feed(state, pageId, p, now) {
  const attached = [];
  for (let i = 0; p[`attached_media[${i}]`] !== undefined; i++) {
    let fbid;
    try {
      fbid = JSON.parse(p[`attached_media[${i}]`]).media_fbid;
    } catch {
      return graphError(400, 100, `(#100) param attached_media[${i}] must be a JSON object with media_fbid.`);
    }
    const photo = state.photos[fbid];
    if (!photo || photo.pageId !== pageId || photo.published || photo.attachedTo) return graphError(400, 100, `(#100) media_fbid ${fbid} is not an unpublished photo of this Page.`);
    attached.push(fbid);
  }
  const message = p.message ?? "";
  if (!message && attached.length === 0) return graphError(400, 100, "(#100) A post needs a message or attached media.");
  const last = Object.values(state.posts).filter((x) => x.pageId === pageId).sort((a, b) => b.at - a.at)[0];
  if (state.fbConfig.strictDuplicate && last && last.message === message) return graphError(400, 506, "(#506) Duplicate status message");
  const post = addPost(state, pageId, message, attached, now);
  for (const id of attached) state.photos[id].attachedTo = post.id;
  return { body: { id: post.id } };
}

function listing(items, p, now) {
  const since = p.since ? (/^\d+$/.test(p.since) ? Number(p.since) * 1000 : Date.parse(p.since)) : 0;
  const limit = Math.min(Number(p.limit ?? 25) || 25, 100);
  const rows = items.filter((x) => x.at >= since && x.at <= now).sort((a, b) => b.at - a.at);
  return { body: { data: rows.slice(0, limit).map((x) => pick(x, p.fields ?? "id,created_time")), paging: { cursors: { before: "b", after: "a" } } } };
}

async function handle(req) {
  const { state } = req.fake;
  const now = req.fake.now();
  const upload = /^\/video-upload\/(v\d+\.\d+)\/([^/]+)$/.exec(req.path);
  if (upload && req.method === "POST") return rupload(req, state, upload[2], now);
  const v = versioned(req.path);
  if (!v) return graphError(400, 100, "Unknown path components: the Graph API version must be in the URL.");
  const p = params(req);
  const token = tokenOf(req, p);
  const [id, edge, ...rest] = v.parts;
  if (rest.length) return graphError(400, 100, "Unknown path components.");

  if (req.method === "GET" && id === "me" && edge === "accounts") {
    const record = state.tokens[token];
    const bad = tokenError(record, now);
    if (bad) return bad;
    const pages = Object.entries(state.pages).filter(([, pg]) => pg.userId === undefined || pg.userId === record.userId);
    return { body: { data: pages.map(([pid, pg]) => ({ id: pid, name: pg.name, access_token: pg.accessToken, ...(pg.igUserId ? { instagram_business_account: { id: pg.igUserId } } : {}) })) } };
  }
  const video = state.videos[id];
  if (video && !edge && req.method === "GET") {
    const { error } = pageAuth(state, token, video.pageId, now);
    if (error) return error;
    const full = { id, status: videoStatus(video, now), description: video.description ?? undefined, created_time: graphTime(video.createdAt) };
    return { body: pick(full, p.fields ?? "id") };
  }
  const page = state.pages[id];
  if (!page) return graphError(400, 100, `Unsupported request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 33);
  if (req.method === "GET" && !edge) {
    const record = state.tokens[token];
    const bad = tokenError(record, now);
    if (bad) return bad;
    return { body: pick({ id, name: page.name, access_token: page.accessToken, ...(page.igUserId ? { instagram_business_account: { id: page.igUserId } } : {}) }, p.fields ?? "name") };
  }
  const { error } = pageAuth(state, token, id, now);
  if (error) return error;
  if (req.method === "POST" && edge === "video_reels") return videoReels(req, state, id, p, now);
  if (req.method === "POST" && edge === "photos") return photos(state, id, p, now);
  if (req.method === "POST" && edge === "feed") return feed(state, id, p, now);
  if (req.method === "POST" && edge === "videos") {
    if (!p.file_url) return graphError(400, 100, "(#100) file_url is required.");
    const vid = graphId();
    state.videos[vid] = { id: vid, pageId: id, kind: "video", createdAt: now, processingMs: state.fbConfig.processingMs, uploading: { status: "complete", bytes_transferred: 1, file_size: 1, completedAt: now }, publishing: { status: "complete", publish_status: "published" }, description: p.description ?? "" };
    return { body: { id: vid } };
  }
  if (req.method === "GET" && (edge === "posts" || edge === "published_posts" || edge === "feed")) return listing(Object.values(state.posts).filter((x) => x.pageId === id), p, now);
  if (req.method === "GET" && edge === "videos") {
    const vids = Object.values(state.videos).filter((x) => x.pageId === id && x.publishing.status === "complete").map((x) => ({ id: x.id, description: x.description, created_time: graphTime(x.createdAt), at: x.createdAt }));
    return listing(vids, p, now);
  }
  return graphError(400, 100, "Unsupported request - method type or edge not supported.");
}

/** `POST /__admin/seed {pages: [{id, name, token, igUserId?, igUsername?, userId?, reelsCap?, reelsPublishedAt?, revokedSubcode?}], users?: [{id, token}], media?, config?, igConfig?}`. */
function seed(state, input) {
  for (const u of input.users ?? []) state.tokens[u.token] = { kind: "user", userId: u.id, expiresAt: u.expiresAt ?? null, scopes: u.scopes ?? ["pages_show_list", "pages_read_engagement", "pages_manage_posts"], valid: true };
  for (const pg of input.pages ?? []) {
    state.pages[pg.id] = { name: pg.name ?? `Page ${pg.id}`, accessToken: pg.token, ...(pg.igUserId ? { igUserId: pg.igUserId } : {}), ...(pg.userId ? { userId: pg.userId } : {}) };
    if (pg.token) {
      state.tokens[pg.token] = { kind: "page", pageId: pg.id, expiresAt: null, scopes: ["pages_show_list", "pages_read_engagement", "pages_manage_posts"], valid: !pg.revokedSubcode, ...(pg.revokedSubcode ? { revokedSubcode: pg.revokedSubcode } : {}) };
    }
    if (pg.reelsCap) state.pages[pg.id].reelsCap = pg.reelsCap;
    // Reels already in the rolling 24 h window (epoch ms), for cap tests without moving the clock.
    if (pg.reelsPublishedAt) state.reelsLog[pg.id] = [...pg.reelsPublishedAt].sort((a, b) => a - b);
    if (pg.igUserId && state.igUsers) state.igUsers[pg.igUserId] = { username: pg.igUsername ?? `ig${pg.igUserId}`, accountType: "BUSINESS" };
  }
  if (input.media) seedMediaMeta(state, input.media);
  if (input.config) Object.assign(state.fbConfig, input.config);
  if (input.igConfig && state.igConfig) Object.assign(state.igConfig, input.igConfig);
  return { ok: true };
}

export function createFake() {
  return new FakeServer("facebook", handle, { initialState, seed }).use(mediaSeedPlugin());
}
