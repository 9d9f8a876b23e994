import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { kCurrentWorker } from "miniflare";
import { defineConfig } from "vitest/config";
// @ts-expect-error plain ESM module without types (see test/fakes/fake-server.mjs)
import { oauthBindings } from "./test/fakes/oauth-common.mjs";
// @ts-expect-error plain ESM module without types
import { mediaAssetFile } from "./scripts/media-assets.mjs";
import { readFile } from "node:fs/promises";

// Projects: `worker` runs inside workerd against real (local) D1, Durable
// Objects, Queues and R2; `media-node` checks videos with ffmpeg; `web` tests
// components in happy-dom; `e2e` drives Chromium against `wrangler dev`;
// `bench` measures (npm run bench only).
const migrations = await readD1Migrations("./migrations");
// The `bench` project takes minutes, so plain `vitest run` (npm test) leaves it
// out: it only collects files when asked for by name or through `npm run bench`.
const argv = process.argv.join(" ");
const benchRequested = process.env.BRANDCAST_BENCH === "1" || /--project[= ]bench\b/.test(argv);
const reviewRequested = /--project[= ]media-review\b/.test(argv);

/**
 * The Workers runtime for tests and benches: workerd with the real (local) D1,
 * Durable Objects, Queues and R2 from wrangler.toml. Tests deliver queue
 * batches themselves (createMessageBatch): the test entry
 * (test/support/test-worker.ts) drops what miniflare's consumers deliver, so
 * nothing renders media in the background behind their backs.
 */
function workerdRuntime() {
  return cloudflareTest(({ inject }) => {
    // The fake platform servers (test/fakes), started by the global setup.
    const fakes = inject("fakes") ?? {};
    return {
      wrangler: { configPath: "./wrangler.toml" },
      // The API Worker plus the media Worker's entrypoint, bound as MEDIA_RENDERER.
      main: "./test/support/test-worker.ts",
      miniflare: {
        serviceBindings: { MEDIA_RENDERER: { name: kCurrentWorker, entrypoint: "MediaRenderer" }, MEDIA_ASSETS: serveMediaAssets },
        bindings: {
          TEST_MIGRATIONS: migrations,
          SESSION_SECRET: "test-session-secret",
          // Tests sign people up freely (wrangler.toml closes sign-up; test/signup-defaults.test.ts checks that default).
          SIGNUP_ENABLED: "true",
          // base64url of exactly 32 bytes ("test-token-encryption-key-32-byt"): the sealing module refuses anything else.
          TOKEN_ENCRYPTION_KEY: "dGVzdC10b2tlbi1lbmNyeXB0aW9uLWtleS0zMi1ieXQ",
          ...fakeBindings(fakes),
        },
      },
    };
  });
}

/** The media Worker's assets binding (wrangler.media.toml [assets]), served from the files `npm run build` copies. */
async function serveMediaAssets(request: Request): Promise<Response> {
  const file = mediaAssetFile(decodeURIComponent(new URL(request.url).pathname));
  // Connection: close, because workerd reuses the loopback connection after Node's 5 s keep-alive
  // timeout has closed it ("Network connection lost") when files are asked for seconds apart.
  const headers = { connection: "close" };
  return file ? new Response(await readFile(file), { headers }) : new Response("not found", { status: 404, headers });
}

/** Platform base URLs pointing at the fakes (names as in test/fakes/index.mjs). */
function fakeBindings(fakes: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { PUBLIC_BASE_URL: "http://app.test" };
  if (fakes.instagram) out.INSTAGRAM_API_BASE = fakes.instagram;
  if (fakes.facebook) (out.FACEBOOK_API_BASE = fakes.facebook), (out.FACEBOOK_UPLOAD_BASE = fakes.facebook);
  if (fakes.youtube) (out.YOUTUBE_API_BASE = `${fakes.youtube}/youtube/v3`), (out.YOUTUBE_UPLOAD_BASE = `${fakes.youtube}/upload/youtube/v3`), (out.GOOGLE_OAUTH_BASE = fakes.youtube);
  // OAuth consent pages and token hosts (PLATFORMS.md §7) and the fake apps' ids and secrets.
  Object.assign(out, oauthBindings(fakes));
  return out;
}

/** Worker tests that use the shared fake servers (test/fakes). */
const FAKE_SERVER_TESTS = ["test/fakes.test.ts", "test/publishing/**/*.test.ts", "test/accounts/**/*.test.ts", "test/briefs.test.ts", "test/proposals.test.ts", "test/analytics/insights-*.test.ts"];

export default defineConfig({
    test: {
      projects: [
        {
          extends: true,
          plugins: [workerdRuntime()],
          test: {
            name: "worker",
            include: ["test/**/*.test.ts"],
            exclude: ["test/e2e/**", "test/bench/**", "test/web/**", "test/media-node/**", ...FAKE_SERVER_TESTS],
            setupFiles: ["./test/apply-migrations.ts"],
            globalSetup: ["./test/fakes/global-setup.ts"],
            testTimeout: 60_000,
          },
        },
        {
          // Tests that drive the fake platform servers: they reset them and inject
          // faults, which are global to a server, so their files run one at a time
          // (against this project's own set of fakes).
          extends: true,
          plugins: [workerdRuntime()],
          test: {
            name: "worker-fakes",
            include: FAKE_SERVER_TESTS,
            setupFiles: ["./test/apply-migrations.ts"],
            globalSetup: ["./test/fakes/global-setup.ts"],
            testTimeout: 120_000,
            fileParallelism: false,
          },
        },
        {
          // `npm run bench` (scripts/bench.mjs): measurements inside workerd against the
          // real local D1 and Durable Objects. Same runtime setup as `worker`; each
          // bench prints `BENCH {json}` lines that the runner merges.
          extends: true,
          plugins: [workerdRuntime()],
          test: {
            name: "bench",
            include: benchRequested ? ["test/bench/**/*.bench.test.ts"] : [],
            setupFiles: ["./test/apply-migrations.ts"],
            globalSetup: ["./test/fakes/global-setup.ts"],
            testTimeout: 600_000,
            hookTimeout: 600_000,
            // One file at a time: benches on a 2-core machine must not disturb each other.
            fileParallelism: false,
          },
        },
        {
          // Media checks that need the ffmpeg CLI (ffprobe, decoding, PSNR), which
          // cannot run inside workerd: the same encoder and layouts, run in Node.
          test: {
            name: "media-node",
            include: ["test/media-node/**/*.test.ts"],
            environment: "node",
            testTimeout: 120_000,
            hookTimeout: 120_000,
          },
        },
        {
          // `npx vitest run --project media-review`: renders the demo brands' media in every
          // script for a person to look at (test/media-node/review.media.ts); asserts nothing.
          test: {
            name: "media-review",
            include: reviewRequested ? ["test/media-node/review.media.ts"] : [],
            environment: "node",
            testTimeout: 900_000,
          },
        },
        {
          // Component and state tests of the web app (web/src) in a simulated DOM.
          esbuild: { jsx: "automatic", jsxImportSource: "preact" },
          test: {
            name: "web",
            include: ["test/web/**/*.test.{ts,tsx}"],
            environment: "happy-dom",
            // Calendar days are the viewer's local days: pin the zone so tests mean the same everywhere.
            env: { TZ: "Europe/Lisbon" },
          },
        },
        {
          // Real Chromium against `wrangler dev`; one file at a time (each starts its own server).
          test: {
            name: "e2e",
            include: ["test/e2e/**/*.e2e.ts"],
            environment: "node",
            testTimeout: 300_000,
            hookTimeout: 300_000,
            fileParallelism: false,
          },
        },
      ],
    },
  });
