// The API's types, inferred from the Worker's zod schemas (worker/contract):
// one definition, never written twice. Type-only imports, so neither zod nor
// the schemas reach the browser bundle.
import type { z } from "zod";
import type * as c from "../../../worker/contract/schemas";
import type { Schedule } from "../../../worker/contract/schemas";

export type { Account, Brand, Candidate, BrandColors, Creator, DeliveryStatus, Job, JobCategory, Media, Output, Run, Schedule, ScheduleStatus } from "../../../worker/contract/schemas";
export type { BrandQuota, WorkspaceUsage, Brief, BriefInput, Proposal, ProposalStatus } from "../../../worker/contract/schemas";
export type { Invitation, Member } from "../../../worker/contract/schemas";

export type Variant = z.infer<typeof c.variant>;
export type Platform = z.infer<typeof c.platform>;
export type Role = z.infer<typeof c.role>;
export type ContentType = Schedule["contentType"];
export type OutputStatus = z.infer<typeof c.outputStatus>;
export type RunKind = z.infer<typeof c.runKind>;
export type Delivery = z.infer<typeof c.delivery>;
export type AttemptLogEntry = z.infer<typeof c.attemptLogEntry>;
export type AttentionStatus = z.infer<typeof c.deliveryAttention>;
export type DeliveryListItem = z.infer<typeof c.deliveryItem>;
export type CalendarRow = z.infer<typeof c.calendarRow>;
export type CalendarBrand = z.infer<typeof c.calendarBrand>;
export type CalendarWindowResponse = z.infer<typeof c.calendarWindow>;
export type SlotConfig = z.infer<typeof c.slotConfig>;

// Request bodies: `z.input` so optional/defaulted fields stay optional for callers.
export type SignupInput = z.input<typeof c.signupInput>;
export type LoginInput = z.input<typeof c.loginInput>;
export type BrandCreateInput = z.input<typeof c.brandCreateInput>;
export type BrandUpdateInput = z.input<typeof c.brandUpdateInput>;
export type AccountInput = z.input<typeof c.accountInput>;
export type JobCreateInput = z.input<typeof c.jobCreateInput>;
export type JobListQuery = z.input<typeof c.jobListQuery>;
export type OutputUpdateInput = z.input<typeof c.outputUpdateInput>;
export type ScheduleListQuery = z.input<typeof c.scheduleListQuery>;
export type AutomationSettingsInput = z.input<typeof c.automationSettingsInput>;
export type InvitationInput = z.input<typeof c.invitationInput>;
export type AcceptInvitationInput = z.input<typeof c.acceptInvitationInput>;

// Responses described by the contract's schemas.
export type User = z.infer<typeof c.user>;
export type Me = z.infer<typeof c.me>;
export type WorkspaceMembership = Me["workspaces"][number];
export type AuthResult = z.infer<typeof c.authResult>;
export type GridSlotRow = z.infer<typeof c.gridSlotRow>;
export type AutomationState = z.infer<typeof c.automationState>;
export type JobList = z.infer<typeof c.jobList>;
export type MemberList = z.infer<typeof c.memberList>;
export type InvitationCreated = z.infer<typeof c.invitationCreated>;
export type InvitationPreview = z.infer<typeof c.invitationPreview>;
export type AcceptResult = z.infer<typeof c.acceptResult>;
export type { Notification, NotificationList, Webhook, WebhookAttempt } from "../../../worker/contract/schemas";
export type EventType = z.infer<typeof c.eventType>;
export type WebhookFormat = z.infer<typeof c.webhookFormat>;
export type WebhookList = z.infer<typeof c.webhookList>;
export type WebhookCreated = z.infer<typeof c.webhookCreated>;
export type WebhookCreateInput = z.input<typeof c.webhookCreateInput>;
export type WebhookUpdateInput = z.input<typeof c.webhookUpdateInput>;

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

// ---- Analytics (API.md "Analytics") ------------------------------------------
export type { BestTimes, BrandAnalytics, PostMetrics, Totals } from "../../../worker/contract/schemas";
export type Metrics = z.infer<typeof c.metrics>;
export type BestTimeCell = z.infer<typeof c.bestTimeCell>;
export type BestTimeSuggestion = z.infer<typeof c.bestTimeSuggestion>;
export type AnalyticsPostsQuery = z.input<typeof c.analyticsPostsQuery>;
export type BrandAnalyticsQuery = z.input<typeof c.brandAnalyticsQuery>;
export type AnalyticsType = NonNullable<AnalyticsPostsQuery["type"]>;
