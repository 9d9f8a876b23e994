// The metric registry (DESIGN.md §10, PLATFORMS.md §8): for each platform,
// which names to ask for, in which request, in which Graph API versions they
// exist, and how each answer maps onto MetricValues. Meta renames and retires
// insights metrics every few versions; the peers' most common analytics bug is
// a retired name that fails the whole call (Graph code 100), so a retired
// metric stays listed here, marked, and is never requested at any version.
// Pure: no I/O.
import type { MetricName } from "../types";

/** What a metric is read from. */
export type Surface =
  /** Instagram media: `GET /{ig-media-id}/insights?metric=…` (§8.1). */
  | "instagram_media"
  /** Instagram professional account: `GET /{ig-user-id}?fields=…` (§8.1). */
  | "instagram_account"
  /** Facebook Page post or photo: `GET /{post-id}/insights?metric=…` and `GET /{post-id}?fields=…` (§8.2). */
  | "facebook_post"
  /** Facebook reel: `GET /{video-id}/video_insights?metric=…` (§8.2). */
  | "facebook_reel"
  /** Facebook Page: `GET /{page-id}?fields=…` (§8.2). */
  | "facebook_page"
  /** YouTube video: `GET /youtube/v3/videos?part=statistics&id=…` (§8.3). */
  | "youtube_video"
  /** YouTube channel: `GET /youtube/v3/channels?part=statistics&mine=true` (§8.3). */
  | "youtube_channel";

/**
 * How a metric is requested:
 * - `edge`: a Graph insights edge, the name goes into `metric=` (one call answers all of them, or fails for all);
 * - `field`: a field of the object itself, the name goes into `fields=`;
 * - `statistics`: a key of a YouTube resource's `statistics` part.
 */
export type MetricRequest = { kind: "edge"; edge: "insights" | "video_insights" } | { kind: "field" } | { kind: "statistics" };

/** What one metric's answer gives: values for MetricValues (null when the answer has no usable number), or followers. */
export type Target = MetricName | "followers";
type Reader = (value: unknown) => number | null;

export interface MetricDef {
  surface: Surface;
  /** The platform's name: what goes into `metric=`, `fields=`, or the statistics key. */
  name: string;
  request: MetricRequest;
  /** The MetricValues (or followers) this metric yields, and how to read each from its value. */
  yields: Partial<Record<Target, Reader>>;
  /** Content types it exists for (both when absent). */
  contentTypes?: ReadonlyArray<"reel" | "post">;
  /** First Graph version it exists in (`v18.0`); absent: every version this product can call. */
  since?: string;
  /** First Graph version it no longer exists in; absent: still current. */
  until?: string;
  /** Gone at every version (Meta removes some metrics from old versions too, on a date): never requested. Says when and why. */
  retired?: string;
  /**
   * Asked only when the post's insights edge refused the whole post (code 10,
   * "not enough viewers"; media from before a business conversion): public
   * counts that need no insights.
   */
  fallback?: boolean;
}

/** A number as platforms send them: JSON numbers, or strings (YouTube statistics). */
export function toCount(value: unknown): number | null {
  const n = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) && n >= 0 ? Math.round(n) : null;
}

/** A breakdown such as `{"like": 3, "love": 1}` summed; a plain number taken as is. */
export function sumOf(value: unknown): number | null {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const parts = Object.values(value as Record<string, unknown>).map(toCount);
    return parts.some((p) => p === null) ? null : parts.reduce<number>((a, b) => a + (b as number), 0);
  }
  return toCount(value);
}

/** The entries of a breakdown whose key matches, summed (`{"COMMENT": 4, "SHARE": 2}` → comments 4). */
const keyed = (pattern: RegExp): Reader => (value) => {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const hits = Object.entries(value as Record<string, unknown>).filter(([k]) => pattern.test(k));
  return hits.length ? sumOf(Object.fromEntries(hits)) : 0;
};

/** `comments.summary(true).limit(0)` answers `{"comments":{"data":[],"summary":{"total_count":N}}}`. */
const summaryCount: Reader = (value) => toCount((value as { summary?: { total_count?: unknown } } | undefined)?.summary?.total_count);
/** `shares` answers `{"shares":{"count":N}}`, and Graph leaves the field out when nobody shared the post: 0, not unknown. */
const shareCount: Reader = (value) => (value === undefined ? 0 : toCount((value as { count?: unknown }).count));

