// One place for test fixtures: every test makes its own workspace and brands
// (storage is shared within a file), through the public API where it can.
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { Brand, Job, Schedule } from "../../worker/contract/schemas";
import { createApp } from "../../worker/app";
import type { Role } from "../../worker/auth/context";
import { generateOutput } from "../../worker/generation/generate-output";
import { formatJobId } from "../../worker/lib/ids";

export const ORIGIN = "http://app.test";
let counter = 0;
export const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

export interface Caller {
  cookie?: string;
  token?: string;
  workspace?: string;
}

export interface CallOptions extends Caller {
  /** Scheme and host the request goes to (default ORIGIN); also the default Origin header. */
  base?: string;
  method?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export async function call(path: string, opts: CallOptions = {}): Promise<Response> {
  const base = opts.base ?? ORIGIN;
  const headers: Record<string, string> = { origin: base, ...opts.headers };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.workspace) headers["x-workspace"] = opts.workspace;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  // JSON unless the test sends a type of its own (415 tests).
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
  return exports.default.fetch(new Request(`${base}${path}`, { method: opts.method ?? (body ? "POST" : "GET"), headers, body }));
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

/** The password every `signup()` user has. */
export const PASSWORD = "correct horse battery";

export async function signup(name = unique("ws")): Promise<Session> {
  const email = `${name}@example.test`;
  const res = await call("/api/auth/signup", { body: { email, password: PASSWORD, workspaceName: name } });
  expect(res.status, await res.clone().text()).toBe(201);
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const body = (await res.json()) as { user: { id: string }; workspace: { id: string } };
  return { cookie, workspaceId: body.workspace.id, userId: body.user.id, email };
}

export interface SentInvitation {
  id: string;
  email: string;
  role: Role;
  expiresAt: string;
  url: string;
  emailed: boolean;
  /** The link's secret, from `url`. */
  token: string;
}

/** An owner's invitation through the API, with its link's token. */
export async function invite(owner: Caller, email = `${unique("invitee")}@example.test`, role: Role = "editor"): Promise<SentInvitation> {
  const created = await json<Omit<SentInvitation, "token">>("/api/members/invitations", { ...owner, body: { email, role } }, 201);
  return { ...created, token: created.url.slice(created.url.lastIndexOf("/") + 1) };
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

// ---- error contract (API.md "Errors") ---------------------------------------

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

/** A message written for people: words, not an identifier, a stack trace or a driver's error. */
export function expectHumanMessage(message: unknown, label = "") {
  expect(typeof message, label).toBe("string");
  const text = message as string;
  expect(text.length, label).toBeGreaterThanOrEqual(8);
  expect(text, label).toMatch(/[A-Za-z]+\s+[A-Za-z]+/);
  expect(text, label).not.toMatch(/\bat \S+ \(|Error:|undefined|\bNaN\b|\[object |SQLITE|D1_|TypeError|stack/);
}

/**
 * API.md's error rule for anything a user typed: the given 4xx status (never a
 * 500), and exactly `{"error": {"code", "message", "details"?}}` with a
 * snake_case code and a message for people. Returns the error for more checks.
 */
export async function expectClientError(res: Response, status: number, code: string, label = ""): Promise<ApiErrorBody> {
  const text = await res.text();
  const where = `${label} → ${res.status} ${text.slice(0, 300)}`;
  expect(status, "expectClientError is for 4xx answers").toBeGreaterThanOrEqual(400);
  expect(status, "expectClientError is for 4xx answers").toBeLessThan(500);
  expect(res.status, where).toBe(status);
  expect(res.headers.get("content-type") ?? "", where).toMatch(/^application\/json/);
  const body = JSON.parse(text) as { error: ApiErrorBody };
  expect(Object.keys(body), where).toEqual(["error"]);
  expect(Object.keys(body.error).filter((k) => !["code", "message", "details"].includes(k)), where).toEqual([]);
  expect(body.error.code, where).toBe(code);
  expect(body.error.code, where).toMatch(/^[a-z]+(?:_[a-z]+)*$/);
  expectHumanMessage(body.error.message, where);
  return body.error;
}

// ---- "nothing written" --------------------------------------------------------

/** Every table whose rows belong to one workspace, with the column that says which. */
const WORKSPACE_TABLES: Array<[table: string, column: string]> = [
  ["workspaces", "id"],
  ["memberships", "workspace_id"],
  ["sessions", "workspace_id"],
  ["api_tokens", "workspace_id"],
  ["invitations", "workspace_id"],
  ["brands", "workspace_id"],
  ["platform_accounts", "workspace_id"],
  ["proposals", "workspace_id"],
  ["generation_jobs", "workspace_id"],
  ["job_outputs", "workspace_id"],
  ["schedules", "workspace_id"],
  ["deliveries", "workspace_id"],
  ["automation_runs", "workspace_id"],
  ["events", "workspace_id"],
  ["webhooks", "workspace_id"],
];

/** Every row of the workspace, table by table, plus the global tables (users, sessions, login throttling); one D1 round trip. */
export async function snapshotWorkspace(workspaceId: string): Promise<Record<string, unknown>> {
  const queries: Array<[string, D1PreparedStatement]> = [
    ["allUsers", env.DB.prepare("SELECT COUNT(*) AS n FROM users")],
    ["allSessions", env.DB.prepare("SELECT COUNT(*) AS n FROM sessions")],
    ["allRateLimits", env.DB.prepare("SELECT * FROM rate_limits ORDER BY key")],
    ...WORKSPACE_TABLES.map(([table, column]): [string, D1PreparedStatement] => [
      table,
      env.DB.prepare(`SELECT * FROM ${table} WHERE ${column} = ? ORDER BY rowid`).bind(workspaceId),
    ]),
  ];
  const results = await env.DB.batch(queries.map(([, q]) => q));
  return Object.fromEntries(queries.map(([name], i) => [name, results[i]!.results]));
}

/** Runs `action` and checks that no row of the workspace (nor any user, session or login counter) was added, changed or removed. */
export async function expectNothingWritten<T>(workspaceId: string, action: () => Promise<T>, label = ""): Promise<T> {
  const before = await snapshotWorkspace(workspaceId);
  const result = await action();
  expect(await snapshotWorkspace(workspaceId), `${label}: nothing written`).toEqual(before);
  return result;
}

// ---- the registered routes ---------------------------------------------------

export interface RouteRef {
  method: string;
  path: string;
}

/** Every route the Hono app registers under /api, de-duplicated, without middleware (method ALL). */
export function registeredApiRoutes(): RouteRef[] {
  const seen = new Set<string>();
  const out: RouteRef[] = [];
  for (const r of createApp().routes) {
    if (r.method === "ALL" || !r.path.startsWith("/api")) continue;
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ method: r.method, path: r.path });
  }
  return out;
}

/** Plausible ids for path parameters nobody supplied; `jobId` keeps the GEN-xxxxxx form. */
const DUMMY_PARAMS: Record<string, string> = { jobId: "GEN-000001", platform: "instagram", kind: "logo" };

/** `/api/jobs/:jobId/…` → `/api/jobs/GEN-000123/…`, from `params` or a dummy id. */
export function fillPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/:([A-Za-z_]\w*)(?:\{[^}]*\})?\??/g, (_, name: string) =>
    encodeURIComponent(params[name] ?? DUMMY_PARAMS[name] ?? `${name.replace(/Id$/, "")}_dummy000000`),
  );
}

