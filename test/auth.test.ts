// Sign-up, sign-in, sessions, API tokens and roles (API.md "Health and auth",
// DESIGN.md §3: users, memberships, sessions, hashed api_tokens).
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createApp } from "../worker/app";
import type { AppEnv } from "../worker/auth/context";
import { admit, identityStatement, SESSION_COOKIE, workspaceScope, type Credential, type IdentityRow } from "../worker/auth/credential";
import { sha256 } from "../worker/auth/crypto";
import { named } from "../worker/db/named";
import { hitRateLimits, takeBackoffAttempt } from "../worker/auth/rate-limit";
import { LOGIN_BACKOFF } from "../worker/routes/auth";
import type { Schedule } from "../worker/contract/schemas";
import {
  addMember,
  call,
  countRows,
  createBrand,
  createReadyJob,
  expectClientError,
  expectNothingWritten,
  fillPath,
  json,
  ORIGIN,
  PASSWORD,
  registeredApiRoutes,
  scheduleOne,
  signup,
  unique,
  type Session,
} from "./support/fixtures";

const newEmail = () => `${unique("user")}@example.test`;
const signupBody = (email = newEmail()) => ({ email, password: PASSWORD, workspaceName: "Acme" });

/** Attributes of the session cookie, lower-cased, from a Set-Cookie header. */
function sessionCookie(res: Response) {
  const header = res.headers.get("set-cookie") ?? "";
  const [pair, ...attrs] = header.split(";").map((p) => p.trim());
  return { pair: pair!, attrs: attrs.map((a) => a.toLowerCase()) };
}

function login(email: string, password: string, ip = "203.0.113.1") {
  return call("/api/auth/login", { body: { email, password }, headers: { "cf-connecting-ip": ip } });
}

describe("POST /api/auth/signup", () => {
  it("creates the user and an owned workspace, answers 201 and signs in with a HttpOnly, SameSite=Lax cookie", async () => {
    const email = newEmail();
    const res = await call("/api/auth/signup", { body: signupBody(email) });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { user: { id: string; email: string }; workspace: { id: string; name: string } };
    expect(body.user).toMatchObject({ email });
    expect(body.workspace).toMatchObject({ name: "Acme" });
    const cookie = sessionCookie(res);
    expect(cookie.pair).toMatch(/^__Host-sid=.{20,}/);
    expect(cookie.attrs).toContain("httponly");
    expect(cookie.attrs).toContain("samesite=lax");
    expect(cookie.attrs).toContain("path=/");

    const me = await json("/api/me", { cookie: cookie.pair }, 200);
    expect(me.workspaces).toEqual([{ id: body.workspace.id, name: "Acme", role: "owner" }]);
  });

  it("names the cookie __Host-sid: Secure, path /, no Domain, on https and on http://localhost alike (browsers treat localhost as secure)", async () => {
    for (const base of ["https://brandcast.example", "http://localhost:8787", "http://127.0.0.1:8787"]) {
      const res = await call("/api/auth/signup", { base, body: signupBody() });
      expect(res.status, base).toBe(201);
      const cookie = sessionCookie(res);
      expect(cookie.pair, base).toMatch(/^__Host-sid=/);
      expect(cookie.attrs, base).toEqual(expect.arrayContaining(["secure", "path=/", "httponly", "samesite=lax"]));
      expect(cookie.attrs.some((a) => a.startsWith("domain=")), base).toBe(false);
    }
  });

  it("a cookie without the prefix is no session: a sibling subdomain or an http page could have set it", async () => {
    const s = await signup();
    const value = s.cookie.slice(`${SESSION_COOKIE}=`.length);
    await expectClientError(await call("/api/me", { cookie: `sid=${value}` }), 401, "unauthenticated");
    expect((await call("/api/me", { cookie: `${SESSION_COOKIE}=${value}` })).status).toBe(200);
  });

  it("answers 409 for an email already registered, whatever its case, and creates nothing", async () => {
    const email = newEmail();
    expect((await call("/api/auth/signup", { body: signupBody(email) })).status).toBe(201);
    const users = await countRows("users");
    const workspaces = await countRows("workspaces");
    await expectClientError(await call("/api/auth/signup", { body: signupBody(email) }), 409, "conflict", "same email");
    await expectClientError(await call("/api/auth/signup", { body: signupBody(email.toUpperCase()) }), 409, "conflict", "upper-cased email");
    expect(await countRows("users")).toBe(users);
    expect(await countRows("workspaces")).toBe(workspaces);
  });

  it("answers 403 signup_disabled when SIGNUP_ENABLED is false, and creates nothing", async () => {
    const users = await countRows("users");
    const app = createApp();
    const req = new Request(`${ORIGIN}/api/auth/signup`, {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/json" },
      body: JSON.stringify(signupBody()),
    });
    const res = await app.fetch(req, { ...env, SIGNUP_ENABLED: "false" }, createExecutionContext());
    await expectClientError(res, 403, "signup_disabled");
    expect(await countRows("users")).toBe(users);
  });

  it("stores passwords as PBKDF2-SHA256 hashes with a salt per user: one password, two users, two hashes", async () => {
    const a = await signup();
    const b = await signup();
    const rows = await env.DB.prepare("SELECT * FROM users WHERE id IN (?, ?)").bind(a.userId, b.userId).all<Record<string, unknown>>();
    expect(rows.results).toHaveLength(2);
    const [ra, rb] = rows.results as Array<{ password_hash: string; password_salt: string; password_iterations: number }>;
    expect(ra!.password_salt).not.toBe(rb!.password_salt);
    expect(ra!.password_hash).not.toBe(rb!.password_hash);
    for (const r of [ra!, rb!]) {
      expect(r.password_iterations).toBeGreaterThanOrEqual(100_000);
      expect(r.password_hash).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits, base64url
      // The plain password appears in no column of the row.
      expect(JSON.stringify(r)).not.toContain(PASSWORD);
    }
  });
});

