// The webhook events of API.md "Notifications and webhooks", as the OpenAPI
// document lists them under `webhooks`: each POSTed as `{id, type, createdAt,
// workspaceId, data}`, `data` naming what the event is about.
//
// The names are the outbox's (notifications/events.ts); each `data` is what the
// outbox writes for it (the migration's triggers, notifications/expiring.ts,
// webhooks/store.ts), and test/openapi.test.ts validates real rows against it.
import { z } from "zod";
import { EVENT_TYPES, type EventType } from "../notifications/events";
import { deliveryStatus, errorClass, platform } from "./schemas";

/** The events a webhook can pick, in API.md's order. */
export const EVENT_NAMES = EVENT_TYPES;
export type EventName = EventType;

const deliveryData = z.object({
  deliveryId: z.string(),
  scheduleId: z.string(),
  brandId: z.string(),
  brandName: z.string().nullable(),
  platform,
  title: z.string().nullable(),
  contentType: z.enum(["reel", "post"]),
  scheduledAt: z.string(),
  status: deliveryStatus,
  permalink: z.string().nullable(),
  publishedAt: z.string().nullable(),
  error: z.string().nullable(),
  errorClass: errorClass.nullable(),
  attempts: z.number().int(),
});
const accountData = z.object({
  accountId: z.string(),
  brandId: z.string(),
  brandName: z.string().nullable(),
  platform,
  name: z.string().nullable(),
  externalId: z.string(),
  reason: z.string().nullable(),
});
const burstData = z.object({
  runId: z.string(),
  runKey: z.string(),
  trigger: z.enum(["cron", "manual"]),
  /** Brands whose part of the burst is done. */
  brands: z.number().int(),
  proposals: z.number().int(),
  jobs: z.number().int(),
  /** Proposals waiting for review. */
  pending: z.number().int(),
});

/** `data` schemas several events share, by the name the document gives them. */
export const EVENT_DATA: Record<string, z.ZodType> = { DeliveryEventData: deliveryData, AccountEventData: accountData, BurstEventData: burstData };

/** What each event is about, in words, and its `data`. */
export const EVENTS = {
  "delivery.published": { summary: "A delivery was published (`permalink` is the post).", data: deliveryData },
  "delivery.failed": { summary: "A delivery failed; `error` and `errorClass` say why.", data: deliveryData },
  "delivery.missed": { summary: "A delivery's time passed without it going out.", data: deliveryData },
  "delivery.unconfirmed": { summary: "A delivery may have gone out but the platform did not confirm it: a person should check.", data: deliveryData },
  "account.needs_reconnect": { summary: "An account needs reconnecting before it can publish again.", data: accountData },
  "account.expiring": {
    summary: "An account's credentials expire within 7 days and cannot be renewed automatically.",
    data: accountData.extend({ expiresAt: z.string() }),
  },
  "proposal.pending": {
    summary: "A brand's part of the burst left proposals waiting for review (review mode).",
    data: z.object({
      brandId: z.string(),
      brandName: z.string().nullable(),
      runKey: z.string(),
      count: z.number().int(),
      proposalIds: z.array(z.string()),
      titles: z.array(z.string()),
    }),
  },
  "burst.completed": { summary: "The day's burst completed and created jobs or proposals.", data: burstData },
  "burst.empty": { summary: "The day's burst created nothing.", data: burstData },
  ping: { summary: "A test event (`POST /api/webhooks/{id}/test`).", data: z.object({ webhookId: z.string(), message: z.string() }) },
} satisfies Record<EventName, { summary: string; data: z.ZodType }>;

/** The body of one event as POSTed to a `standard` endpoint. */
export function eventBodySchema<N extends EventName>(name: N) {
  return z.object({
    /** `evt_…`; also the `webhook-id` header, the same on every retry. */
    id: z.string().regex(/^evt_/),
    type: z.literal(name),
    createdAt: z.string(),
    workspaceId: z.string(),
    data: EVENTS[name].data,
  });
}
