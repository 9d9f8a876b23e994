// The HTTP contract (API.md) as zod schemas: defined once, used by the Worker
// to validate requests and by the web app's API client for its types.
// Request objects are strict: unknown fields are rejected.
import { z } from "zod";
import { BRIEF_LANGUAGES, briefLanguage } from "./languages";
import { isValidTimeZone } from "../scheduling/zoned-time";
import { PLATFORMS, VARIANTS } from "../scheduling/variants";
import { EVENT_TYPES, PEOPLE_ONLY_TYPES } from "../notifications/events";

export const hhmm = z.string().regex(/^([01]\d|2[0-3]):([0-5]\d)$/, "Use 24-hour HH:MM, e.g. 08:00.");
export const timeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(isValidTimeZone, "Not an IANA time zone, e.g. Europe/Lisbon.")
  // Store the canonical spelling ("europe/lisbon" → "Europe/Lisbon").
  .transform((tz) => new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone);
export const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, "Use a hex colour like #1a2b3c.");
export const isoInstant = z.iso.datetime({ offset: true, message: "Use an ISO-8601 time, e.g. 2026-11-25T12:00:00.000Z." });
export const variant = z.enum(VARIANTS);
export const platform = z.enum(PLATFORMS);
export const role = z.enum(["owner", "editor", "viewer"]);

// ---- auth ----------------------------------------------------------------
export const email = z.string().trim().toLowerCase().pipe(z.email("Not an email address.")).pipe(z.string().max(254));
/** A password someone chooses (sign-up, accepting an invitation as a new user). */
export const newPassword = z.string().min(10, "Use at least 10 characters.").max(256);
export const signupInput = z.strictObject({
  email,
  password: newPassword,
  workspaceName: z.string().trim().min(1).max(80),
  name: z.string().trim().min(1).max(80).optional(),
});
export const loginInput = z.strictObject({ email, password: z.string().min(1).max(256) });
export const tokenInput = z.strictObject({ name: z.string().trim().min(1).max(80) });

// ---- brands --------------------------------------------------------------
export const brandColors = z.strictObject({
  primary: hexColor,
  accent: hexColor,
  light: z.strictObject({ bg: hexColor, fg: hexColor }),
  dark: z.strictObject({ bg: hexColor, fg: hexColor }),
});
export const slotConfig = z
  .strictObject({
    reel: z.array(z.strictObject({ time: hhmm, variant: z.enum(["light", "dark"]) })).max(48),
    post: z.array(hhmm).max(24),
  })
  .refine((s) => new Set(s.reel.map((r) => r.time)).size === s.reel.length, "Two reel slots share a time.")
  .refine((s) => new Set(s.post).size === s.post.length, "Two post slots share a time.")
  .refine((s) => !s.reel.some((r) => s.post.includes(r.time)), "A reel slot and a post slot share a time; a brand publishes one item per minute.");
