// Automation through the Worker's real entry points (DESIGN.md §5, §6): the
// generate queue consumer, the 10-minute cron (catch-up, healing), and the
// automation API. REGRESSIONS #1 (automation's rows are the workspace's),
// #4 (state changes are row updates) and #17 (nothing stuck at 0% forever).
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runCatchup } from "../worker/automation/catchup";
import { runHealing, STALE_GENERATION_MS } from "../worker/automation/healing";
import { brandColors, run as runSchema, type Job, type Run } from "../worker/contract/schemas";
import type { Env, GenerateMessage, PublishMessage } from "../worker/env";
import { GENERATE_MAX_ATTEMPTS } from "../worker/generation/generate-consumer";
import { writeContent, type WriterInput } from "../worker/generation/template-writer";
import { promisedSteps } from "../worker/generation/titles";
import worker from "../worker/index";
import { defaultColors } from "../worker/services/brands";
import {
  addMember,
  calendar,
  call,
  countRows,
  createBrand,
  createReadyJob,
  expectClientError,
  expectNoDoubleBooking,
  insertOutput,
  json,
  outputRow,
  runPass,
  scheduleOne,
  signup,
  type Session,
} from "./support/fixtures";
import { drainPasses, fireCron as fireScheduled, passQueue } from "./support/passes";

const MINUTE = 60_000;
const TEN_MINUTE_CRON = "*/10 * * * *";
/** 07:00 in Lisbon: inside every test workspace's day but before its 12:00 burst, so the cron runs catch-up and healing only. */
const CRON_TIME = Date.parse("2026-06-01T06:00:00Z");

// ---- entry-point helpers ------------------------------------------------------

let messageSeq = 0;

/** Delivers generate messages to the Worker's queue() export and reports what it acked or retried. */
async function deliverGenerate(outputIds: string[], attempts = 1) {
  const messages = outputIds.map((outputId) => ({
    id: `msg-${++messageSeq}`,
    timestamp: new Date(),
    attempts,
    body: { kind: "generate", outputId } satisfies GenerateMessage,
  }));
  const batch = createMessageBatch<GenerateMessage | PublishMessage>("brandcast-generate", messages);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  const result = await getQueueResult(batch, ctx);
  return { ids: messages.map((m) => m.id), result };
}

/** Fires the Worker's scheduled() export as Cron Triggers would, then delivers every `passes` message it sent. */
async function fireCron(scheduledTime: number, cron = TEN_MINUTE_CRON) {
  const q = passQueue();
  await fireScheduled(q, scheduledTime, cron);
  await drainPasses(q);
  return q;
}

/** An env whose generate queue records what is sent instead of delivering it, so a test controls delivery. */
function withCapturedQueue(): { env: Env; sent: GenerateMessage[] } {
  const sent: GenerateMessage[] = [];
  const queue = {
    send: async (body: GenerateMessage) => void sent.push(body),
    sendBatch: async (batch: Iterable<{ body: GenerateMessage }>) => {
      for (const m of batch) sent.push(m.body);
    },
  } as unknown as Queue<GenerateMessage>;
  return { env: { ...env, GENERATE_QUEUE: queue }, sent };
}

async function unscheduledOutputs(workspaceId: string): Promise<number> {
  const row = await env.DB.prepare(
    "SELECT COUNT(*) AS n FROM job_outputs o LEFT JOIN schedules s ON s.output_id = o.id WHERE o.workspace_id = ? AND s.id IS NULL",
  )
    .bind(workspaceId)
    .first<{ n: number }>();
  return row!.n;
}

async function jobOf(s: Session, jobId: string) {
  return json<Job>(`/api/jobs/${jobId}`, s, 200);
}

// ---- the generate queue consumer ------------------------------------------------

