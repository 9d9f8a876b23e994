// Generation claims and healing (issue 9, REGRESSIONS #17): the generate
// consumer claims an output (pending → generating, a claim token, attempts+1)
// and writes only while it holds that claim, so two deliveries of one message
// render once and never touch a ready, edited or scheduled output. Healing
// tells a lost message from one waiting in a long queue, counts its re-sends,
// and fails the output with a reason after the set number.
import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { expectedQueueWait, MAX_REQUEUES, QUEUE_BASE_WAIT_MS, runHealing } from "../worker/automation/healing";
import type { Env, GenerateMessage } from "../worker/env";
import { handleGenerateBatch } from "../worker/generation/generate-consumer";
import { generateOutput, type MediaStep } from "../worker/generation/generate-output";
import { call, createBrand, createReadyJob, expectHumanMessage, insertOutput, json, outputRow, scheduleOne, signup } from "./support/fixtures";

const MINUTE = 60_000;
let seq = 0;

function batchOf(outputId: string, attempts = 1) {
  return createMessageBatch<GenerateMessage>("brandcast-generate", [{ id: `m-${++seq}`, timestamp: new Date(), attempts, body: { kind: "generate", outputId } }]);
}

/** A media step that counts renders and can be held open until the test says so. */
function countingMedia() {
  let renders = 0;
  let release: () => void = () => {};
  let gate: Promise<void> | null = null;
  const step: MediaStep = async () => {
    renders++;
    if (gate) await gate;
    else await new Promise((r) => setTimeout(r, 30));
    return { thumbnailKey: `thumb-${renders}` };
  };
  return {
    step,
    renders: () => renders,
    hold() {
      gate = new Promise<void>((r) => (release = r));
    },
    release: () => release(),
  };
}

function capturedQueue(): { env: Env; sent: string[] } {
  const sent: string[] = [];
  const queue = {
    send: async (b: GenerateMessage) => void sent.push(b.outputId),
    sendBatch: async (msgs: Iterable<{ body: GenerateMessage }>) => {
      for (const m of msgs) sent.push(m.body.outputId);
    },
  } as unknown as Queue<GenerateMessage>;
  return { env: { ...env, GENERATE_QUEUE: queue }, sent };
}

describe("generation claims", () => {
  it("two deliveries of one message at the same moment render once", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const out = await insertOutput(s, brand.id);
    const media = countingMedia();
    await Promise.all([handleGenerateBatch(batchOf(out.outputId), env, media.step), handleGenerateBatch(batchOf(out.outputId), env, media.step)]);
    expect(media.renders()).toBe(1);
    const row = (await outputRow(out.outputId))!;
    expect(row).toMatchObject({ status: "ready", attempts: 1, claim: null, thumbnail_key: "thumb-1" });
  });

  it("a late copy never touches a ready output with an edited caption, nor a scheduled one", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const job = await createReadyJob(s, [brand.id]);
    await json(`/api/jobs/${job.jobId}/outputs/${brand.id}`, { ...s, method: "PATCH", body: { caption: "Edited by a person" } }, 200);
    const id = (await env.DB.prepare("SELECT id FROM job_outputs WHERE job_id = ?").bind(Number(job.jobId.slice(4))).first<{ id: string }>())!.id;
    const media = countingMedia();
    const before = await outputRow(id);
    await handleGenerateBatch(batchOf(id, 2), env, media.step);
    expect(await outputRow(id)).toEqual(before);
    expect((await scheduleOne(s, job.jobId, brand.id)).status).toBe(201);
    const scheduled = await outputRow(id);
    await handleGenerateBatch(batchOf(id, 3), env, media.step);
    expect(await outputRow(id)).toEqual(scheduled);
    expect(media.renders()).toBe(0);
    const view = await json(`/api/jobs/${job.jobId}`, s, 200);
    expect(view.outputs[0]).toMatchObject({ status: "scheduled", caption: "Edited by a person" });
  });

  it("an attempt that lost its claim (taken over after its lease) writes nothing", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const out = await insertOutput(s, brand.id);
    const slow = countingMedia();
    slow.hold();
    const first = generateOutput(env, out.outputId, slow.step, Date.now(), { llm: null, claim: "claim-first" });
    // Let the first attempt claim and reach its media step, then let its lease run out.
    for (let i = 0; i < 50 && slow.renders() === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(slow.renders()).toBe(1);
    await env.DB.prepare("UPDATE job_outputs SET started_at = started_at - ? WHERE id = ?").bind(20 * MINUTE, out.outputId).run();
    expect(await generateOutput(env, out.outputId, null, Date.now(), { llm: null, claim: "claim-second" })).toBe("ready");
    const afterSecond = await outputRow(out.outputId);
    slow.release();
    expect(await first).toBe("skipped");
    expect(await outputRow(out.outputId)).toEqual(afterSecond);
    expect(afterSecond).toMatchObject({ status: "ready", attempts: 2, thumbnail_key: null });
  });

  it("a failed attempt gives its claim back for the retry; the last one fails the output with a sentence, not the raw error", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const out = await insertOutput(s, brand.id, { slideTexts: "{not json" });
    await handleGenerateBatch(batchOf(out.outputId, 1), env, null);
    expect(await outputRow(out.outputId)).toMatchObject({ status: "pending", claim: null, attempts: 1 });
    await handleGenerateBatch(batchOf(out.outputId, 3), env, null);
    const row = (await outputRow(out.outputId))!;
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/^Generation failed because of an internal error \(reference err_\w+\)\.$/);
    expect(row.error).not.toMatch(/JSON|SyntaxError|Unexpected/);
    expectHumanMessage(row.error);
  });
});

