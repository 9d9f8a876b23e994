// Worker entry: the HTTP app, the queue consumers, the cron passes, and the
// runtime classes re-exported from their own files.
import { createApp } from "./app";
import { handleScheduled } from "./automation/cron";
import { handlePassBatch, handlePassDeadLetters } from "./automation/pass-queue";
import type { Env, GenerateMessage, PassMessage, PublishMessage } from "./env";
import { handleGenerateBatch } from "./generation/generate-consumer";
import { createMediaStep } from "./media/media-step";
import { renderMedia } from "./media/renderer";
import { handlePublishBatch, handlePublishDeadLetters } from "./publishing/consumer";

export { BrandScheduler } from "./scheduling/brand-scheduler";

const app = createApp();
/** Rendering runs in the media Worker (MEDIA_RENDERER) where bound, so it never stalls the API. */
const mediaStep = createMediaStep(renderMedia);

export default {
  fetch: app.fetch,
  async queue(batch: MessageBatch<GenerateMessage | PublishMessage | PassMessage>, env: Env) {
    // Dead-letter queues first: each one's name starts with its queue's.
    if (batch.queue.startsWith("brandcast-passes-dlq")) {
      handlePassDeadLetters(batch as MessageBatch<PassMessage>);
      return;
    }
    if (batch.queue.startsWith("brandcast-passes")) {
      await handlePassBatch(batch as MessageBatch<PassMessage>, env);
      return;
    }
    if (batch.queue.startsWith("brandcast-generate")) {
      await handleGenerateBatch(batch as MessageBatch<GenerateMessage>, env, mediaStep);
      return;
    }
    if (batch.queue.startsWith("brandcast-publish-dlq")) {
      await handlePublishDeadLetters(batch as MessageBatch<PublishMessage>, env);
      return;
    }
    await handlePublishBatch(batch as MessageBatch<PublishMessage>, env);
  },
  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext) {
    ctx.waitUntil(handleScheduled(controller, env));
  },
} satisfies ExportedHandler<Env, GenerateMessage | PublishMessage | PassMessage>;
