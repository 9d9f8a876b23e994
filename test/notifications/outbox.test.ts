// The outbox cannot lie (issue 18 item 1, DESIGN.md §11): every event is
// written in the same D1 transaction as the change it reports, so it appears
// exactly when the change commits: never when the batch rolls back, never
// for a write that lost its race, never twice for one change. And it reaches
// the queue: right after the commit, or from the relay pass after a crash.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { markNeedsReconnect } from "../../worker/accounts/credentials";
import { runRefresh } from "../../worker/accounts/refresh";
import { runBurst } from "../../worker/automation/burst";
import { addToRun, openRun } from "../../worker/automation/runs";
import type { PublishMessage } from "../../worker/env";
import { relayOutbox, RELAY_LEASE_MS } from "../../worker/notifications/outbox";
import { DEAD_LETTER_REASON, handlePublishBatch, handlePublishDeadLetters } from "../../worker/publishing/consumer";
import { LEASE_MS } from "../../worker/publishing/delivery-machine";
import { PublishError } from "../../worker/publishing/types";
import { claimSchedules } from "../../worker/scheduling/dispatch";
import { createMessageBatch, createScheduledController } from "cloudflare:test";
import { handleScheduled, MINUTE_CRON } from "../../worker/automation/cron";
import { countRows, createBrand, json, signup } from "../support/fixtures";
import { deliverBatch } from "../support/queue-batch";
import { book, connect as connectAccount, readyJob, travel, HOUR } from "../support/dispatch";
import { connect, ScriptedPlatform, seedDelivery, withClient, workspace } from "../publishing/support";
import { envWith, eventsAbout, eventsOfWorkspace, expectOneEvent, failingD1 } from "./support";

const TRIGGERS = ["events_account_reconnect", "events_burst_done", "events_delivery_missed", "events_delivery_status", "events_proposals_pending"];

function publishBatch(deliveryIds: string[]) {
  return createMessageBatch<PublishMessage>(
    "brandcast-publish",
    deliveryIds.map((deliveryId, i) => ({ id: `p${i}-${deliveryId}`, timestamp: new Date(), attempts: 1, body: { kind: "publish", deliveryId } })),
  );
}

describe("the outbox's triggers", () => {
  it("exist after every migration (a migration that rebuilds a table drops its triggers: this test says so)", async () => {
    const rows = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'events_%' ORDER BY name").all<{ name: string }>();
    expect(rows.results.map((r) => r.name)).toEqual(TRIGGERS);
  });
});