describe("generate queue consumer (worker queue() export)", () => {
  it("turns a pending output ready with caption, title, YouTube title and slides, and acks the message", async () => {
    const s = await signup();
    const brand = await createBrand(s, { name: "Calm Kitchen", slug: "calm-kitchen" });
    const out = await insertOutput(s, brand.id, { variant: "post" });
    expect((await jobOf(s, out.jobId)).outputs[0]!.status).toBe("pending");

    const { ids, result } = await deliverGenerate([out.outputId]);
    expect(result.explicitAcks).toEqual(ids);
    expect(result.retryMessages).toEqual([]);

    const job = await jobOf(s, out.jobId);
    const output = job.outputs[0]!;
    // Booked the moment it turned ready (issue 10 item 5), as its job's creator (issue 16 item 8).
    expect(output.status).toBe("scheduled");
    expect(output.caption).toMatch(/#calmkitchen/);
    expect(output.title).toEqual(expect.any(String));
    expect(output.ytTitle).toMatch(/\| Calm Kitchen$/);
    expect(output.slideTexts).toHaveLength(5);
    expect(output.error).toBeNull();
    expect(job.status).toBe("completed");
    expect(job.category).toBe("scheduled");
    expect((await calendar(s)).map((c) => [c.jobId, c.createdBy.kind])).toEqual([[out.jobId, "user"]]);
    expect((await outputRow(out.outputId))!.attempts).toBe(1);
  });

  it("a redelivered message for a ready output changes nothing and is acked", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const out = await insertOutput(s, brand.id);
    await deliverGenerate([out.outputId]);
    const before = await outputRow(out.outputId);
    expect(before!.status).toBe("ready");

    const { ids, result } = await deliverGenerate([out.outputId, out.outputId], 2);
    expect(result.explicitAcks.sort()).toEqual(ids.sort());
    expect(await outputRow(out.outputId)).toEqual(before);
  });

  it("acks a message for an output that does not exist (nothing to retry)", async () => {
    const { ids, result } = await deliverGenerate(["out_doesnotexist"]);
    expect(result.explicitAcks).toEqual(ids);
    expect(result.retryMessages).toEqual([]);
  });

  it("a failure is retried with backoff; on the last attempt the output fails with its reason, visibly", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const good = await insertOutput(s, brand.id);
    // Slide texts that are not JSON make this output's generation throw every time.
    const poisoned = await insertOutput(s, brand.id, { slideTexts: "{not json" });

    const first = await deliverGenerate([poisoned.outputId, good.outputId]);
    // One bad output does not hold back the good one in the same batch.
    expect(first.result.explicitAcks).toEqual([first.ids[1]]);
    // (The test harness's batch records which messages were retried, not their delay.)
    expect(first.result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual([first.ids[0]]);
    expect((await outputRow(good.outputId))!.status).toBe("ready");
    // The failed attempt gave its claim back: the retry can claim it again.
    expect((await outputRow(poisoned.outputId))!.status).toBe("pending");

    const last = await deliverGenerate([poisoned.outputId], GENERATE_MAX_ATTEMPTS);
    expect(last.result.explicitAcks).toEqual(last.ids);
    const job = await jobOf(s, poisoned.jobId);
    expect(job.outputs[0]!.status).toBe("failed");
    expect(job.outputs[0]!.error).toEqual(expect.stringMatching(/\w+/));
    expect(job.status).toBe("failed");

    // Retry puts it back in the pipeline.
    const retried = await json<Job>(`/api/jobs/${poisoned.jobId}/retry`, { ...s, body: {} }, 200);
    expect(retried.outputs[0]!.status).toBe("pending");
    expect(retried.outputs[0]!.error).toBeNull();
  });
});

describe("template writer (deterministic, brand-aware)", () => {
  const calm = { slug: "calm-kitchen", name: "Calm Kitchen", handle: "@calmkitchen" };
  const loud = { slug: "loud-gym", name: "Loud Gym", handle: null };
  const input = (over: Partial<WriterInput> = {}): WriterInput => ({ seed: 1234, brand: calm, variant: "light", ...over });

  it("writes the same content for the same seed, brand and variant", () => {
    expect(writeContent(input())).toEqual(writeContent(input()));
    expect(writeContent(input({ variant: "post" }))).toEqual(writeContent(input({ variant: "post" })));
  });

  it("writes different content for different brands, and for different seeds", () => {
    const a = writeContent(input());
    const b = writeContent(input({ brand: loud }));
    expect(b.caption).not.toBe(a.caption);
    expect(a.caption).toContain("@calmkitchen");
    expect(b.caption).toContain("@loud-gym");
    expect(b.ytTitle).toMatch(/\| Loud Gym$/);
    const captions = new Set(Array.from({ length: 20 }, (_, seed) => writeContent(input({ seed })).caption));
    expect(captions.size).toBeGreaterThan(10);
  });

  it("keeps a given title, topic and slides, and stays inside the platforms' limits", () => {
    const w = writeContent(input({ title: "My title", topic: "tide tables", slideTexts: ["One", "Two"] }));
    expect(w.title).toBe("My title");
    expect(w.slideTexts).toEqual(["One", "Two"]);
    expect(w.ytTitle).toBe("Tide tables | Calm Kitchen");
    for (let seed = 0; seed < 50; seed++) {
      for (const variant of ["light", "dark", "post"] as const) {
        const x = writeContent(input({ seed, variant, topic: "t".repeat(500) }));
        expect(x.caption.length).toBeLessThanOrEqual(2200);
        expect(x.ytTitle.length).toBeLessThanOrEqual(100);
        expect(x.title.length).toBeLessThanOrEqual(200);
        // As many tips as the title (whole in the caption's first line) promises; without a number, 4 on a reel, 5 in a carousel.
        expect(x.slideTexts).toHaveLength(promisedSteps(x.caption.split("\n")[0]!, "en") ?? (variant === "post" ? 5 : 4));
      }
    }
  });
});

