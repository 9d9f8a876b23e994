// Database errors as drizzle really throws them (issue 16 item 11): drizzle
// wraps D1's error in its own DrizzleQueryError ("Failed query: …\nparams: …",
// D1's error as `cause`). A UNIQUE race is still a 409, and the bound
// parameters it quotes (emails, token hashes) never reach the logs.
import { env } from "cloudflare:workers";
import { DrizzleQueryError } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../worker/app";
import { brands, sessions, users } from "../worker/db/schema";
import { getDb } from "../worker/db/client";
import { isUniqueViolation } from "../worker/errors";
import { quotaDay } from "../worker/services/quotas";
import { createBrand } from "../worker/services/brands";
import { countRows, expectClientError, ORIGIN, signup, unique } from "./support/fixtures";

afterEach(() => vi.restoreAllMocks());

/** Runs `query` against the real D1 and returns what drizzle threw. */
async function drizzleError(query: () => Promise<unknown>): Promise<DrizzleQueryError> {
  const err = await query().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DrizzleQueryError);
  return err as DrizzleQueryError;
}

function brandRow(workspaceId: string, slug: string) {
  return { id: unique("brd_"), workspaceId, slug, name: "Brand", timezone: "Europe/Lisbon", colors: "{}", slots: "{}" };
}

describe("a UNIQUE violation behind drizzle is a 409", () => {
  it("recognises D1's UNIQUE failure through drizzle's wrapper, and nothing else", async () => {
    const s = await signup();
    const db = getDb(env.DB);
    const slug = unique("dup");
    await db.insert(brands).values(brandRow(s.workspaceId, slug));
    const dup = await drizzleError(() => db.insert(brands).values(brandRow(s.workspaceId, slug)));
    // The words are on the driver's error, not on drizzle's message: reading err.message alone misses them.
    expect(dup.message).not.toMatch(/UNIQUE/);
    expect(isUniqueViolation(dup)).toBe(true);

    const fk = await drizzleError(() =>
      db.insert(sessions).values({ idHash: unique("hash"), userId: "usr_missing", workspaceId: s.workspaceId, expiresAt: Date.now() }),
    );
    expect(isUniqueViolation(fk)).toBe(false);
  });

  it("the error handler answers a brand slug race with 409 conflict, not 500", async () => {
    const s = await signup();
    const app = createApp();
    const slug = unique("race");
    // Two creations at the same moment: both find the slug free, both insert, and the second insert is drizzle's error.
    app.post("/test/slug-race", async (c) => {
      const db = getDb(c.env.DB);
      const input = { slug, name: "Twin" };
      const q = await quotaDay(c.env, s.workspaceId);
      await Promise.all([createBrand(db, c.env.DB, q, input), createBrand(db, c.env.DB, q, input)]);
      return c.body(null, 201);
    });
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await app.fetch(new Request(`${ORIGIN}/test/slug-race`, { method: "POST" }), env);
    const err = await expectClientError(res, 409, "conflict");
    // The handler's words (the race), not the service's check (which both creations passed).
    expect(err.message).toMatch(/at the same moment/);
    expect(spy).not.toHaveBeenCalled();
    expect(await countRows("brands", "workspace_id = ? AND slug = ?", s.workspaceId, slug)).toBe(1);
  });
});

describe("a drizzle error's bound parameters never reach the logs", () => {
  it("the error handler logs a failed query with its params redacted (emails, token hashes)", async () => {
    const s = await signup();
    const email = `${unique("private")}@example.test`;
    const tokenHash = "c2Vzc2lvbi1oYXNoLXRoYXQtbXVzdC1ub3QtbGVhaw";
    const app = createApp();
    // A FOREIGN KEY and a NOT NULL failure: not conflicts, so each is a logged 500.
    app.post("/test/session-without-user", async (c) => {
      await getDb(c.env.DB).insert(sessions).values({ idHash: tokenHash, userId: "usr_missing", workspaceId: s.workspaceId, expiresAt: Date.now() });
      return c.body(null, 201);
    });
    app.post("/test/user-without-password", async (c) => {
      await getDb(c.env.DB).insert(users).values({ id: unique("usr_"), email, name: "x", passwordHash: null as never, passwordSalt: "s", passwordIterations: 1 });
      return c.body(null, 201);
    });
    for (const [path, secret, table] of [
      ["/test/session-without-user", tokenHash, "sessions"],
      ["/test/user-without-password", email, "users"],
    ] as const) {
      const spy = vi.spyOn(console, "error").mockImplementation(() => {});
      const res = await app.fetch(new Request(`${ORIGIN}${path}`, { method: "POST" }), env);
      expect(res.status, path).toBe(500);
      expect(spy, path).toHaveBeenCalledTimes(1);
      const line = String(spy.mock.calls[0]![0]);
      const logged = JSON.parse(line) as { error: string; stack: string };
      // The query itself is kept (it is what an operator needs); its values are not.
      expect(logged.error, path).toContain(`insert into "${table}"`);
      expect(logged.error, path).toContain("params: [redacted]");
      expect(logged.stack, path).toContain("params: [redacted]");
      expect(line, path).not.toContain(secret);
      spy.mockRestore();
    }
  });

  it("redacts params after a raw or an escaped newline, to the end of the line, escaped quotes included", async () => {
    const s = await signup();
    const email = `${unique("quoted")}@example.test`;
    const err = await drizzleError(() =>
      getDb(env.DB).insert(users).values({ id: unique("usr_"), email, name: 'say "hi"', passwordHash: null as never, passwordSalt: "s", passwordIterations: 1 }),
    );
    expect(err.message).toContain(`\nparams: `);
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const { logError, redact } = await import("../worker/lib/log");
    logError("query failed", { error: err.message, err, workspaceId: s.workspaceId });
    const line = String(spy.mock.calls[0]![0]);
    expect(line).not.toContain(email);
    expect(line).not.toContain("hi");
    // The JSON line is still JSON, and what follows the params survives.
    expect(JSON.parse(line)).toMatchObject({ message: "query failed", workspaceId: s.workspaceId });
    expect(redact(err.message)).not.toContain(email);
    expect(redact(`before\nparams: ${email}\nafter`)).toBe("before\nparams: [redacted]\nafter");
    expect(redact("xparams: kept")).toBe("xparams: kept");
  });
});
