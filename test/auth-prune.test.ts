// Expired sign-in counters and sessions are pruned by the 10-minute cron
// (issue 16 item 10; worker/auth/prune.ts): bounded per run, and never a row
// that still decides something (a live session, a counter inside its window).
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { pruneAuthRows } from "../worker/auth/prune";
import { hitRateLimits, RATE_LIMIT_RETENTION_MS, takeBackoffAttempt } from "../worker/auth/rate-limit";
import { TEN_MINUTE_CRON } from "../worker/automation/cron";
import worker from "../worker/index";
import { call, countRows, signup, unique } from "./support/fixtures";

const HOUR = 3_600_000;

async function insertCounters(prefix: string, n: number, windowStart: number) {
  const stmts = Array.from({ length: n }, (_, i) =>
    env.DB.prepare("INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 3)").bind(`${prefix}${i}`, windowStart),
  );
  for (let i = 0; i < stmts.length; i += 100) await env.DB.batch(stmts.slice(i, i + 100));
}

async function insertSessions(userId: string, workspaceId: string, prefix: string, n: number, expiresAt: number) {
  const stmts = Array.from({ length: n }, (_, i) =>
    env.DB.prepare("INSERT INTO sessions (id_hash, user_id, workspace_id, expires_at) VALUES (?, ?, ?, ?)").bind(`${prefix}${i}`, userId, workspaceId, expiresAt),
  );
  for (let i = 0; i < stmts.length; i += 100) await env.DB.batch(stmts.slice(i, i + 100));
}

describe("pruning expired authentication rows", () => {
  it("deletes stale counters and expired sessions, bounded per run, and keeps what still decides something", async () => {
    const s = await signup();
    const now = Date.now() + 10 * HOUR; // the signed-in session (30 days) is live then; nothing else is stale
    const stale = unique("stale:");
    const fresh = unique("fresh:");
    await insertCounters(stale, 7, now - RATE_LIMIT_RETENTION_MS - 1);
    await insertCounters(fresh, 3, now - RATE_LIMIT_RETENTION_MS + 60_000);
    const expired = unique("expired");
    await insertSessions(s.userId, s.workspaceId, expired, 6, now - 1);
    const live = unique("live");
    await insertSessions(s.userId, s.workspaceId, live, 2, now + HOUR);

    // Bounded: a run removes at most `limit` rows of each table; repeated runs drain the rest.
    expect(await pruneAuthRows(env.DB, now, 4)).toEqual({ rateLimits: 4, sessions: 4 });
    expect(await pruneAuthRows(env.DB, now, 4)).toEqual({ rateLimits: 3, sessions: 2 });
    expect(await pruneAuthRows(env.DB, now, 4)).toEqual({ rateLimits: 0, sessions: 0 });
    expect(await countRows("rate_limits", "key LIKE ?", `${stale}%`)).toBe(0);
    expect(await countRows("sessions", "id_hash LIKE ?", `${expired}%`)).toBe(0);
    expect(await countRows("rate_limits", "key LIKE ?", `${fresh}%`)).toBe(3);
    expect(await countRows("sessions", "id_hash LIKE ?", `${live}%`)).toBe(2);
  });

  it("the 10-minute cron runs it: an expired session row and a stale counter are gone, a signed-in user stays signed in", async () => {
    const s = await signup();
    const now = Date.now();
    const expired = unique("cron-expired");
    await insertSessions(s.userId, s.workspaceId, expired, 1, now - 1);
    const stale = unique("cron-stale:");
    await insertCounters(stale, 1, now - RATE_LIMIT_RETENTION_MS - 1);

    const controller = createScheduledController({ scheduledTime: new Date(now), cron: TEN_MINUTE_CRON });
    const ctx = createExecutionContext();
    await worker.scheduled(controller, env, ctx);
    await waitOnExecutionContext(ctx);

    expect(await countRows("sessions", "id_hash LIKE ?", `${expired}%`)).toBe(0);
    expect(await countRows("rate_limits", "key LIKE ?", `${stale}%`)).toBe(0);
    expect((await call("/api/me", s)).status).toBe(200);
  });

  it("never resets a limit early: a day-long window outlives the prune, and a window longer than what the prune keeps is refused", async () => {
    const key = unique("daily:");
    const limit = { key, max: 2, windowMs: 24 * HOUR };
    const t0 = Date.now() + 100 * HOUR;
    expect(await hitRateLimits(env.DB, [limit], t0)).toBeNull();
    expect(await hitRateLimits(env.DB, [limit], t0 + HOUR)).toBeNull();
    await pruneAuthRows(env.DB, t0 + 2 * HOUR);
    expect(await hitRateLimits(env.DB, [limit], t0 + 3 * HOUR)).toEqual(limit);
    await expect(hitRateLimits(env.DB, [{ key, max: 1, windowMs: RATE_LIMIT_RETENTION_MS + 1 }])).rejects.toThrow(/outlives RATE_LIMIT_RETENTION_MS/);
    await expect(takeBackoffAttempt(env.DB, key, { free: 1, baseMs: 1, maxMs: 1, forgetAfterMs: RATE_LIMIT_RETENTION_MS + 1 })).rejects.toThrow(/outlives/);
  });
});