export const slug = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, "Use lowercase letters, digits and dashes.");
/** A word or phrase a brief lists (a banned word, a topic): trimmed, not empty. */
const briefTerm = z.string().trim().min(1).max(80);
/** `#tag` or `tag`, stored as `#tag`. */
const hashtag = z
  .string()
  .trim()
  .regex(/^#?[\p{L}\p{N}_]{1,60}$/u, "Use a hashtag like #mealprep (letters, digits, underscores).")
  .transform((t) => (t.startsWith("#") ? t : `#${t}`));
/** A brief's language: a tag whose language slides render (contract/languages.ts). */
const briefLanguageTag = z
  .string()
  .trim()
  .regex(/^[a-zA-Z]{2}(-[A-Za-z]{2,4})?$/, "Use a language code like en, pt-BR, ja or zh-Hant.")
  .refine((tag) => briefLanguage(tag) !== null, {
    message: `Slides support these languages: ${Object.keys(BRIEF_LANGUAGES).join(", ")} (Arabic, Hebrew and the Indic scripts are not supported on slides yet).`,
  });
/** The brand's content brief (API.md `Brief`; DESIGN.md §6). Every field optional on write. */
export const briefInput = z.strictObject({
  niche: z.string().trim().max(80).optional(),
  audience: z.string().trim().max(200).optional(),
  tone: z.string().trim().max(120).optional(),
  language: briefLanguageTag.optional(),
  topics: z.array(briefTerm).max(50).optional(),
  avoid: z.array(briefTerm).max(50).optional(),
  bannedWords: z.array(briefTerm).max(100).optional(),
  hashtags: z.array(hashtag).max(30).optional(),
  reelsPerDay: z.number().int().min(0).max(24).nullable().optional(),
  postsPerDay: z.number().int().min(0).max(24).nullable().optional(),
});
export const brief = z.object({
  niche: z.string(),
  audience: z.string(),
  tone: z.string(),
  language: z.string(),
  topics: z.array(z.string()),
  avoid: z.array(z.string()),
  bannedWords: z.array(z.string()),
  hashtags: z.array(z.string()),
  /** null: the workspace's `burstPerBrand` decides. */
  reelsPerDay: z.number().nullable(),
  postsPerDay: z.number().nullable(),
});

export const brandCreateInput = z.strictObject({
  slug,
  name: z.string().trim().min(1).max(80),
  timezone: timeZone.optional(),
  colors: brandColors.optional(),
  slots: slotConfig.optional(),
  scheduleOffset: z.number().int().min(-12).max(12).optional(),
  handle: z.string().trim().max(60).optional(),
  brief: briefInput.optional(),
});
export const brandUpdateInput = brandCreateInput.partial();
export const accountInput = z.strictObject({
  externalId: z.string().trim().min(1).max(128),
  accessToken: z.string().min(1).max(4096),
  refreshToken: z.string().min(1).max(4096).optional(),
  expiresAt: isoInstant.optional(),
});

/** `connect`: Instagram connects through Instagram Login unless `via: "facebook"` (a Page's linked account). */
export const connectInput = z.strictObject({ via: z.enum(["facebook", "instagram"]).optional() });
export const selectInput = z.strictObject({ externalId: z.string().trim().min(1).max(128) });

export const accountStatus = z.enum(["connected", "needs_reconnect", "pending_selection"]);
export const account = z.object({
  platform,
  externalId: z.string(),
  name: z.string().nullable().optional(),
  status: accountStatus,
  statusReason: z.string().nullable().optional(),
  expiresAt: z.string().nullable().optional(),
  connectedAt: z.string().nullable(),
  /** Instagram: which login it came through (it decides the API host). */
  loginVia: z.enum(["facebook", "instagram"]).nullable().optional(),
  /**
   * Whether the grant covers the platform's insights: `missing` publishes as before, and the Brands page says
   * "reconnect to see analytics"; `unknown` for a pasted token. Optional so clients built before it still type-check.
   */
  analytics: z.enum(["granted", "missing", "unknown"]).optional(),
});
/** `unavailable`: another brand has this account, in the words its selection would be refused with (409). */
export const candidate = z.object({ externalId: z.string(), name: z.string().nullable(), unavailable: z.string().optional() });
export const brand = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  timezone: z.string(),
  colors: brandColors,
  slots: slotConfig,
  scheduleOffset: z.number(),
  handle: z.string().nullable(),
  logoUrl: z.string().nullable().optional(),
  hasMusic: z.boolean().optional(),
  brief,
  accounts: z.array(account),
});

