// Fake Graph insights (PLATFORMS.md §8.1, §8.2, §8.4), a plugin on the
// instagram fake (graph.instagram.com) and on the facebook fake
// (graph.facebook.com: Facebook Pages, and Instagram accounts connected
// through Facebook Login). It serves, for what the fakes published:
//   GET /{v}/{ig-media-id}/insights?metric=…          Instagram media
//   GET /{v}/{ig-media-id}?fields=like_count,comments_count
//   GET /{v}/{ig-user-id}?fields=followers_count,media_count
//   GET /{v}/{post-id}/insights?metric=…              Facebook posts and photos
//   GET /{v}/{post-id}?fields=comments.summary(true).limit(0),shares
//   GET /{v}/{video-id}/video_insights?metric=…       Facebook reels
//   GET /{v}/{page-id}?fields=followers_count,fan_count
// with numbers that grow with the virtual clock (insights-common.mjs), usage
// headers on every answer, and the faults of insights-common.mjs. Anything
// else passes to the fake's own routes.
import { params } from "./fake-server.mjs";
import { pageAuth } from "./facebook.mjs";
import { graphError, pick, tokenError, tokenOf, versioned } from "./graph-common.mjs";
import { ON_FACEBOOK, STANDALONE } from "./instagram.mjs";
import { fieldRoot, followersAt, insightsInitialState, omitted, postNumbers, seedInsights, splitFields, takeRateLimit } from "./insights-common.mjs";

const HOUR_MS = 3_600_000;

// ------------------------------------------------------------ metric catalogues (as Meta documents them, late 2026)

const IG_MEDIA = {
  views: (n) => n.views,
  reach: (n) => n.reach,
  likes: (n) => n.likes,
  comments: (n) => n.comments,
  shares: (n) => n.shares,
  saved: (n) => n.saves,
  total_interactions: (n) => n.likes + n.comments + n.shares + n.saves,
  follows: (n) => Math.floor(n.reach * 0.002),
  profile_visits: (n) => Math.floor(n.reach * 0.01),
};
const IG_REEL_ONLY = {
  ig_reels_avg_watch_time: (n) => n.avgWatchMs,
  ig_reels_video_view_total_time: (n) => n.avgWatchMs * n.views,
};
/** Graph's words for a retired metric: requesting one fails the whole call with code 100 (§8.1). */
const retiredWords = (since, replacement) => (name) =>
  `(#100) ${since ? `Starting from version ${since} and above, the` : "The"} ${name} metric is no longer supported.${replacement ? ` Please use ${replacement} instead.` : ""}`;
const gone22 = retiredWords("v22.0", "views");
const IG_RETIRED = {
  impressions: gone22,
  plays: gone22,
  clips_replays_count: gone22,
  ig_reels_aggregated_all_plays_count: gone22,
  video_views: retiredWords(),
  engagement: retiredWords(undefined, "total_interactions"),
};

const FB_POST = {
  post_media_view: (n) => n.views,
  post_total_media_view_unique: (n) => n.reach,
  post_reactions_by_type_total: (n) => n.reactions,
  post_reactions_like_total: (n) => n.reactions.like,
  post_clicks: (n) => Math.floor(n.reach * 0.03),
};
const FB_POST_RETIRED = {
  post_impressions: retiredWords(undefined, "post_media_view"),
  post_impressions_unique: retiredWords(undefined, "post_total_media_view_unique"),
  post_impressions_organic: retiredWords(),
  post_engaged_users: retiredWords(),
};
const FB_REEL = {
  blue_reels_play_count: (n) => n.views,
  fb_reels_total_plays: (n) => Math.floor(n.views * 1.2),
  fb_reels_replay_count: (n) => Math.floor(n.views * 0.2),
  post_impressions_unique: (n) => n.reach,
  post_video_avg_time_watched: (n) => n.avgWatchMs,
  post_video_view_time: (n) => n.avgWatchMs * n.views,
  post_video_likes_by_reaction_type: (n) => ({ REACTION_LIKE: n.reactions.like, REACTION_LOVE: n.reactions.love }),
  post_video_social_actions: (n) => ({ COMMENT: n.comments, SHARE: n.shares }),
};

// ------------------------------------------------------------ faults and usage

const RATE_LIMIT_WORDS = {
  4: "(#4) Application request limit reached",
  17: "(#17) User request limit reached",
  32: "(#32) Page request limit reached",
  613: "(#613) Calls to this api have exceeded the rate limit.",
  80001: "(#80001) There have been too many calls to this Page account. Wait a bit and try again.",
  80002: "(#80002) There have been too many calls to this Instagram account. Wait a bit and try again.",
};

