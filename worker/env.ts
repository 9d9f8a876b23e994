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

/** Bindings and variables (wrangler.toml). Names are part of DESIGN.md §2's contract. */
export interface Env {
  DB: D1Database;
  BRAND_SCHEDULER: DurableObjectNamespace<BrandScheduler>;
  GENERATE_QUEUE: Queue<GenerateMessage>;
  PUBLISH_QUEUE: Queue<PublishMessage>;
  MEDIA: R2Bucket;
  ASSETS: Fetcher;

  SESSION_SECRET: string;
  TOKEN_ENCRYPTION_KEY: string;
  LLM_API_KEY?: string;
  LLM_BASE_URL?: string;
  LLM_MODEL?: string;

  APP_VERSION: string;
  SIGNUP_ENABLED: string;
  SLOT_LEAD_MINUTES: string;
  SLOT_HORIZON_DAYS: string;
  MISSED_AFTER_HOURS: string;
  CATCHUP_BATCH: string;
}
