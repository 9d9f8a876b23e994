// The D1 schema (DESIGN.md §3). drizzle-kit turns this file into the SQL in
// migrations/; wrangler applies those files, and tests apply the same ones.
//
// Rules this schema encodes:
// - every row a user can see carries workspace_id, and reads filter on it;
// - "scheduled" lives only in `schedules` (UNIQUE output_id), never as a flag;
// - no status lives inside a JSON column: JSON columns hold configuration or
//   content (slot grids, colours, slide texts), never state;
// - instants are epoch milliseconds UTC (integer), never local strings.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(cast(unixepoch('subsec') * 1000 as integer))`;

export const workspaces = sqliteTable("workspaces", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  timezone: text("timezone").notNull().default("Europe/Lisbon"),
  burstTime: text("burst_time").notNull().default("12:00"),
  automationPaused: integer("automation_paused", { mode: "boolean" }).notNull().default(false),
  /** How many proposals the daily burst writes per brand. */
  burstPerBrand: integer("burst_per_brand").notNull().default(3),
  createdAt: integer("created_at").notNull().default(now),
});

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  passwordHash: text("password_hash").notNull(),
  passwordSalt: text("password_salt").notNull(),
  passwordIterations: integer("password_iterations").notNull(),
  createdAt: integer("created_at").notNull().default(now),
});

export const memberships = sqliteTable(
  "memberships",
  {
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["owner", "editor", "viewer"] }).notNull(),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.userId, t.workspaceId] }), index("memberships_workspace").on(t.workspaceId)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    /** SHA-256 of the cookie value: a stolen database does not yield live sessions. */
    idHash: text("id_hash").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    expiresAt: integer("expires_at").notNull(),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    createdAt: integer("created_at").notNull().default(now),
    lastUsedAt: integer("last_used_at"),
  },
  (t) => [index("api_tokens_workspace").on(t.workspaceId)],
);

/** Fixed-window counters for login throttling, keyed `email:<addr>` / `ip:<addr>`. */
export const rateLimits = sqliteTable("rate_limits", {
  key: text("key").primaryKey(),
  windowStart: integer("window_start").notNull(),
  count: integer("count").notNull(),
});

export const brands = sqliteTable(
  "brands",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    timezone: text("timezone").notNull(),
    /** BrandColors JSON (configuration). */
    colors: text("colors").notNull(),
    /** SlotConfig JSON (configuration): base wall-clock times before the offset. */
    slots: text("slots").notNull(),
    scheduleOffset: integer("schedule_offset").notNull().default(0),
    handle: text("handle"),
    logoKey: text("logo_key"),
    musicKey: text("music_key"),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [uniqueIndex("brands_workspace_slug").on(t.workspaceId, t.slug)],
);

export const platformAccounts = sqliteTable(
  "platform_accounts",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    brandId: text("brand_id").notNull().references(() => brands.id, { onDelete: "cascade" }),
    platform: text("platform", { enum: ["instagram", "facebook", "youtube", "sandbox"] }).notNull(),
    externalId: text("external_id").notNull(),
    /** Display name: the Page's, the Instagram username, the channel title. */
    name: text("name"),
    /** Instagram only: `facebook` (Facebook Login: graph.facebook.com) or `instagram` (Instagram Login: graph.instagram.com). */
    loginVia: text("login_via", { enum: ["facebook", "instagram"] }),
    /** AES-GCM ciphertext of {accessToken, refreshToken}: base64(iv || ciphertext). */
    credentials: text("credentials").notNull(),
    keyVersion: integer("key_version").notNull().default(1),
    expiresAt: integer("expires_at"),
    status: text("status", { enum: ["connected", "needs_reconnect"] }).notNull().default("connected"),
    statusReason: text("status_reason"),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("platform_accounts_brand_platform").on(t.brandId, t.platform)],
);