describe("healing lost generate messages", () => {
  it("waits while the queue is long, re-sends a lost message, counts it, and fails the output after the set number", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const t0 = Date.parse("2025-06-01T10:00:00Z");
    // Fifty outputs queued just before ours: a long queue ahead of it.
    const ahead = await Promise.all(Array.from({ length: 50 }, (_, i) => insertOutput(s, brand.id, { updatedAt: t0 - 1000 - i })));
    const lost = await insertOutput(s, brand.id, { updatedAt: t0 });
    const wait = expectedQueueWait(50);
    expect(wait).toBeGreaterThan(QUEUE_BASE_WAIT_MS);

    // Inside the expected wait (past the base alone): still waiting its turn, not lost.
    const q = capturedQueue();
    await runHealing(q.env, s.workspaceId, t0 + QUEUE_BASE_WAIT_MS + MINUTE);
    expect(q.sent).not.toContain(lost.outputId);
    expect((await outputRow(lost.outputId))!.requeues).toBe(0);
    // The outputs ahead are done now (their messages were delivered).
    await env.DB.batch(ahead.map((a) => env.DB.prepare("UPDATE job_outputs SET status = 'failed' WHERE id = ?").bind(a.outputId)));

    let now = t0 + wait + MINUTE;
    for (let n = 1; n <= MAX_REQUEUES; n++) {
      const q2 = capturedQueue();
      const counts = await runHealing(q2.env, s.workspaceId, now);
      expect(q2.sent).toEqual([lost.outputId]);
      expect(counts).toMatchObject({ succeeded: 1, failed: 0 });
      expect(await outputRow(lost.outputId)).toMatchObject({ status: "pending", requeues: n, enqueued_at: now });
      // Right after a re-send it is not lost again.
      const q3 = capturedQueue();
      await runHealing(q3.env, s.workspaceId, now + MINUTE);
      expect(q3.sent).toEqual([]);
      now += QUEUE_BASE_WAIT_MS + MINUTE;
    }
    const q4 = capturedQueue();
    expect(await runHealing(q4.env, s.workspaceId, now)).toMatchObject({ succeeded: 0, failed: 1 });
    expect(q4.sent).toEqual([]);
    const row = (await outputRow(lost.outputId))!;
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/queue message was lost 4 times/);
    // And the job says so to people.
    const job = await json(`/api/jobs/${lost.jobId}`, s, 200);
    expect(job.outputs[0]).toMatchObject({ status: "failed" });
    expectHumanMessage(job.outputs[0].error);
    expect((await call(`/api/jobs/${lost.jobId}/retry`, { ...s, body: {} })).status).toBe(200);
  });
});
