// One batch of queue messages through a consumer, as the runtime would deliver
// it, reporting which messages were acked and which retried with what delay
// (getQueueResult names the retried messages but not their delays, so the
// batch handed to the consumer records them on the way through).
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { expect } from "vitest";

let seq = 0;

export interface BatchOutcome<T> {
  acked: T[];
  retried: Array<{ body: T; delaySeconds: number }>;
}

export async function deliverBatch<T>(queue: string, bodies: T[], consume: (batch: MessageBatch<T>) => Promise<void>, attempts = 1): Promise<BatchOutcome<T>> {
  const messages = bodies.map((body) => ({ id: `m${seq++}`, timestamp: new Date(), attempts, body }));
  const batch = createMessageBatch<T>(queue, messages);
  const ctx = createExecutionContext();
  const delays = new Map<string, number>();
  const observed = {
    queue: batch.queue,
    messages: batch.messages.map((m) => ({
      id: m.id,
      timestamp: m.timestamp,
      attempts: m.attempts,
      body: m.body,
      ack: () => m.ack(),
      retry: (o?: QueueRetryOptions) => {
        if (!delays.has(m.id)) delays.set(m.id, o?.delaySeconds ?? 0);
        m.retry(o);
      },
    })),
    ackAll: () => batch.ackAll(),
    retryAll: (o?: QueueRetryOptions) => batch.retryAll(o),
  } as unknown as MessageBatch<T>;
  await consume(observed);
  const result = (await getQueueResult(batch, ctx)) as { ackAll: boolean; retryBatch: { retry: boolean }; explicitAcks: string[]; retryMessages: Array<{ msgId: string }> };
  expect(result.ackAll, "the consumer acks message by message").toBe(false);
  expect(result.retryBatch.retry, "the consumer never retries the whole batch").toBe(false);
  const byId = new Map(messages.map((m) => [m.id, m.body]));
  return {
    acked: result.explicitAcks.map((id) => byId.get(id)!),
    retried: result.retryMessages.map((r) => ({ body: byId.get(r.msgId)!, delaySeconds: delays.get(r.msgId) ?? -1 })),
  };
}