/** The usage headers Graph sends (§0): X-App-Usage for user and Instagram tokens, X-Business-Use-Case-Usage for a Page's. */
function usageHeaders(owner, kind, percent, regainMinutes) {
  const pct = Math.min(100, Math.round(percent));
  if (kind === "page") {
    return { "x-business-use-case-usage": JSON.stringify({ [owner]: [{ type: "pages", call_count: pct, total_cputime: Math.ceil(pct / 4), total_time: Math.ceil(pct / 4), estimated_time_to_regain_access: regainMinutes }] }) };
  }
  return { "x-app-usage": JSON.stringify({ call_count: pct, total_cputime: Math.ceil(pct / 4), total_time: Math.ceil(pct / 4) }) };
}

/**
 * Counts this call against the owner's hour and answers the armed or natural
 * rate limit, if any; otherwise returns the usage headers for the answer.
 */
function meter(req, owner, kind) {
  const { state } = req.fake;
  const now = req.fake.now();
  const ins = state.insights;
  const armed = takeRateLimit(state);
  if (armed && armed.code) {
    const minutes = armed.minutes ?? 5;
    const buc = armed.code === 32 || armed.code >= 80000;
    return { refused: { ...graphError(400, armed.code, RATE_LIMIT_WORDS[armed.code] ?? `(#${armed.code}) Rate limit reached`), headers: usageHeaders(owner, buc ? "page" : "app", 100, minutes) } };
  }
  const calls = (ins.calls[owner] = (ins.calls[owner] ?? []).filter((t) => t > now - HOUR_MS));
  if (calls.length >= ins.hourlyCalls) {
    const minutes = Math.max(1, Math.ceil((calls[0] + HOUR_MS - now) / 60_000));
    const code = kind === "page" ? 32 : 4;
    return { refused: { ...graphError(400, code, RATE_LIMIT_WORDS[code]), headers: usageHeaders(owner, kind, 100, minutes) } };
  }
  calls.push(now);
  return { headers: usageHeaders(owner, kind, (100 * calls.length) / ins.hourlyCalls, 0) };
}

/** Code 100 for a metric this edge does not have, worded as the fake was told to (§8.4). */
function unknownMetric(state, name, index, valid) {
  const style = state.insights.metricErrorStyle;
  if (style === "index") {
    const values = Object.keys(valid).filter((m) => !state.insights.unknownMetrics.includes(m));
    return graphError(400, 100, `(#100) metric[${index}] must be one of the following values: ${values.join(", ")}`);
  }
  if (style === "unnamed") return graphError(400, 100, "(#100) The value must be a valid insights metric");
  return graphError(400, 100, `(#100) The metric ${name} is not supported for this object in this version`);
}

/**
 * The insights edge's answer: every requested metric valid (else the whole
 * call fails with code 100), too few viewers on demand (code 10), omitted
 * metrics left out of `data`.
 */
function insightsAnswer(req, id, catalogue, retired, numbers, headers) {
  const { state } = req.fake;
  const p = params(req);
  const wanted = p.metric ? String(p.metric).split(",").map((m) => m.trim()).filter(Boolean) : Object.keys(catalogue);
  for (const [i, m] of wanted.entries()) {
    if (retired[m]) return { ...graphError(400, 100, retired[m](m)), headers };
    if (!catalogue[m] || state.insights.unknownMetrics.includes(m)) return { ...unknownMetric(state, m, i, catalogue), headers };
  }
  if (state.insights.notEnoughViewers.includes(id)) return { ...graphError(400, 10, "(#10) Not enough viewers for the media to show insights"), headers };
  const skip = omitted(state, id);
  const data = wanted
    .filter((m) => !skip.has(m))
    .map((m) => ({ name: m, period: "lifetime", values: [{ value: catalogue[m](numbers) }], title: m, description: `Lifetime ${m}`, id: `${id}/insights/${m}/lifetime` }));
  return { body: { data }, headers };
}

/** Only the requested fields (with id), each by its root: `comments.summary(true).limit(0)` answers `comments` as built in `full`. */
function fieldsAnswer(p, full, headers) {
  const roots = splitFields(p.fields).map(fieldRoot);
  return { body: pick(full, roots.join(",")), headers };
}

const wantsAny = (p, names) => splitFields(p.fields).some((f) => names.includes(fieldRoot(f)));

// ------------------------------------------------------------ Instagram