describe("default brand colours (what the media step paints with)", () => {
  it("are complete for every slug, including those whose hash passes 2^31", async () => {
    for (let i = 0; i < 500; i++) {
      const slug = `brand-${i}-${"x".repeat(i % 7)}`;
      expect(brandColors.safeParse(defaultColors(slug)).success, slug).toBe(true);
    }
    // "calm-kitchen" hashes past 2^31: its accent used to be undefined, and its media failed to render.
    const s = await signup();
    const brand = await createBrand(s, { slug: "calm-kitchen", name: "Calm Kitchen" });
    expect(brandColors.parse(brand.colors).accent).toMatch(/^#[0-9a-f]{6}$/);
  });
});

// ---- the 10-minute cron -------------------------------------------------------

describe("cron (worker scheduled() export)", () => {
  it("schedules ready outputs, automation's as automation and a person's as theirs, visible to every member of the workspace", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const job = await insertOutput(s, brand.id, { status: "ready", createdBy: "automation" });
    const mine = await insertOutput(s, brand.id, { status: "ready" });
    const viewer = await signup();
    await addMember(s.workspaceId, viewer.userId, "viewer");

    await fireCron(CRON_TIME);

    for (const who of [s, { cookie: viewer.cookie, workspace: s.workspaceId }]) {
      const cal = await calendar(who);
      expect(cal).toHaveLength(2);
      const auto = cal.find((c) => c.jobId === job.jobId)!;
      expect(auto).toMatchObject({ brandId: brand.id, createdBy: { kind: "automation", name: "Automation" } });
      expect(cal.find((c) => c.jobId === mine.jobId)!.createdBy).toMatchObject({ kind: "user", id: s.userId });
      expect((await json<Job>(`/api/jobs/${job.jobId}`, who, 200)).outputs[0]!.schedule?.scheduleId).toBe(auto.scheduleId);
    }
    expect(await countRows("schedules", "workspace_id = ? AND created_by_kind = 'automation' AND created_by_user_id IS NULL", s.workspaceId)).toBe(1);
    const runs = await json<{ recent: Run[] }>("/api/automation", s, 200);
    expect(runs.recent.filter((r) => r.kind === "catchup")).toEqual([
      expect.objectContaining({ trigger: "cron", status: "succeeded", processed: 2, succeeded: 2, failed: 0 }),
    ]);
  });

  it("a second firing for the same scheduledTime records no second run and books nothing more", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await createReadyJob(s, [brand.id]);
    const t = CRON_TIME + 20 * MINUTE;
    await fireCron(t);
    expect(await countRows("automation_runs", "workspace_id = ? AND kind = 'catchup'", s.workspaceId)).toBe(1);
    expect(await countRows("schedules", "workspace_id = ?", s.workspaceId)).toBe(1);

    const late = await createReadyJob(s, [brand.id]);
    await fireCron(t); // a duplicate delivery of the same trigger
    await fireCron(t + 3 * MINUTE); // same 10-minute window
    expect(await countRows("automation_runs", "workspace_id = ? AND kind = 'catchup'", s.workspaceId)).toBe(1);
    expect((await jobOf(s, late.jobId)).outputs[0]!.status).toBe("ready");

    await fireCron(t + 10 * MINUTE); // the next window runs again
    expect(await countRows("automation_runs", "workspace_id = ? AND kind = 'catchup'", s.workspaceId)).toBe(2);
    expect((await jobOf(s, late.jobId)).outputs[0]!.status).toBe("scheduled");
  });

  it("ignores a cron expression it does not own", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await createReadyJob(s, [brand.id]);
    await fireCron(CRON_TIME + 40 * MINUTE, "0 0 1 1 *");
    expect(await countRows("automation_runs", "workspace_id = ?", s.workspaceId)).toBe(0);
    expect(await countRows("schedules", "workspace_id = ?", s.workspaceId)).toBe(0);
  });
});

