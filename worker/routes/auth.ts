// Sign-up, sign-in and sign-out (outside the authenticated API), and the
// caller's own account: /api/me and API tokens.
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Context } from "hono";
import { roleAtLeast, type AppEnv } from "../auth/context";
import { sha256 } from "../auth/crypto";
import { requireSameOrigin } from "../auth/csrf";
import {
  checkCredentials,
  createApiToken,
  createSession,
  createUserWithWorkspace,
  deleteApiToken,
  deleteSession,
  findUserByEmail,
  hasNoUsers,
  listApiTokens,
  listMemberships,
  SESSION_TTL_MS,
} from "../auth/identity";
import { SESSION_COOKIE } from "../auth/credential";
import { clearRateLimit, hitRateLimits, takeBackoffAttempt, type Backoff } from "../auth/rate-limit";
import { loginInput, signupInput, tokenInput, tokenListQuery } from "../contract/schemas";
import { ApiError, conflict, forbidden, notFound, unauthenticated } from "../errors";
import { iso } from "../lib/time";
import { readJson, readQuery } from "../lib/validate";

/** The session cookie's attributes; its `__Host-` name requires Secure, path / and no Domain. */
const SESSION_COOKIE_OPTIONS = { httpOnly: true, secure: true, sameSite: "Lax", path: "/" } as const;

export function setSessionCookie(c: Context<AppEnv>, token: string) {
  setCookie(c, SESSION_COOKIE, token, { ...SESSION_COOKIE_OPTIONS, maxAge: Math.floor(SESSION_TTL_MS / 1000) });
}

export const SIGNUPS_PER_IP_PER_HOUR = 10;
export const LOGIN_ATTEMPTS_PER_IP = 100;
/** Sign-in attempts per (email, IP): 5 at once, then 1 s, 2 s, 4 s … up to 15 minutes apart. */
export const LOGIN_BACKOFF: Backoff = { free: 5, baseMs: 1_000, maxMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 };

const waitFor = (seconds: number) =>
  seconds < 60 ? `${seconds} second${seconds === 1 ? "" : "s"}` : `${Math.ceil(seconds / 60)} minute${Math.ceil(seconds / 60) === 1 ? "" : "s"}`;

/**
 * The client's address as Cloudflare's edge reports it (clients cannot set
 * this header there). Absent or loopback means a local run (tests, `npm start`),
 * where sign-up is not throttled.
 */
function signupThrottleKey(c: Context<AppEnv>): string | null {
  const ip = c.req.header("cf-connecting-ip");
  if (!ip || /^(127\.|::1$|::ffff:127\.)/.test(ip)) return null;
  return `signup-ip:${ip}`;
}

const signupClosed = () => new ApiError(403, "signup_disabled", "Sign-up is closed here: ask a workspace owner for an invitation.");

/** Tokens are for scripts acting as a user; minting or revoking credentials needs the person (a session). */
function requireSession(c: Context<AppEnv>) {
  if (c.get("actor").via !== "session") throw forbidden("API tokens cannot manage API tokens; sign in to do that.");
}

export const authRoutes = new Hono<AppEnv>()
  .post("/signup", async (c) => {
    requireSameOrigin(c);
    // Closed unless configured open (wrangler.toml; `npm start` opens it), except for an empty deployment's first user.
    const open = c.env.SIGNUP_ENABLED === "true";
    if (!open && !(await hasNoUsers(c.env.DB))) throw signupClosed();
    const input = await readJson(c, signupInput);
    const db = c.get("db");
    const key = signupThrottleKey(c);
    if (key && (await hitRateLimits(c.env.DB, [{ key, max: SIGNUPS_PER_IP_PER_HOUR, windowMs: 60 * 60_000 }]))) {
      throw new ApiError(429, "rate_limited", "Too many sign-ups from this network. Try again in an hour.");
    }
    if (await findUserByEmail(db, input.email)) throw conflict("conflict", "An account with this email already exists.");
    const created = await createUserWithWorkspace(db, input, open);
    if (!created) throw signupClosed();
    const { user, workspace } = created;
    setSessionCookie(c, await createSession(db, user.id, workspace.id));
    return c.json({ user, workspace }, 201);
  })
  .post("/login", async (c) => {
    requireSameOrigin(c);
    const input = await readJson(c, loginInput);
    const db = c.get("db");
    const ip = c.req.header("cf-connecting-ip") ?? "local";
    // Guessing one account's password is slowed per (email, IP), so someone guessing
    // elsewhere never locks the owner out; the per-IP window caps spraying many emails.
    if (await hitRateLimits(c.env.DB, [{ key: `ip:${ip}`, max: LOGIN_ATTEMPTS_PER_IP, windowMs: 15 * 60_000 }])) {
      throw new ApiError(429, "rate_limited", "Too many sign-in attempts from your network. Wait 15 minutes and try again.");
    }
    const key = `login:${await sha256(`${input.email}\n${ip}`)}`;
    const waitMs = await takeBackoffAttempt(c.env.DB, key, LOGIN_BACKOFF);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      c.header("Retry-After", String(seconds));
      throw new ApiError(429, "rate_limited", `Too many wrong passwords for this account from your network. Try again in ${waitFor(seconds)}.`);
    }
    const user = await checkCredentials(db, input.email, input.password);
    if (!user) throw unauthenticated("Email or password is wrong.");
    await clearRateLimit(c.env.DB, key);
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
    deleteCookie(c, SESSION_COOKIE, SESSION_COOKIE_OPTIONS);
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
    requireSession(c);
    const input = await readJson(c, tokenInput);
    const actor = c.get("actor");
    return c.json(await createApiToken(c.get("db"), actor.workspaceId, actor.userId!, input.name), 201);
  })
  // `?all=1`: an owner reviews every member's tokens in the workspace (to revoke a leaked one).
  .get("/tokens", async (c) => {
    const q = readQuery(c, tokenListQuery);
    const actor = c.get("actor");
    const all = q.all === "1" || q.all === "true";
    if (all && !roleAtLeast(actor.role, "owner")) throw forbidden("Only owners can list every member's tokens.");
    const rows = await listApiTokens(c.get("db"), actor.workspaceId, all ? null : actor.userId!);
    return c.json({
      tokens: rows.map((r) => ({
        id: r.id,
        name: r.name,
        createdAt: iso(r.createdAt),
        lastUsedAt: r.lastUsedAt ? iso(r.lastUsedAt) : null,
        user: { id: r.userId, name: r.userName },
      })),
    });
  })
  // Owners may revoke any member's token in their workspace; everyone else only their own.
  .delete("/tokens/:id", async (c) => {
    requireSession(c);
    const actor = c.get("actor");
    const ownerScope = roleAtLeast(actor.role, "owner") ? null : actor.userId!;
    if (!(await deleteApiToken(c.get("db"), actor.workspaceId, c.req.param("id"), ownerScope))) throw notFound("Token");
    return c.body(null, 204);
  });
