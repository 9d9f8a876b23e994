// D1 binds positionally (`?1`, `?2`); long hand-written SQL reads better with
// names. `named` turns `:name` into `?n` (a name may appear any number of
// times) and binds each name's value once.

/** SQL text with `:name` parameters (lowercase letters), and their values. */
export interface NamedSql {
  sql: string;
  params: Record<string, unknown>;
}

export function named(d1: D1Database, sql: string, params: Record<string, unknown>): D1PreparedStatement {
  const order: string[] = [];
  const text = sql.replace(/:([a-z]+)/g, (m, name: string) => {
    if (!(name in params)) return m;
    let i = order.indexOf(name);
    if (i < 0) i = order.push(name) - 1;
    return `?${i + 1}`;
  });
  return d1.prepare(text).bind(...order.map((n) => params[n]));
}
