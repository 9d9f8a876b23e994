// Every route of API.md, one entry each, naming the zod schemas of
// schemas.ts it reads and answers with: the OpenAPI document (document.ts) is
// generated from this table, and test/openapi.test.ts holds it to the routes
// the router really serves (both ways) and to the roles it really enforces.
// A new route is one entry here, in its API.md section.
import { z } from "zod";
import { PROVIDER_NAMES } from "../accounts/providers";
import type { Provider } from "../accounts/providers/types";
import type { Role } from "../auth/context";
import * as s from "../contract/schemas";

export type Method = "get" | "head" | "post" | "put" | "patch" | "delete";
/**
 * Who may call: `public` needs no credentials; `optional` uses a session or a token when one is sent;
 * a role is the least one the caller needs in the workspace (viewer: every member).
 */
export type Access = "public" | "optional" | Role;
/** The 4xx statuses API.md defines (and 415 for a body that is not JSON, 416 for media ranges). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 416 | 422 | 429;
export type SuccessStatus = 200 | 201 | 202 | 204 | 206 | 302 | 304;

/** A JSON Schema written by hand: only for what is not JSON (files, HTML, CSV) and query strings no zod schema reads. */
export type JsonSchema = Record<string, unknown>;
/** A body that is not JSON: its media types (each with an optional schema), and what it is. */
export interface RawContent {
  description: string;
  content?: Record<string, JsonSchema>;
  headers?: Record<string, { description: string; schema?: JsonSchema }>;
}
/** A JSON answer (a zod schema), no body (`null`), or a raw one. */
export type Reply = z.ZodType | null | RawContent;

export interface Endpoint {
  method: Method;
  /** OpenAPI's template: `/api/brands/{brandId}` for Hono's `/api/brands/:brandId`. */
  path: string;
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  access: Access;
  /** Only a signed-in person (the session cookie): API tokens cannot mint or revoke API tokens. */
  sessionOnly?: true;
  query?: z.ZodObject;
  /** Request headers the route reads, beyond credentials and X-Workspace. */
  headers?: Record<string, string>;
  body?: z.ZodType | RawContent;
  responses: Partial<Record<SuccessStatus, Reply>>;
  /**
   * Client errors beyond those every /api route of its kind has (document.ts `impliedErrors`), or better words for
   * one of those: a sentence (the body is API.md's error envelope) or a raw answer. Routes outside /api list all theirs.
   */
  errors?: Partial<Record<ErrorStatus, string | RawContent>>;
}

/** API.md's sections, in its order. */
export const TAGS = [
  "Health and auth",
  "Members",
  "Brands and accounts",
  "Jobs",
  "Schedules",
  "Automation",
  "Analytics",
  "Notifications and webhooks",
  "Media",
] as const;
export type Tag = (typeof TAGS)[number];

/** Every path parameter of the API, by name: the generator fails on a `{name}` missing here. */
export const PATH_PARAMS: Record<string, z.ZodType> = {
  brandId: z.string().describe("A brand's id (`Brand.id`)."),
  platform: s.platform,
  kind: s.assetKind.describe("`logo` (PNG or JPEG, up to 2 MB) or `music` (AAC-LC, at most 48 kHz and 2 channels, up to 15 MB)."),
  jobId: z.string().describe("A job's id, e.g. `GEN-000123`."),
  scheduleId: z.string().describe("A scheduled item's id (`Schedule.scheduleId`)."),
  id: z.string().describe("The id the list or the create call returned."),
  webhookId: z.string().describe("A webhook endpoint's id (`Webhook.id`)."),
  userId: z.string().describe("A member's user id (`userId` in `GET /api/members`)."),
  provider: z.enum(Object.keys(PROVIDER_NAMES) as [Provider, ...Provider[]]).describe("`meta` (Facebook Pages and Instagram through Facebook), `instagram` (Instagram Login) or `google` (YouTube)."),
  key: z.string().describe("The media object's key, as in the signed URL the API returned (it contains slashes)."),
  deliveryId: z.string().describe("A delivery's id: the sandbox's permalink names it."),
};