function instagram(req, v, mode) {
  const { state } = req.fake;
  const now = req.fake.now();
  const [id, edge, ...rest] = v.parts;
  if (rest.length) return null;
  const users = mode.users(state) ?? {};
  const media = state.media?.[id];
  const isUser = !!users[id];
  const p = params(req);
  const wantsInsights = media && edge === "insights";
  const wantsCounts = !edge && ((media && wantsAny(p, ["like_count", "comments_count"])) || (isUser && wantsAny(p, ["followers_count", "media_count", "follows_count"])));
  if (!wantsInsights && !wantsCounts) return null;

  const record = state.tokens[tokenOf(req, p) ?? ""];
  const bad = tokenError(record, now);
  if (bad) return bad;
  const owner = media ? media.owner : id;
  if (!mode.allowed(state, record).includes(owner)) {
    return graphError(400, 100, `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 33);
  }
  const needed = mode === ON_FACEBOOK ? "instagram_manage_insights" : "instagram_business_manage_insights";
  if (wantsInsights && Array.isArray(record.scopes) && !record.scopes.includes(needed)) {
    return graphError(403, 10, "(#10) Application does not have permission for this action");
  }
  const m = meter(req, owner, "app");
  if (m.refused) return m.refused;
  if (media) {
    const kind = media.media_product_type === "REELS" ? "reel" : "post";
    const numbers = postNumbers(id, media.at, now, kind);
    if (wantsInsights) return insightsAnswer(req, id, kind === "reel" ? { ...IG_MEDIA, ...IG_REEL_ONLY } : IG_MEDIA, IG_RETIRED, numbers, m.headers);
    return fieldsAnswer(p, { ...media, like_count: numbers.likes, comments_count: numbers.comments }, m.headers);
  }
  const mediaCount = Object.values(state.media ?? {}).filter((x) => x.owner === id).length;
  const followers = omitted(state, id).has("followers_count") ? undefined : followersAt(id, now);
  return fieldsAnswer(p, { id, ...users[id], user_id: id, followers_count: followers, follows_count: 150 + (followers ?? 0) % 300, media_count: mediaCount }, m.headers);
}

// ------------------------------------------------------------ Facebook

function facebook(req, v) {
  const { state } = req.fake;
  const now = req.fake.now();
  const [id, edge, ...rest] = v.parts;
  if (rest.length) return null;
  const p = params(req);
  const token = tokenOf(req, p);
  const post = state.posts?.[id];
  const video = state.videos?.[id];
  const page = state.pages?.[id];

  if (page && !edge && wantsAny(p, ["followers_count", "fan_count"])) {
    const bad = tokenError(state.tokens[token ?? ""], now);
    if (bad) return bad;
    const m = meter(req, id, "page");
    if (m.refused) return m.refused;
    const followers = followersAt(id, now);
    const skip = omitted(state, id);
    return fieldsAnswer(p, { id, name: page.name, followers_count: skip.has("followers_count") ? undefined : followers, fan_count: skip.has("fan_count") ? undefined : Math.floor(followers * 0.9) }, m.headers);
  }
  const isPostRead = post && (edge === "insights" || !edge);
  const isReelRead = video && video.kind === "reel" && edge === "video_insights";
  if (!isPostRead && !isReelRead) return null;
  const pageId = (post ?? video).pageId;
  const { error, record } = pageAuth(state, token, pageId, now);
  if (error) return error;
  if (edge && Array.isArray(record.scopes) && !record.scopes.includes("read_insights")) {
    return graphError(403, 200, "(#200) Requires read_insights permission to read this Page's insights");
  }
  const m = meter(req, pageId, "page");
  if (m.refused) return m.refused;
  if (isReelRead) {
    const published = video.publishing?.publish_time ? video.publishing.publish_time * 1000 : video.createdAt;
    return insightsAnswer(req, id, FB_REEL, {}, postNumbers(id, published, now, "reel"), m.headers);
  }
  const numbers = postNumbers(id, post.at, now, "post");
  if (edge === "insights") return insightsAnswer(req, id, FB_POST, FB_POST_RETIRED, numbers, m.headers);
  // Graph leaves `shares` out of a post nobody shared.
  const full = {
    id,
    message: post.message,
    created_time: post.created_time,
    comments: { data: [], summary: { order: "ranked", total_count: numbers.comments, can_comment: true } },
    shares: numbers.shares > 0 ? { count: numbers.shares } : undefined,
  };
  return fieldsAnswer(p, full, m.headers);
}

export function plugin() {
  return {
    name: "insights",
    initialState: insightsInitialState,
    handle(req) {
      if (req.method !== "GET") return null;
      const v = versioned(req.path);
      if (!v) return null;
      if (req.fake.name === "facebook") return facebook(req, v) ?? instagram(req, v, ON_FACEBOOK);
      return instagram(req, v, STANDALONE);
    },
    seed: (state, input) => seedInsights(state, input, "tokens"),
  };
}