// ---- jobs ----------------------------------------------------------------
export const jobCreateInput = z.strictObject({
  variant,
  brands: z.array(z.string().min(1).max(64)).min(1).max(50),
  title: z.string().trim().min(1).max(200).optional(),
  topic: z.string().trim().min(1).max(500).optional(),
  slideTexts: z.array(z.string().trim().min(1).max(400)).min(1).max(10).optional(),
  platforms: z.array(platform).min(1).max(4).optional(),
});
export const jobCategory = z.enum(["to_schedule", "scheduled", "in_progress", "other"]);
export const jobListQuery = z.strictObject({
  category: jobCategory.optional(),
  variant: variant.optional(),
  brand: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().regex(/^\d+$/, "Not a cursor from this API.").optional(),
});
export const scheduleInput = z.strictObject({ at: isoInstant.optional() });
export const outputUpdateInput = z
  .strictObject({
    caption: z.string().max(2200).optional(),
    title: z.string().trim().min(1).max(200).optional(),
    ytTitle: z.string().trim().min(1).max(100).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "Send at least one of caption, title, ytTitle.");

export const creator = z.object({ kind: z.enum(["user", "automation"]), id: z.string().optional(), name: z.string() });
export const media = z.object({
  thumbnailUrl: z.string().optional(),
  ytThumbnailUrl: z.string().optional(),
  videoUrl: z.string().optional(),
  coverUrl: z.string().optional(),
  slideUrls: z.array(z.string()).optional(),
});
export const scheduleStatus = z.enum(["scheduled", "publishing", "published", "partial", "failed", "missed"]);
export const deliveryStatus = z.enum(["pending", "queued", "publishing", "published", "failed", "missed", "skipped"]);
export const outputStatus = z.enum(["pending", "generating", "ready", "scheduled", "failed"]);
export const jobStatus = z.enum(["pending", "generating", "completed", "failed"]);
/** How outputs and schedules name their brand. */
export const brandRef = z.object({ id: z.string(), slug: z.string(), name: z.string(), timezone: z.string(), color: z.string() });
export const output = z.object({
  brandId: z.string(),
  brand: brandRef,
  status: outputStatus,
  caption: z.string().nullable(),
  title: z.string().nullable(),
  ytTitle: z.string().nullable(),
  slideTexts: z.array(z.string()),
  media,
  hold: z.boolean(),
  schedule: z.object({ scheduleId: z.string(), scheduledAt: z.string(), status: scheduleStatus }).nullable(),
  error: z.string().nullable().optional(),
});
export const job = z.object({
  jobId: z.string(),
  variant,
  contentType: z.enum(["reel", "post"]),
  status: jobStatus,
  title: z.string().nullable(),
  topic: z.string().nullable(),
  createdAt: z.string(),
  createdBy: creator,
  category: jobCategory,
  platforms: z.array(platform),
  outputs: z.array(output),
});

// ---- schedules (calendar) -------------------------------------------------
/** A `from`/`to` window of at most `maxDays` days (93: the calendar's and the slot grid's queries). */
function window<S extends z.ZodObject<{ from: typeof isoInstant; to: typeof isoInstant }>>(shape: S, maxDays = 93) {
  return shape
    .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: "`to` must be after `from`.", path: ["to"] })
    .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= maxDays * 86_400_000, {
      message: `The window is at most ${maxDays} days.`,
      path: ["to"],
    });
}
export const scheduleListQuery = window(
  z.strictObject({
    from: isoInstant,
    to: isoInstant,
    type: z.enum(["all", "reel", "post"]).default("all"),
    brand: z.string().min(1).max(64).optional(),
    status: scheduleStatus.optional(),
    /** `calendar`: the slim items the month, week and list views draw (calendarWindow); default: full Schedules. */
    view: z.enum(["full", "calendar"]).default("full"),
  }),
);
export const scheduleMoveInput = z.strictObject({ scheduledAt: isoInstant });
export const errorClass = z.enum(["retryable", "reconnect", "permanent", "unknown_outcome"]);
export const attemptLogEntry = z.object({
  attempt: z.number(),
  step: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable().optional(),
  errorClass: errorClass.nullable().optional(),
  message: z.string().nullable().optional(),
});
/**
 * API.md `Metrics`: a delivery's latest reading. Each number is what the platform reports, or null
 * when it does not (never 0 for unknown); engagementRate = (likes + comments + shares + saves) / reach,
 * or / views where reach is not reported (worker/analytics/metrics.ts).
 */