describe("POST /api/auth/login", () => {
  it("answers 200 with a fresh session for the right password; the email is case-insensitive", async () => {
    const s = await signup();
    const res = await login(s.email.toUpperCase(), PASSWORD, "203.0.113.10");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { user: { id: string }; workspace: { id: string } };
    expect(body.user.id).toBe(s.userId);
    expect(body.workspace.id).toBe(s.workspaceId);
    const cookie = sessionCookie(res);
    expect(cookie.pair).not.toBe(s.cookie);
    expect(cookie.attrs).toContain("httponly");
    expect((await json("/api/me", { cookie: cookie.pair }, 200)).user.id).toBe(s.userId);
  });

  it("answers 401 with the same message for a wrong password and for an unknown email, and sets no cookie", async () => {
    const s = await signup();
    const wrong = await login(s.email, "not the password", "203.0.113.11");
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const unknown = await login(newEmail(), "not the password", "203.0.113.11");
    expect(unknown.headers.get("set-cookie")).toBeNull();
    const a = await expectClientError(wrong, 401, "unauthenticated", "wrong password");
    const b = await expectClientError(unknown, 401, "unauthenticated", "unknown email");
    expect(a).toEqual(b); // nothing tells an attacker which emails exist
  });

  it("wrong passwords from one network for one account: 5 at once, then 429 with Retry-After, even for the right password", async () => {
    const s = await signup();
    const ip = "198.51.100.7";
    for (let i = 0; i < LOGIN_BACKOFF.free; i++) {
      await expectClientError(await login(s.email, `wrong password ${i}`, ip), 401, "unauthenticated", `attempt ${i + 1}`);
    }
    const sessions = await countRows("sessions", "user_id = ?", s.userId);
    const blocked = await login(s.email, PASSWORD, ip);
    const err = await expectClientError(blocked, 429, "rate_limited", "6th attempt at once");
    expect(err.message).toMatch(/Try again in \d+ seconds?\./);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(blocked.headers.get("set-cookie")).toBeNull();
    expect(await countRows("sessions", "user_id = ?", s.userId)).toBe(sessions);
  });

  it("guessing from anywhere else never locks the owner out (issue 16 item 10)", async () => {
    const s = await signup();
    // Fifty wrong passwords from ten other addresses, each of them now made to wait.
    for (let n = 0; n < 10; n++) {
      for (let i = 0; i < LOGIN_BACKOFF.free; i++) expect((await login(s.email, "wrong password", `198.51.100.${n}`)).status).toBe(401);
      expect((await login(s.email, "wrong password", `198.51.100.${n}`)).status).toBe(429);
    }
    // The owner, from their own network, with the right password.
    expect((await login(s.email, PASSWORD, "203.0.113.99")).status).toBe(200);
    // Another account from a throttled address is not affected either.
    const other = await signup();
    expect((await login(other.email, PASSWORD, "198.51.100.0")).status).toBe(200);
  });

  it("a successful sign-in clears its (email, IP) backoff", async () => {
    const s = await signup();
    const ip = "198.51.100.50";
    for (let i = 0; i < LOGIN_BACKOFF.free - 1; i++) expect((await login(s.email, "wrong password", ip)).status).toBe(401);
    expect((await login(s.email, PASSWORD, ip)).status).toBe(200);
    for (let i = 0; i < LOGIN_BACKOFF.free; i++) expect((await login(s.email, "wrong password", ip)).status).toBe(401);
  });

  it("the backoff doubles from 1 s to 15 minutes, never punishes waiting, and forgets a key left alone for an hour", async () => {
    const key = unique("test-backoff:");
    const b = LOGIN_BACKOFF;
    let t = Date.parse("2026-01-15T12:00:00Z");
    for (let i = 0; i < b.free; i++) expect(await takeBackoffAttempt(env.DB, key, b, t)).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 14; i++) {
      const wait = await takeBackoffAttempt(env.DB, key, b, t);
      // Asking early again changes nothing: the same wait, less the time gone by.
      expect(await takeBackoffAttempt(env.DB, key, b, t + 1)).toBe(wait - 1);
      waits.push(wait);
      t += wait;
      expect(await takeBackoffAttempt(env.DB, key, b, t)).toBe(0);
    }
    expect(waits.slice(0, 5)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(Math.max(...waits)).toBe(15 * 60_000);
    expect(waits.at(-1)).toBe(15 * 60_000);
    // Left alone for the forget period: free attempts again.
    t += b.forgetAfterMs;
    for (let i = 0; i < b.free; i++) expect(await takeBackoffAttempt(env.DB, key, b, t)).toBe(0);
    expect(await takeBackoffAttempt(env.DB, key, b, t)).toBe(1_000);
  });

  it("a burst of parallel attempts is counted one by one: only the free ones go through", async () => {
    const key = unique("test-burst:");
    const t = Date.parse("2026-01-15T12:00:00Z");
    const waits = await Promise.all(Array.from({ length: 20 }, () => takeBackoffAttempt(env.DB, key, LOGIN_BACKOFF, t)));
    expect(waits.filter((w) => w === 0)).toHaveLength(LOGIN_BACKOFF.free);
    expect(waits.filter((w) => w > 0).every((w) => w === 1_000)).toBe(true);
  });

  it("limits attempts per IP (cf-connecting-ip): the 101st in 15 minutes is 429, other IPs are unaffected", async () => {
    const s = await signup();
    const ip = "192.0.2.77";
    for (let i = 0; i < 100; i++) {
      const res = await login(newEmail(), "whatever password", ip);
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }
    await expectClientError(await login(s.email, PASSWORD, ip), 429, "rate_limited", "101st from one IP");
    expect((await login(s.email, PASSWORD, "192.0.2.78")).status).toBe(200);
  });

  it("counts in fixed 15-minute windows", async () => {
    const limit = { key: unique("test:"), max: 10, windowMs: 15 * 60_000 };
    const t0 = Date.parse("2026-01-15T12:00:00Z");
    for (let i = 0; i < 10; i++) expect(await hitRateLimits(env.DB, [limit], t0 + i * 60_000)).toBeNull();
    expect(await hitRateLimits(env.DB, [limit], t0 + 14 * 60_000)).toEqual(limit);
    expect(await hitRateLimits(env.DB, [limit], t0 + 15 * 60_000)).toBeNull();
  });

  it("refuses a sign-in posted from another site (login CSRF)", async () => {
    const s = await signup();
    const res = await call("/api/auth/login", { body: { email: s.email, password: PASSWORD }, headers: { origin: "https://evil.test" } });
    await expectClientError(res, 403, "forbidden");
    expect(res.headers.get("set-cookie")).toBeNull();
  });
});

