// Fake Instagram Graph content publishing (PLATFORMS.md §6.1): containers that
// process on a virtual clock, media_publish with the rolling 24 h cap, the
// recent-media list the recovery lookup reads, and the 190 envelopes. It runs
// on its own (graph.instagram.com, Instagram Login) and as a plugin on the
// facebook fake (graph.facebook.com, Facebook Login: same endpoints, the IG
// business id, Facebook user or Page tokens).
//
// State conventions shared with the OAuth plugins and the chaos test:
//   state.tokens[token] = {igUserId, expiresAt|null, scopes, valid}
//   state.users[igUserId] = {username, accountType: "BUSINESS"}   (standalone)
//   state.igUsers[igUserId] = {…}                                 (as a plugin on the facebook fake)
//   state.media[id], state.containers[id], state.publishLog[igUserId] = [ms], state.published (count)
import { FakeServer, params } from "./fake-server.mjs";
import { graphError, graphId, graphTime, inspectMedia, pick, seedMediaMeta, tokenError, tokenOf, versioned } from "./graph-common.mjs";

const DAY_MS = 24 * 3600 * 1000;

export const igInitialState = () => ({
  containers: {},
  media: {},
  publishLog: {},
  published: 0,
  mediaMeta: {},
  igConfig: { quotaTotal: 100, processingMs: { image: 0, reel: 30_000, video: 30_000, carousel: 0 }, fetchMedia: false },
});

/** How the IG routes find users and check tokens, standalone or on the Facebook host. */
export const STANDALONE = {
  users: (state) => state.users,
  /** IG user ids this token may act for. */
  allowed: (state, record) => (record.igUserId ? [record.igUserId] : []),
};
export const ON_FACEBOOK = {
  users: (state) => state.igUsers,
  allowed: (state, record) => {
    if (record.igUserId) return [record.igUserId];
    const pages = Object.entries(state.pages ?? {});
    if (record.kind === "page") return pages.filter(([id]) => id === record.pageId).map(([, p]) => p.igUserId).filter(Boolean);
    return pages.filter(([, p]) => p.igUserId && (p.userId === undefined || p.userId === record.userId)).map(([, p]) => p.igUserId);
  },
};

/** Moves a container along the virtual clock: FINISHED or ERROR once processed, EXPIRED 24 h after creation. */
function tick(c, now) {
  if (c.status_code === "PUBLISHED") return c;
  if (now - c.createdAt >= DAY_MS) {
    c.status_code = "EXPIRED";
    c.status = "Expired: Media was not published within 24 hours.";
  } else if (c.status_code === "IN_PROGRESS" && now >= c.readyAt) {
    c.status_code = c.outcome.status_code;
    c.status = c.outcome.status;
  }
  return c;
}

const statusText = {
  IN_PROGRESS: "In Progress: Media is still being processed.",
  FINISHED: "Finished: Media has been uploaded and it is ready to be published.",
};

