// The contract between the publish consumer (worker/publishing/consumer.ts)
// and each platform client (instagram.ts, facebook.ts, youtube.ts, sandbox.ts).
//
// A client is a small state machine (PLATFORMS.md §5): it reads the delivery's
// last checkpoint, resumes from there, and calls `ctx.checkpoint()` to persist
// every platform handle (container id, video id, session URI) *before* the
// next call, and `publishStartedAt` before the non-idempotent one. On a
// redelivery whose checkpoint says the non-idempotent call had started, it asks
// the platform first (container status, recent media, upload probe) and never
// blindly repeats it.
import type { Env } from "../env";

export type PublishPlatform = "instagram" | "facebook" | "youtube" | "sandbox";

/** API.md `errorClass`. */
export type ErrorClass = "retryable" | "reconnect" | "permanent" | "unknown_outcome";

/**
 * Every failure a client reports. `message` is for people ("Instagram could
 * not fetch the video"); `platformMessage` is the platform's own words, kept
 * in the attempt log.
 */
export class PublishError extends Error {
  override name = "PublishError";
  constructor(
    readonly errorClass: ErrorClass,
    message: string,
    readonly opts: {
      platformMessage?: string;
      /** Seconds the platform asked us to wait (Retry-After, BUC estimated_time_to_regain_access, the IG 24 h window). */
      retryAfterSeconds?: number;
      httpStatus?: number;
      code?: string | number;
      subcode?: number;
      /** The token was refused (401, Graph 190): the consumer refreshes once and retries in the same attempt. */
      tokenRejected?: boolean;
      /** Retryable, but only this many failed attempts in all (fewer than the consumer's usual limit). */
      maxFailures?: number;
    } = {},
  ) {
    super(message);
  }
}

/** An object in R2 the client publishes. */
export interface MediaRef {
  key: string;
  contentType: string;
}

/** What goes out, read from the output when the delivery is processed. */
export interface PublishContent {
  kind: "reel" | "post";
  /** Caption (Instagram, Facebook description/message). */
  caption: string;
  title: string;
  /** YouTube title, at most 100 characters. */
  ytTitle: string;
  media: {
    /** Reels: the H.264 MP4. */
    video?: MediaRef;
    /** JPEG: the reel's cover (cover_url) or the post's first image. */
    cover?: MediaRef;
    /** Posts: every carousel image as JPEG 1080×1350 (4:5), the cover first; at most 10. */
    slides?: MediaRef[];
    /** YouTube custom thumbnail (≤ 2 MB). */
    ytThumbnail?: MediaRef;
  };
}

/** The checkpoints as last saved on the delivery row. */
export interface DeliveryState {
  id: string;
  platform: PublishPlatform;
  /** This attempt's number (1 for the first). */
  attempt: number;
  step: string | null;
  containerId: string | null;
  uploadSession: string | null;
  publishedId: string | null;
  permalink: string | null;
  /** Epoch ms when the non-idempotent call was first started; the recovery lookup's lower bound. */
  publishStartedAt: number | null;
  /** Platform-specific ids (child containers, confirmed offsets). */
  checkpoint: Record<string, unknown>;
}

export interface CheckpointPatch {
  step?: string;
  containerId?: string | null;
  uploadSession?: string | null;
  publishedId?: string | null;
  permalink?: string | null;
  publishStartedAt?: number | null;
  /** Published, but not as asked (deliveries.warning): shown on the delivery. */
  warning?: string | null;
  /** Merged into the stored checkpoint object. */
  checkpoint?: Record<string, unknown>;
}

export interface PublishAccount {
  id: string;
  /** IG user id, Page id, channel id, sandbox name. */
  externalId: string;
  accessToken: string;
  /**
   * Instagram only (PLATFORMS.md §1.1): an account connected through Facebook
   * Login is published on the Facebook Graph host (FACEBOOK_API_BASE) with
   * its IG business id; one from Instagram Login on INSTAGRAM_API_BASE.
   */
  loginVia: "facebook" | "instagram" | null;
}

export interface PlatformConfig {
  instagramApiBase: string;
  facebookApiBase: string;
  facebookUploadBase: string;
  youtubeApiBase: string;
  youtubeUploadBase: string;
  googleOAuthBase: string;
  /** Graph API version segment, e.g. `v25.0` (PLATFORMS.md §0). */
  graphVersion: string;
  /** Per-request timeout; a timeout around the non-idempotent call is an unknown outcome. */
  requestTimeoutMs: number;
}

export interface PublishContext {
  env: Env;
  delivery: DeliveryState;
  content: PublishContent;
  account: PublishAccount;
  config: PlatformConfig;
  /** fetch with the request timeout applied (an AbortSignal the client may not override). */
  fetch: typeof fetch;
  now(): number;
  /** A signed URL on PUBLIC_BASE_URL that lives long enough for the platform to fetch it. */
  mediaUrl(ref: MediaRef): Promise<string>;
  mediaSize(ref: MediaRef): Promise<number>;
  /** Bytes of an R2 object (a range of it for chunked uploads). */
  readMedia(ref: MediaRef, range?: { offset: number; length: number }): Promise<Uint8Array>;
  /** Persists the patch on the delivery row; await it before the next platform call. */
  checkpoint(patch: CheckpointPatch): Promise<void>;
  /**
   * A fresh access token after the platform refused the current one (401,
   * Graph 190). Works once per attempt; throws PublishError("reconnect") when
   * the platform refuses the refresh, and marks the account needs_reconnect.
   */
  refreshAccessToken(): Promise<string>;
}

export type PublishOutcome =
  | { kind: "published"; publishedId: string; permalink: string | null }
  /** Not done yet and nothing wrong (container IN_PROGRESS, video processing): come back later, never sleep-poll. */
  | {
      kind: "waiting";
      delaySeconds: number;
      reason: string;
      /** The platform's object was made anew (a new Instagram container): its wait starts now, not with the old one's. */
      restartsWait?: boolean;
    };

export interface PlatformClient {
  readonly platform: PublishPlatform;
  publish(ctx: PublishContext): Promise<PublishOutcome>;
}

const DEFAULTS = {
  instagramApiBase: "https://graph.instagram.com",
  facebookApiBase: "https://graph.facebook.com",
  facebookUploadBase: "https://rupload.facebook.com",
  youtubeApiBase: "https://www.googleapis.com/youtube/v3",
  youtubeUploadBase: "https://www.googleapis.com/upload/youtube/v3",
  googleOAuthBase: "https://oauth2.googleapis.com",
} as const;

const trim = (s: string) => s.replace(/\/+$/, "");

export function platformConfig(env: Env): PlatformConfig {
  return {
    instagramApiBase: trim(env.INSTAGRAM_API_BASE || DEFAULTS.instagramApiBase),
    facebookApiBase: trim(env.FACEBOOK_API_BASE || DEFAULTS.facebookApiBase),
    facebookUploadBase: trim(env.FACEBOOK_UPLOAD_BASE || DEFAULTS.facebookUploadBase),
    youtubeApiBase: trim(env.YOUTUBE_API_BASE || DEFAULTS.youtubeApiBase),
    youtubeUploadBase: trim(env.YOUTUBE_UPLOAD_BASE || DEFAULTS.youtubeUploadBase),
    googleOAuthBase: trim(env.GOOGLE_OAUTH_BASE || DEFAULTS.googleOAuthBase),
    graphVersion: env.GRAPH_API_VERSION || "v25.0",
    requestTimeoutMs: 30_000,
  };
}
