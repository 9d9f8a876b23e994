// Dispatch (issue 7 items 1, 2, 5; DESIGN.md §5, §7): platforms decided when an
// item goes out, the BrandScheduler's alarm claiming due items once, the
// per-minute cron as safety net, publish-now and retry, and what a move or an
// unschedule racing the claim sees. Through the real DO, D1 and Worker entry points.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { LOST_MESSAGE_AFTER_MS, runDispatch } from "../worker/automation/dispatch";
import type { Job, Schedule } from "../worker/contract/schemas";
import worker from "../worker/index";
import { brandScheduler } from "../worker/scheduling/brand-scheduler";
import {
  alarmOf,
  book,
  captureDoQueue,
  connect,
  deliveriesOf,
  disconnect,
  fireAlarm,
  HOUR,
  MINUTE,
  readyJob,
  recordingQueue,
  setDelivery,
  travel,
} from "./support/dispatch";
import { call, countRows, createBrand, expectClientError, json, signup } from "./support/fixtures";

async function schedule(s: { cookie: string }, id: string) {
  return json<Schedule>(`/api/schedules/${id}`, s, 200);
}

async function fireMinuteCron() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("platforms are decided when an item goes out (REGRESSIONS #15)", () => {
  it("booking writes no deliveries; the panel shows where it will go; an account connected after booking is published to", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await connect(s, brand.id, "sandbox");
    const job = await readyJob(s, brand.id);
    expect(job.platforms).toEqual(["sandbox"]); // automatic: what the brand has connected now
    const item = await book(s, job.jobId, brand.id);
    expect(await countRows("deliveries", "schedule_id = ?", item.scheduleId)).toBe(0);
    expect(item.deliveries.map((d) => [d.platform, d.status])).toEqual([["sandbox", "pending"]]);

    await connect(s, brand.id, "instagram");
    const planned = await schedule(s, item.scheduleId);
    expect(planned.status).toBe("scheduled");
    expect(planned.deliveries.map((d) => [d.platform, d.status])).toEqual([
      ["instagram", "pending"],
      ["sandbox", "pending"],
    ]);
    expect((await json<Job>(`/api/jobs/${job.jobId}`, s, 200)).platforms).toEqual(["instagram", "sandbox"]);

    const sent = await captureDoQueue(brand.id);
    await travel(item.scheduleId, Date.now() - MINUTE);
    expect(await fireAlarm(brand.id)).toBe(true);
    const rows = await deliveriesOf(item.scheduleId);
    expect(rows.map((r) => [r.platform, r.status])).toEqual([
      ["instagram", "queued"],
      ["sandbox", "queued"],
    ]);
    expect(rows.every((r) => r.account_id && r.queued_at)).toBe(true);
    expect(sent.sort()).toEqual(rows.map((r) => r.id).sort());
    expect((await schedule(s, item.scheduleId)).status).toBe("publishing");
  });

  it("an explicit platform disconnected before it goes out is skipped with the reason in words, never failed", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await connect(s, brand.id, "sandbox");
    await connect(s, brand.id, "instagram");
    const job = await readyJob(s, brand.id, ["instagram", "sandbox"]);
    const item = await book(s, job.jobId, brand.id);
    await disconnect(s, brand.id, "instagram");
    const planned = await schedule(s, item.scheduleId);
    expect(planned.deliveries.find((d) => d.platform === "instagram")).toMatchObject({ status: "skipped", error: expect.stringMatching(/No connected Instagram account/) });

    await travel(item.scheduleId, Date.now() - MINUTE);
    await fireAlarm(brand.id);
    const out = await schedule(s, item.scheduleId);
    expect(out.deliveries.find((d) => d.platform === "instagram")).toMatchObject({
      status: "skipped",
      error: "No connected Instagram account for this brand when it went out.",
    });
    // The consumer publishes sandbox: the item is published, not partial.
    await setDelivery(item.scheduleId, "sandbox", "status = 'published', published_at = ?", Date.now());
    expect((await schedule(s, item.scheduleId)).status).toBe("published");
  });

  it("an item more than MISSED_AFTER_HOURS late is missed, never published late by surprise; retry sends it, keeping its time", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await connect(s, brand.id, "sandbox");
    const item = await book(s, (await readyJob(s, brand.id)).jobId, brand.id);
    const sent = await captureDoQueue(brand.id);
    const at = Date.now() - 7 * HOUR;
    await travel(item.scheduleId, at);
    expect((await schedule(s, item.scheduleId)).status).toBe("missed"); // before any dispatch ran, too

    await fireAlarm(brand.id);
    const [d] = await deliveriesOf(item.scheduleId);
    expect(d).toMatchObject({ status: "missed", queued_at: null });
    expect(d!.last_error).toMatch(/more than 6 hours late/);
    expect(sent).toEqual([]);
    const missed = await schedule(s, item.scheduleId);
    expect(missed.status).toBe("missed");
    expect((await json<{ deliveries: Array<{ deliveryId: string }> }>("/api/deliveries?status=missed", s, 200)).deliveries.map((x) => x.deliveryId)).toEqual([d!.id]);

    const retried = await json<Schedule>(`/api/schedules/${item.scheduleId}/retry`, { ...s, body: {} }, 200);
    expect(retried.status).toBe("publishing");
    expect(retried.scheduledAt).toBe(new Date(at).toISOString());
    expect(sent).toEqual([d!.id]);
  });

  it("a missed item that never went out (no dispatch in its window) is claimed by retry", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await connect(s, brand.id, "sandbox");
    const item = await book(s, (await readyJob(s, brand.id)).jobId, brand.id);
    const sent = await captureDoQueue(brand.id);
    await travel(item.scheduleId, Date.now() - 8 * HOUR);
    const out = await json<Schedule>(`/api/schedules/${item.scheduleId}/retry`, { ...s, body: {} }, 200);
    expect(out.deliveries.map((d) => d.status)).toEqual(["queued"]);
    expect(sent).toHaveLength(1);
  });
});

