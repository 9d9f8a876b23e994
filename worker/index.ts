// Worker entry: the HTTP app, the queue consumers, the cron passes, and the
// runtime classes re-exported from their own files.
import { createApp } from "./app";
import { handleScheduled } from "./automation/cron";
import { handleMetricsBatch, handleMetricsDeadLetters } from "./analytics/fanout";
import { handlePassBatch, handlePassDeadLetters } from "./automation/pass-queue";
import type { Env, GenerateMessage, MetricsMessage, PassMessage, PublishMessage } from "./env";
import { handleGenerateBatch, handleGenerateDeadLetters } from "./generation/generate-consumer";
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
  async queue(batch: MessageBatch<GenerateMessage | PublishMessage | PassMessage | MetricsMessage | EventsMessage>, env: Env) {
    // Dead-letter queues first: "brandcast-x-dlq" also starts with "brandcast-x".
    if (batch.queue.startsWith("brandcast-passes-dlq")) {
      handlePassDeadLetters(batch as MessageBatch<PassMessage>);
      return;
    }
    if (batch.queue.startsWith("brandcast-passes")) {
      await handlePassBatch(batch as MessageBatch<PassMessage>, env);
      return;
    }
    if (batch.queue.startsWith("brandcast-events-dlq")) {
      await handleEventsDeadLetters(batch as MessageBatch<EventsMessage>, env);
      return;
    }
    if (batch.queue.startsWith("brandcast-events")) {
      await handleEventsBatch(batch as MessageBatch<EventsMessage>, env);
      return;
    }
    if (batch.queue.startsWith("brandcast-metrics-dlq")) {
      handleMetricsDeadLetters(batch as MessageBatch<MetricsMessage>);
      return;
    }
    if (batch.queue.startsWith("brandcast-metrics")) {
      await handleMetricsBatch(batch as MessageBatch<MetricsMessage>, env);
      return;
    }
    if (batch.queue.startsWith("brandcast-generate-dlq")) {
      await handleGenerateDeadLetters(batch as MessageBatch<GenerateMessage>, env);
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
} satisfies ExportedHandler<Env, GenerateMessage | PublishMessage | PassMessage | MetricsMessage | EventsMessage>;
