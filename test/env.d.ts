import type { D1Migration } from "@cloudflare/vitest-pool-workers";
import type { Env as WorkerEnv } from "../worker/env";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      /** The media Worker's assets (wrangler.media.toml), served to the test isolate by vitest.config.ts. */
      MEDIA_ASSETS: Fetcher;
    }
    interface GlobalProps {
      mainModule: typeof import("../worker/index");
      durableNamespaces: "BrandScheduler";
    }
  }
}