// ---- rows the API cannot make directly -----------------------------------------

/** Makes `userId` a member of `workspaceId` with `role` directly (the API's way is an invitation: `invite`). */
export async function addMember(workspaceId: string, userId: string, role: Role) {
  await env.DB.prepare("INSERT INTO memberships (user_id, workspace_id, role) VALUES (?, ?, ?)").bind(userId, workspaceId, role).run();
}

export interface InsertedOutput {
  jobId: string;
  jobNumber: number;
  outputId: string;
}

/**
 * A job with one output in a given state, written straight to D1 and *not*
 * queued, so a test decides when (and whether) the generate consumer sees it.
 */
export async function insertOutput(
  s: { workspaceId: string; userId?: string },
  brandId: string,
  opts: {
    variant?: "light" | "dark" | "post";
    status?: string;
    attempts?: number;
    updatedAt?: number;
    seed?: number;
    slideTexts?: string | null;
    /** Who created the job: the session's user (default) or automation (as the burst does). */
    createdBy?: "user" | "automation";
  } = {},
): Promise<InsertedOutput> {
  const byAutomation = opts.createdBy === "automation";
  const job = await env.DB.prepare(
    `INSERT INTO generation_jobs (workspace_id, variant, slide_texts, platforms, seed, created_by_kind, created_by_user_id)
     VALUES (?, ?, ?, '["instagram","sandbox"]', ?, ?, ?) RETURNING id`,
  )
    .bind(s.workspaceId, opts.variant ?? "light", opts.slideTexts ?? null, opts.seed ?? 42, byAutomation ? "automation" : "user", byAutomation ? null : (s.userId ?? null))
    .first<{ id: number }>();
  const outputId = unique("out_");
  await env.DB.prepare("INSERT INTO job_outputs (id, job_id, workspace_id, brand_id, status, attempts, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .bind(outputId, job!.id, s.workspaceId, brandId, opts.status ?? "pending", opts.attempts ?? 0, opts.updatedAt ?? Date.now())
    .run();
  return { jobId: formatJobId(job!.id), jobNumber: job!.id, outputId };
}

export async function outputRow(outputId: string) {
  return env.DB.prepare("SELECT * FROM job_outputs WHERE id = ?").bind(outputId).first<Record<string, unknown>>();
}