describe("POST /api/auth/logout", () => {
  it("answers 204, clears the cookie and ends the session server-side", async () => {
    const s = await signup();
    const res = await call("/api/auth/logout", { cookie: s.cookie, method: "POST" });
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toMatch(/^__Host-sid=;/);
    // Browsers drop a __Host- cookie (and so would ignore its deletion) without these.
    expect(sessionCookie(res).attrs).toEqual(expect.arrayContaining(["secure", "path=/"]));
    // Replaying the old cookie does not work: the session row is gone.
    await expectClientError(await call("/api/me", s), 401, "unauthenticated");
    expect(await countRows("sessions", "id_hash = ?", await sha256(s.cookie.slice(`${SESSION_COOKIE}=`.length)))).toBe(0);
  });

  it("ignores a logout posted from another site", async () => {
    const s = await signup();
    await expectClientError(await call("/api/auth/logout", { ...s, method: "POST", headers: { origin: "https://evil.test" } }), 403, "forbidden");
    expect((await call("/api/me", s)).status).toBe(200);
  });
});

describe("GET /api/me", () => {
  it("returns the user, every workspace with the caller's role, and the current workspace", async () => {
    const s = await signup();
    const other = await signup();
    await addMember(other.workspaceId, s.userId, "viewer");
    const me = await json("/api/me", s, 200);
    expect(me.user).toEqual({ id: s.userId, email: s.email, name: expect.any(String) });
    expect(me.user).not.toHaveProperty("passwordHash");
    expect(me.currentWorkspaceId).toBe(s.workspaceId);
    expect(me.workspaces).toEqual([
      { id: s.workspaceId, name: expect.any(String), role: "owner" },
      { id: other.workspaceId, name: expect.any(String), role: "viewer" },
    ]);
  });
});

