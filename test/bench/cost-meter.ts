// Counting proxies for the cost bench (issue 17 item 5): the Worker's
// bindings wrapped so every D1 statement (with its meta.rows_read and
// rows_written), Durable Object request, queue message, R2 operation and
// outbound fetch is tallied. Bench-only: production code never sees these.
import type { Env } from "../../worker/env";

export interface Tally {
  d1Queries: number;
  d1RowsRead: number;
  d1RowsWritten: number;
  doRequests: number;
  queueMessages: number;
  r2ClassA: number;
  r2ClassB: number;
  subrequests: number;
  /** The database's size (meta.size_after) when first and last seen: what the run added, in bytes. */
  d1SizeFirst: number;
  d1SizeLast: number;
  /** Every distinct SQL text seen, with how often it ran and the rows it read (for EXPLAIN QUERY PLAN and the top readers). */
  statements: Map<string, { runs: number; rowsRead: number; rowsWritten: number }>;
}

export function newTally(): Tally {
  return { d1Queries: 0, d1RowsRead: 0, d1RowsWritten: 0, doRequests: 0, queueMessages: 0, r2ClassA: 0, r2ClassB: 0, subrequests: 0, d1SizeFirst: 0, d1SizeLast: 0, statements: new Map() };
}

export function tallyFigures(t: Tally) {
  const { statements: _, ...figures } = t;
  return figures;
}

type Meta = { rows_read?: number; rows_written?: number; size_after?: number } | undefined;

function record(t: Tally, sql: string, meta: Meta) {
  t.d1Queries++;
  if (meta?.size_after) {
    t.d1SizeFirst ||= meta.size_after;
    t.d1SizeLast = meta.size_after;
  }
  t.d1RowsRead += meta?.rows_read ?? 0;
  t.d1RowsWritten += meta?.rows_written ?? 0;
  const s = t.statements.get(sql) ?? { runs: 0, rowsRead: 0, rowsWritten: 0 };
  s.runs++;
  s.rowsRead += meta?.rows_read ?? 0;
  s.rowsWritten += meta?.rows_written ?? 0;
  t.statements.set(sql, s);
}

const REAL = Symbol("real statement");
const SQL = Symbol("sql");
type Counted = D1PreparedStatement & { [REAL]: D1PreparedStatement; [SQL]: string };

function countedStatement(t: Tally, real: D1PreparedStatement, sql: string): D1PreparedStatement {
  // first() and raw() carry no meta: they run as all() so rows read are counted; the answer is the same.
  const stmt = {
    [REAL]: real,
    [SQL]: sql,
    bind: (...values: unknown[]) => countedStatement(t, real.bind(...values), sql),
    async all() {
      const r = await real.all();
      record(t, sql, r.meta as Meta);
      return r;
    },
    async run() {
      const r = await real.run();
      record(t, sql, r.meta as Meta);
      return r;
    },
    async first(column?: string) {
      const r = await real.all<Record<string, unknown>>();
      record(t, sql, r.meta as Meta);
      const row = r.results[0];
      if (row === undefined) return null;
      return column === undefined ? row : (row[column] ?? null);
    },
    async raw(opts?: { columnNames?: boolean }) {
      const r = await real.all<Record<string, unknown>>();
      record(t, sql, r.meta as Meta);
      const rows = r.results.map((o) => Object.values(o));
      return opts?.columnNames ? [Object.keys(r.results[0] ?? {}), ...rows] : rows;
    },
  };
  return stmt as unknown as Counted;
}