export const metrics = z.object({
  views: z.number().nullable(),
  reach: z.number().nullable(),
  likes: z.number().nullable(),
  comments: z.number().nullable(),
  shares: z.number().nullable(),
  saves: z.number().nullable(),
  engagementRate: z.number().nullable(),
});
export const delivery = z.object({
  platform,
  status: deliveryStatus,
  attempts: z.number(),
  permalink: z.string().nullable().optional(),
  error: z.string().nullable().optional(),
  errorClass: errorClass.nullable().optional(),
  publishedAt: z.string().nullable().optional(),
  /** Published, but not as asked (a YouTube video an unverified Google project uploaded as private): what the person should know. */
  warning: z.string().nullable().optional(),
  /** One entry per publish attempt, oldest first. Always sent; optional so clients built before it still type-check. */
  log: z.array(attemptLogEntry).optional(),
  /** The latest metrics reading and when it was taken; null until the first (and for deliveries not published). */
  metrics: metrics.nullable().optional(),
  metricsAt: z.string().nullable().optional(),
});
export const schedule = z.object({
  scheduleId: z.string(),
  jobId: z.string(),
  brandId: z.string(),
  brand: brandRef,
  variant,
  contentType: z.enum(["reel", "post"]),
  scheduledAt: z.string(),
  status: scheduleStatus,
  createdBy: creator,
  title: z.string().nullable(),
  caption: z.string().nullable(),
  media,
  deliveries: z.array(delivery),
});
/**
 * `GET /api/schedules?view=calendar`: what the month, week and list views draw, one row per item in time order,
 * each row a tuple in the order of `columns` (a row is a fifth the size of an object and crosses D1 in a third
 * of the time). The side panel loads the full Schedule by id.
 *   at         the scheduled time, epoch milliseconds
 *   createdBy  the person's name; null for automation's items
 * An item's content type is its variant's (`post`, or a reel), so it is not sent.
 */
export const CALENDAR_COLUMNS = ["scheduleId", "brandId", "variant", "at", "status", "title", "createdBy"] as const;
export const calendarRow = z.tuple([z.string(), z.string(), variant, z.number().int(), scheduleStatus, z.string().nullable(), z.string().nullable()]);
/** Each brand of the window once, rather than on every item. */
export const calendarBrand = z.object({ slug: z.string(), name: z.string(), color: z.string(), timezone: z.string() });
export const calendarWindow = z.object({
  columns: z.array(z.enum(CALENDAR_COLUMNS)),
  rows: z.array(calendarRow),
  brands: z.record(z.string(), calendarBrand),
});

// ---- deliveries (what needs attention) ---------------------------------------
export const deliveryAttention = z.enum(["failed", "missed", "needs_reconnect", "publishing"]);
export const deliveryListQuery = z
  .strictObject({
    status: deliveryAttention.optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    brand: z.string().min(1).max(64).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.to) > Date.parse(q.from), { message: "`to` must be after `from`.", path: ["to"] });
export const deliveryItem = z.object({
  deliveryId: z.string(),
  scheduleId: z.string(),
  brandId: z.string(),
  platform,
  status: deliveryStatus,
  attempts: z.number(),
  error: z.string().nullable().optional(),
  errorClass: errorClass.nullable().optional(),
  scheduledAt: z.string(),
});
export const deliveryList = z.object({ deliveries: z.array(deliveryItem) });
export const slotsQuery = window(z.strictObject({ from: isoInstant, to: isoInstant }));

