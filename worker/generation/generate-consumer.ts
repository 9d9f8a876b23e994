// Consumer of the `generate` queue. Each message is acked on its own, so one
// bad output never makes the batch redeliver the good ones. Each attempt holds
// its own claim on the output (generate-output.ts): a failed attempt gives it
// back for the retry, the last one fails the output with a sentence for people
// (the raw error is logged with an id: failure-report.ts).
import type { Env, GenerateMessage } from "../env";
import { newId } from "../lib/ids";
import { reportFailure } from "./failure-report";
import { generateOutput, markOutputFailed, releaseClaim, type GenerateOptions, type MediaStep } from "./generate-output";
import { bookReadyOutput } from "../scheduling/book-ready";

/** Attempts before an output is marked failed (wrangler.toml max_retries is the platform's ceiling). */
export const GENERATE_MAX_ATTEMPTS = 3;

export async function handleGenerateBatch(
  batch: MessageBatch<GenerateMessage>,
  env: Env,
  media: MediaStep | null,
  opts: Pick<GenerateOptions, "llm"> = {},
): Promise<void> {
  for (const msg of batch.messages) {
    const { outputId } = msg.body;
    const claim = newId("gen");
    try {
      // A ready output goes straight to its brand's next free slot (unless held); catch-up is the safety net.
      if ((await generateOutput(env, outputId, media, Date.now(), { ...opts, claim })) === "ready") await bookReadyOutput(env, outputId);
      msg.ack();
    } catch (err) {
      const { sentence } = reportFailure(err, "Generation", { outputId, attempt: msg.attempts });
      if (msg.attempts >= GENERATE_MAX_ATTEMPTS) {
        await markOutputFailed(env.DB, outputId, sentence, claim);
        msg.ack();
      } else {
        await releaseClaim(env.DB, outputId, claim);
        msg.retry({ delaySeconds: 5 * 2 ** msg.attempts });
      }
    }
  }
}
