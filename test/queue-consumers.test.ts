// Queue consumers never fail a batch for one message (issue 16 item 12): each
// message is acked or retried on its own, whatever the others do, and a
// message that crashed the consumer every time lands in a dead-letter queue
// whose consumer fails what it was about, with a reason (CLOUDFLARE.md §3).
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Env, GenerateMessage, PublishMessage } from "../worker/env";
import { GENERATE_DEAD_LETTER_REASON, GENERATE_MAX_ATTEMPTS, handleGenerateBatch } from "../worker/generation/generate-consumer";
import type { MediaStep } from "../worker/generation/generate-output";
import { handlePublishBatch } from "../worker/publishing/consumer";
import worker from "../worker/index";
import { deliveryRow, seedDelivery } from "./publishing/support";
import { envWithFailingD1 } from "./support/failing-d1";
import { createBrand, insertOutput, outputRow, signup } from "./support/fixtures";

afterEach(() => vi.restoreAllMocks());

let seq = 0;
type Body = GenerateMessage | PublishMessage | null | Record<string, unknown>;

function batchOf<T>(queue: string, bodies: Body[], attempts = 1) {
  return createMessageBatch<T>(
    queue,
    bodies.map((body) => ({ id: `q${++seq}`, timestamp: new Date(), attempts, body: body as T })),
  );
}

interface Settled {
  acked: string[];
  retried: string[];
}

/** Runs `handle` on the batch; it must not throw, and must settle each message itself (never the whole batch). */
async function settle<T>(batch: MessageBatch<T>, handle: () => Promise<void>): Promise<Settled> {
  const ctx = createExecutionContext();
  await expect(handle()).resolves.toBeUndefined();
  const result = (await getQueueResult(batch, ctx)) as {
    ackAll: boolean;
    retryBatch: { retry: boolean };
    explicitAcks: string[];
    retryMessages: Array<{ msgId: string }>;
  };
  expect(result.ackAll).toBe(false);
  expect(result.retryBatch.retry).toBe(false);
  return { acked: result.explicitAcks, retried: result.retryMessages.map((m) => m.msgId) };
}

const ids = (batch: MessageBatch<unknown>) => batch.messages.map((m) => m.id);
const quiet = () => vi.spyOn(console, "error").mockImplementation(() => {});

describe("the generate consumer", () => {
  it("drops a message without an output id and still generates the others of its batch", async () => {
    quiet();
    const s = await signup();
    const brand = await createBrand(s);
    const good = await insertOutput(s, brand.id);
    const batch = batchOf<GenerateMessage>("brandcast-generate", [null, { kind: "generate" }, { kind: "generate", outputId: good.outputId }]);
    const settled = await settle(batch, () => handleGenerateBatch(batch, env, null));
    expect(settled.acked.sort()).toEqual(ids(batch).sort());
    expect(await outputRow(good.outputId)).toMatchObject({ status: "ready" });
  });

  it("a failure path that throws (D1 refuses to release the claim) retries that message alone", async () => {
    quiet();
    const s = await signup();
    const brand = await createBrand(s);
    const broken = await insertOutput(s, brand.id);
    const good = await insertOutput(s, brand.id);
    // Rendering fails for one output, and D1 then fails the statement that gives its claim back.
    const media: MediaStep = async (_env, ctx) => {
      if (ctx.outputId === broken.outputId) throw new Error("renderer crashed");
      return {};
    };
    const flaky = envWithFailingD1((sql, binds) => /SET status = 'pending', claim = NULL/.test(sql) && binds.includes(broken.outputId));
    const batch = batchOf<GenerateMessage>("brandcast-generate", [
      { kind: "generate", outputId: broken.outputId },
      { kind: "generate", outputId: good.outputId },
    ]);
    const settled = await settle(batch, () => handleGenerateBatch(batch, flaky, media));
    expect(settled).toEqual({ acked: [batch.messages[1]!.id], retried: [batch.messages[0]!.id] });
    expect(await outputRow(good.outputId)).toMatchObject({ status: "ready" });
    // Still claimed by the failed attempt: its lease runs out, then the retry or healing takes it.
    expect(await outputRow(broken.outputId)).toMatchObject({ status: "generating", attempts: 1 });
  });

  it("the last attempt's failure path that throws (D1 refuses to fail the output) retries that message alone", async () => {
    quiet();
    const s = await signup();
    const brand = await createBrand(s);
    const broken = await insertOutput(s, brand.id, { attempts: GENERATE_MAX_ATTEMPTS - 1 });
    const good = await insertOutput(s, brand.id);
    const media: MediaStep = async (_env, ctx) => {
      if (ctx.outputId === broken.outputId) throw new Error("renderer crashed");
      return {};
    };
    const flaky = envWithFailingD1((sql, binds) => /SET status = 'failed'/.test(sql) && binds.includes(broken.outputId));
    const batch = batchOf<GenerateMessage>(
      "brandcast-generate",
      [
        { kind: "generate", outputId: broken.outputId },
        { kind: "generate", outputId: good.outputId },
      ],
      GENERATE_MAX_ATTEMPTS,
    );
    const settled = await settle(batch, () => handleGenerateBatch(batch, flaky, media));
    expect(settled).toEqual({ acked: [batch.messages[1]!.id], retried: [batch.messages[0]!.id] });
    expect(await outputRow(good.outputId)).toMatchObject({ status: "ready" });
  });
});