const insights = { kind: "edge", edge: "insights" } as const;
const videoInsights = { kind: "edge", edge: "video_insights" } as const;
const field = { kind: "field" } as const;
const statistics = { kind: "statistics" } as const;

/** PLATFORMS.md §8.1: "deprecated in v22, gone for every version from April 2025". */
const GONE_APRIL_2025 = "deprecated in v22.0 and removed from every version on 21 April 2025 (replaced by views)";

/**
 * Every metric this product reads, and every retired name it must never ask
 * for again. The mapping onto MetricValues (API.md `Metrics`), PLATFORMS.md §8:
 *
 * Instagram media (§8.1): views ← views, reach ← reach, likes ← likes,
 *   comments ← comments, shares ← shares, saves ← saved. When the insights edge
 *   refuses a post as a whole (too few viewers), likes and comments still come
 *   from the media's public like_count and comments_count.
 * Facebook post or photo (§8.2): views ← post_media_view (the "media view"
 *   metrics replace post_impressions*), reach ← post_total_media_view_unique,
 *   likes ← post_reactions_by_type_total summed over reaction types,
 *   comments ← comments.summary.total_count, shares ← shares.count; saves are
 *   not reported (null).
 * Facebook reel (§8.2): views ← blue_reels_play_count, reach ←
 *   post_impressions_unique, likes ← post_video_likes_by_reaction_type summed,
 *   comments and shares ← post_video_social_actions' comment and share parts;
 *   saves null.
 * YouTube video (§8.3): views ← viewCount, likes ← likeCount, comments ←
 *   commentCount; reach, shares and saves are not in the Data API (null).
 * Followers: Instagram followers_count, Facebook Page followers_count (else
 *   fan_count), YouTube subscriberCount (null when the channel hides it).
 */
export const METRICS: readonly MetricDef[] = [
  // Instagram media insights (§8.1).
  { surface: "instagram_media", name: "views", request: insights, yields: { views: toCount } },
  { surface: "instagram_media", name: "reach", request: insights, yields: { reach: toCount } },
  { surface: "instagram_media", name: "likes", request: insights, yields: { likes: toCount }, since: "v18.0" },
  { surface: "instagram_media", name: "comments", request: insights, yields: { comments: toCount }, since: "v18.0" },
  { surface: "instagram_media", name: "shares", request: insights, yields: { shares: toCount }, since: "v18.0" },
  { surface: "instagram_media", name: "saved", request: insights, yields: { saves: toCount } },
  { surface: "instagram_media", name: "like_count", request: field, yields: { likes: toCount }, fallback: true },
  { surface: "instagram_media", name: "comments_count", request: field, yields: { comments: toCount }, fallback: true },
  { surface: "instagram_media", name: "impressions", request: insights, yields: {}, until: "v22.0", retired: GONE_APRIL_2025 },
  { surface: "instagram_media", name: "plays", request: insights, yields: {}, contentTypes: ["reel"], until: "v22.0", retired: GONE_APRIL_2025 },
  { surface: "instagram_media", name: "clips_replays_count", request: insights, yields: {}, contentTypes: ["reel"], until: "v22.0", retired: GONE_APRIL_2025 },
  { surface: "instagram_media", name: "ig_reels_aggregated_all_plays_count", request: insights, yields: {}, contentTypes: ["reel"], until: "v22.0", retired: GONE_APRIL_2025 },
  { surface: "instagram_media", name: "video_views", request: insights, yields: {}, retired: "removed from every version in January 2025" },
  { surface: "instagram_media", name: "engagement", request: insights, yields: {}, until: "v18.0", retired: "replaced by total_interactions in v18.0" },

  { surface: "instagram_account", name: "followers_count", request: field, yields: { followers: toCount } },

  // Facebook posts and photos (§8.2).
  { surface: "facebook_post", name: "post_media_view", request: insights, yields: { views: toCount } },
  { surface: "facebook_post", name: "post_total_media_view_unique", request: insights, yields: { reach: toCount } },
  { surface: "facebook_post", name: "post_reactions_by_type_total", request: insights, yields: { likes: sumOf } },
  { surface: "facebook_post", name: "comments.summary(true).limit(0)", request: field, yields: { comments: summaryCount } },
  { surface: "facebook_post", name: "shares", request: field, yields: { shares: shareCount } },
  { surface: "facebook_post", name: "post_impressions", request: insights, yields: {}, retired: "replaced by post_media_view (the post_impressions family was retired in November 2025)" },
  { surface: "facebook_post", name: "post_impressions_unique", request: insights, yields: {}, retired: "replaced by post_total_media_view_unique on posts (November 2025)" },
  { surface: "facebook_post", name: "post_engaged_users", request: insights, yields: {}, retired: "removed in March 2024" },

  // Facebook reels: video_insights, never /insights (§8.2).
  { surface: "facebook_reel", name: "blue_reels_play_count", request: videoInsights, yields: { views: toCount } },
  { surface: "facebook_reel", name: "post_impressions_unique", request: videoInsights, yields: { reach: toCount } },
  { surface: "facebook_reel", name: "post_video_likes_by_reaction_type", request: videoInsights, yields: { likes: sumOf } },
  { surface: "facebook_reel", name: "post_video_social_actions", request: videoInsights, yields: { comments: keyed(/comment/i), shares: keyed(/share/i) } },

  // Facebook Page (§8.2): page_fans became page_follows in November 2025.
  { surface: "facebook_page", name: "followers_count", request: field, yields: { followers: toCount } },
  { surface: "facebook_page", name: "fan_count", request: field, yields: { followers: toCount } },
  { surface: "facebook_page", name: "page_fans", request: insights, yields: {}, retired: "became page_follows in November 2025" },

  // YouTube Data API v3 (§8.3).
  { surface: "youtube_video", name: "viewCount", request: statistics, yields: { views: toCount } },
  { surface: "youtube_video", name: "likeCount", request: statistics, yields: { likes: toCount } },
  { surface: "youtube_video", name: "commentCount", request: statistics, yields: { comments: toCount } },
  { surface: "youtube_channel", name: "subscriberCount", request: statistics, yields: { followers: toCount } },
];

