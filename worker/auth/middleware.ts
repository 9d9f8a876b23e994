// Authentication for /api/*: a session cookie or a bearer API token, then the
// workspace (X-Workspace or the session's current one) and the caller's role in it.
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { getDb } from "../db/client";
import { forbidden, unauthenticated } from "../errors";
import { requireSameOrigin } from "./csrf";
import { roleAtLeast, type AppEnv, type Role } from "./context";
import { resolveApiToken, resolveSession } from "./identity";

export const SESSION_COOKIE = "sid";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const withDb: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("db", getDb(c.env.DB));
  await next();
};

export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const db = c.get("db");
  const header = c.req.header("authorization");
  const requested = c.req.header("x-workspace") || undefined;
  let identity: { userId: string; workspaceId: string; name: string; role: Role | null; via: "session" | "token"; idHash?: string };
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const tok = m ? await resolveApiToken(db, m[1]!) : null;
    if (!tok) throw unauthenticated("The API token is not valid.");
    // A token is bound to its workspace.
    if (requested && requested !== tok.workspaceId) throw forbidden("This API token belongs to another workspace.");
    identity = { ...tok, via: "token" };
  } else {
    const cookie = getCookie(c, SESSION_COOKIE);
    // A session may switch with X-Workspace among its memberships: the role read is the one in that workspace.
    const session = cookie ? await resolveSession(db, cookie, requested) : null;
    if (!session) throw unauthenticated();
    // A cookie rides along on requests other sites make; a bearer token never does, so only cookies need the check.
    requireSameOrigin(c);
    identity = { ...session, workspaceId: requested ?? session.workspaceId, via: "session" };
  }
  if (!identity.role) throw forbidden("You are not a member of that workspace.");
  c.set("actor", { kind: "user", userId: identity.userId, userName: identity.name, workspaceId: identity.workspaceId, role: identity.role, via: identity.via });
  if (identity.idHash) c.set("sessionHash", identity.idHash);
  await next();
};

export function requireRole(min: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!roleAtLeast(c.get("actor").role, min)) throw forbidden(`This needs the ${min} role.`);
    await next();
  };
}

/** Writes need at least editor; reads are open to viewers. */
export const writesNeedEditor: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!SAFE_METHODS.has(c.req.method) && !roleAtLeast(c.get("actor").role, "editor")) {
    throw forbidden("Viewers cannot change anything.");
  }
  await next();
};
