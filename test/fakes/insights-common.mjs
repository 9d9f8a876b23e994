// What every fake's insights endpoints share (PLATFORMS.md §8.4): numbers that
// grow with the fake's virtual clock, deterministic per object id, and the
// insights faults a test (or a person running `npm run fakes`) asks for.
//
// `POST /__admin/seed/insights` on the instagram, facebook and youtube fakes:
//   {unknownMetrics?: string[]      refused with code 100, as a Graph version that lacks them would,
//    metricErrorStyle?: "named" | "index" | "unnamed"
//                                   how a code-100 message names the metric: "The metric X is not supported…",
//                                   "metric[2] must be one of the following values: …", or not at all,
//    notEnoughViewers?: string[]    object ids answering code 10 "Not enough viewers for the media to show insights",
//    omit?: {[objectId | "*"]: string[]}   metrics left out of the answer,
//    rateLimit?: {code?, reason?, times?, minutes?}
//                                   the next `times` (1) insights requests are refused: Graph code 4/17/32/613/80001/80002
//                                   with usage headers (estimated_time_to_regain_access `minutes`), or YouTube's
//                                   403 `reason` (quotaExceeded, rateLimitExceeded) or 429,
//    hourlyCalls?: number           Graph insights calls per hour and token owner before code 4/32 (usage headers report against it),
//    hiddenSubscribers?: string[]   YouTube channels that hide their subscriber count,
//    scopes?: {[token]: string[]}   replaces a token's granted scopes (to grant or take away an insights permission),
//    reset?: true                   every option back to its default first}
// Retired metrics (impressions, plays, …) are always refused with code 100.

/** FNV-1a: a stable 32-bit number per id, so every run of a test sees the same curve. */
export function hash(id) {
  let h = 0x811c9dc5;
  for (const ch of String(id)) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Followers count from this day on, so a seeded account starts at its base and grows with the clock. */
const FOLLOWERS_EPOCH = Date.UTC(2026, 0, 1);

/**
 * A post's lifetime numbers `ageMs` after it went out: most of it within
 * 48 h (Instagram says insights settle over about two days), then a slow
 * tail, never decreasing. Reels travel further than feed posts.
 */
export function postNumbers(id, publishedAt, now, kind = "post") {
  const h = hash(id);
  const ageH = Math.max(0, now - publishedAt) / HOUR_MS;
  const settled = (1 - Math.exp(-ageH / 16)) * (1 + 0.1 * Math.log1p(ageH / 24));
  const potential = (kind === "reel" ? 2 : 1) * (300 + (h % 2700));
  const reach = Math.floor(potential * settled);
  const rate = (base, shift, spread) => base + ((h >>> shift) % spread) / 1000;
  const likes = Math.floor(reach * rate(0.04, 4, 40));
  const loves = Math.floor(likes * 0.2);
  return {
    reach,
    views: Math.floor(reach * (kind === "reel" ? 2.3 : 1.4)),
    likes,
    /** Facebook's reaction breakdown: likes and loves that add up to `likes`. */
    reactions: { like: likes - loves, love: loves },
    comments: Math.floor(reach * rate(0.004, 9, 8)),
    shares: Math.floor(reach * rate(0.003, 13, 9)),
    saves: Math.floor(reach * rate(0.005, 17, 10)),
    /** Average milliseconds watched (reels). */
    avgWatchMs: 4000 + (h % 9000),
  };
}

/** An account's followers now: a base per id plus a few a day. */
export function followersAt(id, now) {
  const h = hash(id);
  const days = Math.max(0, now - FOLLOWERS_EPOCH) / DAY_MS;
  return 500 + (h % 20_000) + Math.floor(days * (3 + (h % 17)));
}

/** `comments.summary(true).limit(0),shares` → ["comments.summary(true).limit(0)", "shares"] (commas inside parentheses or braces stay). */
export function splitFields(fields) {
  const out = [];
  let depth = 0;
  let cur = "";
  for (const ch of String(fields ?? "")) {
    if (ch === "(" || ch === "{") depth++;
    if (ch === ")" || ch === "}") depth--;
    if (ch === "," && depth === 0) {
      if (cur.trim()) out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** The field's name without its modifiers (`comments.summary(true)` → `comments`). */
export const fieldRoot = (f) => f.split(/[.{(]/)[0];

export const insightsInitialState = () => ({
  insights: {
    unknownMetrics: [],
    metricErrorStyle: "named",
    notEnoughViewers: [],
    omit: {},
    rateLimit: null,
    hourlyCalls: 4800,
    hiddenSubscribers: [],
    /** token owner → timestamps of insights calls in the last hour */
    calls: {},
  },
});

export function seedInsights(state, input, tokenTable) {
  if (input.reset) state.insights = insightsInitialState().insights;
  const ins = state.insights;
  for (const key of ["unknownMetrics", "notEnoughViewers", "hiddenSubscribers"]) if (input[key]) ins[key] = [...ins[key], ...input[key]];
  if (input.metricErrorStyle) ins.metricErrorStyle = input.metricErrorStyle;
  if (input.omit) ins.omit = { ...ins.omit, ...input.omit };
  if (input.rateLimit !== undefined) ins.rateLimit = input.rateLimit && { times: 1, ...input.rateLimit };
  if (input.hourlyCalls !== undefined) ins.hourlyCalls = input.hourlyCalls;
  for (const [token, scopes] of Object.entries(input.scopes ?? {})) if (state[tokenTable]?.[token]) state[tokenTable][token].scopes = scopes;
  return { ok: true };
}

/** The on-demand rate limit, if one is armed: consumes one use. */
export function takeRateLimit(state) {
  const rl = state.insights.rateLimit;
  if (!rl) return null;
  rl.times -= 1;
  if (rl.times <= 0) state.insights.rateLimit = null;
  return rl;
}

/** Metrics omitted for this object. */
export const omitted = (state, id) => new Set([...(state.insights?.omit["*"] ?? []), ...(state.insights?.omit[id] ?? [])]);
