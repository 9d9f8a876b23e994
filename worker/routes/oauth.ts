// Browser redirects and Meta's server-to-server callbacks, outside /api
// (API.md): GET /oauth/:provider/callback with the session cookie (SameSite=Lax
// cookies ride along on the provider's top-level redirect), and Meta's
// deauthorisation and data-deletion POSTs, verified by signature instead.
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import type { AppEnv } from "../auth/context";
import { SESSION_COOKIE } from "../auth/credential";
import { withDb } from "../auth/middleware";
import { resolveApiToken, resolveSession } from "../auth/identity";
import { finishConnect, publicBase } from "../accounts/connect";
import { deauthorize, deleteMetaData, deletionStatus, verifySignedRequest } from "../accounts/meta-callbacks";
import { ApiError } from "../errors";
import { iso } from "../lib/time";

/** The verified payload of Meta's `signed_request` form field; 401 before anything is touched when the signature is wrong. */
async function signedRequestOf(c: Context<AppEnv>) {
  if (!c.env.META_APP_SECRET) throw new ApiError(409, "oauth_app_missing", "META_APP_SECRET is not set, so Meta's callbacks cannot be verified.");
  let body: Record<string, unknown>;
  try {
    body = await c.req.parseBody();
  } catch {
    throw new ApiError(400, "invalid_input", "Expected a form with signed_request.");
  }
  const raw = body["signed_request"];
  if (typeof raw !== "string" || !raw) throw new ApiError(400, "invalid_input", "signed_request is required.");
  const payload = await verifySignedRequest(c.env.META_APP_SECRET, raw);
  if (!payload) throw new ApiError(401, "bad_signature", "The signed_request signature does not match the app secret.");
  // Meta sends each callback when it happens: one issued more than a day ago is a replay, and changes nothing.
  if (payload === "stale") throw new ApiError(401, "stale_request", "The signed_request was issued more than a day ago (or has no issued_at); nothing was changed.");
  return payload;
}

/**
 * Who came back: the browser's session cookie (SameSite=Lax rides along on the
 * provider's top-level redirect), or for scripted clients an API token, which
 * a browser never sends by itself.
 */
async function callerOf(c: Context<AppEnv>): Promise<{ userId: string; idHash: string | null } | null> {
  const cookie = getCookie(c, SESSION_COOKIE);
  const session = cookie ? await resolveSession(c.get("db"), cookie) : null;
  if (session) return { userId: session.userId, idHash: session.idHash };
  const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  const token = bearer ? await resolveApiToken(c.get("db"), bearer) : null;
  return token ? { userId: token.userId, idHash: null } : null;
}

export const oauthRoutes = new Hono<AppEnv>()
  // Meta's callbacks are a small form; anything bigger is not from Meta.
  .use(bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.json({ error: { code: "payload_too_large", message: "Callbacks are limited to 16 KB." } }, 413) }))
  .use(withDb)
  .use(async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
  })
  .post("/meta/deauthorize", async (c) => {
    const { user_id } = await signedRequestOf(c);
    const accounts = await deauthorize(c.env, user_id);
    return c.json({ ok: true, accounts });
  })
  .post("/meta/data-deletion", async (c) => {
    const { user_id } = await signedRequestOf(c);
    const { code } = await deleteMetaData(c.env, user_id);
    return c.json({ url: `${publicBase(c.env, new URL(c.req.url).origin)}/oauth/meta/data-deletion/status?code=${encodeURIComponent(code)}`, confirmation_code: code });
  })
  // The status page a data-deletion confirmation code opens (Meta shows the person this URL).
  .get("/meta/data-deletion/status", async (c) => {
    const row = await deletionStatus(c.env, c.req.query("code") ?? "");
    if (!row) throw new ApiError(404, "not_found", "No deletion request has that confirmation code.");
    return c.json({ status: "completed", accounts: row.accounts, completedAt: iso(row.completed_at) });
  })
  .get("/:provider/callback", async (c) => {
    const location = await finishConnect(c.env, c.get("db"), {
      provider: c.req.param("provider"),
      query: c.req.query(),
      session: await callerOf(c),
      requestOrigin: new URL(c.req.url).origin,
    });
    return c.redirect(location, 302);
  });
