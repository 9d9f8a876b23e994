// Expired authentication rows go (issue 16 item 10): sign-in counters that no
// longer decide anything (rate-limit.ts RATE_LIMIT_RETENTION_MS) and sessions
// past their expiry (which authenticate already refuses). Run by the
// 10-minute cron (automation/cron.ts); bounded, so a backlog drains over
// several runs and one run stays a few milliseconds of D1.
import { logError, logEvent } from "../lib/log";
import { RATE_LIMIT_RETENTION_MS } from "./rate-limit";

/** Rows per table per run: 144 runs a day clear up to 144,000 of each. */
export const PRUNE_LIMIT = 1_000;

export interface Pruned {
  rateLimits: number;
  sessions: number;
}

/** Deletes up to `limit` stale rate_limits rows and `limit` expired sessions, in one D1 batch. */
export async function pruneAuthRows(d1: D1Database, now = Date.now(), limit = PRUNE_LIMIT): Promise<Pruned> {
  // DELETE … LIMIT is not in D1's SQLite build: the bound comes from a subquery on each table's expiry index.
  const [rateLimits, sessions] = await d1.batch([
    d1.prepare("DELETE FROM rate_limits WHERE key IN (SELECT key FROM rate_limits WHERE window_start <= ? LIMIT ?)").bind(now - RATE_LIMIT_RETENTION_MS, limit),
    d1.prepare("DELETE FROM sessions WHERE id_hash IN (SELECT id_hash FROM sessions WHERE expires_at <= ? LIMIT ?)").bind(now, limit),
  ]);
  return { rateLimits: rateLimits!.meta.changes, sessions: sessions!.meta.changes };
}

/** The cron's call: a failure is logged and never stops the passes after it. */
export const pruneAuthRowsSafely = (d1: D1Database, now: number) => pruneLogged("expired auth rows", () => pruneAuthRows(d1, now));

/** Runs one bounded prune for the cron: what it deleted is logged when anything was, and a failure is logged, never thrown. */
export async function pruneLogged(what: string, prune: () => Promise<object>): Promise<void> {
  try {
    const pruned = await prune();
    if ((Object.values(pruned) as number[]).some((n) => n > 0)) logEvent(`${what} pruned`, { ...pruned });
  } catch (err) {
    logError(`pruning ${what} failed`, { error: String(err) });
  }
}
