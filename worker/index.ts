// Worker entry: the HTTP app, the queue consumers, the cron passes, and the
// runtime classes re-exported from their own files.
import { createApp } from "./app";
import type { Env } from "./env";

export { BrandScheduler } from "./scheduling/brand-scheduler";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
