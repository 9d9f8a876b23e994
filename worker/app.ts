// The HTTP surface: one router per resource, mounted here; one error handler
// that turns every failure into API.md's envelope.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "./auth/context";
import { withDb } from "./auth/middleware";
import { ApiError, errorBody, isUniqueViolation } from "./errors";
import { openApiDocument } from "./openapi/document";
import { logError } from "./lib/log";
import { authRoutes } from "./routes/auth";
import { apiRoutes } from "./routes/api";
import { invitationAuthRoutes } from "./routes/members";
import { mediaRoutes } from "./routes/media";
import { oauthRoutes } from "./routes/oauth";
import { sandboxRoutes } from "./routes/sandbox";

export const MAX_JSON_BODY = 64 * 1024;

export function createApp() {
  const app = new Hono<AppEnv>();

  app.onError((err, c) => {
    if (err instanceof ApiError) return c.json(errorBody(err), err.status);
    // Two requests racing past a "does it exist?" check: the UNIQUE constraint decides, and that is a conflict.
    if (isUniqueViolation(err)) {
      return c.json(errorBody(new ApiError(409, "conflict", "That already exists (another request created it at the same moment).")), 409);
    }
    // Unknown errors are logged once, structured and redacted (a message may quote a signed URL or a token), and become a generic 500.
    logError("unhandled error", { error: String(err), stack: (err as Error).stack, url: c.req.url });
    return c.json({ error: { code: "internal", message: "Something went wrong on our side." } }, 500);
  });
  app.notFound((c) => c.json(errorBody(new ApiError(404, "not_found", "No such route.")), 404));

  const jsonLimit = bodyLimit({
    maxSize: MAX_JSON_BODY,
    onError: (c) => c.json(errorBody(new ApiError(413, "payload_too_large", `Bodies are limited to ${MAX_JSON_BODY / 1024} KB.`)), 413),
  });
  // Brand asset uploads (logo, music) enforce their own, larger limits while streaming.
  app.use("/api/*", (c, next) => (/^\/api\/brands\/[^/]+\/assets\/[^/]+$/.test(c.req.path) ? next() : jsonLimit(c, next)));
  app.use("/api/*", withDb);
  app.use("/api/*", async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
  });

  app.get("/api/health", (c) => c.json({ ok: true, version: c.env.APP_VERSION }));
  // The contract as OpenAPI 3.1, for scripts, SDK generators and agents: public, like API.md itself.
  app.get("/api/openapi.json", (c) => c.json(openApiDocument(c.env.APP_VERSION, new URL(c.req.url).origin)));
  app.route("/api/auth", authRoutes);
  app.route("/api/auth", invitationAuthRoutes);
  app.route("/api", apiRoutes);
  app.route("/media", mediaRoutes);
  // OAuth redirects and Meta's callbacks: outside /api (browser navigations and server-to-server form posts).
  app.route("/oauth", oauthRoutes);
  app.route("/sandbox", sandboxRoutes);
  return app;
}
