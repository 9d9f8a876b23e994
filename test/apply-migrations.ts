import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// The same SQL files wrangler applies in dev and production.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