describe("catch-up pass", () => {
  it("is bounded per invocation, reports what remains, and repeated (even racing) calls finish the backlog once", async () => {
    const s = await signup();
    const [a, b] = [await createBrand(s), await createBrand(s)];
    for (let i = 0; i < 6; i++) await createReadyJob(s, [a.id, b.id], i % 2 ? "dark" : "post"); // 12 outputs

    expect(await runCatchup(env, s.workspaceId, 5)).toEqual({ processed: 5, succeeded: 5, failed: 0, remaining: 7 });
    // Two invocations racing over the same backlog: each output is booked by at most one of them.
    const raced = await Promise.all([runCatchup(env, s.workspaceId, 5), runCatchup(env, s.workspaceId, 5)]);
    const bookedInRace = raced[0]!.succeeded + raced[1]!.succeeded;
    expect(bookedInRace).toBeGreaterThanOrEqual(5);
    expect(raced.every((r) => r.failed === 0)).toBe(true);
    let rounds = 0;
    let last = raced[1]!;
    while ((await unscheduledOutputs(s.workspaceId)) > 0) {
      last = await runCatchup(env, s.workspaceId, 5);
      expect(last.processed).toBeLessThanOrEqual(5);
      expect(++rounds).toBeLessThan(5);
    }
    expect(last.remaining).toBe(0);
    expect(await runCatchup(env, s.workspaceId, 5)).toEqual({ processed: 0, succeeded: 0, failed: 0, remaining: 0 });

    expect(await countRows("schedules", "workspace_id = ?", s.workspaceId)).toBe(12);
    expect(await unscheduledOutputs(s.workspaceId)).toBe(0);
    const cal = await calendar(s);
    expect(cal).toHaveLength(12);
    expectNoDoubleBooking(cal);
    // Every job here is the person's, so every item is theirs, whichever invocation booked it.
    expect(cal.every((x) => x.createdBy.kind === "user" && x.createdBy.id === s.userId)).toBe(true);
  });

  it("POST /api/automation/run {pass: catchup} returns the Run with its counts", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const [j1, j2] = [await createReadyJob(s, [brand.id]), await createReadyJob(s, [brand.id])];
    // One output is already booked by the user: catch-up leaves it alone.
    expect((await scheduleOne(s, j1.jobId, brand.id)).status).toBe(201);

    const run = runSchema.parse(await runPass(s, "catchup"));
    expect(run).toMatchObject({ kind: "catchup", trigger: "manual", status: "succeeded", processed: 1, succeeded: 1, failed: 0, remaining: 0, error: null });
    expect(Date.parse(run.endedAt!)).toBeGreaterThanOrEqual(Date.parse(run.startedAt));
    expect((await jobOf(s, j2.jobId)).outputs[0]!.schedule).not.toBeNull();
    const cal = await calendar(s);
    expect(cal.map((x) => x.createdBy.kind)).toEqual(["user", "user"]);
  });
});

