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

export const workspaces = sqliteTable(
  "workspaces",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    timezone: text("timezone").notNull().default("Europe/Lisbon"),
    burstTime: text("burst_time").notNull().default("12:00"),
    automationPaused: integer("automation_paused", { mode: "boolean" }).notNull().default(false),
    /** How many proposals the daily burst writes per brand. */
    burstPerBrand: integer("burst_per_brand").notNull().default(3),
    /** `manual`: the burst leaves proposals pending for a person (DESIGN.md §5). */
    reviewMode: text("review_mode", { enum: ["auto", "manual"] }).notNull().default("auto"),
    createdAt: integer("created_at").notNull().default(now),
    /**
     * When the cron next hands this workspace's burst out (automation/burst-fanout.ts):
     * the next local burst time, computed with Intl in the workspace's zone, or,
     * while a burst is in flight, its lease (a message holding an older value does
     * nothing). 0: not computed yet, so the next cron works it out.
     */
    nextBurstAt: integer("next_burst_at").notNull().default(0),
  },
  (t) => [
    // "Whose burst is due" is an index range, never a scan of every workspace computing zones.
    index("workspaces_burst_due").on(t.nextBurstAt).where(sql`automation_paused = 0`),
  ],
);

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
  // sessions_expires: the prune pass (auth/prune.ts) finds expired sessions without a scan.
  (t) => [index("sessions_user").on(t.userId), index("sessions_expires").on(t.expiresAt)],
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

/**
 * An owner's invitation to join a workspace with a role (API.md "Members"): a
 * single-use link, valid 7 days. Only the token's SHA-256 is stored (the link
 * is shown once); accepting sets `accepted_at`, so a used link answers 410.
 */
export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    /** Lower-cased, as users' emails are. */
    email: text("email").notNull(),
    role: text("role", { enum: ["owner", "editor", "viewer"] }).notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull().default(now),
    expiresAt: integer("expires_at").notNull(),
    acceptedAt: integer("accepted_at"),
    acceptedBy: text("accepted_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [index("invitations_workspace_email").on(t.workspaceId, t.email)],
);

/** Fixed-window counters for login throttling, keyed `email:<addr>` / `ip:<addr>`. */
export const rateLimits = sqliteTable(
  "rate_limits",
  {
    key: text("key").primaryKey(),
    /** The window's start (fixed windows), or the last counted attempt (backoffs): auth/rate-limit.ts. */
    windowStart: integer("window_start").notNull(),
    count: integer("count").notNull(),
  },
  // The prune pass (auth/prune.ts) finds rows that no longer decide anything.
  (t) => [index("rate_limits_window").on(t.windowStart)],
);

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
    /** Brief JSON (configuration: niche, tone, banned words…; API.md `Brief`). */
    brief: text("brief"),
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
    /**
     * Sealed credentials (worker/accounts/sealing.ts): `v1.<kid>.<base64url(iv || ciphertext)>`,
     * AES-GCM with this row's id as additional data. Empty while pending_selection.
     */
    credentials: text("credentials").notNull(),
    /** Superseded by the key id inside `credentials` (rotation reads that); kept for old rows. */
    keyVersion: integer("key_version").notNull().default(1),
    expiresAt: integer("expires_at"),
    status: text("status", { enum: ["connected", "needs_reconnect", "pending_selection"] }).notNull().default("connected"),
    statusReason: text("status_reason"),
    updatedAt: integer("updated_at").notNull().default(now),
    connectedAt: integer("connected_at"),
    /** The app-scoped Meta user who granted access (Facebook Login): deauthorisation callbacks name only this. */
    metaUserId: text("meta_user_id"),
    /**
     * Whether the grant covers the platform's insights (PLATFORMS.md §8): `granted`, `missing`
     * (connected without it: publishing works, the Brands page says "reconnect to see analytics"),
     * NULL when unknown (a pasted token: the sampler finds out and records it).
     */
    insightsAccess: text("insights_access", { enum: ["granted", "missing"] }),
    /** The expiry an `account.expiring` event was written for (worker/notifications): one warning per expiry. */
    expiryWarnedFor: integer("expiry_warned_for"),
  },
  (t) => [
    uniqueIndex("platform_accounts_brand_platform").on(t.brandId, t.platform),
    // One social account, one brand (REGRESSIONS #25); the sandbox is no social account, and a pending row has no id yet.
    uniqueIndex("platform_accounts_platform_external")
      .on(t.platform, t.externalId)
      .where(sql`${t.externalId} != '' AND ${t.platform} != 'sandbox'`),
    index("platform_accounts_meta_user").on(t.metaUserId),
    index("platform_accounts_expires").on(t.status, t.expiresAt),
  ],
);