// ---- automation ------------------------------------------------------------
export const runKind = z.enum(["burst", "catchup", "healing", "dispatch", "refresh", "metrics"]);
export const reviewMode = z.enum(["auto", "manual"]);
export const runInput = z.strictObject({ pass: runKind });
export const run = z.object({
  id: z.string(),
  kind: runKind,
  runKey: z.string(),
  trigger: z.enum(["cron", "manual"]),
  status: z.enum(["running", "succeeded", "failed"]),
  processed: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  remaining: z.number(),
  error: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
});
export const automationSettingsInput = z
  .strictObject({
    timezone: timeZone.optional(),
    burstTime: hhmm.optional(),
    burstPerBrand: z.number().int().min(0).max(20).optional(),
    review: reviewMode.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "Send at least one setting.");

export const proposalStatus = z.enum(["pending", "accepted", "rejected", "failed"]);
export const proposal = z.object({
  id: z.string(),
  brandId: z.string(),
  brand: z.string(),
  variant,
  title: z.string(),
  angle: z.string(),
  caption: z.string().optional(),
  hashtags: z.array(z.string()).optional(),
  status: proposalStatus,
  /** 0–100, and the gate's reason in words. */
  score: z.number(),
  reason: z.string(),
  writer: z.enum(["template", "llm"]),
  /** The topic and hook (a title template's id) the learning loop chose for it; null for proposals written before arms were recorded. */
  arm: z.object({ topic: z.string(), hook: z.string() }).nullable(),
  createdAt: z.string(),
  jobId: z.string().optional(),
});
/** `?status=&brand=`: an empty parameter means "any". */
const emptyAsAbsent = <S extends z.ZodType>(schema: S) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());
export const proposalListQuery = z.strictObject({
  status: emptyAsAbsent(proposalStatus),
  brand: emptyAsAbsent(z.string().min(1).max(64)),
});
// ---- analytics (API.md "Analytics") ------------------------------------------
export const analyticsPostsQuery = window(
  z.strictObject({
    from: isoInstant,
    to: isoInstant,
    brand: emptyAsAbsent(z.string().min(1).max(64)),
    platform: emptyAsAbsent(platform),
    type: z.enum(["all", "reel", "post"]).default("all"),
    sort: z.enum(["published", "views", "engagement"]).default("published"),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  }),
  366,
);
export const postMetrics = z.object({
  deliveryId: z.string(),
  scheduleId: z.string(),
  brandId: z.string(),
  platform,
  contentType: z.enum(["reel", "post"]),
  title: z.string().nullable(),
  permalink: z.string().nullable(),
  publishedAt: z.string(),
  metrics,
  /** When the latest reading was taken; null before the first. */
  capturedAt: z.string().nullable(),
  simulated: z.boolean(),
});
export const postMetricsList = z.object({ posts: z.array(postMetrics) });
/** The header row of GET /api/analytics/posts.csv, in order. */
export const POSTS_CSV_COLUMNS = [
  "published_at",
  "brand",
  "platform",
  "content_type",
  "title",
  "permalink",
  "views",
  "reach",
  "likes",
  "comments",
  "shares",
  "saves",
  "engagement_rate",
  "captured_at",
  "simulated",
] as const;
/**
 * A brand's report over [from, to). `platform` and `type` narrow it as they narrow the posts list (`platform`
 * its followers too), so the Analytics page's filters hold for its charts as for its table.
 */
export const brandAnalyticsQuery = window(
  z.strictObject({ from: isoInstant, to: isoInstant, platform: emptyAsAbsent(platform), type: z.enum(["all", "reel", "post"]).default("all") }),
  366,
);
export const totals = z.object({ posts: z.number(), views: z.number(), likes: z.number(), comments: z.number(), shares: z.number(), saves: z.number() });
export const brandAnalytics = z.object({
  brandId: z.string(),
  timezone: z.string(),
  followers: z.array(z.object({ platform, series: z.array(z.object({ at: z.string(), value: z.number() })) })),
  totals,
  byPlatform: z.partialRecord(platform, totals),
  /** Every local date of the window, in the brand's zone: posts published that day and what they did. */
  daily: z.array(z.object({ date: z.string(), posts: z.number(), views: z.number(), engagements: z.number() })),
});
export const bestTimeCell = z.object({
  /** 1 (Monday) to 7 (Sunday), in the brand's zone. */
  weekday: z.number().int().min(1).max(7),
  hour: z.number().int().min(0).max(23),
  posts: z.number(),
  /** Performance relative to the brand's median (1.0 = median); null with too few posts. */
  score: z.number().nullable(),
});
export const bestTimeSuggestion = z.object({
  kind: z.enum(["reel", "post"]),
  /** A time of the brand's `slots` (as configured, before `scheduleOffset`), and the time to move it to. */
  from: hhmm,
  to: hhmm,
  reason: z.string(),
  /** 0–1: how likely posts at `to` do better than at `from`, from the posts so far. */
  confidence: z.number(),
});
/** `POST /api/analytics/demo-history` (local demos): what the backfill wrote. */
export const demoHistoryResult = z.object({ brands: z.number().int(), posts: z.number().int() });
export const bestTimes = z.object({ brandId: z.string(), timezone: z.string(), cells: z.array(bestTimeCell), suggestions: z.array(bestTimeSuggestion) });

