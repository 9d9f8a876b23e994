// The publish consumer (worker/publishing/consumer.ts) against a scripted
// platform: leases, duplicates, retries, reconnects, waiting, crashes and the
// dead-letter queue. Every promise is checked on the delivery row, the
// attempt log and what the platform "posted".
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { PublishMessage } from "../../worker/env";
import worker from "../../worker/index";
import { DEAD_LETTER_REASON } from "../../worker/publishing/consumer";
import { LEASE_MS, MAX_FAILED_ATTEMPTS, MAX_WAITING_MS } from "../../worker/publishing/delivery-machine";
import { healStalePublishing } from "../../worker/publishing/healing";
import { PublishError } from "../../worker/publishing/types";
import { expectHumanMessage } from "../support/fixtures";
import { attemptRows, connect, deliver, deliveryRow, newBrand, ScriptedPlatform, seedDelivery, withClient } from "./support";

/** Exactly one post on the platform for the delivery (invariant 6). */
function expectPublishedOnce(platform: ScriptedPlatform, deliveryId: string) {
  expect(platform.posts.get(deliveryId) ?? 0, `posts of ${deliveryId}`).toBe(1);
}

const clock = (start = Date.now()) => {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
};

describe("lease: one consumer per delivery", () => {
  it("the same message twice at once makes one platform call; the duplicate waits, then acks", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const platform = new ScriptedPlatform("instagram", { beforePublish: () => gate });
    const d = await seedDelivery({ platform: "instagram" });
    const first = deliver([d.deliveryId], { clients: withClient(platform) });
    // Let the first message take the lease, then deliver its duplicate.
    for (let i = 0; i < 50 && (await deliveryRow(d.deliveryId)).status !== "publishing"; i++) await new Promise((r) => setTimeout(r, 10));
    const second = await deliver([d.deliveryId], { clients: withClient(platform) });
    expect(second.acked).toEqual([]);
    expect(second.retried).toHaveLength(1);
    expect(second.retried[0]!.delaySeconds).toBeGreaterThanOrEqual(LEASE_MS / 1000 - 5);
    release();
    expect((await first).acked).toEqual([d.deliveryId]);
    expect(platform.calls).toBe(1);
    expectPublishedOnce(platform, d.deliveryId);

    // The retried duplicate arrives later: published, so acked without a call.
    expect((await deliver([d.deliveryId], { clients: withClient(platform) })).acked).toEqual([d.deliveryId]);
    expect(platform.calls).toBe(1);
    const row = await deliveryRow(d.deliveryId);
    expect(row).toMatchObject({ status: "published", attempts: 1, published_id: `p-${d.deliveryId}`, lease_until: null, error_class: null });
    expect(row.permalink).toBe(`https://platform.test/p-${d.deliveryId}`);
    expect(row.published_at).toBeGreaterThan(0);
  });

  it("two copies in one batch: one call, one ack, one retry", async () => {
    const platform = new ScriptedPlatform("facebook");
    const d = await seedDelivery({ platform: "facebook" });
    const res = await deliver([d.deliveryId, d.deliveryId], { clients: withClient(platform) });
    expect(platform.calls).toBe(1);
    expect(res.acked.length + res.retried.length).toBe(2);
    expect((await deliveryRow(d.deliveryId)).status).toBe("published");
  });

  it("acks messages for deliveries that are done, skipped, missed, unknown or not dispatched", async () => {
    const platform = new ScriptedPlatform("instagram");
    const ids: string[] = [];
    for (const status of ["published", "failed", "skipped", "missed", "pending"]) ids.push((await seedDelivery({ platform: "instagram", status })).deliveryId);
    const res = await deliver([...ids, "dlv_unknown"], { clients: withClient(platform) });
    expect(res.acked.sort()).toEqual([...ids, "dlv_unknown"].sort());
    expect(platform.calls).toBe(0);
  });

  it("one attempt row per attempt, with its number, step and timing", async () => {
    const platform = new ScriptedPlatform("instagram");
    const d = await seedDelivery({ platform: "instagram" });
    await deliver([d.deliveryId], { clients: withClient(platform) });
    const rows = await attemptRows(d.deliveryId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ attempt: 1, step: "published", error_class: null });
    expect(rows[0]!.ended_at).toBeGreaterThanOrEqual(rows[0]!.started_at);
  });
});

