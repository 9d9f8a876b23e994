// Fixed-window counters in D1 for login throttling. One statement per key, so
// concurrent attempts cannot both read a stale count.

export interface Limit {
  key: string;
  max: number;
  windowMs: number;
}

/** Counts one attempt against each limit; returns the first limit exceeded, if any. */
export async function hitRateLimits(d1: D1Database, limits: Limit[], now = Date.now()): Promise<Limit | null> {
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