describe("the BrandScheduler's alarm", () => {
  it("is armed at the brand's next item and follows moves and unschedules", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const [a, b] = [await book(s, (await readyJob(s, brand.id)).jobId, brand.id), await book(s, (await readyJob(s, brand.id)).jobId, brand.id)];
    const first = Math.min(Date.parse(a.scheduledAt), Date.parse(b.scheduledAt));
    expect(await alarmOf(brand.id)).toBe(first);
    const [early, late] = Date.parse(a.scheduledAt) === first ? [a, b] : [b, a];
    const moved = Date.parse(late.scheduledAt) + 3 * 86_400_000 + MINUTE;
    await json(`/api/schedules/${early.scheduleId}`, { ...s, method: "PATCH", body: { scheduledAt: new Date(moved).toISOString() } }, 200);
    expect(await alarmOf(brand.id)).toBe(Date.parse(late.scheduledAt));
    expect((await call(`/api/schedules/${late.scheduleId}`, { ...s, method: "DELETE" })).status).toBe(204);
    expect(await alarmOf(brand.id)).toBe(moved);
    expect((await call(`/api/schedules/${early.scheduleId}`, { ...s, method: "DELETE" })).status).toBe(204);
    expect(await alarmOf(brand.id)).toBeNull();
  });

  it("claims every due item in one firing and re-arms at the next one", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await connect(s, brand.id, "sandbox");
    const items = [];
    for (let i = 0; i < 3; i++) items.push(await book(s, (await readyJob(s, brand.id)).jobId, brand.id));
    const sent = await captureDoQueue(brand.id);
    await travel(items[0]!.scheduleId, Date.now() - 2 * MINUTE);
    await travel(items[1]!.scheduleId, Date.now() - MINUTE);
    await fireAlarm(brand.id);
    expect(sent).toHaveLength(2);
    expect(await countRows("deliveries", "schedule_id = ?", items[2]!.scheduleId)).toBe(0);
    expect(await alarmOf(brand.id)).toBe(Date.parse(items[2]!.scheduledAt));
  });
});