describe("delivery events: exactly when the change commits", () => {
  it("published: one event with what it is about, on the queue right after the commit", async () => {
    const platform = new ScriptedPlatform("instagram");
    const d = await seedDelivery({ platform: "instagram" });
    const e = envWith();
    await handlePublishBatch(publishBatch([d.deliveryId]), e, withClient(platform));
    const event = await expectOneEvent("deliveryId", d.deliveryId, "delivery.published");
    expect(event.workspace_id).toBe(d.workspaceId);
    expect(event.data).toMatchObject({
      deliveryId: d.deliveryId,
      scheduleId: d.scheduleId,
      brandId: d.brandId,
      brandName: "Brand",
      platform: "instagram",
      status: "published",
      permalink: `https://platform.test/p-${d.deliveryId}`,
      title: "A title",
      contentType: "reel",
    });
    expect(Date.parse(event.data.publishedAt)).toBeGreaterThan(0);
    // Handed to the queue after the commit (claimed: not sent again for a minute unless it is still unhandled then).
    expect(e.sent).toContainEqual({ kind: "event", eventId: event.id });
    expect(event.relays).toBe(1);
    expect(event.relay_after).toBeGreaterThan(event.created_at);
  });

  it("a publish batch that rolls back writes no event; the redelivery that commits writes one", async () => {
    const platform = new ScriptedPlatform("facebook");
    const d = await seedDelivery({ platform: "facebook" });
    const db = failingD1(env.DB, /SET status = 'published'/);
    const e = envWith({ DB: db });
    // The consumer settles the message itself: the failed batch is retried, never thrown.
    const outcome = await deliverBatch<PublishMessage>("brandcast-publish", [{ kind: "publish", deliveryId: d.deliveryId }], (b) => handlePublishBatch(b, e, withClient(platform)));
    expect(outcome.retried.map((r) => r.body.deliveryId)).toEqual([d.deliveryId]);
    expect(db.failures).toBe(1);
    expect((await env.DB.prepare("SELECT status FROM deliveries WHERE id = ?").bind(d.deliveryId).first())!.status).toBe("publishing");
    expect(await eventsAbout("deliveryId", d.deliveryId)).toEqual([]);
    expect(e.sent).toEqual([]);

    // The lease runs out; the redelivered message finds the post (the client asks first) and commits.
    const later = Date.now() + LEASE_MS + 1000;
    await handlePublishBatch(publishBatch([d.deliveryId]), envWith(), withClient(platform), { now: () => later });
    expect(platform.publishCalls).toBe(1);
    await expectOneEvent("deliveryId", d.deliveryId, "delivery.published");
  });

  it("two copies of the message at once: one post, one event", async () => {
    const platform = new ScriptedPlatform("youtube");
    const d = await seedDelivery({ platform: "youtube" });
    await handlePublishBatch(publishBatch([d.deliveryId, d.deliveryId]), envWith(), withClient(platform));
    expect(platform.publishCalls).toBe(1);
    await expectOneEvent("deliveryId", d.deliveryId, "delivery.published");
  });

  it("a settle that lost its lease (another consumer took over) writes nothing", async () => {
    const platform = new ScriptedPlatform("instagram", {
      // Another consumer takes the delivery over between the platform's answer and the write.
      afterPublish: async (ctx) =>
        void (await env.DB.prepare("UPDATE deliveries SET attempts = attempts + 1 WHERE id = ?").bind(ctx.delivery.id).run()),
    });
    const d = await seedDelivery({ platform: "instagram" });
    await handlePublishBatch(publishBatch([d.deliveryId]), envWith(), withClient(platform));
    expect(await eventsAbout("deliveryId", d.deliveryId)).toEqual([]);
  });

  it("failed: the platform's refusal in the event", async () => {
    const platform = new ScriptedPlatform("instagram", {
      beforeCreate: () => {
        throw new PublishError("permanent", "The video is too long for a reel (15 min).");
      },
    });
    const d = await seedDelivery({ platform: "instagram" });
    await handlePublishBatch(publishBatch([d.deliveryId]), envWith(), withClient(platform));
    const event = await expectOneEvent("deliveryId", d.deliveryId, "delivery.failed");
    expect(event.data).toMatchObject({ status: "failed", errorClass: "permanent", error: "The video is too long for a reel (15 min)." });
  });

  it("unconfirmed: a dead-lettered delivery may have gone out; a second dead letter adds nothing", async () => {
    const d = await seedDelivery({ platform: "facebook", status: "publishing" });
    const e = envWith();
    for (let i = 0; i < 2; i++) await handlePublishDeadLetters(publishBatch([d.deliveryId]), e);
    const event = await expectOneEvent("deliveryId", d.deliveryId, "delivery.unconfirmed");
    expect(event.data).toMatchObject({ errorClass: "unknown_outcome", error: DEAD_LETTER_REASON });
    expect(e.sent).toEqual([{ kind: "event", eventId: event.id }]);
  });

  it("needs_reconnect: the account's event and one failed event per queued delivery, once however often it is marked", async () => {
    const brandId = (await createBrand(await workspace())).id;
    const { accountId } = await connect(brandId, "instagram");
    const queued = [await seedDelivery({ platform: "instagram", brandId, accountId }), await seedDelivery({ platform: "instagram", brandId, accountId })];
    const e = envWith();
    await markNeedsReconnect(e, accountId, "Error validating access token: the user changed their password.");
    await markNeedsReconnect(e, accountId, "Error validating access token: the user changed their password.");
    const account = await expectOneEvent("accountId", accountId, "account.needs_reconnect");
    expect(account.data).toMatchObject({ brandId, platform: "instagram", reason: "Error validating access token: the user changed their password." });
    for (const q of queued) expect((await expectOneEvent("deliveryId", q.deliveryId, "delivery.failed")).data.errorClass).toBe("reconnect");
    expect(e.sent.map((m) => m.kind === "event" && m.eventId).sort()).toHaveLength(3);
  });

  it("a reconnect marking that rolls back writes none of them", async () => {
    const brandId = (await createBrand(await workspace())).id;
    const { accountId } = await connect(brandId, "facebook");
    const q = await seedDelivery({ platform: "facebook", brandId, accountId });
    await expect(markNeedsReconnect(envWith({ DB: failingD1(env.DB, /needs_reconnect/) }), accountId, "Token revoked.")).rejects.toThrow();
    expect(await eventsAbout("accountId", accountId)).toEqual([]);
    expect(await eventsAbout("deliveryId", q.deliveryId)).toEqual([]);
  });
});

