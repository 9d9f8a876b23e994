// Throttling in D1 (rate_limits: key, window_start, count). Two shapes:
// fixed-window counters (sign-ups per IP, sign-in attempts per IP), and a
// backoff per key (sign-in attempts per email and IP together). Each decision
// is one statement or one batch (a transaction), so concurrent attempts
// cannot all read a stale count and slip through together.

export interface Limit {
  key: string;
  max: number;
  windowMs: number;
}

/**
 * The longest window or memory a limit may have (invitations per workspace
 * per day): older rows decide nothing and the prune pass (auth/prune.ts)
 * deletes them. Both kinds of limit refuse a longer one, so a new limit can
 * never be reset early by the prune.
 */
export const RATE_LIMIT_RETENTION_MS = 24 * 60 * 60_000;

function assertRetained(ms: number, key: string) {
  if (ms > RATE_LIMIT_RETENTION_MS) throw new Error(`rate limit ${key}: a window of ${ms} ms outlives RATE_LIMIT_RETENTION_MS, and the prune pass would reset it`);
}

/** Counts one attempt against each limit; returns the first limit exceeded, if any. */
export async function hitRateLimits(d1: D1Database, limits: Limit[], now = Date.now()): Promise<Limit | null> {
  for (const l of limits) assertRetained(l.windowMs, l.key);
  const stmts = limits.map((l) =>
    d1
      .prepare(
        `INSERT INTO rate_limits (key, window_start, count) VALUES (?1, ?2, 1)
         ON CONFLICT(key) DO UPDATE SET
           count = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE count + 1 END,
           window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END
         RETURNING count`,
      )
      .bind(l.key, now, l.windowMs),
  );
  const results = await d1.batch<{ count: number }>(stmts);
  for (let i = 0; i < limits.length; i++) {
    const count = results[i]?.results[0]?.count ?? 0;
    if (count > limits[i]!.max) return limits[i]!;
  }
  return null;
}

export async function clearRateLimit(d1: D1Database, key: string): Promise<void> {
  await d1.prepare("DELETE FROM rate_limits WHERE key = ?").bind(key).run();
}

/**
 * Attempts under one key: the first `free` go at once; after that each must
 * wait `baseMs`, doubling per attempt, up to `maxMs`, after the one before.
 * A key left alone for `forgetAfterMs` starts over. (window_start holds the
 * last counted attempt, count the attempts counted since the key started.)
 */
export interface Backoff {
  free: number;
  baseMs: number;
  maxMs: number;
  forgetAfterMs: number;
}

/** How long after the last counted attempt the next may come, with `count` counted so far. */
export function backoffDelayMs(count: number, b: Backoff): number {
  if (count < b.free) return 0;
  return Math.min(b.baseMs * 2 ** Math.min(count - b.free, 30), b.maxMs);
}

/**
 * Takes one attempt under `key`: counts it and returns 0 when the backoff
 * allows it now, or returns the milliseconds still to wait (and counts
 * nothing, so waiting it out is never punished). The read and the write are
 * one batch: a burst of parallel attempts is counted one by one.
 */
export async function takeBackoffAttempt(d1: D1Database, key: string, b: Backoff, now = Date.now()): Promise<number> {
  assertRetained(Math.max(b.forgetAfterMs, b.maxMs), key);
  const row = await d1.prepare("SELECT window_start, count FROM rate_limits WHERE key = ?").bind(key);
  // SET sees the row's old values: the same decision as `wait` below, in SQL.
  const due = `(window_start <= ?2 - ?3 OR count < ?4 OR ?2 >= window_start + MIN(?5 * (1 << MIN(count - ?4, 30)), ?6))`;
  const [before] = await d1.batch<{ window_start: number; count: number }>([
    row,
    d1
      .prepare(
        `INSERT INTO rate_limits (key, window_start, count) VALUES (?1, ?2, 1)
         ON CONFLICT(key) DO UPDATE SET
           count = CASE WHEN window_start <= ?2 - ?3 THEN 1 WHEN ${due} THEN count + 1 ELSE count END,
           window_start = CASE WHEN ${due} THEN ?2 ELSE window_start END`,
      )
      .bind(key, now, b.forgetAfterMs, b.free, b.baseMs, b.maxMs),
  ]);
  const last = before!.results[0];
  if (!last || last.window_start <= now - b.forgetAfterMs) return 0;
  return Math.max(0, last.window_start + backoffDelayMs(last.count, b) - now);
}
