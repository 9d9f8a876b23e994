// A D1 binding that fails some statements, as D1 does when it is overloaded or
// restarting ("D1_ERROR: ... reset"), and runs every other one on the real
// local database. Which statements fail is decided by their SQL and bound values.
import { env } from "cloudflare:workers";
import type { Env } from "../../worker/env";

export type FailWhen = (sql: string, binds: unknown[]) => boolean;

export const D1_OUTAGE = "D1_ERROR: Network connection lost.";

/** The real `env.DB`, except that statements `failWhen` picks throw when run (alone or in a batch). */
export function failingD1(failWhen: FailWhen, real: D1Database = env.DB): D1Database {
  const failing = new WeakSet<object>();
  const boom = async (): Promise<never> => {
    throw new Error(D1_OUTAGE);
  };
  const wrap = (sql: string, stmt: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") {
          return (...binds: unknown[]) => {
            const bound = target.bind(...binds);
            if (!failWhen(sql, binds)) return bound;
            const poisoned = { bind: () => poisoned, run: boom, first: boom, all: boom, raw: boom } as unknown as D1PreparedStatement;
            failing.add(poisoned);
            return poisoned;
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  return new Proxy(real, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrap(sql, target.prepare(sql));
      if (prop === "batch") {
        return async (stmts: D1PreparedStatement[]) => (stmts.some((s) => failing.has(s)) ? boom() : target.batch(stmts));
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The test env with a failing D1 (see failingD1). */
export function envWithFailingD1(failWhen: FailWhen): Env {
  return { ...env, DB: failingD1(failWhen) } as Env;
}