describe("missed at the dispatch claim", () => {
  it("a late item's deliveries are missed with one event each, even when two claims race", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await connectAccount(s, brand.id, "sandbox");
    const job = await readyJob(s, brand.id, ["sandbox", "instagram"]);
    const sch = await book(s, job.jobId, brand.id);
    await travel(sch.scheduleId, Date.now() - 7 * HOUR);
    const e = envWith();
    const claims = await Promise.all([0, 1].map(() => claimSchedules(e, { brandId: brand.id, now: Date.now(), lateness: "auto" })));
    expect(claims.reduce((n, c) => n + c.missed, 0)).toBe(1); // instagram has no account: skipped, not missed
    const events = (await eventsOfWorkspace(s.workspaceId)).filter((x) => x.data.scheduleId === sch.scheduleId);
    expect(events.map((x) => [x.type, x.data.platform])).toEqual([["delivery.missed", "sandbox"]]);
    expect(e.sent).toContainEqual({ kind: "event", eventId: events[0]!.id });
  });
});

describe("the burst's events", () => {
  it("review mode: one proposal.pending per brand, then burst.completed; nothing for a part that rolled back", async () => {
    const s = await signup();
    const [a, b] = [await createBrand(s, { name: "Alpha" }), await createBrand(s, { name: "Beta" })];
    await json("/api/automation", { ...s, method: "PATCH", body: { review: "manual" } }, 200);
    const run = (await openRun(env.DB, s.workspaceId, "burst", "2026-07-15", "cron", Date.now()))!;
    // Beta's part fails just before its commit: it writes nothing, events included.
    const first = await runBurst(env, s.workspaceId, "2026-07-15", { llm: null, beforeCommit: (id) => { if (id === b.id) throw new Error("crash"); } });
    await addToRun(env.DB, run.id, first, Date.now());
    expect((await eventsOfWorkspace(s.workspaceId)).map((x) => [x.type, x.data.brandId])).toEqual([["proposal.pending", a.id]]);

    const second = await runBurst(env, s.workspaceId, "2026-07-15", { llm: null });
    await addToRun(env.DB, run.id, second, Date.now());
    await addToRun(env.DB, run.id, { processed: 0, succeeded: 0, failed: 0, remaining: 0 }, Date.now()); // a late duplicate check
    const events = await eventsOfWorkspace(s.workspaceId);
    expect(events.map((x) => x.type)).toEqual(["proposal.pending", "proposal.pending", "burst.completed"]);
    const pending = events.filter((x) => x.type === "proposal.pending");
    expect(pending.map((x) => x.data.brandName)).toEqual(["Alpha", "Beta"]);
    for (const p of pending) {
      expect(p.data.count).toBeGreaterThan(0);
      expect(p.data.proposalIds).toHaveLength(p.data.count);
      expect(await countRows("proposals", "id IN (SELECT value FROM json_each(?)) AND status = 'pending'", JSON.stringify(p.data.proposalIds))).toBe(p.data.count);
    }
    expect(events.at(-1)!.data).toMatchObject({ runId: run.id, brands: 2, jobs: 0, pending: pending[0]!.data.count + pending[1]!.data.count });
  });

  it("a burst that creates nothing says so (burst.empty)", async () => {
    const s = await signup();
    await createBrand(s);
    await json("/api/automation", { ...s, method: "PATCH", body: { burstPerBrand: 0 } }, 200);
    await json("/api/automation/run", { ...s, body: { pass: "burst" } }, 200);
    const events = await eventsOfWorkspace(s.workspaceId);
    expect(events.map((x) => [x.type, x.data.jobs, x.data.pending])).toEqual([["burst.empty", 0, 0]]);
  });
});