/** Pages, Instagram accounts or channels one grant covered, until the person picks one (API.md `candidates`/`select`). */
export const accountCandidates = sqliteTable(
  "account_candidates",
  {
    accountId: text("account_id").notNull().references(() => platformAccounts.id, { onDelete: "cascade" }),
    externalId: text("external_id").notNull(),
    name: text("name"),
    loginVia: text("login_via", { enum: ["facebook", "instagram"] }),
    /** Sealed for the *account's* id, so selecting copies it onto the account unchanged. */
    credentials: text("credentials").notNull(),
    expiresAt: integer("expires_at"),
    /** The grant's insights permissions (platform_accounts.insights_access), moved onto the account when chosen. */
    insightsAccess: text("insights_access", { enum: ["granted", "missing"] }),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.externalId] })],
);

/**
 * A connect flow's one-time `state` (PLATFORMS.md §7): only its SHA-256 is
 * stored, bound to the person (and session), the brand and the platform.
 */
export const oauthStates = sqliteTable(
  "oauth_states",
  {
    stateHash: text("state_hash").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    sessionHash: text("session_hash"),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    brandId: text("brand_id").notNull().references(() => brands.id, { onDelete: "cascade" }),
    platform: text("platform", { enum: ["instagram", "facebook", "youtube", "sandbox"] }).notNull(),
    provider: text("provider", { enum: ["meta", "instagram", "google"] }).notNull(),
    /** The PKCE code_verifier, sealed with the state hash as additional data (Google). */
    verifier: text("verifier"),
    expiresAt: integer("expires_at").notNull(),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [index("oauth_states_expires").on(t.expiresAt)],
);

/** Meta data-deletion requests we completed: the status page a confirmation code points to. */
export const metaDeletions = sqliteTable("meta_deletions", {
  code: text("code").primaryKey(),
  metaUserId: text("meta_user_id").notNull(),
  accounts: integer("accounts").notNull(),
  completedAt: integer("completed_at").notNull(),
});

export const proposals = sqliteTable(
  "proposals",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    brandId: text("brand_id").notNull().references(() => brands.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    angle: text("angle").notNull(),
    variant: text("variant", { enum: ["light", "dark", "post"] }).notNull(),
    status: text("status", { enum: ["pending", "accepted", "rejected", "failed"] }).notNull().default("pending"),
    qualityScore: integer("quality_score"),
    reason: text("reason"),
    runKey: text("run_key"),
    writer: text("writer", { enum: ["template", "llm"] }).notNull().default("template"),
    caption: text("caption"),
    /** The writer's hashtags (content, JSON string[]). */
    hashtags: text("hashtags"),
    /** The learning loop's arm the writer chose (issue 15 item 7): the topic as titles name it, and the hook's id. */
    armTopic: text("arm_topic"),
    armHook: text("arm_hook"),
    decidedByUserId: text("decided_by_user_id").references(() => users.id, { onDelete: "set null" }),
    updatedAt: integer("updated_at"),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [index("proposals_workspace_status").on(t.workspaceId, t.status, t.createdAt), index("proposals_brand_created").on(t.brandId, t.createdAt)],
);

/**
 * The burst's part for one brand on one run key (a local date): the day is
 * done only when every brand's row is `done`, so a burst cut off midway is
 * resumed by a later check and never redoes a brand (issue 9).
 */
export const burstProgress = sqliteTable(
  "burst_progress",
  {
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    runKey: text("run_key").notNull(),
    brandId: text("brand_id").notNull().references(() => brands.id, { onDelete: "cascade" }),
    /** `stopped`: a workspace quota had no room (`note` says which); a later check takes it up again. */
    status: text("status", { enum: ["running", "done", "stopped"] }).notNull().default("running"),
    /** Token of the invocation working on it; its writes count only while it still holds it. */
    claim: text("claim").notNull(),
    claimedAt: integer("claimed_at").notNull(),
    proposals: integer("proposals").notNull().default(0),
    jobs: integer("jobs").notNull().default(0),
    doneAt: integer("done_at"),
    /** Why the part stopped short (a workspace quota, worker/services/quotas.ts), for people; NULL when it did all it meant to. */
    note: text("note"),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.runKey, t.brandId] })],
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
    /** Target platforms (configuration, JSON Platform[]); binding only when `platformsExplicit`. */
    platforms: text("platforms").notNull(),
    /**
     * The user chose `platforms`. Otherwise the job is automatic: each item goes
     * to the platforms its brand has connected when it goes out (DESIGN.md §7).
     */
    platformsExplicit: integer("platforms_explicit", { mode: "boolean" }).notNull().default(false),
    seed: integer("seed").notNull(),
    createdByKind: text("created_by_kind", { enum: ["user", "automation"] }).notNull(),
    createdByUserId: text("created_by_user_id").references(() => users.id, { onDelete: "set null" }),
    proposalId: text("proposal_id").references(() => proposals.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [
    index("generation_jobs_workspace_created").on(t.workspaceId, t.id),
    // The jobs-a-day quota counts today's jobs of a workspace: an index range, not every job it ever made.
    index("generation_jobs_workspace_day").on(t.workspaceId, t.createdAt),
    // A proposal's job (the burst's outputs, the inbox, accepting): a lookup, where it was a scan of every job (cost bench).
    index("generation_jobs_proposal").on(t.proposalId),
  ],
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
    /** JPEG for Instagram (PLATFORMS.md §1.6): the reel cover (9:16) or the post cover (4:5). */
    publishCoverKey: text("publish_cover_key"),
    /** Posts: R2 keys of the carousel images as JPEG, cover first (JSON string[]). */
    publishSlideKeys: text("publish_slide_keys"),
    error: text("error"),
    /** Set when a user unschedules: catch-up leaves held outputs alone (invariant 5). */
    hold: integer("hold", { mode: "boolean" }).notNull().default(false),
    attempts: integer("attempts").notNull().default(0),
    startedAt: integer("started_at"),
    /** The generate consumer's claim token: a write lands only while it still holds the claim. */
    claim: text("claim"),
    /** Healing's re-sends of a lost `generate` message; past the limit the output fails. */
    requeues: integer("requeues").notNull().default(0),
    /** When its message was last sent: at creation, a retry, a healing re-send (what the renders-a-day quota counts). */
    enqueuedAt: integer("enqueued_at"),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [
    index("job_outputs_queue").on(t.status, t.enqueuedAt),
    uniqueIndex("job_outputs_job_brand").on(t.jobId, t.brandId),
    index("job_outputs_ready").on(t.workspaceId, t.status, t.hold),
    // The renders-a-day quota counts outputs sent to render today (created or retried): an index range.
    index("job_outputs_workspace_enqueued").on(t.workspaceId, t.enqueuedAt),
    index("job_outputs_brand").on(t.brandId),
    // The calendar window reads each item's title by output id: from this index alone, not 4,800 wide rows (captions, media keys).
    index("job_outputs_title").on(t.id, t.title),
    // Catch-up's discovery (automation/workspace-fanout.ts): outputs that turned ready, or that catch-up
    // could not book and rotated, recently; a range of this index rather than every output ever made.
    index("job_outputs_catchup").on(t.updatedAt, t.workspaceId).where(sql`status = 'ready' AND hold = 0`),
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
    // Keyed by (workspace, time) and carrying every column the calendar window reads, so a month
    // (4,800 items) comes from the index alone, in time order, with no lookup of each row.
    index("schedules_workspace_time").on(
      t.workspaceId,
      t.scheduledAt,
      t.id,
      t.brandId,
      t.variant,
      t.kind,
      t.dispatchedAt,
      t.createdByKind,
      t.createdByUserId,
      t.outputId,
    ),
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
    /** Published, but not as asked (YouTube forced the video private): shown on the delivery. */
    warning: text("warning"),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("deliveries_schedule_platform").on(t.scheduleId, t.platform),
    index("deliveries_status").on(t.status),
    index("deliveries_workspace_status").on(t.workspaceId, t.status),
    // Analytics lists published deliveries by publish time (API.md "Analytics").
    index("deliveries_published").on(t.workspaceId, t.status, t.publishedAt),
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
    kind: text("kind", { enum: ["burst", "catchup", "healing", "dispatch", "refresh", "metrics"] }).notNull(),
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
 * post on a real platform, it outlives the schedule that made it. It does not
 * outlive its brand: deleting the brand deletes its public pages (issue 16 item 10).
 */
export const sandboxPosts = sqliteTable(
  "sandbox_posts",
  {
    id: text("id").primaryKey(),
    /** UNIQUE: one post per delivery, however often it is published. */
    deliveryId: text("delivery_id").notNull(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    /** Set on every post the sandbox publishes; NULL only for rows older than the column whose brand was already gone. */
    brandId: text("brand_id").references(() => brands.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["reel", "post"] }).notNull(),
    caption: text("caption").notNull(),
    title: text("title").notNull(),
    videoKey: text("video_key"),
    coverKey: text("cover_key"),
    /** R2 keys of carousel images (JSON string[]). */
    slideKeys: text("slide_keys"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("sandbox_posts_delivery").on(t.deliveryId), index("sandbox_posts_brand").on(t.brandId)],
);

/** One reading's numbers (API.md `Metrics` without the derived rate, plus followers): a snapshot's, and a target's latest. */
const readingColumns = () => ({
  views: integer("views"),
  reach: integer("reach"),
  likes: integer("likes"),
  comments: integer("comments"),
  shares: integer("shares"),
  saves: integer("saves"),
  followers: integer("followers"),
  simulated: integer("simulated", { mode: "boolean" }).notNull().default(false),
});

/**
 * What the platforms reported, sampled by age (DESIGN.md §10): one row per
 * reading of a published delivery (`delivery_id`: views, reach, likes…) or of a
 * connected account (`account_id`: followers). Rows are appended, never
 * updated: a post's latest reading is its newest row. `null` is "not reported",
 * never 0. Sandbox readings are simulated and say so.
 */
export const metricSnapshots = sqliteTable(
  "metric_snapshots",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    brandId: text("brand_id").notNull().references(() => brands.id, { onDelete: "cascade" }),
    platform: text("platform", { enum: ["instagram", "facebook", "youtube", "sandbox"] }).notNull(),
    /** A post's reading; NULL for an account's. */
    deliveryId: text("delivery_id").references(() => deliveries.id, { onDelete: "cascade" }),
    /** An account's reading (followers); kept when the account is disconnected, so the series survives a reconnect. */
    accountId: text("account_id"),
    capturedAt: integer("captured_at").notNull(),
    ...readingColumns(),
  },
  (t) => [
    index("metric_snapshots_delivery").on(t.deliveryId, t.capturedAt),
    // Accounts' readings only: a post's reading (account_id NULL) would add an entry no query reads. The query
    // must imply account_id IS NOT NULL (`account_id = ?` or `IN (…)`) for SQLite to use it (test/analytics/metrics-indexes.test.ts).
    index("metric_snapshots_account").on(t.accountId, t.capturedAt).where(sql`account_id IS NOT NULL`),
    index("metric_snapshots_brand").on(t.brandId, t.capturedAt),
  ],
);

/**
 * YouTube Data API units the metrics sampler reserved, per Pacific-time day
 * (the project's quota resets at midnight PT, PLATFORMS.md §3.6): one row a
 * day, kept within the metrics share so uploads never run short
 * (worker/analytics/insights/youtube-budget.ts).
 */
export const youtubeMetricsUnits = sqliteTable("youtube_metrics_units", {
  /** YYYY-MM-DD in America/Los_Angeles. */
  day: text("day").primaryKey(),
  units: integer("units").notNull().default(0),
});

/**
 * Everything the metrics sampler reads (DESIGN.md §10): one row per published
 * delivery (`kind` post, `id` = the delivery's id) and per platform account
 * (`kind` account, `id` = the account's id), holding when it is next due and
 * its latest reading.
 *
 * - `next_at` is the due state, so finding due work is an index range
 *   (`metric_targets_due`), never a scan. NULL: nothing due, because the post
 *   is past its 28 days or the account is gone (done), or because its account
 *   cannot be read now (`parked` says why; the account's own row re-checks it
 *   daily and un-parks its posts).
 * - `claim` is the sampler invocation working on the row: its writes land only
 *   while it still holds the claim, so a redelivered message never writes a
 *   reading twice.
 * - The latest reading is a copy of the newest metric_snapshots row, written
 *   in the same batch: lists, sorts and the Schedule read one row per post.
 *
 * Account rows are created by a trigger on platform_accounts (migration metrics_sampler),
 * whichever flow connected the account; post rows when a delivery is published.
 */
export const metricTargets = sqliteTable(
  "metric_targets",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: ["post", "account"] }).notNull(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    brandId: text("brand_id").notNull().references(() => brands.id, { onDelete: "cascade" }),
    platform: text("platform", { enum: ["instagram", "facebook", "youtube", "sandbox"] }).notNull(),
    /** Posts: what went out, and when (the schedule by age counts from it). */
    contentType: text("content_type", { enum: ["reel", "post"] }),
    publishedAt: integer("published_at"),
    nextAt: integer("next_at"),
    parked: text("parked", { enum: ["account_unavailable", "insights_missing", "reconnect"] }),
    claim: text("claim"),
    /** Unchanged readings in a row: each doubles the interval (DESIGN.md §10). */
    backoff: integer("backoff").notNull().default(0),
    samples: integer("samples").notNull().default(0),
    capturedAt: integer("captured_at"),
    ...readingColumns(),
  },
  (t) => [
    index("metric_targets_due").on(t.brandId, t.nextAt),
    // Posts waiting for their account: few, found without reading the brand's finished posts.
    index("metric_targets_parked")
      .on(t.brandId, t.platform)
      .where(sql`parked IS NOT NULL`),
  ],
);

