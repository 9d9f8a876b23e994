// Authentication for /api/*: a session cookie or a bearer API token, then the
// workspace (X-Workspace or the session's current one) and the caller's role in it.
import type { MiddlewareHandler } from "hono";
import { getDb } from "../db/client";
import { forbidden, unauthenticated } from "../errors";
import { roleAtLeast, type AppEnv, type Role } from "./context";
import { admit, credentialOf, identityStatement, type IdentityRow } from "./credential";
import { SAFE_METHODS } from "./csrf";

export const withDb: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("db", getDb(c.env.DB));
  await next();
};

/** The caller's identity in one D1 statement (credential.ts), admitted or refused with 401/403. */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const cred = await credentialOf(c);
  if (!cred) throw unauthenticated();
  await admit(c, cred, await identityStatement(c.env.DB, cred).first<IdentityRow>());
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