export const proposals = sqliteTable(
  "proposals",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    brandId: text("brand_id").notNull().references(() => brands.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    angle: text("angle").notNull(),
    variant: text("variant", { enum: ["light", "dark", "post"] }).notNull(),
    status: text("status", { enum: ["pending", "accepted", "rejected"] }).notNull().default("pending"),
    qualityScore: integer("quality_score"),
    reason: text("reason"),
    runKey: text("run_key"),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [index("proposals_workspace_status").on(t.workspaceId, t.status, t.createdAt)],
);

export const generationJobs = sqliteTable(
  "generation_jobs",
  {
    /** Public id is `GEN-` + this number zero-padded to 6 digits. */
    id: integer("id").primaryKey({ autoIncrement: true }),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    variant: text("variant", { enum: ["light", "dark", "post"] }).notNull(),
    title: text("title"),
    topic: text("topic"),
    /** Requested slide texts (content, JSON string[]); outputs hold the generated ones. */
    slideTexts: text("slide_texts"),
    /** Target platforms (configuration, JSON Platform[]). */
    platforms: text("platforms").notNull(),
    seed: integer("seed").notNull(),
    createdByKind: text("created_by_kind", { enum: ["user", "automation"] }).notNull(),
    createdByUserId: text("created_by_user_id").references(() => users.id, { onDelete: "set null" }),
    proposalId: text("proposal_id").references(() => proposals.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [index("generation_jobs_workspace_created").on(t.workspaceId, t.id)],
);

export const jobOutputs = sqliteTable(
  "job_outputs",
  {
    id: text("id").primaryKey(),
    jobId: integer("job_id").notNull().references(() => generationJobs.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    brandId: text("brand_id").notNull().references(() => brands.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["pending", "generating", "ready", "failed"] }).notNull().default("pending"),
    caption: text("caption"),
    title: text("title"),
    ytTitle: text("yt_title"),
    /** Generated slide texts (content, JSON string[]). */
    slideTexts: text("slide_texts"),
    thumbnailKey: text("thumbnail_key"),
    ytThumbnailKey: text("yt_thumbnail_key"),
    videoKey: text("video_key"),
    coverKey: text("cover_key"),
    /** R2 keys of carousel slides (JSON string[]). */
    slideKeys: text("slide_keys"),
    error: text("error"),
    /** Set when a user unschedules: catch-up leaves held outputs alone (invariant 5). */
    hold: integer("hold", { mode: "boolean" }).notNull().default(false),
    attempts: integer("attempts").notNull().default(0),
    startedAt: integer("started_at"),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("job_outputs_job_brand").on(t.jobId, t.brandId),
    index("job_outputs_ready").on(t.workspaceId, t.status, t.hold),
    index("job_outputs_brand").on(t.brandId),
  ],
);

export const schedules = sqliteTable(
  "schedules",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    brandId: text("brand_id").notNull().references(() => brands.id, { onDelete: "cascade" }),
    /** UNIQUE: one output, one schedule (invariant 4). */
    outputId: text("output_id").notNull().unique().references(() => jobOutputs.id, { onDelete: "cascade" }),
    jobId: integer("job_id").notNull().references(() => generationJobs.id, { onDelete: "cascade" }),
    scheduledAt: integer("scheduled_at").notNull(),
    kind: text("kind", { enum: ["reel", "post"] }).notNull(),
    variant: text("variant", { enum: ["light", "dark", "post"] }).notNull(),
    createdByKind: text("created_by_kind", { enum: ["user", "automation"] }).notNull(),
    createdByUserId: text("created_by_user_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull().default(now),
    /**
     * Set once, by the dispatch claim (BrandScheduler), when the item goes out:
     * its deliveries are created then (DESIGN.md §7). NULL = not yet claimed.
     */
    dispatchedAt: integer("dispatched_at"),
  },
  (t) => [
    // Backstop for invariant 3; the BrandScheduler makes sure it never fires.
    uniqueIndex("schedules_brand_slot").on(t.brandId, t.scheduledAt),
    index("schedules_workspace_time").on(t.workspaceId, t.scheduledAt),
    index("schedules_due").on(t.brandId, t.dispatchedAt, t.scheduledAt),
    index("schedules_undispatched").on(t.dispatchedAt, t.scheduledAt),
  ],
);

export const deliveries = sqliteTable(
  "deliveries",
  {
    id: text("id").primaryKey(),
    scheduleId: text("schedule_id").notNull().references(() => schedules.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    platform: text("platform", { enum: ["instagram", "facebook", "youtube", "sandbox"] }).notNull(),
    /** The account chosen at dispatch (null when skipped: none connected). */
    accountId: text("account_id"),
    status: text("status", {
      enum: ["pending", "queued", "publishing", "published", "failed", "missed", "skipped"],
    })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** Checkpoints of the platform's state machine (PLATFORMS.md). */
    containerId: text("container_id"),
    uploadSession: text("upload_session"),
    publishedId: text("published_id"),
    permalink: text("permalink"),
    lastError: text("last_error"),
    errorClass: text("error_class"),
    nextAttemptAt: integer("next_attempt_at"),
    publishedAt: integer("published_at"),
    /** The platform state machine's current step (worker/publishing); null before the first attempt. */
    step: text("step"),
    /** Platform-specific checkpoint ids (JSON: child container ids, upload offsets). Ids only, never status. */
    checkpoint: text("checkpoint"),
    /** A consumer holds the delivery until then; a duplicate message meanwhile does nothing. */
    leaseUntil: integer("lease_until"),
    /** When it was (last) put on the publish queue: the dispatch pass re-sends lost messages. */
    queuedAt: integer("queued_at"),
    /** When the non-idempotent call (media_publish, finish, /feed, last chunk) was first started: the recovery lookup's lower bound. */
    publishStartedAt: integer("publish_started_at"),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("deliveries_schedule_platform").on(t.scheduleId, t.platform),
    index("deliveries_status").on(t.status),
    index("deliveries_workspace_status").on(t.workspaceId, t.status),
  ],
);

export const publishAttempts = sqliteTable(
  "publish_attempts",
  {
    id: text("id").primaryKey(),
    deliveryId: text("delivery_id").notNull().references(() => deliveries.id, { onDelete: "cascade" }),
    /** 1, 2, 3…: the delivery's attempt this row records. */
    attempt: integer("attempt").notNull().default(1),
    step: text("step").notNull(),
    startedAt: integer("started_at").notNull(),
    endedAt: integer("ended_at"),
    errorClass: text("error_class"),
    rawMessage: text("raw_message"),
  },
  (t) => [index("publish_attempts_delivery").on(t.deliveryId)],
);

export const automationRuns = sqliteTable(
  "automation_runs",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["burst", "catchup", "healing", "dispatch", "refresh"] }).notNull(),
    /** The local date for a burst, the 10-minute window for cron passes, `manual:<id>` for clicks. */
    runKey: text("run_key").notNull(),
    trigger: text("trigger", { enum: ["cron", "manual"] }).notNull(),
    status: text("status", { enum: ["running", "succeeded", "failed"] }).notNull().default("running"),
    processed: integer("processed").notNull().default(0),
    succeeded: integer("succeeded").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    remaining: integer("remaining").notNull().default(0),
    error: text("error"),
    startedAt: integer("started_at").notNull(),
    endedAt: integer("ended_at"),
  },
  (t) => [
    uniqueIndex("automation_runs_key").on(t.workspaceId, t.kind, t.runKey),
    index("automation_runs_recent").on(t.workspaceId, t.startedAt),
  ],
);

/**
 * Posts the `sandbox` platform "published" (worker/publishing/sandbox.ts),
 * shown at GET /sandbox/:deliveryId. No foreign key to deliveries: like a
 * post on a real platform, it outlives the schedule that made it.
 */
export const sandboxPosts = sqliteTable(
  "sandbox_posts",
  {
    id: text("id").primaryKey(),
    /** UNIQUE: one post per delivery, however often it is published. */
    deliveryId: text("delivery_id").notNull(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["reel", "post"] }).notNull(),
    caption: text("caption").notNull(),
    title: text("title").notNull(),
    videoKey: text("video_key"),
    coverKey: text("cover_key"),
    /** R2 keys of carousel images (JSON string[]). */
    slideKeys: text("slide_keys"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("sandbox_posts_delivery").on(t.deliveryId)],
);