describe("retryable errors: backoff, Retry-After, the last attempt", () => {
  it("requeues with the reason, honours Retry-After, and an early duplicate does not jump the queue", async () => {
    const c = clock();
    let failNext = true;
    const platform = new ScriptedPlatform("instagram", {
      beforePublish: () => {
        if (failNext) throw new PublishError("retryable", "Instagram asked us to slow down.", { retryAfterSeconds: 300, platformMessage: "(#4) Application request limit reached", code: 4, httpStatus: 400 });
      },
    });
    const d = await seedDelivery({ platform: "instagram" });
    const res = await deliver([d.deliveryId], { clients: withClient(platform), now: c.now });
    expect(res.retried).toEqual([{ deliveryId: d.deliveryId, delaySeconds: 300 }]);
    const row = await deliveryRow(d.deliveryId);
    expect(row).toMatchObject({ status: "queued", error_class: "retryable", last_error: "Instagram asked us to slow down.", next_attempt_at: c.now() + 300_000, lease_until: null });
    const log = await attemptRows(d.deliveryId);
    expect(log[0]).toMatchObject({ attempt: 1, step: "publishing", error_class: "retryable" });
    expect(log[0]!.raw_message).toContain("(#4) Application request limit reached");

    // A duplicate arriving a minute later waits for the rest of the 5 minutes.
    c.advance(60_000);
    expect((await deliver([d.deliveryId], { clients: withClient(platform), now: c.now })).retried).toEqual([{ deliveryId: d.deliveryId, delaySeconds: 240 }]);
    expect(platform.calls).toBe(1);

    failNext = false;
    c.advance(240_000);
    expect((await deliver([d.deliveryId], { clients: withClient(platform), now: c.now })).acked).toEqual([d.deliveryId]);
    expect(await deliveryRow(d.deliveryId)).toMatchObject({ status: "published", attempts: 2, error_class: null, last_error: null, next_attempt_at: null });
    expectPublishedOnce(platform, d.deliveryId);
  });

  it("backs off exponentially with jitter, then fails with the last reason after the last attempt", async () => {
    const c = clock();
    const platform = new ScriptedPlatform("youtube", {
      beforeCreate: () => {
        throw new PublishError("retryable", "YouTube is having trouble; it will be tried again.", { httpStatus: 503, platformMessage: "backendError" });
      },
    });
    const d = await seedDelivery({ platform: "youtube" });
    const delays: number[] = [];
    for (let i = 1; i < MAX_FAILED_ATTEMPTS; i++) {
      const res = await deliver([d.deliveryId], { clients: withClient(platform), now: c.now, random: () => 0.5 });
      delays.push(res.retried[0]!.delaySeconds);
      c.advance(res.retried[0]!.delaySeconds * 1000);
    }
    expect(delays).toEqual([23, 45, 90, 180, 360, 720, 1440]);
    const last = await deliver([d.deliveryId], { clients: withClient(platform), now: c.now });
    expect(last.acked).toEqual([d.deliveryId]);
    const row = await deliveryRow(d.deliveryId);
    expect(row).toMatchObject({ status: "failed", error_class: "retryable", attempts: MAX_FAILED_ATTEMPTS, lease_until: null });
    expect(row.last_error).toBe(`Gave up after ${MAX_FAILED_ATTEMPTS} attempts. YouTube is having trouble; it will be tried again.`);
    expect((await attemptRows(d.deliveryId)).map((r) => r.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe("reconnect and permanent errors", () => {
  it("a refused token marks the account needs_reconnect and fails the delivery saying so; the next one fails without a call", async () => {
    const brandId = await newBrand();
    const { accountId } = await connect(brandId, "instagram");
    const platform = new ScriptedPlatform("instagram", {
      beforeCreate: () => {
        throw new PublishError("reconnect", "Instagram refused the token.", { platformMessage: "Error validating access token: The user has changed the password.", code: 190, subcode: 460 });
      },
    });
    const first = await seedDelivery({ platform: "instagram", brandId, accountId });
    expect((await deliver([first.deliveryId], { clients: withClient(platform) })).acked).toEqual([first.deliveryId]);
    expect(await deliveryRow(first.deliveryId)).toMatchObject({
      status: "failed",
      error_class: "reconnect",
      last_error: "Reconnect your Instagram account: Error validating access token: The user has changed the password.",
    });
    const account = await env.DB.prepare("SELECT status, status_reason FROM platform_accounts WHERE id = ?").bind(accountId).first<{ status: string; status_reason: string }>();
    expect(account).toEqual({ status: "needs_reconnect", status_reason: "Error validating access token: The user has changed the password." });

    const second = await seedDelivery({ platform: "instagram", brandId, accountId });
    const calls = platform.calls;
    await deliver([second.deliveryId], { clients: withClient(platform) });
    expect(platform.calls).toBe(calls);
    const row = await deliveryRow(second.deliveryId);
    expect(row).toMatchObject({ status: "failed", error_class: "reconnect" });
    expect(row.last_error).toMatch(/^Reconnect your Instagram account: /);
  });

  it("a token refused mid-attempt is refreshed once and the client runs again in the same attempt", async () => {
    const tokensSeen: string[] = [];
    const platform = new ScriptedPlatform("youtube", {
      beforeCreate: (ctx) => {
        tokensSeen.push(ctx.account.accessToken);
        if (tokensSeen.length === 1) throw new PublishError("retryable", "YouTube refused the token.", { httpStatus: 401, tokenRejected: true });
      },
    });
    const d = await seedDelivery({ platform: "youtube" });
    await deliver([d.deliveryId], { clients: withClient(platform) });
    const row = await deliveryRow(d.deliveryId);
    expect(row.attempts).toBe(1);
    if (row.status === "published") {
      // The credentials module refreshed: the second run used the new token.
      expect(tokensSeen).toHaveLength(2);
      expect(tokensSeen[1]).not.toBe(tokensSeen[0]);
      expectPublishedOnce(platform, d.deliveryId);
    } else {
      // The provider refused the refresh: reconnect, never a silent failure (REGRESSIONS #16).
      expect(tokensSeen).toHaveLength(1);
      expect(row).toMatchObject({ status: "failed", error_class: "reconnect" });
      expect(row.last_error).toMatch(/^Reconnect your YouTube account: /);
      const account = await env.DB.prepare("SELECT status FROM platform_accounts WHERE id = ?").bind(d.accountId).first<{ status: string }>();
      expect(account!.status).toBe("needs_reconnect");
    }
  });

  it("a permanent error fails at once with the platform's reason in words, without hammering", async () => {
    const platform = new ScriptedPlatform("facebook", {
      beforeCreate: () => {
        throw new PublishError("permanent", "Facebook could not use the video: the file is not a supported format.", { code: 6000, platformMessage: "There was a problem uploading your video file." });
      },
    });
    const d = await seedDelivery({ platform: "facebook" });
    expect((await deliver([d.deliveryId], { clients: withClient(platform) })).acked).toEqual([d.deliveryId]);
    expect(await deliveryRow(d.deliveryId)).toMatchObject({ status: "failed", error_class: "permanent", last_error: "Facebook could not use the video: the file is not a supported format." });
    expect((await attemptRows(d.deliveryId))[0]!.raw_message).toContain("There was a problem uploading your video file.");
    await deliver([d.deliveryId], { clients: withClient(platform) });
    expect(platform.calls).toBe(1);
  });

  it("a disconnected account skips the delivery with a reason; nothing is called", async () => {
    const platform = new ScriptedPlatform("youtube");
    const d = await seedDelivery({ platform: "youtube" });
    await env.DB.prepare("DELETE FROM platform_accounts WHERE id = ?").bind(d.accountId).run();
    expect((await deliver([d.deliveryId], { clients: withClient(platform) })).acked).toEqual([d.deliveryId]);
    expect(await deliveryRow(d.deliveryId)).toMatchObject({ status: "skipped", last_error: "No YouTube account is connected to this brand any more." });
    expect(platform.calls).toBe(0);
  });
});

describe("waiting on the platform", () => {
  it("is not a failure: queued with a time, retried after the delay, and it ends", async () => {
    const c = clock();
    const platform = new ScriptedPlatform("instagram", { outcome: () => ({ kind: "waiting", delaySeconds: 20, reason: "Instagram is still processing the video." }) });
    const d = await seedDelivery({ platform: "instagram" });
    const res = await deliver([d.deliveryId], { clients: withClient(platform), now: c.now });
    expect(res.retried).toEqual([{ deliveryId: d.deliveryId, delaySeconds: 20 }]);
    expect(await deliveryRow(d.deliveryId)).toMatchObject({ status: "queued", error_class: null, last_error: null, next_attempt_at: c.now() + 20_000 });
    expect((await attemptRows(d.deliveryId))[0]).toMatchObject({ error_class: null, raw_message: "Waiting: Instagram is still processing the video." });

    // Many polls later, still no failure counted...
    for (let i = 0; i < 10; i++) {
      c.advance(20_000);
      expect((await deliver([d.deliveryId], { clients: withClient(platform), now: c.now })).retried).toHaveLength(1);
    }
    expect((await deliveryRow(d.deliveryId)).status).toBe("queued");
    // ...until the wait passes its cap.
    c.advance(MAX_WAITING_MS);
    expect((await deliver([d.deliveryId], { clients: withClient(platform), now: c.now })).acked).toEqual([d.deliveryId]);
    expect(await deliveryRow(d.deliveryId)).toMatchObject({ status: "failed", error_class: "permanent", last_error: "Instagram never finished processing the video." });
  });
});

describe("crashes: the consumer killed mid-step resumes without duplicating", () => {
  it("an exception after a checkpoint is an unknown outcome in plain words; the redelivery resumes from the checkpoint", async () => {
    let crash = true;
    const platform = new ScriptedPlatform("instagram", {
      afterPublish: () => {
        if (crash) {
          crash = false;
          throw new TypeError("Cannot read properties of undefined (reading 'id')");
        }
      },
    });
    const d = await seedDelivery({ platform: "instagram" });
    const errors: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args.join(" "));
    try {
      const res = await deliver([d.deliveryId], { clients: withClient(platform) });
      expect(res.retried).toHaveLength(1);
    } finally {
      console.error = original;
    }
    const row = await deliveryRow(d.deliveryId);
    expect(row).toMatchObject({ status: "queued", error_class: "unknown_outcome", container_id: `c-${d.deliveryId}`, step: "publishing" });
    expect(row.publish_started_at).toBeGreaterThan(0);
    expectHumanMessage(row.last_error);
    expect(row.last_error).not.toContain("Cannot read");
    const reference = /reference (err_\w+)/.exec(row.last_error!)![1]!;
    expect(errors.some((e) => e.includes(reference) && e.includes("Cannot read properties"))).toBe(true);
    expect((await attemptRows(d.deliveryId))[0]!.raw_message).toContain("TypeError: Cannot read properties");

    await deliver([d.deliveryId], { clients: withClient(platform), now: () => row.next_attempt_at! });
    expect(await deliveryRow(d.deliveryId)).toMatchObject({ status: "published", attempts: 2 });
    expect(platform.publishCalls).toBe(1);
    expectPublishedOnce(platform, d.deliveryId);
  });

  it("a consumer that dies outright leaves a live lease; the redelivery waits for it, closes the dead attempt, and recovers", async () => {
    const c = clock();
    let die = true;
    let wake!: () => void;
    const platform = new ScriptedPlatform("facebook", {
      afterPublish: () => (die ? new Promise<void>((r) => (wake = r)) : undefined),
    });
    const d = await seedDelivery({ platform: "facebook" });
    // The first consumer stops answering (its isolate froze after the post went out).
    const zombie = deliver([d.deliveryId], { clients: withClient(platform), now: c.now });
    for (let i = 0; i < 100 && !platform.posts.has(d.deliveryId); i++) await new Promise((r) => setTimeout(r, 10));
    expect(platform.posts.get(d.deliveryId)).toBe(1);
    die = false;

    // The queue redelivers: the lease is live, so it waits.
    const early = await deliver([d.deliveryId], { clients: withClient(platform), now: c.now });
    expect(early.retried).toHaveLength(1);
    expect(platform.calls).toBe(1);

    // Healing finds nothing yet; after the lease it re-enqueues, without resetting the row.
    const sent: PublishMessage[] = [];
    const captured = { ...env, PUBLISH_QUEUE: { send: async (m: PublishMessage) => void sent.push(m), sendBatch: async (ms: Iterable<{ body: PublishMessage }>) => void [...ms].forEach((m) => sent.push(m.body)) } } as unknown as typeof env;
    await healStalePublishing(captured, c.now());
    expect(sent.filter((m) => m.deliveryId === d.deliveryId)).toEqual([]);
    c.advance(LEASE_MS + 1000);
    await healStalePublishing(captured, c.now());
    expect(sent.filter((m) => m.deliveryId === d.deliveryId)).toEqual([{ kind: "publish", deliveryId: d.deliveryId }]);
    expect((await deliveryRow(d.deliveryId)).status).toBe("publishing");
    // A second healing run within the lease does not send it again.
    await healStalePublishing(captured, c.now() + 1000);
    expect(sent.filter((m) => m.deliveryId === d.deliveryId)).toHaveLength(1);

    expect((await deliver([d.deliveryId], { clients: withClient(platform), now: c.now })).acked).toEqual([d.deliveryId]);
    expect(await deliveryRow(d.deliveryId)).toMatchObject({ status: "published", attempts: 2 });
    expectPublishedOnce(platform, d.deliveryId);
    const log = await attemptRows(d.deliveryId);
    expect(log.map((r) => [r.attempt, r.error_class])).toEqual([
      [1, "unknown_outcome"],
      [2, null],
    ]);
    expect(log[0]!.ended_at).not.toBeNull();

    // The frozen consumer wakes up: its writes are fenced by its attempt number, so it changes nothing.
    wake();
    expect((await zombie).acked).toEqual([d.deliveryId]);
    expect(await deliveryRow(d.deliveryId)).toMatchObject({ status: "published", attempts: 2 });
    expect(await attemptRows(d.deliveryId)).toHaveLength(2);
  });

  it("a consumer whose lease was taken over cannot write its progress over the new holder's", async () => {
    const platform = new ScriptedPlatform("instagram", {
      beforeCreate: async (ctx) => {
        // Someone else took the delivery (our lease ran out while we were stalled).
        await env.DB.prepare("UPDATE deliveries SET attempts = attempts + 1 WHERE id = ?").bind(ctx.delivery.id).run();
      },
    });
    const d = await seedDelivery({ platform: "instagram" });
    const res = await deliver([d.deliveryId], { clients: withClient(platform) });
    expect(res.acked).toEqual([d.deliveryId]);
    const row = await deliveryRow(d.deliveryId);
    expect(row).toMatchObject({ status: "publishing", container_id: null, published_id: null });
    expect(platform.publishCalls).toBe(0);
  });
});

describe("the dead-letter queue", () => {
  it("marks its delivery failed with a reason, leaves published ones alone, and acks", async () => {
    const stuck = await seedDelivery({ platform: "instagram", status: "publishing" });
    const done = await seedDelivery({ platform: "instagram", status: "published" });
    const messages = [stuck, done].map((d, i) => ({ id: `dlq${i}`, timestamp: new Date(), attempts: 100, body: { kind: "publish" as const, deliveryId: d.deliveryId } }));
    const batch = createMessageBatch<PublishMessage>("brandcast-publish-dlq", messages);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["dlq0", "dlq1"]);
    expect(await deliveryRow(stuck.deliveryId)).toMatchObject({ status: "failed", last_error: DEAD_LETTER_REASON });
    expect((await deliveryRow(done.deliveryId)).status).toBe("published");
  });
});

describe("media", () => {
  it("a missing media object fails the delivery with a reason (REGRESSIONS #9)", async () => {
    const d = await seedDelivery({ platform: "sandbox", missingMedia: true });
    await deliver([d.deliveryId]);
    const row = await deliveryRow(d.deliveryId);
    expect(row).toMatchObject({ status: "failed", error_class: "permanent" });
    expect(row.last_error).toMatch(/missing from storage/);
  });

  it("signed media URLs use PUBLIC_BASE_URL and live for hours", async () => {
    let url = "";
    const platform = new ScriptedPlatform("instagram", {
      beforeCreate: async (ctx) => {
        url = await ctx.mediaUrl(ctx.content.media.video!);
      },
    });
    const d = await seedDelivery({ platform: "instagram" });
    await deliver([d.deliveryId], { clients: withClient(platform) });
    expect(url).toMatch(/^http:\/\/app\.test\/media\/ws\/.+\.mp4\?exp=\d+&sig=/);
    const exp = Number(new URL(url).searchParams.get("exp"));
    expect(exp * 1000 - Date.now()).toBeGreaterThan(5 * 3600_000);
    const res = await worker.fetch(new Request(url), env, createExecutionContext());
    expect(res.status).toBe(200);
  });
});