describe("X-Workspace", () => {
  it("switches a member to another of their workspaces, with the role they hold there", async () => {
    const owner = await signup();
    const brand = await createBrand(owner, { name: "Owner's brand" });
    const member = await signup();
    await addMember(owner.workspaceId, member.userId, "editor");

    expect((await json("/api/brands", member, 200)).brands).toEqual([]);
    const switched = { cookie: member.cookie, workspace: owner.workspaceId };
    expect((await json("/api/brands", switched, 200)).brands.map((b: { id: string }) => b.id)).toEqual([brand.id]);
    const me = await json("/api/me", switched, 200);
    expect(me.currentWorkspaceId).toBe(owner.workspaceId);
    expect(me.role).toBe("editor");
    // An editor may write there; the write lands in the switched-to workspace.
    const created = await createBrand(switched, { name: "Member's brand" });
    expect(await countRows("brands", "id = ? AND workspace_id = ?", created.id, owner.workspaceId)).toBe(1);
  });

  it("refuses a workspace the caller does not belong to", async () => {
    const a = await signup();
    const b = await signup();
    await expectClientError(await call("/api/brands", { ...b, workspace: a.workspaceId }), 403, "forbidden");
    await expectClientError(await call("/api/brands", { ...b, workspace: "wsp_doesnotexist" }), 403, "forbidden");
  });
});

describe("API tokens", () => {
  it("shows a new token once; lists never show it or its hash; D1 holds only its SHA-256", async () => {
    const s = await signup();
    const res = await call("/api/tokens", { ...s, body: { name: "CI" } });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; name: string; token: string };
    expect(created).toEqual({ id: expect.any(String), name: "CI", token: expect.stringMatching(/^bc_[A-Za-z0-9_-]{40,}$/) });

    const list = await json<{ tokens: Array<Record<string, unknown>> }>("/api/tokens", s, 200);
    expect(list.tokens).toEqual([
      { id: created.id, name: "CI", createdAt: expect.any(String), lastUsedAt: null, user: { id: s.userId, name: expect.any(String) } },
    ]);
    const listed = JSON.stringify(list);
    expect(listed).not.toContain(created.token);
    expect(listed).not.toContain(await sha256(created.token));

    const row = await env.DB.prepare("SELECT * FROM api_tokens WHERE id = ?").bind(created.id).first<Record<string, unknown>>();
    expect(row!.token_hash).toBe(await sha256(created.token));
    expect(JSON.stringify(row)).not.toContain(created.token);
  });

  it("a bearer token acts for its user in its workspace, without a cookie or an Origin check", async () => {
    const s = await signup();
    const { token } = await json<{ token: string }>("/api/tokens", { ...s, body: { name: "script" } }, 201);
    const me = await json("/api/me", { token }, 200);
    expect(me.user.id).toBe(s.userId);
    expect(me.currentWorkspaceId).toBe(s.workspaceId);
    // Tokens are not ambient credentials, so a write from any origin is fine.
    const res = await call("/api/brands", { token, body: { slug: unique("t"), name: "By token" }, headers: { origin: "https://ci.example" } });
    expect(res.status).toBe(201);
    // A token is bound to its workspace: X-Workspace cannot move it.
    const other = await signup();
    await addMember(other.workspaceId, s.userId, "owner");
    await expectClientError(await call("/api/brands", { token, workspace: other.workspaceId }), 403, "forbidden");
  });

  it("a deleted token answers 401 from then on; another user cannot delete it", async () => {
    const s = await signup();
    const { id, token } = await json<{ id: string; token: string }>("/api/tokens", { ...s, body: { name: "temp" } }, 201);
    const stranger = await signup();
    await expectClientError(await call(`/api/tokens/${id}`, { ...stranger, method: "DELETE" }), 404, "not_found");
    expect((await call("/api/me", { token })).status).toBe(200);

    expect((await call(`/api/tokens/${id}`, { ...s, method: "DELETE" })).status).toBe(204);
    await expectClientError(await call("/api/me", { token }), 401, "unauthenticated");
    expect((await json("/api/tokens", s, 200)).tokens).toEqual([]);
    await expectClientError(await call(`/api/tokens/${id}`, { ...s, method: "DELETE" }), 404, "not_found");
  });
});

