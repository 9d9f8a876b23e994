// Consumer of the `generate` queue. Each message is acked or retried on its
// own, and nothing one message does (a malformed body, a database error on
// its failure path) can throw out of the batch and make the queue redeliver
// the others. Each attempt holds its own claim on the output
// (generate-output.ts): a failed attempt gives it back for the retry, the last
// one fails the output with a sentence for people (the raw error is logged
// with an id: failure-report.ts).
import type { Env, GenerateMessage } from "../env";
import { newId } from "../lib/ids";
import { logError } from "../lib/log";
import { reportFailure } from "./failure-report";
import { generateOutput, markOutputFailed, releaseClaim, type GenerateOptions, type MediaStep } from "./generate-output";
import { bookReadyOutput } from "../scheduling/book-ready";

/** Attempts before an output is marked failed (wrangler.toml max_retries is the platform's ceiling). */
export const GENERATE_MAX_ATTEMPTS = 3;

/** The output a message names, or null for a body that is not a generate message. */
function outputIdOf(msg: Message<unknown>): string | null {
  const body = msg.body as Partial<GenerateMessage> | null | undefined;
  return body && typeof body === "object" && typeof body.outputId === "string" && body.outputId ? body.outputId : null;
}

export async function handleGenerateBatch(
  batch: MessageBatch<GenerateMessage>,
  env: Env,
  media: MediaStep | null,
  opts: Pick<GenerateOptions, "llm"> = {},
): Promise<void> {
  for (const msg of batch.messages) await handleGenerateMessage(msg, env, media, opts);
}

async function handleGenerateMessage(msg: Message<GenerateMessage>, env: Env, media: MediaStep | null, opts: Pick<GenerateOptions, "llm">) {
  const outputId = outputIdOf(msg);
  if (!outputId) {
    // Redelivering it would not make it readable: drop it, and say so.
    logError("generate message without an output id dropped", { messageId: msg.id });
    msg.ack();
    return;
  }
  const claim = newId("gen");
  try {
    // A ready output goes straight to its brand's next free slot (unless held); catch-up is the safety net.
    if ((await generateOutput(env, outputId, media, Date.now(), { ...opts, claim })) === "ready") await bookReadyOutput(env, outputId);
    msg.ack();
    return;
  } catch (err) {
    const { sentence } = reportFailure(err, "Generation", { outputId, attempt: msg.attempts });
    try {
      if (msg.attempts >= GENERATE_MAX_ATTEMPTS) {
        await markOutputFailed(env.DB, outputId, sentence, claim);
        msg.ack();
      } else {
        await releaseClaim(env.DB, outputId, claim);
        msg.retry({ delaySeconds: 5 * 2 ** msg.attempts });
      }
    } catch (settleErr) {
      // D1 refused the failure path too: the message comes back later. The claim stays
      // held until its lease runs out (GENERATION_LEASE_MS), then healing or the retry takes it.
      logError("generation failure could not be recorded; retrying the message", { outputId, attempt: msg.attempts, error: String(settleErr) });
      msg.retry({ delaySeconds: 60 });
    }
  }
}

/** Why an output whose message reached the dead-letter queue failed. */
export const GENERATE_DEAD_LETTER_REASON = "Generation stopped after repeated crashes; retry it.";

/**
 * Consumer of `brandcast-generate-dlq`: a message that crashed the consumer on
 * every delivery (CLOUDFLARE.md §3) fails its output with a reason instead of
 * leaving it pending or generating, as publishing's dead-letter consumer does
 * for deliveries. A ready output is left alone.
 */
export async function handleGenerateDeadLetters(batch: MessageBatch<GenerateMessage>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    const outputId = outputIdOf(msg);
    try {
      if (outputId) {
        await markOutputFailed(env.DB, outputId, GENERATE_DEAD_LETTER_REASON);
        logError("generate message dead-lettered", { outputId, attempts: msg.attempts });
      }
      msg.ack();
    } catch (err) {
      logError("dead-lettered generate message could not be recorded; retrying", { outputId, error: String(err) });
      msg.retry({ delaySeconds: 60 });
    }
  }
}