async function createContainer(req, state, igUser, p, now) {
  const cfg = state.igConfig;
  const type = (p.media_type ?? "").toUpperCase();
  const isChild = p.is_carousel_item === "true";
  if (!["", "IMAGE", "REELS", "VIDEO", "CAROUSEL", "STORIES"].includes(type) || (type === "VIDEO" && !isChild)) {
    return graphError(400, 100, "The media type is not supported.", 2207023, { error_user_title: "Unknown media type" });
  }
  if ((p.caption ?? "").length > 2200) return graphError(400, 36004, "The caption is too long.", 2207010);
  if (isChild && p.caption) return graphError(400, 100, "Carousel items take no caption.");

  let kind = type === "REELS" ? "reel" : type === "VIDEO" ? "video" : type === "CAROUSEL" ? "carousel" : "image";
  let outcome = { status_code: "FINISHED", status: statusText.FINISHED };
  let processingMs = cfg.processingMs[kind] ?? 0;
  let children = [];

  if (kind === "carousel") {
    children = String(p.children ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    const ok = children.length >= 2 && children.length <= 10 && children.every((id) => {
      const c = state.containers[id];
      return c && c.owner === igUser && c.isCarouselItem && tick(c, now).status_code === "FINISHED";
    });
    if (!ok) return graphError(400, 100, "The carousel must have 2 to 10 finished items.", 2207028);
  } else if (kind === "image") {
    if (!p.image_url) return graphError(400, 100, "The parameter image_url is required.");
    const bad = await imageProblem(state, cfg, p.image_url, true);
    if (bad) return bad;
  } else {
    if (!p.video_url) return graphError(400, 100, "The parameter video_url is required.");
    const meta = await inspectMedia(state, cfg, p.video_url);
    if (meta?.unreachable) return graphError(400, 9004, "Media download has failed. The media URI doesn't meet our requirements.", 2207052);
    if (p.cover_url) {
      const bad = await imageProblem(state, cfg, p.cover_url, false);
      if (bad) return bad;
    }
    if (meta?.processingMs !== undefined) processingMs = meta.processingMs;
    if (meta?.neverFinishes) processingMs = Number.POSITIVE_INFINITY;
    const badFormat = meta?.format && !["mp4", "mov", "quicktime"].includes(String(meta.format).toLowerCase());
    const badLength = meta?.durationMs !== undefined && (meta.durationMs < 3000 || meta.durationMs > 15 * 60_000);
    const sub = meta?.errorSubcode ?? (badFormat || badLength ? 2207026 : undefined);
    if (sub) outcome = { status_code: "ERROR", status: `Error: Media upload has failed with error code ${sub}` };
  }
  const id = graphId();
  state.containers[id] = {
    id, owner: igUser, type: kind, params: { ...p, access_token: undefined }, isCarouselItem: isChild, children, createdAt: now, readyAt: now + processingMs,
    status_code: "IN_PROGRESS", status: statusText.IN_PROGRESS, outcome,
  };
  return { body: { id } };
}

/** Instagram takes JPEG only, at most 8 MiB, 4:5 to 1.91:1 for feed images (PLATFORMS.md §1.6). */
async function imageProblem(state, cfg, url, feed) {
  const meta = await inspectMedia(state, cfg, url);
  if (!meta) return null;
  if (meta.unreachable) return graphError(400, 9004, "Media download has failed. The media URI doesn't meet our requirements.", 2207052);
  if (meta.format && !["jpeg", "jpg"].includes(String(meta.format).toLowerCase())) return graphError(400, 36001, "The image format is not supported.", 2207005);
  if (meta.sizeBytes > 8 * 1024 * 1024) return graphError(400, 36000, "The image size is too large.", 2207004);
  if (feed && meta.width && meta.height) {
    const ratio = meta.width / meta.height;
    if (ratio < 0.8 - 1e-3 || ratio > 1.91 + 1e-3) return graphError(400, 36003, "The aspect ratio is not supported.", 2207009);
  }
  return null;
}

/** `config.quota_total`: per user when seeded so, else the fake's (100 by default; 25 or 50 in older docs). */
const quotaOf = (state, igUser) => (state.igUsers?.[igUser] ?? state.users?.[igUser])?.quotaTotal ?? state.igConfig.quotaTotal;

function publish(state, igUser, p, now) {
  const c = state.containers[p.creation_id];
  if (!c || c.owner !== igUser) return graphError(400, 100, `Unsupported post request. Object with ID '${p.creation_id}' does not exist.`, 33);
  tick(c, now);
  if (c.status_code === "IN_PROGRESS") return graphError(400, 9007, "The media is not ready for publishing, please wait for a moment", 2207027);
  if (c.status_code === "EXPIRED") return graphError(400, -2, "The media has expired.", 2207020);
  if (c.status_code === "ERROR") return graphError(400, -1, "Create media failed.", 2207032);
  // Undocumented in reality (PLATFORMS.md §5): a second publish of one container is refused with its own error.
  if (c.status_code === "PUBLISHED") return graphError(400, 100, "This media has already been published.");
  if (c.isCarouselItem) return graphError(400, 100, "A carousel item cannot be published on its own.");
  const log = (state.publishLog[igUser] ??= []);
  if (log.filter((t) => t > now - DAY_MS).length >= quotaOf(state, igUser)) {
    return graphError(400, 9, "Application request limit reached: you reached the maximum number of posts allowed in 24 hours.", 2207042, { error_user_title: "Publishing limit reached" });
  }
  const id = graphId();
  const short = id.slice(-11);
  const reel = c.type === "reel";
  state.media[id] = {
    id, owner: igUser, containerId: c.id, caption: c.params.caption ?? "",
    media_type: reel ? "VIDEO" : c.type === "carousel" ? "CAROUSEL_ALBUM" : "IMAGE",
    media_product_type: reel ? "REELS" : "FEED",
    permalink: `https://www.instagram.com/${reel ? "reel" : "p"}/${short}/`,
    timestamp: graphTime(now), at: now,
  };
  c.status_code = "PUBLISHED";
  c.status = "Published: Media has been published.";
  c.mediaId = id;
  log.push(now);
  state.published += 1;
  return { body: { id } };
}

/** The IG Graph routes; null when the path is not an Instagram object (so the facebook fake handles it). */
export async function handleInstagram(req, mode) {
  const { state } = req.fake;
  const now = req.fake.now();
  const v = versioned(req.path);
  if (!v) return null;
  const [id, edge, ...rest] = v.parts;
  const users = mode.users(state) ?? {};
  const isUser = id in users;
  const object = state.containers[id] ?? state.media[id];
  if (rest.length || (!isUser && !object) || (edge && !isUser)) return null;

  const p = params(req);
  const token = tokenOf(req, p);
  const record = token ? state.tokens[token] : undefined;
  const bad = tokenError(record, now);
  if (bad) return bad;
  const owner = isUser ? id : object.owner;
  if (!mode.allowed(state, record).includes(owner)) {
    return graphError(400, 100, `Unsupported request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 33);
  }

  if (req.method === "POST" && edge === "media") return createContainer(req, state, id, p, now);
  if (req.method === "POST" && edge === "media_publish") return publish(state, id, p, now);
  if (req.method === "GET" && edge === "content_publishing_limit") {
    const since = p.since ? Number(p.since) * 1000 : 0;
    const from = Math.max(now - DAY_MS, since);
    const used = (state.publishLog[id] ?? []).filter((t) => t >= from && t <= now).length;
    return { body: { data: [{ quota_usage: used, config: { quota_total: quotaOf(state, id), quota_duration: 86400 } }] } };
  }
  if (req.method === "GET" && edge === "media") {
    const limit = Math.min(Number(p.limit ?? 25) || 25, 100);
    const mine = Object.values(state.media).filter((m) => m.owner === id).sort((a, b) => b.at - a.at || (b.id > a.id ? 1 : -1));
    return { body: { data: mine.slice(0, limit).map((m) => pick(m, p.fields)), paging: { cursors: { before: "b", after: "a" } } } };
  }
  if (req.method === "GET" && !edge) {
    if (isUser) return { body: pick({ id, ...users[id], user_id: id }, p.fields ?? "username") };
    if (state.containers[id]) {
      const c = tick(state.containers[id], now);
      return { body: pick({ id, status_code: c.status_code, status: c.status }, p.fields ?? "id") };
    }
    return { body: pick(state.media[id], p.fields ?? "id") };
  }
  return graphError(400, 100, "Unsupported request - method type or edge not supported.");
}

function seedUsers(state, input, key) {
  for (const u of input.users ?? []) {
    state[key][u.igUserId] = { username: u.username ?? `user${u.igUserId}`, accountType: "BUSINESS", ...(u.quotaTotal ? { quotaTotal: u.quotaTotal } : {}) };
    // Posts already in the rolling window (epoch ms), for cap tests without moving the clock.
    if (u.publishedAt) state.publishLog[u.igUserId] = [...u.publishedAt].sort((a, b) => a - b);
    if (u.token) state.tokens[u.token] = { igUserId: u.igUserId, expiresAt: u.expiresAt ?? null, scopes: u.scopes ?? ["instagram_business_basic", "instagram_business_content_publish"], valid: true };
  }
  if (input.media) seedMediaMeta(state, input.media);
  if (input.config) Object.assign(state.igConfig, input.config);
  return { ok: true };
}

/** A metadata-only plugin: `POST /__admin/seed/media` registers `{url prefix → meta}`. */
export const mediaSeedPlugin = () => ({ name: "media", handle: () => null, seed: (state, input) => seedMediaMeta(state, input) });

export function createFake() {
  const fake = new FakeServer(
    "instagram",
    async (req) => {
      const out = await handleInstagram(req, STANDALONE);
      if (out) return out;
      // Instagram Login token refresh (PLATFORMS.md §1.1): unversioned, 60 more days.
      if (req.method === "GET" && req.path === "/refresh_access_token") {
        const p = params(req);
        const record = req.fake.state.tokens[p.access_token];
        const bad = tokenError(record, req.fake.now());
        if (bad) return bad;
        if (p.grant_type !== "ig_refresh_token") return graphError(400, 100, "Unsupported grant_type.");
        const fresh = `IGQ${graphId()}`;
        req.fake.state.tokens[fresh] = { ...record, expiresAt: req.fake.now() + 5_184_000_000 };
        return { body: { access_token: fresh, token_type: "bearer", expires_in: 5_184_000 } };
      }
      if (!versioned(req.path)) return graphError(400, 100, "Unknown path components: the Graph API version must be in the URL.");
      return graphError(400, 100, "Unsupported get request. Object does not exist, cannot be loaded due to missing permissions, or does not support this operation.", 33);
    },
    { initialState: () => ({ tokens: {}, users: {}, ...igInitialState() }), seed: (state, input) => seedUsers(state, input, "users") },
  );
  return fake.use(mediaSeedPlugin());
}

/**
 * The same IG endpoints on the facebook fake (Facebook Login accounts). The
 * facebook fake's seed registers IG users (`pages[].igUserId`) in `igUsers`;
 * `POST /__admin/seed/instagram` takes `{users, media, config}` too.
 */
export function plugin() {
  return {
    name: "instagram",
    initialState: () => ({ igUsers: {}, ...igInitialState() }),
    handle: (req) => handleInstagram(req, ON_FACEBOOK),
    seed: (state, input) => seedUsers(state, input, "igUsers"),
  };
}