describe("roles", () => {
  /** A workspace with one of everything, and a second user holding `role` in it. */
  async function workspaceWithMember(role: "viewer" | "editor") {
    const owner = await signup();
    const brand = await createBrand(owner);
    const job = await createReadyJob(owner, [brand.id]);
    const res = await scheduleOne(owner, job.jobId, brand.id);
    const schedule = (await res.json()) as Schedule;
    const proposalId = unique("prp_");
    await env.DB.prepare("INSERT INTO proposals (id, workspace_id, brand_id, title, angle, variant) VALUES (?, ?, ?, 'A topic', 'quick win', 'light')")
      .bind(proposalId, owner.workspaceId, brand.id)
      .run();
    const webhook = await json<{ id: string }>("/api/webhooks", { ...owner, body: { url: "https://hooks.example.com/in", events: ["ping"] } }, 201);
    const user = await signup();
    await addMember(owner.workspaceId, user.userId, role);
    const member: Session = { ...user, workspace: owner.workspaceId };
    const params = { brandId: brand.id, jobId: job.jobId, scheduleId: schedule.scheduleId, id: proposalId, platform: "instagram", webhookId: webhook.id };
    return { owner, member, params };
  }

  it("a viewer can read everything", async () => {
    const { member, params } = await workspaceWithMember("viewer");
    const reads = registeredApiRoutes().filter((r) => r.method === "GET" && !r.path.startsWith("/api/auth"));
    const query: Record<string, string> = {
      "/api/schedules": `?from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 40 * 86_400_000).toISOString()}`,
      "/api/brands/:brandId/slots": `?from=${new Date().toISOString()}&to=${new Date(Date.now() + 7 * 86_400_000).toISOString()}`,
    };
    const lastMonth = `?from=${new Date(Date.now() - 30 * 86_400_000).toISOString()}&to=${new Date().toISOString()}`;
    for (const path of ["/api/analytics/posts", "/api/analytics/posts.csv", "/api/analytics/brands/:brandId"]) query[path] = lastMonth;
    for (const r of reads) {
      const res = await call(fillPath(r.path, params) + (query[r.path] ?? ""), member);
      expect(res.status, `GET ${r.path}: ${await res.clone().text()}`).toBe(200);
    }
  });

  it("a viewer gets 403 on every write route (read from the router) and nothing is written", async () => {
    const { owner, member, params } = await workspaceWithMember("viewer");
    // Personal routes: signing out, one's own API tokens (which carry the viewer role, checked below), and
    // marking one's own notifications read (read state is each person's).
    const personal = (path: string) => path.startsWith("/api/auth/") || path.startsWith("/api/tokens") || path === "/api/notifications/read";
    const writes = registeredApiRoutes().filter((r) => r.method !== "GET" && !personal(r.path));
    expect(writes.length).toBeGreaterThanOrEqual(20);
    await expectNothingWritten(owner.workspaceId, async () => {
      for (const r of writes) {
        const res = await call(fillPath(r.path, params), { ...member, method: r.method, body: {} });
        await expectClientError(res, 403, "forbidden", `${r.method} ${r.path}`);
      }
    });
    // The viewer's own API token is no way around the role.
    const { token } = await json<{ token: string }>("/api/tokens", { ...member, body: { name: "viewer's" } }, 201);
    await expectClientError(await call("/api/brands", { token, body: { slug: unique("v"), name: "Nope" } }), 403, "forbidden");
  });

  it("an editor can write, but running automation passes and changing its settings is for owners", async () => {
    const { owner, member } = await workspaceWithMember("editor");
    expect((await call("/api/brands", { ...member, body: { slug: unique("e"), name: "Editor's" } })).status).toBe(201);
    await expectNothingWritten(owner.workspaceId, async () => {
      await expectClientError(await call("/api/automation/run", { ...member, body: { pass: "catchup" } }), 403, "forbidden", "run");
      await expectClientError(await call("/api/automation", { ...member, method: "PATCH", body: { burstTime: "09:00" } }), 403, "forbidden", "settings");
    });
    expect((await call("/api/automation/run", { ...owner, body: { pass: "catchup" } })).status).toBe(200);
  });
});