describe("claims are serialised with moves and unschedules (DESIGN.md §7)", () => {
  it("a move or unschedule after the claim is 409 wrong_state and changes nothing", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await connect(s, brand.id, "sandbox");
    const item = await book(s, (await readyJob(s, brand.id)).jobId, brand.id);
    const at = Date.now() - MINUTE;
    await travel(item.scheduleId, at);
    await fireAlarm(brand.id);
    const move = await call(`/api/schedules/${item.scheduleId}`, { ...s, method: "PATCH", body: { scheduledAt: new Date(Date.now() + 2 * 86_400_000).toISOString() } });
    expect((await expectClientError(move, 409, "wrong_state")).message).toMatch(/^Publishing has started/);
    await expectClientError(await call(`/api/schedules/${item.scheduleId}`, { ...s, method: "DELETE" }), 409, "wrong_state");
    expect((await schedule(s, item.scheduleId)).scheduledAt).toBe(new Date(at).toISOString());
    expect(await deliveriesOf(item.scheduleId)).toHaveLength(1);
  });

  it("a claim after an unschedule finds nothing", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await connect(s, brand.id, "sandbox");
    const item = await book(s, (await readyJob(s, brand.id)).jobId, brand.id);
    await travel(item.scheduleId, Date.now() - MINUTE);
    expect((await call(`/api/schedules/${item.scheduleId}`, { ...s, method: "DELETE" })).status).toBe(204);
    const claim = await brandScheduler(env, brand.id).dispatchDue(brand.id);
    expect(claim.claimed).toEqual([]);
    expect(await countRows("deliveries", "workspace_id = ?", s.workspaceId)).toBe(0);
  });

  it("a move and an unschedule racing the claim: each loses or wins cleanly, and nothing is lost", async () => {
    for (let round = 0; round < 4; round++) {
      const s = await signup();
      const brand = await createBrand(s);
      await connect(s, brand.id, "sandbox");
      const job = await readyJob(s, brand.id);
      const item = await book(s, job.jobId, brand.id);
      const sent = await captureDoQueue(brand.id);
      await travel(item.scheduleId, Date.now() - MINUTE);
      const target = new Date(Date.now() + 5 * 86_400_000 + round * MINUTE).toISOString();
      const racers = [
        () => fireAlarm(brand.id).then(() => 0),
        () => call(`/api/schedules/${item.scheduleId}`, { ...s, method: "PATCH", body: { scheduledAt: target } }).then((r) => r.status),
        () => call(`/api/schedules/${item.scheduleId}`, { ...s, method: "DELETE" }).then((r) => r.status),
      ];
      // A different arrival order each round.
      const order = [round % 3, (round + 1) % 3, (round + 2) % 3];
      const statuses: number[] = [];
      await Promise.all(order.map(async (i) => (statuses[i] = await racers[i]!())));
      const [, moveStatus, deleteStatus] = statuses;

      const row = await env.DB.prepare("SELECT scheduled_at, dispatched_at FROM schedules WHERE id = ?")
        .bind(item.scheduleId)
        .first<{ scheduled_at: number; dispatched_at: number | null }>();
      const rows = await deliveriesOf(item.scheduleId);
      if (!row) {
        // Unscheduled before any claim: no deliveries, nothing sent, the output held.
        expect(deleteStatus).toBe(204);
        expect(rows).toEqual([]);
        expect(sent).toEqual([]);
        expect((await json<Job>(`/api/jobs/${job.jobId}`, s, 200)).outputs[0]).toMatchObject({ status: "ready", hold: true });
      } else if (row.dispatched_at != null) {
        // Claimed first: the later move and unschedule were refused; one delivery, sent once.
        expect(deleteStatus).toBe(409);
        expect(rows.map((r) => r.status)).toEqual(["queued"]);
        expect(sent).toEqual([rows[0]!.id]);
        if (moveStatus === 200) throw new Error("a move succeeded yet the item was claimed at its old time");
      } else {
        // Moved to the future first, so nothing was due; the unschedule (if it came later) would have removed it.
        expect(moveStatus).toBe(200);
        expect(row.scheduled_at).toBe(Date.parse(target));
        expect(rows).toEqual([]);
        expect(sent).toEqual([]);
      }
    }
  });
});

