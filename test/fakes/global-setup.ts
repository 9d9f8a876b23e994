// vitest global setup (Node side): starts every fake server on a free
// loopback port and provides their URLs to the workerd runtime's bindings
// (vitest.config.ts reads them with `inject("fakes")`).
import type { TestProject } from "vitest/node";
// @ts-expect-error plain ESM module without types (see fake-server.mjs)
import { startFakes } from "./index.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    fakes: Record<string, string>;
    /** A private set for the chaos test and the publishing bench (other files reset the shared fakes while they run). */
    chaosFakes: Record<string, string>;
  }
}

export default async function setup(project: TestProject) {
  const running = (await startFakes()) as { urls: Record<string, string>; stop: () => Promise<void> };
  const chaos = (await startFakes()) as { urls: Record<string, string>; stop: () => Promise<void> };
  project.provide("fakes", running.urls);
  project.provide("chaosFakes", chaos.urls);
  return async () => {
    await running.stop();
    await chaos.stop();
  };
}
