// Worker entry: the HTTP app, the queue consumers, the cron passes, and the
// runtime classes re-exported from their own files.
import { createApp } from "./app";
import { handleScheduled } from "./automation/cron";
import type { Env, GenerateMessage, PublishMessage } from "./env";
import { handleGenerateBatch } from "./generation/generate-consumer";
import { createMediaStep } from "./media/media-step";
import { renderMedia } from "./media/renderer";

export { BrandScheduler } from "./scheduling/brand-scheduler";

const app = createApp();
/** Rendering runs in the media Worker (MEDIA_RENDERER) where bound, so it never stalls the API. */
const mediaStep = createMediaStep(renderMedia);

export default {
  fetch: app.fetch,
  async queue(batch: MessageBatch<GenerateMessage | PublishMessage>, env: Env) {
    if (batch.queue.startsWith("brandcast-generate")) {
      await handleGenerateBatch(batch as MessageBatch<GenerateMessage>, env, mediaStep);
      return;
    }
    // Publishing arrives in a later milestone: leave messages for it, visibly, rather than drop them.
    batch.retryAll({ delaySeconds: 600 });
  },
  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext) {
    ctx.waitUntil(handleScheduled(controller, env));
  },
} satisfies ExportedHandler<Env, GenerateMessage | PublishMessage>;
