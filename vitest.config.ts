import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Two projects: `worker` runs inside workerd against real (local) D1, Durable
// Objects, Queues and R2; `e2e` runs in Node and drives Chromium against
// `wrangler dev`.
const migrations = await readD1Migrations("./migrations");

export default defineConfig({
    test: {
      projects: [
        {
          extends: true,
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  SESSION_SECRET: "test-session-secret",
                  TOKEN_ENCRYPTION_KEY: "dGVzdC10b2tlbi1lbmNyeXB0aW9uLWtleS0zMi1ieXQ",
                },
              },
            }),
          ],
          test: {
            name: "worker",
            include: ["test/**/*.test.ts"],
            exclude: ["test/e2e/**", "test/bench/**", "test/web/**"],
            setupFiles: ["./test/apply-migrations.ts"],
            testTimeout: 60_000,
          },
        },
        {
          // Component and state tests of the web app (web/src) in a simulated DOM.
          esbuild: { jsx: "automatic", jsxImportSource: "preact" },
          test: {
            name: "web",
            include: ["test/web/**/*.test.{ts,tsx}"],
            environment: "happy-dom",
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
