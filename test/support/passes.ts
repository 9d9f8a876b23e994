// Drives the fleet passes as Cron Triggers and Queues would, with the test in
// control of delivery: the `passes` queue records what is sent (in order),
// and the test delivers it in batches through the Worker's queue() export or
// straight to the consumer with a virtual clock and the burst's options.
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { fanOutDueBursts } from "../../worker/automation/burst-fanout";
import { handlePassBatch, type PassOptions } from "../../worker/automation/pass-queue";
import type { Env, PassMessage } from "../../worker/env";
import worker from "../../worker/index";

export const TEN_MINUTE_CRON = "*/10 * * * *";

export interface PassQueue {
  /** The Worker's env with the recording `passes` queue. */
  env: Env;
  /** Sent and not yet delivered, oldest first. */
  waiting: PassMessage[];
  /** Every message sent, in order. */
  sent: PassMessage[];
}

export function passQueue(base: Env = env): PassQueue {
  const q: PassQueue = { env: base, waiting: [], sent: [] };
  const record = (body: PassMessage) => {
    q.waiting.push(body);
    q.sent.push(body);
  };
  const queue = {
    send: async (body: PassMessage) => record(body),
    sendBatch: async (batch: Iterable<MessageSendRequest<PassMessage>>) => {
      for (const m of batch) record(m.body);
    },
  } as unknown as Queue<PassMessage>;
  q.env = { ...base, PASSES_QUEUE: queue };
  return q;
}

/** Fires the Worker's scheduled() export for `cron` at `at`, with `q`'s env, and waits for its work. */
export async function fireCron(q: PassQueue, at: number, cron = TEN_MINUTE_CRON): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: new Date(at), cron }), q.env, ctx);
  await waitOnExecutionContext(ctx);
}

let seq = 0;

export interface DrainOptions extends PassOptions {
  /** Through the Worker's queue() export even with options (then only these drain options apply). */
  viaWorker?: boolean;
  /** Messages per batch (wrangler.toml max_batch_size). */
  batchSize?: number;
  /** Deliver this message a second time right after (Queues deliver at least once). */
  duplicate?: (body: PassMessage) => boolean;
  /** Called after each batch with the messages it held. */
  afterBatch?: (bodies: PassMessage[]) => void | Promise<void>;
}

/**
 * Delivers what `q` holds, oldest first, in batches, until nothing is left
 * (continuations included: they join the back). Without options (or with
 * `viaWorker`), through the Worker's queue() export; with them, straight to
 * the consumer. Retried
 * messages go to the back. Returns the number of batches delivered.
 */
export async function drainPasses(q: PassQueue, opts?: DrainOptions, maxBatches = 10_000): Promise<number> {
  let batches = 0;
  while (q.waiting.length) {
    if (++batches > maxBatches) throw new Error(`the passes queue did not drain in ${maxBatches} batches`);
    const bodies = q.waiting.splice(0, opts?.batchSize ?? 5);
    const delivered = bodies.flatMap((b) => (opts?.duplicate?.(b) ? [b, b] : [b]));
    const batch = createMessageBatch<PassMessage>(
      "brandcast-passes",
      delivered.map((body) => ({ id: `pass-${++seq}`, timestamp: new Date(), attempts: 1, body })),
    );
    const ctx = createExecutionContext();
    if (opts && !opts.viaWorker) await handlePassBatch(batch, q.env, opts);
    else await worker.queue(batch as MessageBatch<never>, q.env);
    const result = await getQueueResult(batch, ctx);
    for (const r of result.retryMessages) q.waiting.push(delivered[batch.messages.findIndex((m) => m.id === r.msgId)]!);
    await opts?.afterBatch?.(bodies);
  }
  return batches;
}

/** The 10-minute cron's burst hand-out at `now`, then every message it led to, on the same clock (the old "burst check"). */
export async function checkBursts(now: number, opts: Omit<DrainOptions, "now"> = {}, base: Env = env): Promise<PassQueue> {
  const q = passQueue(base);
  await fanOutDueBursts(q.env, now);
  await drainPasses(q, { ...opts, now: () => now });
  return q;
}
