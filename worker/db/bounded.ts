// Queries over a list of ids within D1's limit of 100 bound parameters per
// statement (developers.cloudflare.com/d1/platform/limits/, "Maximum number of
// bound parameters per query"). A list of any length becomes one statement per
// chunk of LIST_CHUNK ids, all sent in one `batch()`: one round trip, one
// consistent snapshot (a batch is one transaction).
//
// This is the only module that expands a list into placeholders;
// test/d1-limits.test.ts fails if any other file does.

/** Ids per statement, leaving room for the statement's own parameters. */
export const LIST_CHUNK = 90;
/** D1's ceiling, per statement (also inside a batch). */
export const MAX_BOUND_PARAMETERS = 100;
/** Where the list goes in the SQL: `... AND o.job_id IN (:list)`. */
export const LIST_MARKER = "(:list)";

/**
 * One statement per chunk of `list`. The SQL numbers its own parameters `?1..?n`
 * (bound from `fixed`) and marks where the list goes with `(:list)`, which
 * becomes `(?n+1, ?n+2, ...)`.
 */
export function chunkedStatements(d1: D1Database, sql: string, fixed: unknown[], list: readonly unknown[]): D1PreparedStatement[] {
  if (sql.split(LIST_MARKER).length !== 2) throw new Error(`bounded: the SQL must contain ${LIST_MARKER} exactly once`);
  if (fixed.length + LIST_CHUNK > MAX_BOUND_PARAMETERS) {
    throw new Error(`bounded: ${fixed.length} fixed parameters leave no room for ${LIST_CHUNK} ids`);
  }
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < list.length; i += LIST_CHUNK) {
    const chunk = list.slice(i, i + LIST_CHUNK);
    const placeholders = chunk.map((_, k) => `?${fixed.length + k + 1}`).join(", ");
    statements.push(d1.prepare(sql.replace(LIST_MARKER, `(${placeholders})`)).bind(...fixed, ...chunk));
  }
  return statements;
}

/** Every row the chunked SELECT returns, chunk after chunk (order holds within a chunk only). */
export async function allByList<Row>(d1: D1Database, sql: string, fixed: unknown[], list: readonly unknown[]): Promise<Row[]> {
  const statements = chunkedStatements(d1, sql, fixed, list);
  if (!statements.length) return [];
  const results = await d1.batch<Row>(statements);
  return results.flatMap((r) => r.results);
}

/** Runs a chunked UPDATE or DELETE as one transaction. */
export async function runByList(d1: D1Database, sql: string, fixed: unknown[], list: readonly unknown[]): Promise<void> {
  const statements = chunkedStatements(d1, sql, fixed, list);
  if (statements.length) await d1.batch(statements);
}
