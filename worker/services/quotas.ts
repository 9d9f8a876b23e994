// Per-workspace quotas (issue 17 item 3, DESIGN.md §9): brands, jobs a day,
// renders a day and LLM calls a day. Limits are configuration: wrangler.toml
// `[vars]` QUOTA_* for the deployment, a `workspace_quotas` row for one
// workspace (an operator's override). "A day" is the workspace's local day.
//
// Usage is counted from the rows themselves, never from counters that drift:
// jobs by `generation_jobs.created_at`, renders by `job_outputs.enqueued_at`
// (set when an output is sent to render: created, retried, re-sent), brands by
// `brands`. LLM calls leave no row, so they have a counter (`workspace_usage`),
// written in the same D1 batch as what the calls are for.
//
// Race safety: the check is a condition inside the statement that writes
// (`gate()`), and everything else of the same request is in the same batch and
// guarded by that statement's outcome, so two requests at the same moment can
// never both pass a quota with room for one, and nothing half-done is left.
import type { Env } from "../env";
import { ApiError } from "../errors";
import { llmConfigFromEnv } from "../generation/llm-client";
import { iso, numberVar } from "../lib/time";
import { addDays, fromLocal, localDateString, toLocal } from "../scheduling/zoned-time";

export interface Limits {
  brands: number;
  jobsPerDay: number;
  rendersPerDay: number;
  llmCallsPerDay: number;
}
export type QuotaName = keyof Limits;

/** The deployment's defaults: room for 50 brands at 8 items a day, retries, and one LLM call per item plus the burst's. */
export const DEFAULT_LIMITS: Limits = { brands: 50, jobsPerDay: 400, rendersPerDay: 500, llmCallsPerDay: 1000 };

export function defaultLimits(env: Env): Limits {
  return {
    brands: numberVar(env.QUOTA_BRANDS, DEFAULT_LIMITS.brands),
    jobsPerDay: numberVar(env.QUOTA_JOBS_PER_DAY, DEFAULT_LIMITS.jobsPerDay),
    rendersPerDay: numberVar(env.QUOTA_RENDERS_PER_DAY, DEFAULT_LIMITS.rendersPerDay),
    llmCallsPerDay: numberVar(env.QUOTA_LLM_CALLS_PER_DAY, DEFAULT_LIMITS.llmCallsPerDay),
  };
}

/** One workspace's quota day: its limits and the local day's bounds. */
export interface QuotaDay {
  workspaceId: string;
  /** The workspace's IANA zone (its day's, and new brands' default). */
  timezone: string;
  limits: Limits;
  /** YYYY-MM-DD in the workspace's zone: the LLM counter's key. */
  day: string;
  /** Local midnight that began the day, and the next one (when daily quotas reset). */
  dayStart: number;
  dayEnd: number;
}

/** What one write needs of the daily quotas. */
export interface Need {
  jobs: number;
  renders: number;
  llm: number;
}

export interface Usage {
  brands: number;
  jobsPerDay: number;
  rendersPerDay: number;
  llmCallsPerDay: number;
}

/** The workspace's limits (defaults, then its override row) and today's bounds, in one read. */
export async function quotaDay(env: Env, workspaceId: string, now = Date.now()): Promise<QuotaDay> {
  const row = await env.DB.prepare(
    `SELECT w.timezone, q.brands, q.jobs_per_day, q.renders_per_day, q.llm_calls_per_day
     FROM workspaces w LEFT JOIN workspace_quotas q ON q.workspace_id = w.id WHERE w.id = ?`,
  )
    .bind(workspaceId)
    .first<{ timezone: string; brands: number | null; jobs_per_day: number | null; renders_per_day: number | null; llm_calls_per_day: number | null }>();
  return quotaDayOf(env, workspaceId, row?.timezone ?? "UTC", row ?? {}, now);
}

export function quotaDayOf(
  env: Env,
  workspaceId: string,
  timezone: string,
  overrides: { brands?: number | null; jobs_per_day?: number | null; renders_per_day?: number | null; llm_calls_per_day?: number | null },
  now: number,
): QuotaDay {
  const d = defaultLimits(env);
  const local = toLocal(now, timezone);
  return {
    workspaceId,
    timezone,
    limits: {
      brands: overrides.brands ?? d.brands,
      jobsPerDay: overrides.jobs_per_day ?? d.jobsPerDay,
      rendersPerDay: overrides.renders_per_day ?? d.rendersPerDay,
      llmCallsPerDay: overrides.llm_calls_per_day ?? d.llmCallsPerDay,
    },
    day: localDateString(now, timezone),
    dayStart: fromLocal({ ...local, hour: 0, minute: 0 }, timezone),
    dayEnd: fromLocal({ ...addDays(local, 1), hour: 0, minute: 0 }, timezone),
  };
}

const JOBS_TODAY = "(SELECT COUNT(*) FROM generation_jobs WHERE workspace_id = ? AND created_at >= ?)";
const RENDERS_TODAY = "(SELECT COUNT(*) FROM job_outputs WHERE workspace_id = ? AND enqueued_at >= ?)";
const LLM_TODAY = "COALESCE((SELECT llm_calls FROM workspace_usage WHERE workspace_id = ? AND day = ?), 0)";
const BRANDS = "(SELECT COUNT(*) FROM brands WHERE workspace_id = ?)";

/**
 * A SQL condition (positional `?` binds) that holds when `need` fits today's
 * quotas: put it in the WHERE of the statement that writes.
 */
