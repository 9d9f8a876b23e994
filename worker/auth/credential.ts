// Who is calling, as SQL. A request carries a credential (a bearer API token,
// else the session cookie); one statement reads its identity (the user, the
// workspace, the role there), and one scalar subquery names the workspace it
// may read (NULL when none). `authenticate` runs the statement alone. A read
// that must be quick (the calendar window) runs it first in its own D1 batch,
// with its SQL scoped by the same subquery, and admits the caller, by the same
// rules, before it uses a row: one round trip instead of two.
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { forbidden, unauthenticated } from "../errors";
import type { NamedSql } from "../db/named";
import { named } from "../db/named";
import type { Actor, AppEnv, Role } from "./context";
import { requireSameOrigin } from "./csrf";
import { sha256 } from "./crypto";

/**
 * `__Host-`: browsers accept it only Secure, for path /, and with no Domain, so
 * neither a sibling subdomain nor a plain-http page can plant or overwrite it
 * (RFC 6265bis §4.1.3.2). Chromium and Firefox treat http://localhost as
 * secure, so local dev keeps the same cookie.
 */
export const SESSION_COOKIE = "__Host-sid";

export type Credential =
  | { kind: "session"; hash: string; requested: string | null }
  | { kind: "token"; hash: string; requested: string | null };

/** What the identity statement returns (token fields only for tokens). */
export interface IdentityRow {
  userId: string;
  workspaceId: string;
  name: string;
  role: Role | null;
  tokenId?: string;
  lastUsedAt?: number | null;
}

/**
 * The request's credential, or null when it presents none. A bearer header
 * wins over a cookie; a malformed one is refused rather than ignored.
 * X-Workspace picks the workspace (a session may hold several; a token is bound to one).
 */
export async function credentialOf(c: Context<AppEnv>): Promise<Credential | null> {
  const requested = c.req.header("x-workspace") || null;
  const header = c.req.header("authorization");
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw unauthenticated("The API token is not valid.");
    return { kind: "token", hash: await sha256(m[1]!), requested };
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  return cookie ? { kind: "session", hash: await sha256(cookie), requested } : null;
}

const params = (cred: Credential, now: number) => ({ credhash: cred.hash, credws: cred.requested, crednow: now });

/** The caller's identity: one row, or none when the credential is unknown or expired. */
export function identitySql(cred: Credential, now = Date.now()): NamedSql {
  const sql =
    cred.kind === "session"
      ? `SELECT se.user_id AS userId, COALESCE(:credws, se.workspace_id) AS workspaceId, u.name AS name, m.role AS role
         FROM sessions se JOIN users u ON u.id = se.user_id
         LEFT JOIN memberships m ON m.user_id = se.user_id AND m.workspace_id = COALESCE(:credws, se.workspace_id)
         WHERE se.id_hash = :credhash AND se.expires_at > :crednow`
      : `SELECT t.id AS tokenId, t.user_id AS userId, t.workspace_id AS workspaceId, u.name AS name, t.last_used_at AS lastUsedAt, m.role AS role
         FROM api_tokens t JOIN users u ON u.id = t.user_id
         LEFT JOIN memberships m ON m.user_id = t.user_id AND m.workspace_id = t.workspace_id
         WHERE t.token_hash = :credhash`;
  return { sql, params: params(cred, now) };
}

/**
 * The workspace the credential may read, as a scalar subquery: the one
 * admit() would set, or NULL (which no row's workspace_id equals) whenever
 * admit() would refuse. SQLite evaluates it once per statement.
 */
export function workspaceScope(cred: Credential, now = Date.now()): NamedSql {
  const sql =
    cred.kind === "session"
      ? `(SELECT m.workspace_id FROM sessions se
          JOIN memberships m ON m.user_id = se.user_id AND m.workspace_id = COALESCE(:credws, se.workspace_id)
          WHERE se.id_hash = :credhash AND se.expires_at > :crednow)`
      : `(SELECT m.workspace_id FROM api_tokens t
          JOIN memberships m ON m.user_id = t.user_id AND m.workspace_id = t.workspace_id
          WHERE t.token_hash = :credhash AND COALESCE(:credws, t.workspace_id) = t.workspace_id)`;
  return { sql, params: params(cred, now) };
}

export function identityStatement(d1: D1Database, cred: Credential, now = Date.now()): D1PreparedStatement {
  const q = identitySql(cred, now);
  return named(d1, q.sql, q.params);
}

/** Records a token's use, at minute resolution: one write per token per minute, not per request. */
export async function touchToken(d1: D1Database, row: IdentityRow, now = Date.now()): Promise<void> {
  if (row.lastUsedAt && now - row.lastUsedAt <= 60_000) return;
  await d1.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?").bind(now, row.tokenId!).run();
}

/**
 * Admits the caller whose identity row this is, or throws: 401 for an unknown
 * credential, 403 for a token used for another workspace, a cross-site cookie
 * request, or a workspace the user is not a member of. Sets the actor.
 */
export async function admit(c: Context<AppEnv>, cred: Credential, row: IdentityRow | null): Promise<Actor> {
  if (cred.kind === "token") {
    if (!row) throw unauthenticated("The API token is not valid.");
    if (cred.requested && cred.requested !== row.workspaceId) throw forbidden("This API token belongs to another workspace.");
    await touchToken(c.env.DB, row);
  } else {
    if (!row) throw unauthenticated();
    // A cookie rides along on requests other sites make; a bearer token never does, so only cookies need the check.
    requireSameOrigin(c);
    c.set("sessionHash", cred.hash);
  }
  if (!row.role) throw forbidden("You are not a member of that workspace.");
  const actor: Actor = { kind: "user", userId: row.userId, userName: row.name, workspaceId: row.workspaceId, role: row.role, via: cred.kind };
  c.set("actor", actor);
  return actor;
}