describe("brandcast-generate-dlq", () => {
  it("has a consumer in wrangler.toml, and the generate queue sends its dead letters there", () => {
    const toml = Object.values(import.meta.glob<string>("../wrangler.toml", { query: "?raw", import: "default", eager: true }))[0]!;
    const consumers = toml.split("[[queues.consumers]]").slice(1);
    const generate = consumers.find((c) => /^queue = "brandcast-generate"$/m.test(c));
    expect(generate).toMatch(/dead_letter_queue = "brandcast-generate-dlq"/);
    expect(consumers.some((c) => /^queue = "brandcast-generate-dlq"$/m.test(c))).toBe(true);
  });

  it("fails each dead-lettered output with a reason, leaves a ready one alone, and acks every message", async () => {
    quiet();
    const s = await signup();
    const brand = await createBrand(s);
    const generating = await insertOutput(s, brand.id, { status: "generating", attempts: 5 });
    const pending = await insertOutput(s, brand.id);
    const ready = await insertOutput(s, brand.id, { status: "ready" });
    const batch = batchOf<GenerateMessage>(
      "brandcast-generate-dlq",
      [generating, pending, ready].map((o) => ({ kind: "generate", outputId: o.outputId })).concat([null as never]),
      5,
    );
    const settled = await settle(batch, () => worker.queue(batch as MessageBatch<GenerateMessage | PublishMessage>, env as Env));
    expect(settled.acked.sort()).toEqual(ids(batch).sort());
    for (const o of [generating, pending]) {
      expect(await outputRow(o.outputId)).toMatchObject({ status: "failed", error: GENERATE_DEAD_LETTER_REASON, claim: null });
    }
    expect(await outputRow(ready.outputId)).toMatchObject({ status: "ready", error: null });
  });
});

describe("the publish consumer", () => {
  it("acks each message on its own: one whose delivery D1 cannot lease is retried, the others publish", async () => {
    quiet();
    const broken = await seedDelivery({ platform: "sandbox" });
    const good = await seedDelivery({ platform: "sandbox" });
    const flaky = envWithFailingD1((sql, binds) => /SET status = 'publishing'/.test(sql) && binds.includes(broken.deliveryId));
    const batch = batchOf<PublishMessage>("brandcast-publish", [
      { kind: "publish", deliveryId: broken.deliveryId },
      { kind: "publish", deliveryId: good.deliveryId },
    ]);
    const settled = await settle(batch, () => handlePublishBatch(batch, flaky));
    expect(settled).toEqual({ acked: [batch.messages[1]!.id], retried: [batch.messages[0]!.id] });
    expect(await deliveryRow(good.deliveryId)).toMatchObject({ status: "published" });
    expect(await deliveryRow(broken.deliveryId)).toMatchObject({ status: "queued", attempts: 0 });
  });

  it("the dead-letter consumer retries a message it cannot record and acks the others", async () => {
    quiet();
    const broken = await seedDelivery({ platform: "sandbox", status: "publishing" });
    const stuck = await seedDelivery({ platform: "sandbox", status: "publishing" });
    const flaky = envWithFailingD1((sql, binds) => /SET status = 'failed'/.test(sql) && binds.includes(broken.deliveryId));
    const batch = batchOf<PublishMessage>(
      "brandcast-publish-dlq",
      [broken, stuck].map((d) => ({ kind: "publish", deliveryId: d.deliveryId })),
      100,
    );
    const settled = await settle(batch, () => worker.queue(batch as MessageBatch<GenerateMessage | PublishMessage>, flaky));
    expect(settled).toEqual({ acked: [batch.messages[1]!.id], retried: [batch.messages[0]!.id] });
    expect(await deliveryRow(stuck.deliveryId)).toMatchObject({ status: "failed" });
  });
});
