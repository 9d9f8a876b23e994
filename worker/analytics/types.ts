// The contract between the metrics sampler (worker/analytics/) and each
// platform's insights client (worker/analytics/insights/): API.md "Analytics",
// DESIGN.md §10, PLATFORMS.md §8. A client reads what a platform reports and
// maps it onto one vocabulary; the sampler decides when to ask and stores
// `metric_snapshots`. Nothing here calls a platform when a page is viewed.
import type { Env } from "../env";
import type { PlatformConfig, PublishAccount } from "../publishing/types";

/** The per-post metrics of API.md `Metrics` (engagementRate is derived from them, never stored). */
export const METRIC_NAMES = ["views", "reach", "likes", "comments", "shares", "saves"] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** `null`: the platform does not report that metric for this post (retired, refused, too few viewers). Never 0 for unknown. */
export type MetricValues = Record<MetricName, number | null>;

export type InsightsPlatform = "instagram" | "facebook" | "youtube" | "sandbox";

/** One published delivery whose metrics are wanted. */
export interface PostRef {
  deliveryId: string;
  /** The platform's id of what went out (deliveries.published_id): IG media id, FB post/photo/video id, YouTube video id, sandbox post id. */
  publishedId: string;
  contentType: "reel" | "post";
  publishedAt: number;
  /** The delivery's platform checkpoint (deliveries.checkpoint), for ids a client may need besides publishedId. */
  checkpoint: Record<string, unknown>;
}

export interface PostReading {
  deliveryId: string;
  values: MetricValues;
  /** Why a metric is null, in words for the log ("likes: code 10, not enough viewers"). */
  notes?: string[];
  /** The sandbox's numbers: simulated, flagged everywhere they are shown. */
  simulated?: boolean;
}

export interface AccountReading {
  /** Followers (Instagram, Facebook Page) or subscribers (YouTube); null when hidden or not reported. */
  followers: number | null;
  notes?: string[];
  simulated?: boolean;
}

export interface InsightsContext {
  env: Env;
  account: PublishAccount;
  config: PlatformConfig;
  /** fetch with a request timeout applied. */
  fetch: typeof fetch;
  now(): number;
  /** A fresh token after the platform refused the current one; once per call, as in publishing. */
  refreshAccessToken(): Promise<string>;
}

/**
 * A failure of a whole call (not of one metric of one post, which is `null`):
 * - `retryable`: 5xx, timeouts, rate limits (Graph 4/17/32/613/8000x, YouTube 403 quotaExceeded/rateLimitExceeded, 429); wait `retryAfterSeconds` at least;
 * - `reconnect`: the token is dead (Graph 190, invalid_grant);
 * - `missing_permission`: the account was connected without the insights permission (Graph 10/200 on the insights edge, YouTube 403 insufficientPermissions): "reconnect to see analytics", publishing unaffected;
 * - `permanent`: anything else that asking again will not fix (the object is gone: Graph 100/33, YouTube 404).
 */
export type InsightsErrorClass = "retryable" | "reconnect" | "missing_permission" | "permanent";

export class InsightsError extends Error {
  override name = "InsightsError";
  constructor(
    readonly errorClass: InsightsErrorClass,
    message: string,
    readonly opts: { retryAfterSeconds?: number; platformMessage?: string; httpStatus?: number; code?: string | number } = {},
  ) {
    super(message);
  }
}

export interface InsightsClient {
  readonly platform: InsightsPlatform;
  /** Posts per `posts()` call: 50 for YouTube (videos.list takes 50 ids), 1 where each post is its own request. */
  readonly batchSize: number;
  /** One reading per post asked for, in any order; a post the platform refuses alone gets null values and a note, not a throw. */
  posts(ctx: InsightsContext, posts: PostRef[]): Promise<PostReading[]>;
  account(ctx: InsightsContext): Promise<AccountReading>;
}
