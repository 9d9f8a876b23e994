// Worker entry: the HTTP app, the queue consumers, the cron passes, and the
// runtime classes re-exported from their own files.
import { createApp } from "./app";
import { handleScheduled } from "./automation/cron";
import type { Env, GenerateMessage, PublishMessage } from "./env";
import { handleGenerateBatch } from "./generation/generate-consumer";
import { createMediaStep } from "./media/media-step";
import { renderMedia } from "./media/renderer";
import { handlePublishBatch, handlePublishDeadLetters } from "./publishing/consumer";
import { handleEventsBatch, handleEventsDeadLetters } from "./notifications/consumer";
import type { EventsMessage } from "./notifications/events";

export { BrandScheduler } from "./scheduling/brand-scheduler";

const app = createApp();
/** Rendering runs in the media Worker (MEDIA_RENDERER) where bound, so it never stalls the API. */
const mediaStep = createMediaStep(renderMedia);

export default {
  fetch: app.fetch,
  async queue(batch: MessageBatch<GenerateMessage | PublishMessage | EventsMessage>, env: Env) {
    // Dead-letter queue first: "brandcast-events-dlq" also starts with "brandcast-events".
    if (batch.queue.startsWith("brandcast-events-dlq")) {
      await handleEventsDeadLetters(batch as MessageBatch<EventsMessage>, env);
      return;
    }
    if (batch.queue.startsWith("brandcast-events")) {
      await handleEventsBatch(batch as MessageBatch<EventsMessage>, env);
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
} satisfies ExportedHandler<Env, GenerateMessage | PublishMessage | EventsMessage>;
