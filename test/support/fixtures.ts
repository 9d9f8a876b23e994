// One place for test fixtures: every test makes its own workspace and brands
// (storage is shared within a file), through the public API where it can.
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { Brand, Job, Schedule } from "../../worker/contract/schemas";
import { generateOutput } from "../../worker/generation/generate-output";

export const ORIGIN = "http://app.test";
let counter = 0;
export const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

export interface Caller {
  cookie?: string;
  token?: string;
  workspace?: string;
}

export interface CallOptions extends Caller {
  method?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export async function call(path: string, opts: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { origin: ORIGIN, ...opts.headers };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.workspace) headers["x-workspace"] = opts.workspace;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers["content-type"] = "application/json";
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { method: opts.method ?? (body ? "POST" : "GET"), headers, body }));
}

export async function json<T = any>(path: string, opts: CallOptions = {}, expectStatus?: number): Promise<T> {
  const res = await call(path, opts);
  const text = await res.text();
  if (expectStatus !== undefined) expect(res.status, `${opts.method ?? "GET"} ${path}: ${text}`).toBe(expectStatus);
  return (text ? JSON.parse(text) : null) as T;
}

export interface Session extends Caller {
  cookie: string;
  workspaceId: string;
  userId: string;
  email: string;
}

export async function signup(name = unique("ws")): Promise<Session> {
  const email = `${name}@example.test`;
  const res = await call("/api/auth/signup", { body: { email, password: "correct horse battery", workspaceName: name } });
  expect(res.status, await res.clone().text()).toBe(201);
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const body = (await res.json()) as { user: { id: string }; workspace: { id: string } };
  return { cookie, workspaceId: body.workspace.id, userId: body.user.id, email };
}

export async function createBrand(s: Caller, input: Record<string, unknown> = {}): Promise<Brand> {
  return json<Brand>("/api/brands", { ...s, body: { slug: unique("b"), name: "Brand", timezone: "Europe/Lisbon", ...input } }, 201);
}

/** Generates every pending output of the job now, as the queue consumer would. */
export async function generateJob(s: Caller, jobId: string): Promise<Job> {
  const rows = await env.DB.prepare("SELECT id FROM job_outputs WHERE job_id = ?").bind(Number(jobId.slice(4))).all<{ id: string }>();
  for (const r of rows.results) await generateOutput(env, r.id, null);
  return json<Job>(`/api/jobs/${jobId}`, s, 200);
}

export async function createReadyJob(s: Caller, brandIds: string[], variant: "light" | "dark" | "post" = "light"): Promise<Job> {
  const job = await json<Job>("/api/jobs", { ...s, body: { variant, brands: brandIds, platforms: ["instagram", "sandbox"] } }, 201);
  return generateJob(s, job.jobId);
}

export async function scheduleOne(s: Caller, jobId: string, brandId: string, at?: string) {
  return call(`/api/jobs/${jobId}/outputs/${brandId}/schedule`, { ...s, body: at ? { at } : {} });
}

export async function runPass(s: Caller, pass: string) {
  return json(`/api/automation/run`, { ...s, body: { pass } }, 200);
}

export async function calendar(s: Caller, query: Record<string, string> = {}): Promise<Schedule[]> {
  const from = query.from ?? new Date(Date.now() - 86_400_000).toISOString();
  const to = query.to ?? new Date(Date.now() + 40 * 86_400_000).toISOString();
  const qs = new URLSearchParams({ ...query, from, to });
  return (await json<{ schedules: Schedule[] }>(`/api/schedules?${qs}`, s, 200)).schedules;
}

/** Invariant 3: no two schedules of one brand share an instant. */
export function expectNoDoubleBooking(schedules: Array<{ brandId: string; scheduledAt: string }>) {
  const keys = schedules.map((s) => `${s.brandId}@${s.scheduledAt}`);
  expect(new Set(keys).size).toBe(keys.length);
}

export async function countRows(table: string, where = "1=1", ...binds: unknown[]): Promise<number> {
  const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`).bind(...binds).first<{ n: number }>();
  return row!.n;
}