describe("each delivery is sent once however many claimers race", () => {
  it("alarm + per-minute cron + publish-now at once: one claim, one message per delivery", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await connect(s, brand.id, "sandbox");
    await connect(s, brand.id, "instagram");
    const item = await book(s, (await readyJob(s, brand.id)).jobId, brand.id);
    const sent = await captureDoQueue(brand.id);
    await travel(item.scheduleId, Date.now() - MINUTE);
    const responses = await Promise.all([
      fireAlarm(brand.id),
      fireMinuteCron(),
      call(`/api/schedules/${item.scheduleId}/publish-now`, { ...s, body: {} }).then((r) => r.status),
      call(`/api/schedules/${item.scheduleId}/publish-now`, { ...s, body: {} }).then((r) => r.status),
    ]);
    const rows = await deliveriesOf(item.scheduleId);
    expect(rows.map((r) => r.status)).toEqual(["queued", "queued"]);
    expect(sent.sort()).toEqual(rows.map((r) => r.id).sort());
    // At most one publish-now won, and only if it came before the alarm and the cron.
    expect(responses.slice(2).filter((x) => x === 200).length).toBeLessThanOrEqual(1);
    expect(responses.slice(2).every((x) => x === 200 || x === 409)).toBe(true);
  });

  it("the per-minute cron wakes the alarm a lost one left, which claims the item; and re-sends messages that look lost, once", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await connect(s, brand.id, "sandbox");
    const item = await book(s, (await readyJob(s, brand.id)).jobId, brand.id);
    const sent = await captureDoQueue(brand.id);
    // Behind the scheduler's back: its alarm stays at the old time, as if lost.
    await travel(item.scheduleId, Date.now() - MINUTE);
    expect(await alarmOf(brand.id)).toBeGreaterThan(Date.now());
    await fireMinuteCron();
    // The cron only woke the brand's BrandScheduler; its alarm, in its own invocation, claims.
    await vi.waitFor(async () => expect((await deliveriesOf(item.scheduleId)).map((r) => r.status)).toEqual(["queued"]), { timeout: 10_000 });
    const [d] = await deliveriesOf(item.scheduleId);
    expect(sent).toEqual([d!.id]);

    // Its message is lost: after LOST_MESSAGE_AFTER_MS the dispatch pass sends it again, once.
    await setDelivery(item.scheduleId, "sandbox", "queued_at = ?", Date.now() - LOST_MESSAGE_AFTER_MS - MINUTE);
    const resent: string[] = [];
    const testEnv = { ...env, PUBLISH_QUEUE: recordingQueue(resent) };
    await Promise.all([runDispatch(testEnv, { workspaceId: s.workspaceId }), runDispatch(testEnv, { workspaceId: s.workspaceId })]);
    expect(resent).toEqual([d!.id]);
    await runDispatch(testEnv, { workspaceId: s.workspaceId });
    expect(resent).toEqual([d!.id]);

    // One the consumer is holding for a delayed retry is not "lost".
    await setDelivery(item.scheduleId, "sandbox", "queued_at = ?, next_attempt_at = ?", Date.now() - HOUR, Date.now() + 10 * MINUTE);
    await runDispatch(testEnv, { workspaceId: s.workspaceId });
    expect(resent).toEqual([d!.id]);
  });
});