export function gate(q: QuotaDay, need: Need): { sql: string; binds: unknown[] } {
  const parts: string[] = ["1"];
  const binds: unknown[] = [];
  if (need.jobs > 0) (parts.push(`${JOBS_TODAY} + ? <= ?`), binds.push(q.workspaceId, q.dayStart, need.jobs, q.limits.jobsPerDay));
  if (need.renders > 0) (parts.push(`${RENDERS_TODAY} + ? <= ?`), binds.push(q.workspaceId, q.dayStart, need.renders, q.limits.rendersPerDay));
  if (need.llm > 0) (parts.push(`${LLM_TODAY} + ? <= ?`), binds.push(q.workspaceId, q.day, need.llm, q.limits.llmCallsPerDay));
  return { sql: parts.join(" AND "), binds };
}

/** The brand limit as a condition for the brand's INSERT … SELECT. */
export function brandGate(q: QuotaDay): { sql: string; binds: unknown[] } {
  return { sql: `${BRANDS} < ?`, binds: [q.workspaceId, q.limits.brands] };
}

/**
 * Adds `calls` to today's LLM counter, only when `guard` holds (a condition on
 * what the same batch wrote before it, e.g. `changes() > 0`).
 */
export function countLlmCalls(d1: D1Database, q: QuotaDay, calls: number, guard: { sql: string; binds: unknown[] }): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO workspace_usage (workspace_id, day, llm_calls) SELECT ?, ?, ? WHERE ${guard.sql}
       ON CONFLICT (workspace_id, day) DO UPDATE SET llm_calls = llm_calls + excluded.llm_calls`,
    )
    .bind(q.workspaceId, q.day, calls, ...guard.binds);
}

/** Today's usage of every quota, in one statement. */
export async function readUsage(d1: D1Database, q: QuotaDay): Promise<Usage> {
  const row = await d1
    .prepare(`SELECT ${BRANDS} AS brands, ${JOBS_TODAY} AS jobs, ${RENDERS_TODAY} AS renders, ${LLM_TODAY} AS llm`)
    .bind(q.workspaceId, q.workspaceId, q.dayStart, q.workspaceId, q.dayStart, q.workspaceId, q.day)
    .first<{ brands: number; jobs: number; renders: number; llm: number }>();
  return { brands: row?.brands ?? 0, jobsPerDay: row?.jobs ?? 0, rendersPerDay: row?.renders ?? 0, llmCallsPerDay: row?.llm ?? 0 };
}

const WORDS: Record<QuotaName, string> = {
  brands: "brands",
  jobsPerDay: "jobs a day",
  rendersPerDay: "renders a day",
  llmCallsPerDay: "LLM calls a day",
};

/** The first daily quota `need` would pass, given `usage`; null when it fits. */
export function exceeded(q: QuotaDay, usage: Usage, need: Need): QuotaName | null {
  if (need.jobs > 0 && usage.jobsPerDay + need.jobs > q.limits.jobsPerDay) return "jobsPerDay";
  if (need.renders > 0 && usage.rendersPerDay + need.renders > q.limits.rendersPerDay) return "rendersPerDay";
  if (need.llm > 0 && usage.llmCallsPerDay + need.llm > q.limits.llmCallsPerDay) return "llmCallsPerDay";
  return null;
}

/** How many more items (one job, one render, `llmPerItem` LLM calls each) fit today. */
export function itemsLeft(q: QuotaDay, usage: Usage, llmPerItem: number): number {
  const left = [q.limits.jobsPerDay - usage.jobsPerDay, q.limits.rendersPerDay - usage.rendersPerDay];
  if (llmPerItem > 0) left.push(Math.floor((q.limits.llmCallsPerDay - usage.llmCallsPerDay) / llmPerItem));
  return Math.max(0, Math.min(...left));
}

/** A sentence for people (the API's message, the burst's run error and brand note). */
export function quotaSentence(q: QuotaDay, name: QuotaName, usage: Usage): string {
  if (name === "brands") return `This workspace has ${usage.brands} of its ${q.limits.brands} brands. Delete a brand, or ask the operator to raise the limit.`;
  return `This workspace has used ${usage[name]} of its ${q.limits[name]} ${WORDS[name]} today; the quota resets at local midnight (${iso(q.dayEnd)}).`;
}

/** The API's answer past a quota: 409 for brands (nothing resets it), 429 for a daily quota, with when it resets. */
export function quotaError(q: QuotaDay, name: QuotaName, usage: Usage): ApiError {
  const details = { quota: name, limit: q.limits[name], used: usage[name], ...(name === "brands" ? {} : { resetsAt: iso(q.dayEnd) }) };
  return new ApiError(name === "brands" ? 409 : 429, "quota_exceeded", quotaSentence(q, name, usage), details);
}

/** LLM calls one output's generation makes: the `llm` writer writes its copy, the template writer none. */
export function llmCallsPerOutput(env: Env): number {
  return llmConfigFromEnv(env) ? 1 : 0;
}

/** Usage against quota for GET /api/automation. */
export async function quotaReport(env: Env, workspaceId: string, now = Date.now()) {
  const q = await quotaDay(env, workspaceId, now);
  const usage = await readUsage(env.DB, q);
  const of = (name: QuotaName) => ({ used: usage[name], limit: q.limits[name] });
  return {
    day: q.day,
    resetsAt: iso(q.dayEnd),
    brands: of("brands"),
    jobsPerDay: of("jobsPerDay"),
    rendersPerDay: of("rendersPerDay"),
    llmCallsPerDay: of("llmCallsPerDay"),
  };
}