export function countedD1(t: Tally, d1: D1Database): D1Database {
  return new Proxy(d1, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => countedStatement(t, target.prepare(sql), sql);
      if (prop === "batch") {
        return async (stmts: D1PreparedStatement[]) => {
          const results = await target.batch(stmts.map((s) => (s as Counted)[REAL] ?? s));
          results.forEach((r, i) => record(t, (stmts[i] as Counted)[SQL] ?? "(unknown)", r.meta as Meta));
          return results;
        };
      }
      if (prop === "exec") {
        return async (sql: string) => {
          const r = await target.exec(sql);
          t.d1Queries += r.count;
          return r;
        };
      }
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/**
 * Durable Object requests, counted where stubs are made: the code takes a
 * fresh stub for each call (brandScheduler(env, id).book(…)), so one stub is
 * one request. (A Proxy around the stub itself cannot be used: RPC then tries
 * to serialise the object.)
 */
export function countedNamespace<T extends DurableObjectNamespace<any>>(t: Tally, ns: T): T {
  return new Proxy(ns, {
    get(target, prop) {
      const v = Reflect.get(target, prop);
      if (prop === "get" || prop === "getByName") {
        return (...args: unknown[]) => {
          t.doRequests++;
          return (v as (...a: unknown[]) => object).apply(target, args);
        };
      }
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/** A queue that counts messages; `sink` receives them (the bench delivers them itself). */
export function countingQueue<M>(t: Tally, sink: M[]): Queue<M> {
  return {
    send: async (body: M) => {
      t.queueMessages++;
      sink.push(body);
    },
    sendBatch: async (batch: Iterable<MessageSendRequest<M>>) => {
      for (const m of batch) {
        t.queueMessages++;
        sink.push(m.body);
      }
    },
  } as unknown as Queue<M>;
}

/** R2: Class A (put, list, multipart) and Class B (get, head) operations, as R2 bills them. */
export function countedR2(t: Tally, r2: R2Bucket): R2Bucket {
  const classA = new Set(["put", "list", "createMultipartUpload", "resumeMultipartUpload", "delete"]);
  const classB = new Set(["get", "head"]);
  return new Proxy(r2, {
    get(target, prop) {
      const v = Reflect.get(target, prop);
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => {
        if (classA.has(String(prop))) t.r2ClassA++;
        if (classB.has(String(prop))) t.r2ClassB++;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** The Worker's env with every binding counted into `t`; queue messages go to `sent` instead of the real queues. */
export function countedEnv(t: Tally, base: Env, sent: { generate: unknown[]; publish: unknown[]; metrics: unknown[] }): Env {
  return {
    ...base,
    DB: countedD1(t, base.DB),
    BRAND_SCHEDULER: countedNamespace(t, base.BRAND_SCHEDULER),
    GENERATE_QUEUE: countingQueue(t, sent.generate) as Env["GENERATE_QUEUE"],
    PUBLISH_QUEUE: countingQueue(t, sent.publish) as Env["PUBLISH_QUEUE"],
    METRICS_QUEUE: countingQueue(t, sent.metrics) as Env["METRICS_QUEUE"],
    MEDIA: countedR2(t, base.MEDIA),
  };
}

/**
 * Counts outbound fetches (subrequests) while `fn` runs. The bench's own calls
 * to the fakes' /__admin API (the publishing driver moving their clocks) are
 * not the Worker's and are left out.
 */
export async function countingFetch<T>(t: Tally, fn: () => Promise<T>): Promise<T> {
  const real = globalThis.fetch;
  globalThis.fetch = ((...args: Parameters<typeof fetch>) => {
    const url = args[0] instanceof Request ? args[0].url : String(args[0]);
    if (!new URL(url).pathname.startsWith("/__admin/")) t.subrequests++;
    return real(...args);
  }) as typeof fetch;
  try {
    return await fn();
  } finally {
    globalThis.fetch = real;
  }
}

/** A copy of the statements seen so far, to tell later ones apart (statementsSince). */
export function markStatements(t: Tally): Tally["statements"] {
  return new Map([...t.statements].map(([sql, s]) => [sql, { ...s }]));
}

/** The tally with only what each statement did since `mark` (statements that did not run since are left out). */
export function statementsSince(t: Tally, mark: Tally["statements"]): Tally {
  const statements: Tally["statements"] = new Map();
  for (const [sql, s] of t.statements) {
    const m = mark.get(sql) ?? { runs: 0, rowsRead: 0, rowsWritten: 0 };
    if (s.runs > m.runs) statements.set(sql, { runs: s.runs - m.runs, rowsRead: s.rowsRead - m.rowsRead, rowsWritten: s.rowsWritten - m.rowsWritten });
  }
  return { ...t, statements };
}

/** EXPLAIN QUERY PLAN of every statement seen: those that scan a table (no index) or build a temp B-tree are listed. */
export async function planReport(d1: D1Database, t: Tally): Promise<Array<{ sql: string; runs: number; rowsRead: number; rowsWritten: number; plan: string[] }>> {
  const out: Array<{ sql: string; runs: number; rowsRead: number; rowsWritten: number; plan: string[] }> = [];
  for (const [sql, s] of t.statements) {
    if (!/^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)/i.test(sql)) continue;
    let plan: string[];
    try {
      // D1 wants every parameter bound: NULLs plan the same way.
      const numbered = [...sql.matchAll(/\?(\d+)/g)].map((m) => Number(m[1]));
      const bare = (sql.match(/\?(?!\d)/g) ?? []).length;
      const params = Math.max(bare, ...numbered, 0);
      const r = await d1.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...Array(params).fill(null)).all<{ detail: string }>();
      plan = r.results.map((x) => x.detail);
    } catch (err) {
      plan = [`(no plan: ${String(err).slice(0, 80)})`];
    }
    out.push({ sql: sql.replace(/\s+/g, " ").trim(), runs: s.runs, rowsRead: s.rowsRead, rowsWritten: s.rowsWritten, plan });
  }
  return out;
}