describe("publish-now and retry", () => {
  it("publish-now starts at once, keeps scheduled_at (REGRESSIONS #18), and is 409 the second time", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await connect(s, brand.id, "sandbox");
    const item = await book(s, (await readyJob(s, brand.id)).jobId, brand.id);
    const sent = await captureDoQueue(brand.id);
    const out = await json<Schedule>(`/api/schedules/${item.scheduleId}/publish-now`, { ...s, body: {} }, 200);
    expect(out.scheduledAt).toBe(item.scheduledAt);
    expect(out.status).toBe("publishing");
    expect(sent).toHaveLength(1);
    await expectClientError(await call(`/api/schedules/${item.scheduleId}/publish-now`, { ...s, body: {} }), 409, "wrong_state");
    expect(sent).toHaveLength(1);
    // The alarm of its old time finds nothing left to claim.
    await fireAlarm(brand.id);
    expect(sent).toHaveLength(1);
  });

  it("retry re-queues only failed or missed platforms, keeps checkpoints and attempts, and is 409 when none", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    for (const p of ["sandbox", "instagram", "youtube"]) await connect(s, brand.id, p);
    const item = await book(s, (await readyJob(s, brand.id)).jobId, brand.id);
    await expectClientError(await call(`/api/schedules/${item.scheduleId}/retry`, { ...s, body: {} }), 409, "wrong_state");
    const sent = await captureDoQueue(brand.id);
    await json(`/api/schedules/${item.scheduleId}/publish-now`, { ...s, body: {} }, 200);
    sent.length = 0;
    await setDelivery(item.scheduleId, "sandbox", "status = 'published', published_at = ?, permalink = 'http://app.test/sandbox/x'", Date.now());
    await setDelivery(item.scheduleId, "instagram", "status = 'failed', attempts = 3, container_id = 'c1', error_class = 'retryable', last_error = 'Instagram is busy.'");
    await setDelivery(item.scheduleId, "youtube", "status = 'publishing', attempts = 1");
    expect((await schedule(s, item.scheduleId)).status).toBe("publishing");
    await setDelivery(item.scheduleId, "youtube", "status = 'published', published_at = ?", Date.now());
    const partial = await schedule(s, item.scheduleId);
    expect(partial.status).toBe("partial");
    expect(partial.deliveries.find((d) => d.platform === "instagram")).toMatchObject({ status: "failed", errorClass: "retryable", error: "Instagram is busy." });

    const out = await json<Schedule>(`/api/schedules/${item.scheduleId}/retry`, { ...s, body: {} }, 200);
    expect(out.deliveries.map((d) => [d.platform, d.status])).toEqual([
      ["instagram", "queued"],
      ["sandbox", "published"],
      ["youtube", "published"],
    ]);
    const ig = (await deliveriesOf(item.scheduleId)).find((d) => d.platform === "instagram")!;
    expect(ig).toMatchObject({ attempts: 3, container_id: "c1", last_error: null });
    expect(sent).toEqual([ig.id]);
    expect(out.scheduledAt).toBe(item.scheduledAt);
    await expectClientError(await call(`/api/schedules/${item.scheduleId}/retry`, { ...s, body: {} }), 409, "wrong_state");
  });

  it("published history survives unschedule attempts and every automation pass (REGRESSIONS #19)", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await connect(s, brand.id, "sandbox");
    const item = await book(s, (await readyJob(s, brand.id)).jobId, brand.id);
    await json(`/api/schedules/${item.scheduleId}/publish-now`, { ...s, body: {} }, 200);
    await setDelivery(item.scheduleId, "sandbox", "status = 'published', published_at = ?", Date.now());
    for (let i = 0; i < 2; i++) await expectClientError(await call(`/api/schedules/${item.scheduleId}`, { ...s, method: "DELETE" }), 409, "wrong_state");
    for (const pass of ["catchup", "dispatch", "healing"]) await json("/api/automation/run", { ...s, body: { pass } }, 200);
    await fireMinuteCron();
    expect((await schedule(s, item.scheduleId)).status).toBe("published");
    expect((await deliveriesOf(item.scheduleId)).map((d) => d.status)).toEqual(["published"]);
  });
});

describe("the Schedule's deliveries carry their outcome and attempt log (API.md)", () => {
  it("errorClass, publishedAt, permalink, error and one log entry per attempt", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await connect(s, brand.id, "sandbox");
    const item = await book(s, (await readyJob(s, brand.id)).jobId, brand.id);
    await json(`/api/schedules/${item.scheduleId}/publish-now`, { ...s, body: {} }, 200);
    const [d] = await deliveriesOf(item.scheduleId);
    const t = Date.parse("2026-11-20T10:00:00.000Z");
    await env.DB.batch([
      env.DB.prepare("INSERT INTO publish_attempts (id, delivery_id, attempt, step, started_at, ended_at, error_class, raw_message) VALUES (?, ?, 1, 'publish', ?, ?, 'retryable', 'HTTP 503')").bind(`pa1${d!.id}`, d!.id, t, t + 1000),
      env.DB.prepare("INSERT INTO publish_attempts (id, delivery_id, attempt, step, started_at, ended_at) VALUES (?, ?, 2, 'publish', ?, ?)").bind(`pa2${d!.id}`, d!.id, t + 60_000, t + 61_000),
    ]);
    await setDelivery(item.scheduleId, "sandbox", "status = 'published', attempts = 2, published_at = ?, permalink = 'http://app.test/sandbox/1'", t + 61_000);
    const out = await schedule(s, item.scheduleId);
    expect(out.deliveries).toEqual([
      {
        platform: "sandbox",
        status: "published",
        attempts: 2,
        permalink: "http://app.test/sandbox/1",
        error: null,
        errorClass: null,
        publishedAt: "2026-11-20T10:01:01.000Z",
        // Published, not yet read by the metrics sampler.
        metrics: null,
        metricsAt: null,
        log: [
          { attempt: 1, step: "publish", startedAt: "2026-11-20T10:00:00.000Z", endedAt: "2026-11-20T10:00:01.000Z", errorClass: "retryable", message: "HTTP 503" },
          { attempt: 2, step: "publish", startedAt: "2026-11-20T10:01:00.000Z", endedAt: "2026-11-20T10:01:01.000Z", errorClass: null, message: null },
        ],
      },
    ]);
  });
});