export const proposalRejectInput = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });
/** Today's burst for one brand, as the Automation page shows it. */
export const brandQuota = z.object({
  brandId: z.string(),
  brand: z.string(),
  reels: z.number(),
  posts: z.number(),
  /** Proposals written for it by today's burst, and whether its part is done. */
  proposedToday: z.number(),
  doneToday: z.boolean(),
  /** Why today's part stopped short (a workspace quota, or a brief language the template writer has no words for), or null. */
  note: z.string().nullable().optional(),
});
/** One quota: what the workspace used (today, for daily ones) against its limit. */
export const quotaUse = z.object({ used: z.number(), limit: z.number() });
export const workspaceUsage = z.object({
  /** The workspace's local date the daily quotas count, and when they reset (its next local midnight). */
  day: z.string(),
  resetsAt: z.string(),
  brands: quotaUse,
  jobsPerDay: quotaUse,
  rendersPerDay: quotaUse,
  llmCallsPerDay: quotaUse,
});

export type Brand = z.infer<typeof brand>;
export type Brief = z.infer<typeof brief>;
export type BriefInput = z.infer<typeof briefInput>;
export type Proposal = z.infer<typeof proposal>;
export type ProposalStatus = z.infer<typeof proposalStatus>;
export type BrandQuota = z.infer<typeof brandQuota>;
export type WorkspaceUsage = z.infer<typeof workspaceUsage>;
export type Account = z.infer<typeof account>;
export type Candidate = z.infer<typeof candidate>;
export type BrandColors = z.infer<typeof brandColors>;
export type Job = z.infer<typeof job>;
export type Output = z.infer<typeof output>;
export type Schedule = z.infer<typeof schedule>;
export type ScheduleStatus = z.infer<typeof scheduleStatus>;
export type DeliveryStatus = z.infer<typeof deliveryStatus>;
export type JobCategory = z.infer<typeof jobCategory>;
export type Run = z.infer<typeof run>;
export type Creator = z.infer<typeof creator>;
export type Media = z.infer<typeof media>;
export type Delivery = z.infer<typeof delivery>;
export type ErrorClass = z.infer<typeof errorClass>;
export type CalendarRow = z.infer<typeof calendarRow>;
export type CalendarWindow = z.infer<typeof calendarWindow>;
export type DeliveryItem = z.infer<typeof deliveryItem>;
export type PostMetrics = z.infer<typeof postMetrics>;
export type BrandAnalytics = z.infer<typeof brandAnalytics>;
export type BestTimes = z.infer<typeof bestTimes>;
export type Totals = z.infer<typeof totals>;

/** For action routes that take no body: an empty body or `{}`; any field is an error. */
export const emptyBody = z.strictObject({});

// ---- responses without a resource of their own ------------------------------
export const user = z.object({ id: z.string(), email: z.string(), name: z.string().nullable() });
export const me = z.object({
  user,
  workspaces: z.array(z.object({ id: z.string(), name: z.string(), role })),
  currentWorkspaceId: z.string(),
  role,
});
export const authResult = z.object({ user, workspace: z.object({ id: z.string(), name: z.string() }) });
export const gridSlotRow = z.object({
  at: z.string(),
  kind: z.enum(["reel", "post"]),
  variant,
  local: z.string(),
  taken: z.boolean(),
});
export const brandSlots = z.object({ timezone: z.string(), slots: z.array(gridSlotRow) });
export const automationState = z.object({
  paused: z.boolean(),
  review: reviewMode,
  timezone: z.string(),
  burstTime: z.string(),
  burstPerBrand: z.number(),
  lastBurst: run.nullable(),
  nextBurst: z.string().nullable(),
  lastCatchup: run.nullable(),
  recent: z.array(run),
  /** Passes this deployment can run by hand. */
  available: z.array(runKind),
  /** Proposals waiting for a person (the inbox's count). */
  pendingProposals: z.number(),
  /** Each brand's quota for today and how far today's burst got. */
  quotas: z.array(brandQuota),
  /** The workspace's quotas (brands, jobs, renders and LLM calls a day) and today's usage. */
  usage: workspaceUsage,
});
export const jobList = z.object({
  jobs: z.array(job),
  nextCursor: z.string().nullable(),
  counts: z.record(jobCategory, z.number()),
});

