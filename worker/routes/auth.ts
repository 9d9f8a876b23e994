import { and, desc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Context } from "hono";
import type { AppEnv } from "../auth/context";
import { sha256, verifyPassword } from "../auth/crypto";
import {
  createApiToken,
  createSession,
  createUserWithWorkspace,
  deleteSession,
  findUserByEmail,
  listMemberships,
  SESSION_TTL_MS,
} from "../auth/identity";
import { isSameOrigin, SESSION_COOKIE } from "../auth/middleware";
import { clearRateLimit, hitRateLimits } from "../auth/rate-limit";
import { loginInput, signupInput, tokenInput } from "../contract/schemas";
import { apiTokens } from "../db/schema";
import { ApiError, conflict, forbidden, notFound, unauthenticated } from "../errors";
import { iso } from "../lib/time";
import { readJson } from "../lib/validate";

function setSessionCookie(c: Context<AppEnv>, token: string) {
  const url = new URL(c.req.url);
  const local = url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    // Browsers refuse Secure cookies over plain http, which local dev uses.
    secure: !local,
    sameSite: "Lax",
    path: "/",
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

function requireSameOrigin(c: Context<AppEnv>) {
  if (!isSameOrigin(c)) throw forbidden("Cross-site request refused.");
}

export const authRoutes = new Hono<AppEnv>()
  .post("/signup", async (c) => {
    requireSameOrigin(c);
    if (c.env.SIGNUP_ENABLED === "false") throw new ApiError(403, "signup_disabled", "Sign-up is disabled here.");
    const input = await readJson(c, signupInput);
    const db = c.get("db");
    if (await findUserByEmail(db, input.email)) throw conflict("conflict", "An account with this email already exists.");
    const { user, workspace } = await createUserWithWorkspace(db, input);
    setSessionCookie(c, await createSession(db, user.id, workspace.id));
    return c.json({ user, workspace }, 201);
  })
  .post("/login", async (c) => {
    requireSameOrigin(c);
    const input = await readJson(c, loginInput);
    const db = c.get("db");
    const ip = c.req.header("cf-connecting-ip") ?? "local";
    const exceeded = await hitRateLimits(c.env.DB, [
      { key: `email:${input.email}`, max: 10, windowMs: 15 * 60_000 },
      { key: `ip:${ip}`, max: 100, windowMs: 15 * 60_000 },
    ]);
    if (exceeded) throw new ApiError(429, "rate_limited", "Too many sign-in attempts. Wait 15 minutes and try again.");
    const user = await findUserByEmail(db, input.email);
    const ok = user ? await verifyPassword(input.password, user.passwordSalt, user.passwordIterations, user.passwordHash) : false;
    if (!user || !ok) throw unauthenticated("Email or password is wrong.");
    await clearRateLimit(c.env.DB, `email:${input.email}`);
    const [first] = await listMemberships(db, user.id);
    if (!first) throw unauthenticated("This account belongs to no workspace.");
    setSessionCookie(c, await createSession(db, user.id, first.id));
    return c.json({ user: { id: user.id, email: user.email, name: user.name }, workspace: { id: first.id, name: first.name } });
  })
  .post("/logout", async (c) => {
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie) {
      requireSameOrigin(c);
      await deleteSession(c.get("db"), await sha256(cookie));
    }
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.body(null, 204);
  });

export const meRoutes = new Hono<AppEnv>()
  .get("/me", async (c) => {
    const actor = c.get("actor");
    const db = c.get("db");
    const user = await db.query.users.findFirst({ where: (u, { eq }) => eq(u.id, actor.userId!) });
    return c.json({
      user: { id: user!.id, email: user!.email, name: user!.name },
      workspaces: await listMemberships(db, actor.userId!),
      currentWorkspaceId: actor.workspaceId,
      role: actor.role,
    });
  })
  .post("/tokens", async (c) => {
    const input = await readJson(c, tokenInput);
    const actor = c.get("actor");
    return c.json(await createApiToken(c.get("db"), actor.workspaceId, actor.userId!, input.name), 201);
  })
  .get("/tokens", async (c) => {
    const actor = c.get("actor");
    const rows = await c
      .get("db")
      .select({ id: apiTokens.id, name: apiTokens.name, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt })
      .from(apiTokens)
      .where(and(eq(apiTokens.workspaceId, actor.workspaceId), eq(apiTokens.userId, actor.userId!)))
      .orderBy(desc(apiTokens.createdAt));
    return c.json({ tokens: rows.map((r) => ({ id: r.id, name: r.name, createdAt: iso(r.createdAt), lastUsedAt: r.lastUsedAt ? iso(r.lastUsedAt) : null })) });
  })
  .delete("/tokens/:id", async (c) => {
    const actor = c.get("actor");
    const deleted = await c
      .get("db")
      .delete(apiTokens)
      .where(and(eq(apiTokens.id, c.req.param("id")), eq(apiTokens.workspaceId, actor.workspaceId), eq(apiTokens.userId, actor.userId!)))
      .returning({ id: apiTokens.id });
    if (deleted.length === 0) throw notFound("Token");
    return c.body(null, 204);
  });