describe("account.expiring", () => {
  it("a token that cannot be renewed and expires within 7 days: warned once per expiry", async () => {
    const s = await signup();
    const brand = await createBrand(s, { name: "Gamma" });
    const put = (days: number) =>
      json(`/api/brands/${brand.id}/accounts/facebook`, { ...s, method: "PUT", body: { externalId: "page-1", accessToken: "EAA-pasted", expiresAt: new Date(Date.now() + days * 24 * HOUR).toISOString() } }, 200);
    await put(3);
    const e = envWith();
    await runRefresh(e, s.workspaceId);
    await runRefresh(e, s.workspaceId);
    const accountId = (await env.DB.prepare("SELECT id FROM platform_accounts WHERE brand_id = ?").bind(brand.id).first<{ id: string }>())!.id;
    const warned = await expectOneEvent("accountId", accountId, "account.expiring");
    expect(warned.data).toMatchObject({ brandName: "Gamma", platform: "facebook" });
    expect(Date.parse(warned.data.expiresAt) - Date.now()).toBeGreaterThan(2 * 24 * HOUR);
    expect(e.sent).toContainEqual({ kind: "event", eventId: warned.id });

    // Reconnected with a new token that expires too: a new warning for the new expiry.
    await put(5);
    await runRefresh(e, s.workspaceId);
    expect((await eventsAbout("accountId", accountId)).map((x) => x.type)).toEqual(["account.expiring", "account.expiring"]);
  });
});

describe("the relay", () => {
  it("an event whose send failed after the commit goes out from the relay pass, under the same id, once handled never again", async () => {
    const d = await seedDelivery({ platform: "sandbox", status: "publishing" });
    const broken = envWith({ EVENTS_QUEUE: { sendBatch: async () => Promise.reject(new Error("queue down")), send: async () => Promise.reject(new Error("queue down")) } as unknown as Queue });
    await handlePublishDeadLetters(publishBatch([d.deliveryId]), broken);
    const event = await expectOneEvent("deliveryId", d.deliveryId, "delivery.unconfirmed");

    // Within the claim's minute nobody sends it again; after it, the relay pass does.
    const e = envWith();
    await relayOutbox(e, 200, Date.now());
    expect(e.sent).not.toContainEqual({ kind: "event", eventId: event.id });
    await relayOutbox(e, 200, Date.now() + RELAY_LEASE_MS + 1000);
    expect(e.sent).toContainEqual({ kind: "event", eventId: event.id });
    expect((await eventsAbout("deliveryId", d.deliveryId)).map((x) => x.id)).toEqual([event.id]);

    // The minute's cron is that relay pass.
    await env.DB.prepare("UPDATE events SET relay_after = ? WHERE id = ?").bind(Date.now() - 1000, event.id).run();
    const cron = envWith();
    await handleScheduled(createScheduledController({ scheduledTime: Date.now(), cron: MINUTE_CRON }), cron);
    expect(cron.sent).toContainEqual({ kind: "event", eventId: event.id });

    // Once the consumer has fanned it out, no relay sends it again.
    await env.DB.prepare("UPDATE events SET relay_after = NULL, handled_at = ? WHERE id = ?").bind(Date.now(), event.id).run();
    const after = envWith();
    await relayOutbox(after, 200, Date.now() + 10 * RELAY_LEASE_MS);
    expect(after.sent).not.toContainEqual({ kind: "event", eventId: event.id });
  });
});