// ---- members and invitations (API.md "Members") ------------------------------
/** Invitation links carry 32 random bytes as base64url (43 characters). */
const invitationToken = z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, "Not an invitation link's token.");
export const invitationInput = z.strictObject({ email, role });
export const memberRoleInput = z.strictObject({ role });
export const acceptInvitationInput = z.strictObject({
  token: invitationToken,
  /** A new email's password (at least 10 characters), or an existing account's when not signed in as it. */
  password: z.string().min(1).max(256).optional(),
  name: z.string().trim().min(1).max(80).optional(),
});
export const invitationLookupInput = z.strictObject({ token: invitationToken });

export const member = z.object({ userId: z.string(), email: z.string(), name: z.string(), role, joinedAt: z.string() });
export const invitation = z.object({
  id: z.string(),
  email: z.string(),
  role,
  expiresAt: z.string(),
  /** The owner who sent it (null once their account is gone). */
  createdBy: z.object({ id: z.string(), name: z.string() }).nullable(),
});
export const memberList = z.object({ members: z.array(member), invitations: z.array(invitation) });
export const invitationCreated = z.object({
  id: z.string(),
  email: z.string(),
  role,
  expiresAt: z.string(),
  /** `<app origin>/invite/<token>`: shown once, never stored. */
  url: z.string(),
  /** Whether it was also sent by email (only with an email binding configured). */
  emailed: z.boolean(),
});
/** What the accept page shows before anyone types a password. */
export const invitationPreview = z.object({
  email: z.string(),
  role,
  workspace: z.object({ name: z.string() }),
  invitedBy: z.string().nullable(),
  expiresAt: z.string(),
  /** Whether the email already has a Brandcast account (sign in) or not (choose a password). */
  hasAccount: z.boolean(),
});
export const acceptResult = z.object({ user, workspace: z.object({ id: z.string(), name: z.string() }), role });
export type Member = z.infer<typeof member>;
export type Invitation = z.infer<typeof invitation>;
// ---- notifications and webhooks (API.md "Notifications and webhooks") -------
const queryLimit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
export const eventType = z.enum(EVENT_TYPES);
/** What the feed shows: API.md's events, and `webhook.disabled` (for people only). */
export const feedEventType = z.enum([...EVENT_TYPES, ...PEOPLE_ONLY_TYPES]);
export const notificationsQuery = z.strictObject({
  unread: z.enum(["true", "false"]).optional().transform((v) => v === "true"),
  limit: queryLimit(100, 50),
});
export const notification = z.object({
  id: z.string(),
  type: feedEventType,
  title: z.string(),
  body: z.string(),
  /** A path of the web app: the item, delivery, account or page the event is about. */
  link: z.string(),
  createdAt: z.string(),
  /** When the caller read it (read state is each person's own); null while unread. */
  readAt: z.string().nullable(),
});
export const notificationList = z.object({ notifications: z.array(notification), unread: z.number().int() });
export const notificationsReadInput = z
  .strictObject({
    ids: z.array(z.string().min(1).max(64)).min(1).max(100).optional(),
    all: z.literal(true).optional(),
  })
  .refine((v) => (v.ids === undefined) !== (v.all === undefined), "Send either ids (a list) or all: true.");

export const webhookFormat = z.enum(["standard", "slack", "discord"]);
const webhookEvents = z
  .array(eventType)
  .min(1, "Pick at least one event.")
  .max(EVENT_TYPES.length)
  .transform((events) => [...new Set(events)]);
const webhookUrl = z.string().trim().min(1).max(2048);
const webhookDescription = z.string().trim().max(200);
export const webhookCreateInput = z.strictObject({
  url: webhookUrl,
  events: webhookEvents,
  format: webhookFormat.default("standard"),
  description: webhookDescription.default(""),
});
export const webhookUpdateInput = z
  .strictObject({ url: webhookUrl.optional(), events: webhookEvents.optional(), enabled: z.boolean().optional(), description: webhookDescription.optional() })
  .refine((v) => Object.keys(v).length > 0, "Send at least one of url, events, enabled, description.");