/**
 * Each brand's earliest `metric_targets.next_at` (NULL: nothing due). The cron
 * finds due brands here page by page and sends one `metrics` message per brand
 * (DESIGN.md §9: fleet passes fan out); claiming a brand moves `next_at` a
 * lease ahead, so a lost message is sent again once the lease runs out.
 */
export const metricBrands = sqliteTable(
  "metric_brands",
  {
    brandId: text("brand_id").primaryKey().references(() => brands.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    nextAt: integer("next_at"),
  },
  // metric_brands_workspace serves a workspace delete's cascade only: without next_at, a due time's move does not move it.
  (t) => [index("metric_brands_due").on(t.nextAt), index("metric_brands_workspace").on(t.workspaceId)],
);

/**
 * The outbox (DESIGN.md §11): one row per event of API.md "Notifications and
 * webhooks", written in the same D1 transaction as the state change it
 * reports: by the triggers at the end of the migration that adds this table
 * (a delivery's or an account's status, a burst's part or run finishing), or
 * by a conditional statement in the same batch (worker/notifications). The
 * in-app feed reads these rows; the relay hands each to the events queue until
 * the consumer has fanned it out (`relay_after` NULL). Never updated otherwise.
 */
export const events = sqliteTable(
  "events",
  {
    /** `evt_…`, fixed when written: the `webhook-id` of every attempt to every endpoint. */
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    /** API.md's event `data` (JSON): ids and what they were when it happened. */
    data: text("data").notNull(),
    /** `ping`: the one endpoint it is for. */
    webhookId: text("webhook_id"),
    createdAt: integer("created_at").notNull(),
    /** When the relay may (re)send its queue message; NULL once fanned out. */
    relayAfter: integer("relay_after"),
    relays: integer("relays").notNull().default(0),
    handledAt: integer("handled_at"),
  },
  (t) => [
    index("events_feed").on(t.workspaceId, t.createdAt),
    // Retention (notifications/retention.ts) walks the oldest events first.
    index("events_created").on(t.createdAt),
    index("events_relay").on(t.relayAfter).where(sql`relay_after IS NOT NULL`),
  ],
);

/** A person's "read" marks on feed items (read state is per user; the feed is the workspace's). */
export const notificationReads = sqliteTable(
  "notification_reads",
  {
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    eventId: text("event_id").notNull().references(() => events.id, { onDelete: "cascade" }),
    readAt: integer("read_at").notNull(),
  },
  // By event as well: deleting an old event (notifications/retention.ts) cascades here without a scan.
  (t) => [primaryKey({ columns: [t.userId, t.eventId] }), index("notification_reads_event").on(t.eventId)],
);

/** "Mark all read": everything of the workspace up to `read_through` is read for this person. */
export const notificationCursors = sqliteTable(
  "notification_cursors",
  {
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    readThrough: integer("read_through").notNull(),
    readAt: integer("read_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.workspaceId] })],
);

/** Webhook endpoints (API.md `Webhook`). */
export const webhooks = sqliteTable(
  "webhooks",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    /**
     * Sealed `{url, secrets: [{secret, until}]}` (worker/accounts/sealing.ts, this row's id as
     * additional data): signing secrets, and Slack's and Discord's URLs, are credentials.
     */
    sealed: text("sealed").notNull(),
    /** The URL's host, shown where the URL itself is not. */
    host: text("host").notNull(),
    /** Subscribed event types (configuration, JSON string[]). */
    events: text("events").notNull(),
    format: text("format", { enum: ["standard", "slack", "discord"] }).notNull().default("standard"),
    description: text("description").notNull().default(""),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    disabledReason: text("disabled_reason"),
    lastSuccessAt: integer("last_success_at"),
    lastFailureAt: integer("last_failure_at"),
    /** The first failure since the last success: three days of failing disables the endpoint. */
    failingSince: integer("failing_since"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("webhooks_workspace").on(t.workspaceId)],
);

/** One event to one endpoint: its state across attempts (a message per row on the events queue). */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    eventId: text("event_id").notNull().references(() => events.id, { onDelete: "cascade" }),
    webhookId: text("webhook_id").notNull().references(() => webhooks.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["pending", "sending", "delivered", "failed"] }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** When the next attempt is due (its queue message is delayed until then). */
    nextAttemptAt: integer("next_attempt_at").notNull(),
    /** A consumer holds it until then (a duplicate message meanwhile waits). */
    leaseUntil: integer("lease_until"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.webhookId] }), index("webhook_deliveries_due").on(t.status, t.nextAttemptAt)],
);