/** `v25.0` → [25, 0]; null for anything else. */
export function parseGraphVersion(version: string): [number, number] | null {
  const m = /^v(\d+)\.(\d+)$/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2])] : null;
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [parseGraphVersion(a), parseGraphVersion(b)];
  if (!x || !y) throw new Error(`not a Graph API version: ${x ? b : a}`);
  return x[0] - y[0] || x[1] - y[1];
}

/** Whether `def` may be requested at this Graph version (`null` for YouTube, which has one version). */
export function existsAt(def: MetricDef, version: string | null): boolean {
  if (def.retired) return false;
  if (version === null) return !def.since && !def.until;
  if (def.since && compareVersions(version, def.since) < 0) return false;
  if (def.until && compareVersions(version, def.until) >= 0) return false;
  return true;
}

export interface Selection {
  contentType?: "reel" | "post";
  /** Fallback metrics instead of the primary ones. */
  fallback?: boolean;
}

/** The metrics to request for a surface at a version: never a retired one. */
export function metricsFor(surface: Surface, version: string | null, sel: Selection = {}): MetricDef[] {
  return METRICS.filter(
    (d) =>
      d.surface === surface &&
      existsAt(d, version) &&
      !!d.fallback === !!sel.fallback &&
      (!sel.contentType || !d.contentTypes || d.contentTypes.includes(sel.contentType)),
  );
}

/** Every retired name of a surface: what the fakes refuse and the protocol tests look for. */
export function retiredNames(surface?: Surface): string[] {
  return METRICS.filter((d) => d.retired && (!surface || d.surface === surface)).map((d) => d.name);
}

/**
 * Which of the requested names a Graph code-100 message blames, if it names
 * one: "(#100) The metric shares is not supported for this media type",
 * "Starting from version v22.0 and above, the plays metric is no longer
 * supported", or "metric[2] must be one of the following values: …" (by its
 * index in the request). Undefined when it names none of them.
 */
export function blamedMetric(message: string, requested: readonly string[]): string | undefined {
  const index = /\bmetric\[(\d+)\]/.exec(message);
  if (index) return requested[Number(index[1])];
  // A field is blamed by its root ("Tried accessing nonexisting field (comments)" for `comments.summary(true)`);
  // the longest first, so `post_impressions_unique` wins over `post_impressions`.
  const byLength = [...requested].sort((a, b) => fieldKey(b).length - fieldKey(a).length);
  return byLength.find((name) => new RegExp(`(^|[^A-Za-z0-9_])${fieldKey(name)}($|[^A-Za-z0-9_])`).test(message));
}

/** The key a field's value comes back under (`comments.summary(true).limit(0)` → `comments`). */
export const fieldKey = (name: string) => name.split(/[.{(]/)[0]!;