const emptyAction = s.emptyBody;
const conflictWhenStarted = "The item has started publishing or has finished (`wrong_state`).";
const dailyQuota =
  "A daily quota of the workspace (jobs, renders or LLM calls) is used up (`quota_exceeded`, `details: {quota, limit, used, resetsAt}`); it resets at the workspace's local midnight.";
const webhookUrlRule =
  "The input is not valid (`invalid_input`), or the URL is not allowed (`invalid_webhook_url`): it must be `https:`, carry no credentials and not name a private, link-local or loopback address.";
const bookingConflict = "The slot is taken (`slot_taken`), the output is already scheduled (`already_scheduled`) or held (`wrong_state`), or the brand's horizon has no free slot (`horizon_full`).";

export const ENDPOINTS: Endpoint[] = [
  // ---- Health and auth ----------------------------------------------------------------------------
  { method: "get", path: "/api/health", operationId: "getHealth", tag: "Health and auth", access: "public", summary: "Health check", responses: { 200: s.health } },
  {
    method: "get",
    path: "/api/openapi.json",
    operationId: "getOpenApi",
    tag: "Health and auth",
    access: "public",
    summary: "This contract as an OpenAPI 3.1 document",
    description: "Generated from the API's zod schemas; the webhook events are under `webhooks`.",
    responses: { 200: { description: "An OpenAPI 3.1 document.", content: { "application/json": { type: "object" } } } },
  },
  {
    method: "post",
    path: "/api/auth/signup",
    operationId: "signup",
    tag: "Health and auth",
    access: "public",
    summary: "Create a user and their workspace, and sign in",
    description: "Closed unless the deployment opens it (`SIGNUP_ENABLED`), except for an empty deployment's first user.",
    body: s.signupInput,
    responses: { 201: s.authResult },
    errors: { 403: "Sign-up is closed (`signup_disabled`), or a cross-site browser request.", 409: "An account with this email exists.", 429: "Too many sign-ups from this network." },
  },
  {
    method: "post",
    path: "/api/auth/login",
    operationId: "login",
    tag: "Health and auth",
    access: "public",
    summary: "Sign in (sets the session cookie)",
    body: s.loginInput,
    responses: { 200: s.authResult },
    errors: { 401: "Email or password is wrong.", 403: "A cross-site browser request.", 429: "Too many attempts; `Retry-After` may say when to try again." },
  },
  {
    method: "post",
    path: "/api/auth/logout",
    operationId: "logout",
    tag: "Health and auth",
    access: "public",
    summary: "Sign out (ends the session and clears the cookie)",
    responses: { 204: null },
    errors: { 403: "A cross-site browser request." },
  },
  {
    method: "post",
    path: "/api/auth/invitation",
    operationId: "previewInvitation",
    tag: "Members",
    access: "public",
    summary: "What an invitation link offers, before anyone types a password",
    description: "A POST so that the link's token never sits in a URL.",
    body: s.invitationLookupInput,
    responses: { 200: s.invitationPreview },
    errors: { 404: "No invitation has this token.", 410: "The invitation was used (`invitation_used`) or has expired (`invitation_expired`).", 429: "Too many attempts with this link." },
  },
  {
    method: "post",
    path: "/api/auth/accept-invitation",
    operationId: "acceptInvitation",
    tag: "Members",
    access: "optional",
    summary: "Join a workspace through an invitation link (sets the session cookie)",
    description:
      "A new email creates the user with `password`; an existing user accepts while signed in as that email, or with that account's password. Works when sign-up is disabled.",
    body: s.acceptInvitationInput,
    responses: { 200: s.acceptResult },
    errors: {
      401: "The existing account's password is wrong.",
      403: "Signed in as someone else than the invited email, or a cross-site browser request.",
      404: "No invitation has this token.",
      410: "The invitation was used or has expired.",
      429: "Too many attempts with this link.",
    },
  },
  { method: "get", path: "/api/me", operationId: "getMe", tag: "Health and auth", access: "viewer", summary: "The caller, their workspaces and the current one", responses: { 200: s.me } },
  {
    method: "post",
    path: "/api/tokens",
    operationId: "createToken",
    tag: "Health and auth",
    access: "viewer",
    sessionOnly: true,
    summary: "Create an API token (shown once)",
    description: "Send it as `Authorization: Bearer <token>`. It acts as its user in this workspace.",
    body: s.tokenInput,
    responses: { 201: s.tokenCreated },
  },
  {
    method: "get",
    path: "/api/tokens",
    operationId: "listTokens",
    tag: "Health and auth",
    access: "viewer",
    summary: "The caller's API tokens (never the tokens themselves)",
    description: "`all=1`: an owner lists every member's tokens in the workspace.",
    query: s.tokenListQuery,
    responses: { 200: s.tokenList },
    errors: { 403: "`all=1` from someone who is not an owner." },
  },
  {
    method: "delete",
    path: "/api/tokens/{id}",
    operationId: "deleteToken",
    tag: "Health and auth",
    access: "viewer",
    sessionOnly: true,
    summary: "Revoke an API token",
    description: "Owners may revoke any member's token; everyone else only their own.",
    responses: { 204: null },
  },

  // ---- Members ------------------------------------------------------------------------------------
  { method: "get", path: "/api/members", operationId: "listMembers", tag: "Members", access: "viewer", summary: "Members and open invitations", responses: { 200: s.memberList } },
  {
    method: "post",
    path: "/api/members/invitations",
    operationId: "createInvitation",
    tag: "Members",
    access: "owner",
    summary: "Invite someone by email",
    description: "`url` is a single-use link valid for 7 days, shown once.",
    body: s.invitationInput,
    responses: { 201: s.invitationCreated },
    errors: { 409: "The email is already a member (`already_member`).", 429: "The workspace's invitations for today are used up." },
  },
  { method: "delete", path: "/api/members/invitations/{id}", operationId: "revokeInvitation", tag: "Members", access: "owner", summary: "Revoke an invitation", responses: { 204: null } },
  {
    method: "patch",
    path: "/api/members/{userId}",
    operationId: "changeMemberRole",
    tag: "Members",
    access: "owner",
    summary: "Change a member's role",
    body: s.memberRoleInput,
    responses: { 204: null },
    errors: { 409: "It would leave the workspace without an owner (`last_owner`)." },
  },
  {
    method: "delete",
    path: "/api/members/{userId}",
    operationId: "removeMember",
    tag: "Members",
    access: "owner",
    summary: "Remove a member (their sessions and tokens here end)",
    responses: { 204: null },
    errors: { 409: "It would leave the workspace without an owner (`last_owner`)." },
  },

  // ---- Brands and accounts --------------------------------------------------------------------------
  { method: "get", path: "/api/brands", operationId: "listBrands", tag: "Brands and accounts", access: "viewer", summary: "The workspace's brands", responses: { 200: s.brandList } },
  {
    method: "post",
    path: "/api/brands",
    operationId: "createBrand",
    tag: "Brands and accounts",
    access: "editor",
    summary: "Create a brand",
    body: s.brandCreateInput,
    responses: { 201: s.brand },
    errors: { 409: "A brand with this slug exists, or the workspace has all the brands its quota allows (`quota_exceeded`, `details: {quota, limit, used}`)." },
  },
  { method: "get", path: "/api/brands/{brandId}", operationId: "getBrand", tag: "Brands and accounts", access: "viewer", summary: "A brand", responses: { 200: s.brand } },
  {
    method: "patch",
    path: "/api/brands/{brandId}",
    operationId: "updateBrand",
    tag: "Brands and accounts",
    access: "editor",
    summary: "Change a brand (any field of the create call)",
    body: s.brandUpdateInput,
    responses: { 200: s.brand },
    errors: { 409: "A brand with this slug exists." },
  },
  {
    method: "delete",
    path: "/api/brands/{brandId}",
    operationId: "deleteBrand",
    tag: "Brands and accounts",
    access: "owner",
    summary: "Delete a brand and its whole history",
    responses: { 204: null },
    errors: { 409: "Posts of the brand are being published right now (`wrong_state`)." },
  },
  {
    method: "get",
    path: "/api/brands/{brandId}/slots",
    operationId: "listBrandSlots",
    tag: "Brands and accounts",
    access: "viewer",
    summary: "The brand's slot grid in a window, with which slots are taken",
    query: s.slotsQuery,
    responses: { 200: s.brandSlots },
  },
  {
    method: "put",
    path: "/api/brands/{brandId}/accounts/{platform}",
    operationId: "putAccount",
    tag: "Brands and accounts",
    access: "editor",
    summary: "Connect an account with pasted credentials (never returned)",
    body: s.accountInput,
    responses: { 200: s.account },
    errors: { 409: "The account publishes for another brand (`account_in_use`), or credentials cannot be sealed (`encryption_key_missing`)." },
  },
  { method: "delete", path: "/api/brands/{brandId}/accounts/{platform}", operationId: "deleteAccount", tag: "Brands and accounts", access: "editor", summary: "Disconnect an account", responses: { 204: null } },
  {
    method: "post",
    path: "/api/brands/{brandId}/accounts/{platform}/connect",
    operationId: "connectAccount",
    tag: "Brands and accounts",
    access: "editor",
    summary: "Start the platform's OAuth consent",
    description:
      "Returns the consent page's URL, with a one-time `state` bound to the caller, the brand and the platform (and PKCE where supported). The platform redirects back to `GET /oauth/{provider}/callback`.",
    body: s.connectInput,
    responses: { 200: s.connectResult },
    errors: { 409: "The platform's app credentials are not configured: the message says which secrets to set." },
  },
  {
    method: "get",
    path: "/api/brands/{brandId}/accounts/{platform}/candidates",
    operationId: "listAccountCandidates",
    tag: "Brands and accounts",
    access: "viewer",
    summary: "The Pages, Instagram accounts or channels a grant covers (account `pending_selection`)",
    responses: { 200: s.candidateList },
  },
  {
    method: "post",
    path: "/api/brands/{brandId}/accounts/{platform}/select",
    operationId: "selectAccountCandidate",
    tag: "Brands and accounts",
    access: "editor",
    summary: "Pick which candidate the account publishes as",
    body: s.selectInput,
    responses: { 200: s.account },
    errors: { 409: "The account is not waiting for a choice, or the candidate publishes for another brand." },
  },
  {
    method: "put",
    path: "/api/brands/{brandId}/assets/{kind}",
    operationId: "putBrandAsset",
    tag: "Brands and accounts",
    access: "editor",
    summary: "Upload the brand's logo or music",
    description: "The body is the file itself, checked by its content: a PNG or JPEG logo up to 2 MB, AAC-LC music (≤ 48 kHz, ≤ 2 channels) up to 15 MB.",
    body: { description: "The file's bytes.", content: { "application/octet-stream": {}, "image/png": {}, "image/jpeg": {}, "audio/aac": {}, "audio/mp4": {} } },
    responses: { 200: s.brandAsset },
    errors: { 400: "Not a file of the kind asked for (the message says what was expected).", 413: "The file is over its kind's limit." },
  },
  { method: "delete", path: "/api/brands/{brandId}/assets/{kind}", operationId: "deleteBrandAsset", tag: "Brands and accounts", access: "editor", summary: "Remove the brand's logo or music", responses: { 204: null } },
  {
    method: "get",
    path: "/oauth/{provider}/callback",
    operationId: "oauthCallback",
    tag: "Brands and accounts",
    access: "optional",
    summary: "Where the platform's consent page sends the browser back (not for scripts)",
    description:
      "Exchanges the code, stores the credentials and redirects to the brand's page in the web app. A bad, reused or expired `state`, or a denied consent, redirects with a readable error and stores nothing.",
    query: z.object({
      code: z.string().optional(),
      state: z.string().optional(),
      error: z.string().optional(),
      error_description: z.string().optional(),
      error_reason: z.string().optional(),
    }),
    responses: { 302: { description: "To the brand's page in the web app, with the outcome.", headers: { Location: { description: "The web app's page." } } } },
  },

  // ---- Jobs -----------------------------------------------------------------------------------------
  {
    method: "post",
    path: "/api/jobs",
    operationId: "createJob",
    tag: "Jobs",
    access: "editor",
    summary: "Create a job (generation is queued)",
    body: s.jobCreateInput,
    responses: { 201: s.job },
    errors: { 404: "A brand of `brands` is not in this workspace.", 429: dailyQuota },
  },
  { method: "get", path: "/api/jobs", operationId: "listJobs", tag: "Jobs", access: "viewer", summary: "Jobs, newest first, a page at a time", query: s.jobListQuery, responses: { 200: s.jobList } },
  { method: "get", path: "/api/jobs/{jobId}", operationId: "getJob", tag: "Jobs", access: "viewer", summary: "A job", responses: { 200: s.job } },
  {
    method: "post",
    path: "/api/jobs/{jobId}/outputs/{brandId}/schedule",
    operationId: "scheduleOutput",
    tag: "Jobs",
    access: "editor",
    summary: "Schedule one output, at `at` or in the next free slot",
    body: s.scheduleInput,
    responses: { 201: s.schedule },
    errors: { 409: bookingConflict, 422: "`at` is in the past or more than a year ahead." },
  },
  {
    method: "post",
    path: "/api/jobs/{jobId}/schedule-all",
    operationId: "scheduleAllOutputs",
    tag: "Jobs",
    access: "editor",
    summary: "Schedule every ready output in its brand's next free slot",
    body: emptyAction,
    responses: { 200: s.scheduleList },
  },
  {
    method: "patch",
    path: "/api/jobs/{jobId}/outputs/{brandId}",
    operationId: "updateOutput",
    tag: "Jobs",
    access: "editor",
    summary: "Edit an output's caption or titles",
    body: s.outputUpdateInput,
    responses: { 200: s.output },
    errors: { 409: "The output cannot be edited in its state (`wrong_state`)." },
  },
  {
    method: "post",
    path: "/api/jobs/{jobId}/retry",
    operationId: "retryJob",
    tag: "Jobs",
    access: "editor",
    summary: "Generate the failed outputs again",
    body: emptyAction,
    responses: { 200: s.job },
    errors: { 409: "No failed outputs to retry.", 429: dailyQuota },
  },

  // ---- Schedules -------------------------------------------------------------------------------------
  {
    method: "get",
    path: "/api/schedules",
    operationId: "listSchedules",
    tag: "Schedules",
    access: "viewer",
    summary: "Scheduled items in a window of at most 93 days, in time order",
    description: "`view=calendar` answers the slim `CalendarWindow` (rows in the order of `columns`) instead of full Schedules.",
    query: s.scheduleListQuery,
    responses: { 200: z.union([s.scheduleList, s.calendarWindow]) },
  },
  { method: "get", path: "/api/schedules/{scheduleId}", operationId: "getSchedule", tag: "Schedules", access: "viewer", summary: "A scheduled item with its deliveries", responses: { 200: s.schedule } },
  {
    method: "patch",
    path: "/api/schedules/{scheduleId}",
    operationId: "moveSchedule",
    tag: "Schedules",
    access: "editor",
    summary: "Move an item to another time",
    body: s.scheduleMoveInput,
    responses: { 200: s.schedule },
    errors: { 409: `The slot is taken (\`slot_taken\`), or ${conflictWhenStarted.toLowerCase()}`, 422: "`scheduledAt` is in the past or more than a year ahead." },
  },
  {
    method: "delete",
    path: "/api/schedules/{scheduleId}",
    operationId: "unschedule",
    tag: "Schedules",
    access: "editor",
    summary: "Unschedule: the output goes back to ready and is held from automatic re-scheduling",
    responses: { 204: null },
    errors: { 409: conflictWhenStarted },
  },
  {
    method: "post",
    path: "/api/schedules/{scheduleId}/retry",
    operationId: "retrySchedule",
    tag: "Schedules",
    access: "editor",
    summary: "Publish the failed or missed platforms again",
    body: emptyAction,
    responses: { 200: s.schedule },
    errors: { 409: "No platform failed or was missed (`wrong_state`)." },
  },
  {
    method: "post",
    path: "/api/schedules/{scheduleId}/publish-now",
    operationId: "publishNow",
    tag: "Schedules",
    access: "editor",
    summary: "Start publishing at once (the item keeps its scheduled time)",
    body: emptyAction,
    responses: { 200: s.schedule },
    errors: { 409: conflictWhenStarted },
  },
  {
    method: "get",
    path: "/api/deliveries",
    operationId: "listDeliveries",
    tag: "Schedules",
    access: "viewer",
    summary: "Deliveries that need a person's attention",
    query: s.deliveryListQuery,
    responses: { 200: s.deliveryList },
  },

  // ---- Automation ------------------------------------------------------------------------------------
  { method: "get", path: "/api/automation", operationId: "getAutomation", tag: "Automation", access: "viewer", summary: "Automation settings, state and recent runs", responses: { 200: s.automationState } },
  {
    method: "patch",
    path: "/api/automation",
    operationId: "updateAutomation",
    tag: "Automation",
    access: "owner",
    summary: "Change the automation settings",
    body: s.automationSettingsInput,
    responses: { 200: s.automationState },
  },
  { method: "post", path: "/api/automation/pause", operationId: "pauseAutomation", tag: "Automation", access: "editor", summary: "Pause automation", body: emptyAction, responses: { 200: s.automationState } },
  { method: "post", path: "/api/automation/resume", operationId: "resumeAutomation", tag: "Automation", access: "editor", summary: "Resume automation", body: emptyAction, responses: { 200: s.automationState } },
  {
    method: "post",
    path: "/api/automation/run",
    operationId: "runAutomationPass",
    tag: "Automation",
    access: "owner",
    summary: "Run one automation pass now",
    body: s.runInput,
    responses: { 200: s.run },
    errors: { 409: "The pass is not available in this deployment (`wrong_state`)." },
  },
  { method: "get", path: "/api/proposals", operationId: "listProposals", tag: "Automation", access: "viewer", summary: "The burst's proposals", query: s.proposalListQuery, responses: { 200: s.proposalList } },
  {
    method: "post",
    path: "/api/proposals/{id}/accept",
    operationId: "acceptProposal",
    tag: "Automation",
    access: "editor",
    summary: "Accept a proposal: creates its job as the caller",
    body: emptyAction,
    responses: { 200: s.proposalAccepted },
    errors: { 409: "Already accepted (even by a request at the same moment), or never written (`wrong_state`); nothing is created.", 429: dailyQuota },
  },
  {
    method: "post",
    path: "/api/proposals/{id}/reject",
    operationId: "rejectProposal",
    tag: "Automation",
    access: "editor",
    summary: "Reject a pending proposal",
    body: s.proposalRejectInput,
    responses: { 200: s.proposalRejected },
    errors: { 409: "The proposal is not pending (`wrong_state`)." },
  },

  // ---- Analytics ---------------------------------------------------------------------------------------
  {
    method: "get",
    path: "/api/analytics/posts",
    operationId: "listPostMetrics",
    tag: "Analytics",
    access: "viewer",
    summary: "Published posts in a window (at most 366 days) with their latest metrics",
    description: "`null` metrics are ones the platform does not report for the post (never 0 for unknown); `sandbox` posts have simulated metrics (`simulated: true`).",
    query: s.analyticsPostsQuery,
    responses: { 200: s.postMetricsList },
    errors: { 404: "`brand` is not a brand of this workspace." },
  },
  {
    method: "get",
    path: "/api/analytics/posts.csv",
    operationId: "exportPostMetrics",
    tag: "Analytics",
    access: "viewer",
    summary: "The same posts as CSV (RFC 4180; an empty cell for null)",
    query: s.analyticsPostsQuery,
    responses: {
      200: {
        description: `A header row \`${s.POSTS_CSV_COLUMNS.join(",")}\` and one row per post.`,
        content: { "text/csv": { type: "string" } },
        headers: { "Content-Disposition": { description: "`attachment`, with a file name that names the window." } },
      },
    },
    errors: { 404: "`brand` is not a brand of this workspace." },
  },
  {
    method: "get",
    path: "/api/analytics/brands/{brandId}",
    operationId: "getBrandAnalytics",
    tag: "Analytics",
    access: "viewer",
    summary: "A brand's followers, totals, per-platform totals and daily figures in a window",
    description: "`platform` and `type` narrow it as they narrow the posts list (`platform` its followers too). `daily` has every local date of the window in the brand's zone.",
    query: s.brandAnalyticsQuery,
    responses: { 200: s.brandAnalytics },
  },
  {
    method: "get",
    path: "/api/analytics/brands/{brandId}/best-times",
    operationId: "getBrandBestTimes",
    tag: "Analytics",
    access: "viewer",
    summary: "How each weekday and hour performed for the brand, and slot times worth moving",
    responses: { 200: s.bestTimes },
  },
  {
    method: "post",
    path: "/api/analytics/demo-history",
    operationId: "seedDemoHistory",
    tag: "Analytics",
    access: "owner",
    summary: "Local demos only: a month of simulated history for the workspace's sandbox brands",
    description: "What `npm start` seeds. Served only where the deployment sets `DEMO_HISTORY=true`; everywhere else it is a 404.",
    body: s.emptyBody,
    responses: { 200: s.demoHistoryResult },
    errors: { 404: "This deployment has no demo history (`DEMO_HISTORY` is not `true`)." },
  },

  // ---- Notifications and webhooks ---------------------------------------------------------------------
  {
    method: "get",
    path: "/api/notifications",
    operationId: "listNotifications",
    tag: "Notifications and webhooks",
    access: "viewer",
    summary: "The in-app feed, newest first, with the caller's unread count",
    description: "Every event for people (all but `ping` and `burst.completed`), and `webhook.disabled`. Read state is each person's own.",
    query: s.notificationsQuery,
    responses: { 200: s.notificationList },
  },
  {
    method: "post",
    path: "/api/notifications/read",
    operationId: "markNotificationsRead",
    tag: "Notifications and webhooks",
    access: "viewer",
    summary: "Mark notifications read: some by id, or all",
    description: "Viewers may call it: it changes only the caller's own read state.",
    body: s.notificationsReadInput,
    responses: { 204: null },
  },
  {
    method: "get",
    path: "/api/webhooks",
    operationId: "listWebhooks",
    tag: "Notifications and webhooks",
    access: "viewer",
    summary: "The workspace's webhook endpoints, and whether email is on",
    description: "Owners see each full URL; other members only its scheme and host (a Slack or Discord URL is a credential).",
    responses: { 200: s.webhookList },
  },
  {
    method: "post",
    path: "/api/webhooks",
    operationId: "createWebhook",
    tag: "Notifications and webhooks",
    access: "owner",
    summary: "Add a webhook endpoint (its secret is shown once)",
    body: s.webhookCreateInput,
    responses: { 201: s.webhookCreated },
    errors: { 400: webhookUrlRule },
  },
  {
    method: "patch",
    path: "/api/webhooks/{webhookId}",
    operationId: "updateWebhook",
    tag: "Notifications and webhooks",
    access: "owner",
    summary: "Change an endpoint's URL, events or description, or switch it on or off",
    body: s.webhookUpdateInput,
    responses: { 200: s.webhook },
    errors: { 400: webhookUrlRule },
  },
  { method: "delete", path: "/api/webhooks/{webhookId}", operationId: "deleteWebhook", tag: "Notifications and webhooks", access: "owner", summary: "Delete an endpoint", responses: { 204: null } },
  {
    method: "post",
    path: "/api/webhooks/{webhookId}/rotate-secret",
    operationId: "rotateWebhookSecret",
    tag: "Notifications and webhooks",
    access: "owner",
    summary: "A new secret (shown once); the old one keeps signing alongside it for 24 h",
    body: s.emptyBody,
    responses: { 200: s.webhookSecret },
  },
  {
    method: "post",
    path: "/api/webhooks/{webhookId}/test",
    operationId: "testWebhook",
    tag: "Notifications and webhooks",
    access: "owner",
    summary: "Send a `ping` event to this endpoint alone (enabled or not)",
    body: s.emptyBody,
    responses: { 202: s.webhookTestResult },
  },
  {
    method: "get",
    path: "/api/webhooks/{webhookId}/attempts",
    operationId: "listWebhookAttempts",
    tag: "Notifications and webhooks",
    access: "viewer",
    summary: "Recent delivery attempts to an endpoint, newest first: status, duration, the error in words",
    query: s.webhookAttemptsQuery,
    responses: { 200: s.webhookAttemptList },
  },

  // ---- Media --------------------------------------------------------------------------------------------
  ...(["get", "head"] as const).map(
    (method): Endpoint => ({
      method,
      path: "/media/{key}",
      operationId: method === "get" ? "getMedia" : "headMedia",
      tag: "Media",
      access: "public",
      summary: method === "get" ? "A media object through a signed, expiring URL" : "A media object's headers",
      description: "The URL comes signed from the API (`media` fields); the signature is the credential. Supports `Range` and `If-None-Match`.",
      query: z.object({ exp: z.string().describe("Expiry, Unix seconds (part of the signed URL)."), sig: z.string().describe("The URL's signature.") }),
      headers: { Range: "`bytes=…`: one range.", "If-None-Match": "An ETag from an earlier answer.", "If-Range": "An ETag: the range applies only while it still matches." },
      responses: {
        200: { description: "The object, with its content type.", content: { "*/*": {} }, headers: { ETag: { description: "The object's ETag." } } },
        206: { description: "The range asked for.", content: { "*/*": {} }, headers: { "Content-Range": { description: "`bytes start-end/size`." } } },
        304: { description: "The object has the ETag given in `If-None-Match`." },
      },
      errors: { 403: "The signature is wrong or has expired.", 404: "No such object.", 409: "The object changed while it was read; try again.", 416: "The range is outside the object." },
    }),
  ),
  {
    method: "get",
    path: "/sandbox/{deliveryId}",
    operationId: "getSandboxPost",
    tag: "Media",
    access: "public",
    summary: "The page of a post the `sandbox` platform published (its permalink)",
    responses: { 200: { description: "An HTML page with the post's media and caption.", content: { "text/html": { type: "string" } } } },
    errors: { 404: { description: "Nothing was published to the sandbox under this id.", content: { "text/html": { type: "string" } } } },
  },
];
