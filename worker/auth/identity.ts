// Users, workspaces, sessions and API tokens: the model functions behind the
// auth routes and the authentication middleware.
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { apiTokens, memberships, sessions, users, workspaces } from "../db/schema";
import { newId } from "../lib/ids";
import { DAY } from "../lib/time";
import type { Role } from "./context";
import { identityStatement, touchToken, type IdentityRow } from "./credential";
import { hashPassword, PBKDF2_ITERATIONS, randomToken, sha256, toBase64Url, verifyPassword } from "./crypto";

export const SESSION_TTL_MS = 30 * DAY;

/** A new user's row: the password as a salted PBKDF2 hash, never the password. */
export async function newUserRow(input: { email: string; password: string; name?: string }) {
  const salt = toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
  return {
    id: newId("usr"),
    email: input.email,
    name: input.name ?? input.email.split("@")[0]!,
    passwordHash: await hashPassword(input.password, salt),
    passwordSalt: salt,
    passwordIterations: PBKDF2_ITERATIONS,
  };
}

/** Whether the deployment has no user at all (its first sign-up is always allowed). */
export async function hasNoUsers(d1: D1Database): Promise<boolean> {
  return !(await d1.prepare("SELECT 1 FROM users LIMIT 1").first());
}

/**
 * A user and the workspace they own. With sign-up closed (`open` false) only
 * the first user of an empty deployment gets in: the condition is part of the
 * insert, in the batch's one transaction, so two racing first sign-ups make
 * one user, not two. Null when refused.
 */
export async function createUserWithWorkspace(
  db: Db,
  input: { email: string; password: string; name?: string; workspaceName: string },
  open = true,
) {
  const user = await newUserRow(input);
  const workspace = { id: newId("wsp"), name: input.workspaceName };
  const d1 = db.$client;
  const [inserted] = await d1.batch([
    d1
      .prepare(
        `INSERT INTO users (id, email, name, password_hash, password_salt, password_iterations)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE ?7 OR NOT EXISTS (SELECT 1 FROM users)`,
      )
      .bind(user.id, user.email, user.name, user.passwordHash, user.passwordSalt, user.passwordIterations, open ? 1 : 0),
    d1.prepare("INSERT INTO workspaces (id, name) SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM users WHERE id = ?3)").bind(workspace.id, workspace.name, user.id),
    d1
      .prepare("INSERT INTO memberships (user_id, workspace_id, role) SELECT ?1, ?2, 'owner' WHERE EXISTS (SELECT 1 FROM users WHERE id = ?1)")
      .bind(user.id, workspace.id),
  ]);
  if (!inserted!.meta.changes) return null;
  return { user: { id: user.id, email: user.email, name: user.name }, workspace: { id: workspace.id, name: workspace.name } };
}

export async function findUserByEmail(db: Db, email: string) {
  return db.query.users.findFirst({ where: eq(users.email, email) });
}

// What an unknown email is checked against: a fixed salt and a hash no password
// produces in practice. The result is thrown away; only the cost matters.
const DUMMY_SALT = "YnJhbmRjYXN0LWR1bW15LXNhbHQ";
const DUMMY_HASH = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/**
 * The user whose email and password these are, or null. An unknown email runs
 * the same PBKDF2 as a wrong password, so response time does not tell an
 * attacker which emails have accounts (OWASP Authentication Cheat Sheet,
 * "Authentication and Error Messages").
 */
export async function checkCredentials(db: Db, email: string, password: string) {
  const user = await findUserByEmail(db, email);
  if (!user) {
    await verifyPassword(password, DUMMY_SALT, PBKDF2_ITERATIONS, DUMMY_HASH);
    return null;
  }
  return (await verifyPassword(password, user.passwordSalt, user.passwordIterations, user.passwordHash)) ? user : null;
}

export async function listMemberships(db: Db, userId: string) {
  return db
    .select({ id: workspaces.id, name: workspaces.name, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, userId))
    .orderBy(memberships.createdAt);
}

export async function membershipRole(db: Db, userId: string, workspaceId: string): Promise<Role | null> {
  const row = await db.query.memberships.findFirst({
    where: and(eq(memberships.userId, userId), eq(memberships.workspaceId, workspaceId)),
  });
  return row?.role ?? null;
}

export async function createSession(db: Db, userId: string, workspaceId: string, now = Date.now()) {
  const token = randomToken();
  await db.insert(sessions).values({ idHash: await sha256(token), userId, workspaceId, expiresAt: now + SESSION_TTL_MS });
  return token;
}

/**
 * The session's user, and their role in `workspaceId` (default: the session's
 * current workspace; null when they are not a member), in one query
 * (credential.ts identitySql): every authenticated request pays for this one
 * round trip and no other.
 */
export async function resolveSession(db: Db, token: string, workspaceId?: string, now = Date.now()) {
  const cred = { kind: "session", hash: await sha256(token), requested: workspaceId ?? null } as const;
  const row = await identityStatement(db.$client, cred, now).first<IdentityRow>();
  return row ? { ...row, idHash: cred.hash } : null;
}

export async function deleteSession(db: Db, idHash: string) {
  await db.delete(sessions).where(eq(sessions.idHash, idHash));
}

/** API tokens are `bc_` + 32 random bytes; only their SHA-256 is stored, and the token is shown once. */
export async function createApiToken(db: Db, workspaceId: string, userId: string, name: string) {
  const token = `bc_${randomToken()}`;
  const row = { id: newId("tok"), workspaceId, userId, name, tokenHash: await sha256(token) };
  await db.insert(apiTokens).values(row);
  return { id: row.id, name, token };
}

/** The workspace's tokens: one user's, or (for an owner's review) every member's. Never the token itself. */
export async function listApiTokens(db: Db, workspaceId: string, userId: string | null) {
  const where = userId ? and(eq(apiTokens.workspaceId, workspaceId), eq(apiTokens.userId, userId)) : eq(apiTokens.workspaceId, workspaceId);
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      userId: apiTokens.userId,
      userName: users.name,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(where)
    .orderBy(desc(apiTokens.createdAt));
}

/** Deletes a token of the workspace (only `userId`'s when given); false when there is none to delete. */
export async function deleteApiToken(db: Db, workspaceId: string, tokenId: string, userId: string | null): Promise<boolean> {
  const scope = and(eq(apiTokens.id, tokenId), eq(apiTokens.workspaceId, workspaceId));
  const deleted = await db
    .delete(apiTokens)
    .where(userId ? and(scope, eq(apiTokens.userId, userId)) : scope)
    .returning({ id: apiTokens.id });
  return deleted.length > 0;
}

/** The token's user and workspace, and their role there (null once they have left it), in one query; records the use. */
export async function resolveApiToken(db: Db, token: string) {
  const row = await identityStatement(db.$client, { kind: "token", hash: await sha256(token), requested: null }).first<IdentityRow>();
  if (row) await touchToken(db.$client, row);
  return row;
}