/** Every attempt to deliver an event to an endpoint, with the endpoint's answer (GET /api/webhooks/:id/attempts). */
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: text("id").primaryKey(),
    webhookId: text("webhook_id").notNull().references(() => webhooks.id, { onDelete: "cascade" }),
    eventId: text("event_id").notNull(),
    type: text("type").notNull(),
    attempt: integer("attempt").notNull(),
    at: integer("at").notNull(),
    responseStatus: integer("response_status"),
    durationMs: integer("duration_ms").notNull(),
    /** What went wrong, in words; NULL on success. */
    error: text("error"),
    /** The start of the endpoint's answer (text, at most 500 characters). */
    response: text("response"),
  },
  (t) => [index("webhook_attempts_webhook").on(t.webhookId, t.at), index("webhook_attempts_at").on(t.at)],
);

/** The owners' email digest of needs-attention events: at most one an hour per workspace. */
export const emailDigests = sqliteTable("email_digests", {
  workspaceId: text("workspace_id")
    .primaryKey()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  /** Events after this instant (created_at) are not in a digest yet. */
  sentThrough: integer("sent_through").notNull().default(0),
  lastSentAt: integer("last_sent_at"),
  /** An event waits for the next digest. */
  pending: integer("pending", { mode: "boolean" }).notNull().default(false),
});