describe("healing pass", () => {
  it("re-queues generation stuck for 15+ minutes, fails it with a reason after the last attempt, and leaves fresh work alone", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const now = Date.now();
    const stale = now - 20 * MINUTE;
    const stuck = await insertOutput(s, brand.id, { status: "generating", attempts: 1, updatedAt: stale });
    const lost = await insertOutput(s, brand.id, { status: "pending", attempts: 0, updatedAt: stale });
    const exhausted = await insertOutput(s, brand.id, { status: "generating", attempts: GENERATE_MAX_ATTEMPTS, updatedAt: stale });
    const fresh = await insertOutput(s, brand.id, { status: "generating", attempts: 1, updatedAt: now - MINUTE });
    const freshBefore = await outputRow(fresh.outputId);

    const captured = withCapturedQueue();
    const counts = await runHealing(captured.env, s.workspaceId, now);
    expect(counts).toEqual({ processed: 3, succeeded: 2, failed: 1, remaining: 0 });

    // Stuck and lost outputs are back to pending, with a fresh message each.
    expect((await outputRow(stuck.outputId))!.status).toBe("pending");
    expect((await outputRow(lost.outputId))!.status).toBe("pending");
    expect(captured.sent.map((m) => m.outputId).sort()).toEqual([stuck.outputId, lost.outputId].sort());
    // The re-queued messages finish the work through the real consumer.
    await deliverGenerate(captured.sent.map((m) => m.outputId));
    // Ready, and booked on ready.
    expect((await jobOf(s, stuck.jobId)).outputs[0]!.status).toBe("scheduled");
    expect((await jobOf(s, lost.jobId)).outputs[0]!.status).toBe("scheduled");

    // Out of attempts: failed, with a reason a person can read, never "generating" forever.
    const failed = (await jobOf(s, exhausted.jobId)).outputs[0]!;
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/timed out after 3 attempts/);

    // Work younger than the threshold is not touched.
    expect(await outputRow(fresh.outputId)).toEqual(freshBefore);
    expect(STALE_GENERATION_MS).toBe(15 * MINUTE);
  });

  it("one workspace's healing never touches another's outputs (REGRESSIONS #22)", async () => {
    const a = await signup();
    const brand = await createBrand(a);
    const stuck = await insertOutput(a, brand.id, { status: "generating", attempts: GENERATE_MAX_ATTEMPTS, updatedAt: Date.now() - 30 * MINUTE });
    const before = await outputRow(stuck.outputId);
    const b = await signup();
    expect(runSchema.parse(await runPass(b, "healing"))).toMatchObject({ processed: 0, succeeded: 0, failed: 0 });
    expect(await outputRow(stuck.outputId)).toEqual(before);
  });

  it("runs from the cron for workspaces with stuck generation", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    // Stuck for half an hour at the firing's time (and so, by the real clock, too).
    const exhausted = await insertOutput(s, brand.id, { status: "generating", attempts: GENERATE_MAX_ATTEMPTS, updatedAt: CRON_TIME + 30 * MINUTE });
    await fireCron(CRON_TIME + 60 * MINUTE);
    expect((await outputRow(exhausted.outputId))!.status).toBe("failed");
    const { recent } = await json<{ recent: Run[] }>("/api/automation", s, 200);
    expect(recent.find((r) => r.kind === "healing")).toMatchObject({ trigger: "cron", processed: 1, failed: 1 });
  });
});

// ---- the automation API ---------------------------------------------------------

describe("GET /api/automation, pause and resume", () => {
  it("describes the workspace's automation: paused, zone, burst time, next burst, last catch-up, recent runs", async () => {
    const s = await signup();
    const before = Date.now();
    const view = await json("/api/automation", s, 200);
    expect(view).toMatchObject({
      paused: false,
      timezone: "Europe/Lisbon",
      burstTime: "12:00",
      lastBurst: null,
      lastCatchup: null,
      recent: [],
    });
    // Never in the past (due now at the latest), and within the next day.
    const next = Date.parse(view.nextBurst);
    expect(next).toBeGreaterThanOrEqual(before - MINUTE);
    expect(next).toBeLessThanOrEqual(before + 25 * 60 * MINUTE);

    const run = runSchema.parse(await runPass(s, "catchup"));
    const after = await json("/api/automation", s, 200);
    expect(after.lastCatchup).toEqual(run);
    expect(after.recent).toEqual([run]);
  });

  it("pause and resume toggle the flag (idempotently) and the next burst", async () => {
    const s = await signup();
    for (let i = 0; i < 2; i++) {
      const paused = await json("/api/automation/pause", { ...s, body: {} }, 200);
      expect(paused).toMatchObject({ paused: true, nextBurst: null });
    }
    expect((await json("/api/automation", s, 200)).paused).toBe(true);
    expect(await countRows("workspaces", "id = ? AND automation_paused = 1", s.workspaceId)).toBe(1);

    const resumed = await json("/api/automation/resume", { ...s, body: {} }, 200);
    expect(resumed.paused).toBe(false);
    expect(resumed.nextBurst).toEqual(expect.any(String));
    expect((await json("/api/automation", s, 200)).paused).toBe(false);
  });

  it("every pass of the contract runs by hand and records its run (dispatch included)", async () => {
    const s = await signup();
    const run = await json<Run>("/api/automation/run", { ...s, body: { pass: "dispatch" } }, 200);
    expect(run).toMatchObject({ kind: "dispatch", trigger: "manual", status: "succeeded" });
    expect((await json("/api/automation", s, 200)).available).toEqual(expect.arrayContaining(["burst", "catchup", "healing", "dispatch"]));
  });
});
