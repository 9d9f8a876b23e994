import { defineConfig } from "drizzle-kit";

// drizzle-kit writes SQL into migrations/; wrangler applies and tracks them
// (never drizzle-kit push/migrate against D1: wrangler owns the tracking).
export default defineConfig({
  dialect: "sqlite",
  schema: "./worker/db/schema.ts",
  out: "./migrations",
});