describe("cross-site requests", () => {
  it("a cookie-authenticated write from another origin is 403 and writes nothing; reads still work", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const evil = { origin: "https://evil.test" };
    await expectNothingWritten(s.workspaceId, async () => {
      await expectClientError(await call("/api/brands", { ...s, body: { slug: unique("x"), name: "Evil" }, headers: evil }), 403, "forbidden", "POST");
      await expectClientError(await call(`/api/brands/${brand.id}`, { ...s, method: "PATCH", body: { name: "Evil" }, headers: evil }), 403, "forbidden", "PATCH");
      await expectClientError(await call(`/api/brands/${brand.id}`, { ...s, method: "DELETE", headers: evil }), 403, "forbidden", "DELETE");
      await expectClientError(await call("/api/tokens", { ...s, body: { name: "Evil" }, headers: evil }), 403, "forbidden", "token");
      // No Origin header at all, and the browser says the request is cross-site.
      const headers = { origin: "", "sec-fetch-site": "cross-site" };
      await expectClientError(await call("/api/brands", { ...s, body: { slug: unique("x"), name: "Evil" }, headers }), 403, "forbidden", "no origin");
      await expectClientError(await call("/api/auth/signup", { body: signupBody(), headers: evil }), 403, "forbidden", "signup");
    });
    expect((await call(`/api/brands/${brand.id}`, { ...s, headers: evil })).status).toBe(200);
  });
});

