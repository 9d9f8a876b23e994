// Consumer of the `generate` queue. Each message is acked on its own, so one
// bad output never makes the batch redeliver the good ones.
import type { Env, GenerateMessage } from "../env";
import { bookReadyOutput } from "../scheduling/book-ready";
import { generateOutput, markOutputFailed, type MediaStep } from "./generate-output";

/** Attempts before an output is marked failed (wrangler.toml max_retries is the platform's ceiling). */
export const GENERATE_MAX_ATTEMPTS = 3;

export async function handleGenerateBatch(batch: MessageBatch<GenerateMessage>, env: Env, media: MediaStep | null): Promise<void> {
  for (const msg of batch.messages) {
    const { outputId } = msg.body;
    try {
      if ((await generateOutput(env, outputId, media)) === "ready") await bookReadyOutput(env, outputId);
      msg.ack();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      console.error(JSON.stringify({ message: "generation failed", outputId, attempt: msg.attempts, error: reason }));
      if (msg.attempts >= GENERATE_MAX_ATTEMPTS) {
        await markOutputFailed(env.DB, outputId, reason);
        msg.ack();
      } else {
        msg.retry({ delaySeconds: 5 * 2 ** msg.attempts });
      }
    }
  }
}