/**
 * Per-workspace overrides of the quotas in wrangler.toml `[vars]` (QUOTA_*):
 * set by an operator (`wrangler d1 execute`), never by owners. A NULL column
 * keeps the deployment's default (worker/services/quotas.ts).
 */
export const workspaceQuotas = sqliteTable("workspace_quotas", {
  workspaceId: text("workspace_id")
    .primaryKey()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  brands: integer("brands"),
  jobsPerDay: integer("jobs_per_day"),
  rendersPerDay: integer("renders_per_day"),
  llmCallsPerDay: integer("llm_calls_per_day"),
});

/**
 * What cannot be counted from rows: LLM calls, per workspace and local day
 * (YYYY-MM-DD in the workspace's zone), written in the same D1 batch as what
 * the calls are for (a burst's proposals, a job's outputs).
 */
export const workspaceUsage = sqliteTable(
  "workspace_usage",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    day: text("day").notNull(),
    llmCalls: integer("llm_calls").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day] })],
);

/**
 * A counter per workspace that SQLite triggers move whenever something the
 * calendar window shows changes (a schedule, a delivery's status, a title, a
 * brand, a creator's name): migrations/0021_calendar_versions.sql. A window
 * read along with its version stays right for as long as the version does
 * (services/calendar-cache.ts). No foreign key: a workspace's deletion
 * cascades into schedules whose triggers write here in the same statement.
 */
export const calendarVersions = sqliteTable("calendar_versions", {
  workspaceId: text("workspace_id").primaryKey(),
  version: integer("version").notNull().default(0),
});