describe("the calendar window admits its caller from its own D1 batch", () => {
  const monthQuery = () =>
    new URLSearchParams({ from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 40 * 86_400_000).toISOString(), view: "calendar" });
  const windowPath = () => `/api/schedules?${monthQuery()}`;
  const windowOf = async (opts: Parameters<typeof call>[1]) => json<{ rows: unknown[][]; brands: Record<string, unknown> }>(windowPath(), opts, 200);
  const sessionHash = (s: Session) => sha256(s.cookie.slice(`${SESSION_COOKIE}=`.length));

  /** A workspace with one booked item, so a window that leaks shows a row. */
  async function workspaceWithItem() {
    const s = await signup();
    const brand = await createBrand(s);
    const job = await createReadyJob(s, [brand.id]);
    const res = await scheduleOne(s, job.jobId, brand.id);
    expect(res.status).toBe(201);
    return { s, brand, scheduleId: ((await res.json()) as Schedule).scheduleId };
  }

  it("answers the same 401s as every other route, before any 400", async () => {
    const { s } = await workspaceWithItem();
    await expectClientError(await call(windowPath()), 401, "unauthenticated", "none");
    await expectClientError(await call(windowPath(), { cookie: `${SESSION_COOKIE}=forged-session-id` }), 401, "unauthenticated", "forged cookie");
    await expectClientError(await call(windowPath(), { token: "bc_forged" }), 401, "unauthenticated", "forged token");
    await expectClientError(await call(windowPath(), { headers: { authorization: "Basic dXNlcjpwYXNz" } }), 401, "unauthenticated", "basic");
    await expectClientError(await call("/api/schedules?view=calendar&from=yesterday"), 401, "unauthenticated", "bad query, no credential");
    await expectClientError(await call("/api/schedules?view=calendar&from=yesterday", s), 400, "invalid_input", "bad query");
    // An expired session is refused, though its row is still there.
    await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE id_hash = ?").bind(Date.now() - 1, await sessionHash(s)).run();
    await expectClientError(await call(windowPath(), s), 401, "unauthenticated", "expired");
  });

  it("reads the caller's workspace, or the X-Workspace they belong to; a workspace they do not belong to is 403", async () => {
    const a = await workspaceWithItem();
    const b = await workspaceWithItem();
    expect((await windowOf(a.s)).rows.map((r) => r[0])).toEqual([a.scheduleId]);
    await expectClientError(await call(windowPath(), { ...a.s, workspace: b.s.workspaceId }), 403, "forbidden", "not a member");
    await addMember(b.s.workspaceId, a.s.userId, "viewer");
    const switched = await windowOf({ ...a.s, workspace: b.s.workspaceId });
    expect(switched.rows.map((r) => r[0])).toEqual([b.scheduleId]);
    expect(Object.keys(switched.brands)).toEqual([b.brand.id]);
    // Removed from the workspace, with the session still live: refused again.
    await env.DB.prepare("DELETE FROM memberships WHERE user_id = ? AND workspace_id = ?").bind(a.s.userId, b.s.workspaceId).run();
    await expectClientError(await call(windowPath(), { ...a.s, workspace: b.s.workspaceId }), 403, "forbidden", "removed");
  });

  it("a bearer token reads its own workspace only, and its use is recorded", async () => {
    const a = await workspaceWithItem();
    const b = await workspaceWithItem();
    const { id, token } = await json<{ id: string; token: string }>("/api/tokens", { ...a.s, body: { name: "calendar script" } }, 201);
    expect((await windowOf({ token })).rows.map((r) => r[0])).toEqual([a.scheduleId]);
    const used = await env.DB.prepare("SELECT last_used_at FROM api_tokens WHERE id = ?").bind(id).first<{ last_used_at: number | null }>();
    expect(used!.last_used_at).toBeGreaterThan(Date.now() - 60_000);
    // Bound to its workspace, even where its user is a member too.
    await addMember(b.s.workspaceId, a.s.userId, "owner");
    await expectClientError(await call(windowPath(), { token, workspace: b.s.workspaceId }), 403, "forbidden", "token elsewhere");
  });

  it("its SQL scope names exactly the workspace admit() admits, and NULL whenever admit() refuses", async () => {
    const a = await signup();
    const b = await signup();
    await addMember(b.workspaceId, a.userId, "editor");
    const { token } = await json<{ token: string }>("/api/tokens", { ...a, body: { name: "scope" } }, 201);
    const expired = await signup();
    await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE id_hash = ?").bind(Date.now() - 1, await sessionHash(expired)).run();
    const hash = { a: await sessionHash(a), expired: await sessionHash(expired), token: await sha256(token) };
    const cases: Array<[string, Credential]> = [
      ["session", { kind: "session", hash: hash.a, requested: null }],
      ["session, its other workspace", { kind: "session", hash: hash.a, requested: b.workspaceId }],
      ["session, a stranger's workspace", { kind: "session", hash: hash.a, requested: expired.workspaceId }],
      ["expired session", { kind: "session", hash: hash.expired, requested: null }],
      ["unknown session", { kind: "session", hash: await sha256("nope"), requested: null }],
      ["token", { kind: "token", hash: hash.token, requested: null }],
      ["token, its own workspace named", { kind: "token", hash: hash.token, requested: a.workspaceId }],
      ["token, another workspace of its user", { kind: "token", hash: hash.token, requested: b.workspaceId }],
      ["unknown token", { kind: "token", hash: await sha256("bc_nope"), requested: null }],
    ];
    for (const [label, cred] of cases) {
      const scope = workspaceScope(cred);
      const inSql = (await named(env.DB, `SELECT ${scope.sql} AS ws`, scope.params).first<{ ws: string | null }>())!.ws;
      const row = await identityStatement(env.DB, cred).first<IdentityRow>();
      // admit() as the API runs it: inside a request, so it can read headers and set the actor.
      let admitted: string | null = null;
      const probe = new Hono<AppEnv>().get("/", async (c) => {
        admitted = (await admit(c, cred, row).catch(() => null))?.workspaceId ?? null;
        return c.body(null, 204);
      });
      await probe.request("/", {}, env, createExecutionContext());
      expect(inSql, label).toBe(admitted);
      expect(admitted === null, label).toBe(/stranger|expired|unknown|another/.test(label));
    }
  });
});