export const webhook = z.object({
  id: z.string(),
  /** The full URL for owners; `https://<host>/…` for other members (a Slack or Discord URL is a credential). */
  url: z.string(),
  events: z.array(eventType),
  format: webhookFormat,
  description: z.string(),
  enabled: z.boolean(),
  createdAt: z.string(),
  lastSuccessAt: z.string().nullable(),
  lastFailureAt: z.string().nullable(),
  disabledReason: z.string().nullable(),
});
/** `whsec_<base64>`, shown once. */
export const webhookSecret = z.object({ secret: z.string() });
export const webhookCreated = webhook.extend(webhookSecret.shape);
export const webhookList = z.object({
  webhooks: z.array(webhook),
  /** Whether owners get the hourly email digest (a `send_email` binding and EMAIL_FROM are configured). */
  email: z.object({ enabled: z.boolean() }),
});
export const webhookTestResult = z.object({ eventId: z.string() });
export const webhookAttemptsQuery = z.strictObject({ limit: queryLimit(200, 50) });
export const webhookAttempt = z.object({
  eventId: z.string(),
  type: z.string(),
  attempt: z.number().int(),
  at: z.string(),
  responseStatus: z.number().int().nullable(),
  durationMs: z.number().int(),
  /** What went wrong, in words (absent on success). */
  error: z.string().optional(),
  /** The start of the endpoint's answer. */
  response: z.string().optional(),
});
export const webhookAttemptList = z.object({ attempts: z.array(webhookAttempt) });

export type Notification = z.infer<typeof notification>;
export type NotificationList = z.infer<typeof notificationList>;
export type Webhook = z.infer<typeof webhook>;
export type WebhookCreateInput = z.output<typeof webhookCreateInput>;
export type WebhookUpdateInput = z.output<typeof webhookUpdateInput>;
export type WebhookAttempt = z.infer<typeof webhookAttempt>;

// ---- the rest of the API's answers (API.md), named once for the Worker, the web app and the OpenAPI document ----
/** API.md's error envelope: every 4xx (and the 500) answers with it. */
export const apiErrorBody = z.object({
  error: z.object({
    /** snake_case, stable: what a program branches on. */
    code: z.string(),
    /** For people. */
    message: z.string(),
    /** Optional: for `invalid_input`, zod's issues `[{path, message, code}]`. */
    details: z.unknown().optional(),
  }),
});
export const health = z.object({ ok: z.literal(true), version: z.string() });
/** `GET /api/tokens?all=1`: an owner reviews every member's tokens. */
export const tokenListQuery = z.strictObject({ all: z.enum(["0", "1", "true", "false"]).optional() });
/** `token` is shown once: only its hash is stored. */
export const tokenCreated = z.object({ id: z.string(), name: z.string(), token: z.string() });
export const apiToken = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  user: z.object({ id: z.string(), name: z.string() }),
});
export const tokenList = z.object({ tokens: z.array(apiToken) });
export const brandList = z.object({ brands: z.array(brand) });
export const connectResult = z.object({ authorizeUrl: z.string() });
export const candidateList = z.object({ candidates: z.array(candidate) });
export const assetKind = z.enum(["logo", "music"]);
/** A stored brand asset; `url` is a signed, expiring link to it. */
export const brandAsset = z.object({ kind: assetKind, key: z.string(), bytes: z.number().int(), contentType: z.string(), url: z.string() });
export const scheduleList = z.object({ schedules: z.array(schedule) });
export const proposalList = z.object({ proposals: z.array(proposal) });
export const proposalAccepted = z.object({ proposal, job });
export const proposalRejected = z.object({ proposal });
export type ApiErrorBody = z.infer<typeof apiErrorBody>;
export type Health = z.infer<typeof health>;
export type BrandAsset = z.infer<typeof brandAsset>;
export type AssetKind = z.infer<typeof assetKind>;
