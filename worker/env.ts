import type MediaRenderer from "./media-worker";
import type { EventsMessage } from "./notifications/events";
import type { BrandScheduler } from "./scheduling/brand-scheduler";

/** Messages on the `generate` queue: one output to (re)generate. */
export interface GenerateMessage {
  kind: "generate";
  outputId: string;
}

/** Messages on the `publish` queue: one delivery (schedule × platform). */
export interface PublishMessage {
  kind: "publish";
  deliveryId: string;
}

/**
 * Messages on the `passes` queue (fleet work, DESIGN.md §9): one workspace's
 * share of a pass, or the next page of a cron's fan-out (automation/pass-queue.ts).
 */
export type PassMessage =
  /** The workspace's daily burst; `lease` is the workspaces.next_burst_at value the sender set. */
  | { kind: "burst"; workspaceId: string; runKey: string; lease: number }
  /** A bounded share of a per-workspace pass; part n > 0 continues part n - 1 from its cursor `after`. */
  | { kind: "catchup" | "healing" | "refresh"; workspaceId: string; runKey: string; part: number; after?: string }
  /** The rest of a cron firing's fan-out, from where its pages stopped. */
  | { kind: "fanout"; pass: "burst" }
  | { kind: "fanout"; pass: "catchup" | "healing" | "refresh"; runKey: string; since?: number; after: string };
/** Messages on the `metrics` queue: sample one brand's due metrics (worker/analytics/fanout.ts). */
export interface MetricsMessage {
  kind: "metrics";
  brandId: string;
}

/** Bindings and variables (wrangler.toml). Names are part of DESIGN.md §2's contract. */
export interface Env {
  DB: D1Database;
  BRAND_SCHEDULER: DurableObjectNamespace<BrandScheduler>;
  GENERATE_QUEUE: Queue<GenerateMessage>;
  PUBLISH_QUEUE: Queue<PublishMessage>;
  PASSES_QUEUE: Queue<PassMessage>;
  METRICS_QUEUE: Queue<MetricsMessage>;
  /** Events from the outbox to their channels, and each event to each webhook endpoint (worker/notifications). */
  EVENTS_QUEUE: Queue<EventsMessage>;
  MEDIA: R2Bucket;
  ASSETS: Fetcher;
  /** The media Worker (wrangler.media.toml), which renders; the API Worker holds no renderer, so without it media steps fail with that reason. */
  MEDIA_RENDERER?: Service<MediaRenderer>;

  SESSION_SECRET: string;
  TOKEN_ENCRYPTION_KEY: string;
  /** The previous key while rotating (DESIGN.md §7.1): reads accept both. */
  TOKEN_ENCRYPTION_KEY_PREVIOUS?: string;
  /** OAuth apps (PLATFORMS.md §7); without them `connect` answers 409 naming them. */
  META_APP_ID?: string;
  META_APP_SECRET?: string;
  /** Facebook Login for Business: the login configuration to send as `config_id` instead of `scope` (optional). */
  META_CONFIG_ID?: string;
  INSTAGRAM_APP_ID?: string;
  INSTAGRAM_APP_SECRET?: string;
  GOOGLE_CLIENT_ID?: string;
  GOOGLE_CLIENT_SECRET?: string;
  LLM_API_KEY?: string;
  LLM_BASE_URL?: string;
  LLM_MODEL?: string;

  /**
   * Cloudflare Email Service (`[[send_email]]`), with EMAIL_FROM: invitations are also emailed, and owners
   * get an hourly digest of what needs attention (worker/lib/email.ts). Optional: without it nothing is emailed.
   */
  EMAIL?: SendEmail;
  /** The sender address of Brandcast's emails, e.g. `notifications@example.com` (on the onboarded sending domain). */
  EMAIL_FROM?: string;
  /** `true` only locally (npm start): webhooks may also go to loopback hosts, over http: too. */
  WEBHOOK_ALLOW_LOOPBACK?: string;

  APP_VERSION: string;
  SIGNUP_ENABLED: string;
  SLOT_LEAD_MINUTES: string;
  SLOT_HORIZON_DAYS: string;
  MISSED_AFTER_HOURS: string;
  CATCHUP_BATCH: string;
  /** Per-workspace quotas (worker/services/quotas.ts); a `workspace_quotas` row overrides them for one workspace. */
  QUOTA_BRANDS?: string;
  QUOTA_JOBS_PER_DAY?: string;
  QUOTA_RENDERS_PER_DAY?: string;
  QUOTA_LLM_CALLS_PER_DAY?: string;

  /**
   * The public origin platforms fetch media from and OAuth redirects return to
   * (https://app.example.com). Falls back to the request's origin where there is one.
   */
  PUBLIC_BASE_URL?: string;
  /** Platform API bases (PLATFORMS.md §6): default to the real hosts; tests and `npm run fakes` point them at local fakes. */
  INSTAGRAM_API_BASE?: string;
  FACEBOOK_API_BASE?: string;
  FACEBOOK_UPLOAD_BASE?: string;
  YOUTUBE_API_BASE?: string;
  YOUTUBE_UPLOAD_BASE?: string;
  GOOGLE_OAUTH_BASE?: string;
  /** Consent pages and token hosts for the connect flows (PLATFORMS.md §7). */
  FACEBOOK_DIALOG_BASE?: string;
  INSTAGRAM_OAUTH_BASE?: string;
  /** Instagram Login's code exchange host (api.instagram.com): not the consent page's host nor the Graph host. */
  INSTAGRAM_TOKEN_BASE?: string;
  GOOGLE_ACCOUNTS_BASE?: string;
  GRAPH_API_VERSION?: string;
  /** `true` only under `npm start`: the demo seed may backfill a month of sandbox history (POST /api/analytics/demo-history). */
  DEMO_HISTORY?: string;
  /** YouTube Data API units a Pacific day the metrics sampler may spend (default 1,000 of the project's 10,000; worker/analytics/insights/youtube-budget.ts). */
  YOUTUBE_METRICS_DAILY_UNITS?: string;
}
