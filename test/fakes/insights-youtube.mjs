// Fake YouTube statistics (PLATFORMS.md §8.3, §8.4): the `statistics` part of
// videos.list and channels.list (youtube.mjs serves the calls and charges 1
// unit each; this module adds the part), numbers that grow with the virtual
// clock, and a plugin that answers the insights faults before the call is
// served: a token without a read scope (403 insufficientPermissions), an
// armed 403 quotaExceeded / rateLimitExceeded or 429, more than 50 ids.
import { followersAt, insightsInitialState, omitted, postNumbers, seedInsights, takeRateLimit } from "./insights-common.mjs";
import { googleError } from "./youtube.mjs";

/** The scopes that may read statistics: youtube.upload alone cannot (§7.3). */
const READ_SCOPES = ["youtube.readonly", "youtube", "youtube.force-ssl"].map((s) => `https://www.googleapis.com/auth/${s}`);
const MAX_IDS = 50;

const partsOf = (req) => new Set(String(req.query.part ?? "").split(",").map((s) => s.trim()));

/** YouTube rounds subscriber counts to three significant figures (§8.3). */
export function threeFigures(n) {
  if (n < 1000) return n;
  const unit = 10 ** (Math.floor(Math.log10(n)) - 2);
  return Math.floor(n / unit) * unit;
}

/** The resource with its `statistics` part when the request asked for it. Counts are strings, as the API sends them. */
export function withStatistics(req, kind, id, resource) {
  if (!partsOf(req).has("statistics")) return resource;
  const { state } = req.fake;
  const now = req.fake.now();
  let statistics;
  if (kind === "video") {
    const n = postNumbers(id, state.videos[id].uploadedAt, now, "reel");
    statistics = { viewCount: String(n.views), likeCount: String(n.likes), favoriteCount: "0", commentCount: String(n.comments) };
  } else {
    const videos = Object.values(state.videos).filter((v) => v.channelId === id);
    const views = videos.reduce((sum, v) => sum + postNumbers(v.id, v.uploadedAt, now, "reel").views, 0);
    const hidden = !!state.insights?.hiddenSubscribers.includes(id);
    statistics = { viewCount: String(views), hiddenSubscriberCount: hidden, videoCount: String(videos.length), ...(hidden ? {} : { subscriberCount: String(threeFigures(followersAt(id, now))) }) };
  }
  for (const key of omitted(state, id)) delete statistics[key];
  return { ...resource, statistics };
}

function refusal(req) {
  const { state } = req.fake;
  const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "");
  const token = bearer && state.accessTokens[bearer[1]];
  // No token, or an expired one: youtube.mjs answers 401 as for any list call.
  if (!token || (token.expiresAt != null && token.expiresAt <= req.fake.now())) return null;
  if (Array.isArray(token.scopes) && !token.scopes.some((s) => READ_SCOPES.includes(s))) {
    return googleError(403, "insufficientPermissions", "Request had insufficient authentication scopes.");
  }
  const armed = takeRateLimit(state);
  if (armed) {
    const reason = armed.reason ?? "quotaExceeded";
    if (reason === "429") return { ...googleError(429, "rateLimitExceeded", "Too many requests."), headers: { "retry-after": String((armed.minutes ?? 1) * 60) } };
    const words = reason === "quotaExceeded" ? 'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.' : "The request cannot be completed because you have exceeded the rate limit.";
    return googleError(403, reason, words);
  }
  if (req.path === "/youtube/v3/videos" && String(req.query.id ?? "").split(",").filter(Boolean).length > MAX_IDS) {
    return googleError(400, "invalidValue", `The id parameter takes at most ${MAX_IDS} video ids.`);
  }
  return null;
}

export function plugin() {
  return {
    name: "insights",
    initialState: insightsInitialState,
    handle(req) {
      if (req.method !== "GET" || !["/youtube/v3/videos", "/youtube/v3/channels"].includes(req.path) || !partsOf(req).has("statistics")) return null;
      return refusal(req);
    },
    seed: (state, input) => seedInsights(state, input, "accessTokens"),
  };
}
