// Bad input on every route: wrong types, unknown fields, oversized bodies,
// bad dates, windows over 93 days, unknown ids → API.md's error shape with the
// right status, and nothing written. Never a 500 for anything a user typed.
//
// One workspace serves every case: each case is a request that must fail and
// must leave every row of that workspace as it was, which the case checks.
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_JSON_BODY } from "../worker/app";
import type { Job, Schedule } from "../worker/contract/schemas";
import {
  call,
  createBrand,
  createReadyJob,
  expectClientError,
  expectNothingWritten,
  fillPath,
  insertOutput,
  json,
  PASSWORD,
  registeredApiRoutes,
  scheduleOne,
  signup,
  unique,
  type Session,
} from "./support/fixtures";

const DAY = 86_400_000;
const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString();

interface World {
  s: Session;
  brandId: string;
  otherBrandSlug: string;
  /** A ready, unscheduled output of `brandId`. */
  readyJobId: string;
  /** A scheduled output of `brandId`. */
  scheduledJobId: string;
  scheduleId: string;
  /** An output still pending generation. */
  pendingJobId: string;
  /** No proposal exists in a fresh workspace; the proposal routes only have 404s to give. */
  proposalId: string;
}

let w: World;

beforeAll(async () => {
  const s = await signup();
  const brand = await createBrand(s);
  const other = await createBrand(s);
  const ready = await createReadyJob(s, [brand.id]);
  const scheduled = await createReadyJob(s, [brand.id]);
  const schedule = (await (await scheduleOne(s, scheduled.jobId, brand.id)).json()) as Schedule;
  const pending = await insertOutput(s, brand.id, { status: "pending" });
  w = {
    s,
    brandId: brand.id,
    otherBrandSlug: other.slug,
    readyJobId: ready.jobId,
    scheduledJobId: scheduled.jobId,
    scheduleId: schedule.scheduleId,
    pendingJobId: pending.jobId,
    proposalId: "prp_doesnotexist000",
  };
});

interface Case {
  what: string;
  method: string;
  path: (w: World) => string;
  /** A value to send as JSON (or a function of the world giving one), or `raw` text as is. */
  body?: unknown;
  raw?: string;
  status: number;
  code: string;
  /** Routes that take no credentials (sign-up, sign-in). */
  anonymous?: boolean;
}

type PathOf = string | ((w: World) => string);
type Input = { body?: unknown; raw?: string };

/** A request (`method path` with `input`) that must fail with `status` and `code`. */
function c(method: string, path: PathOf, what: string, input: Input, status: number, code: string, anonymous = false): Case {
  return { what, method, path: typeof path === "string" ? () => path : path, ...input, status, code, anonymous };
}
const bad = (method: string, path: PathOf, what: string, input: Input) => c(method, path, what, input, 400, "invalid_input");
const missing = (method: string, path: PathOf, what: string, body?: unknown) =>
  c(method, path, what, body === undefined ? {} : { body }, 404, "not_found");

const signupOk = { email: "valid@example.test", password: PASSWORD, workspaceName: "W" };
const brandOk = { slug: "fresh-brand", name: "Fresh" };
const slots = (reel: unknown, post: unknown) => ({ ...brandOk, slots: { reel, post } });
const colors = { primary: "#112233", accent: "#445566", light: { bg: "#ffffff", fg: "#000000" }, dark: { bg: "#000000", fg: "#ffffff" } };
const brandPath = (w: World) => `/api/brands/${w.brandId}`;
const outputPath = (w: World) => `/api/jobs/${w.readyJobId}/outputs/${w.brandId}`;
const schedulePath = (w: World) => `${outputPath(w)}/schedule`;
const windowQuery = (from: string, to: string, extra = "") => `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${extra}`;
const T0 = "2026-12-01T00:00:00.000Z";

const CASES: Case[] = [
  // ---- auth ----------------------------------------------------------------
  c("POST", "/api/auth/signup", "invalid JSON", { raw: '{"email": ' }, 400, "invalid_input", true),
  c("POST", "/api/auth/signup", "a JSON array", { body: [signupOk] }, 400, "invalid_input", true),
  c("POST", "/api/auth/signup", "an unknown field (role)", { body: { ...signupOk, role: "owner" } }, 400, "invalid_input", true),
  c("POST", "/api/auth/signup", "email of the wrong type", { body: { ...signupOk, email: 42 } }, 400, "invalid_input", true),
  c("POST", "/api/auth/signup", "not an email", { body: { ...signupOk, email: "not-an-email" } }, 400, "invalid_input", true),
  c("POST", "/api/auth/signup", "a 9-character password", { body: { ...signupOk, password: "123456789" } }, 400, "invalid_input", true),
  c("POST", "/api/auth/signup", "no workspace name", { body: { email: signupOk.email, password: PASSWORD } }, 400, "invalid_input", true),
  c("POST", "/api/auth/login", "invalid JSON", { raw: "email=a&password=b" }, 400, "invalid_input", true),
  c("POST", "/api/auth/login", "a JSON array", { body: [] }, 400, "invalid_input", true),
  c("POST", "/api/auth/login", "an unknown field", { body: { email: signupOk.email, password: PASSWORD, remember: true } }, 400, "invalid_input", true),
  c("POST", "/api/auth/login", "password of the wrong type", { body: { email: signupOk.email, password: 123456 } }, 400, "invalid_input", true),

  // ---- tokens --------------------------------------------------------------
  bad("POST", "/api/tokens", "no name", { body: {} }),
  bad("POST", "/api/tokens", "name of the wrong type", { body: { name: 7 } }),
  bad("POST", "/api/tokens", "an empty name", { body: { name: "   " } }),
  bad("POST", "/api/tokens", "an unknown field (scope)", { body: { name: "ci", scope: "admin" } }),
  missing("DELETE", () => "/api/tokens/tok_doesnotexist", "an unknown token"),

  // ---- brands --------------------------------------------------------------
  bad("POST", "/api/brands", "invalid JSON", { raw: "{slug: 'x'}" }),
  bad("POST", "/api/brands", "JSON null", { raw: "null" }),
  bad("POST", "/api/brands", "a JSON array", { body: [brandOk] }),
  bad("POST", "/api/brands", "an unknown field (workspaceId)", { body: { ...brandOk, workspaceId: "wsp_other" } }),
  bad("POST", "/api/brands", "name of the wrong type", { body: { ...brandOk, name: 5 } }),
  bad("POST", "/api/brands", "a slug with spaces and capitals", { body: { ...brandOk, slug: "My Brand" } }),
  bad("POST", "/api/brands", "an invalid IANA time zone", { body: { ...brandOk, timezone: "Mars/Olympus_Mons" } }),
  bad("POST", "/api/brands", "an empty time zone", { body: { ...brandOk, timezone: "" } }),
  bad("POST", "/api/brands", "a UTC offset instead of a zone (+05:30 has no DST rules)", { body: { ...brandOk, timezone: "+05:30" } }),
  bad("POST", "/api/brands", "a slot at 25:00", { body: slots([], ["25:00"]) }),
  bad("POST", "/api/brands", "a slot without a leading zero (8:00)", { body: slots([{ time: "8:00", variant: "light" }], []) }),
  bad("POST", "/api/brands", "a reel slot of the wrong variant enum", { body: slots([{ time: "08:00", variant: "neon" }], []) }),
  bad("POST", "/api/brands", "a reel slot and a post slot sharing a time", { body: slots([{ time: "08:00", variant: "light" }], ["08:00"]) }),
  bad("POST", "/api/brands", "two reel slots sharing a time", { body: slots([{ time: "08:00", variant: "light" }, { time: "08:00", variant: "dark" }], []) }),
  bad("POST", "/api/brands", "colours that are not hex", { body: { ...brandOk, colors: { ...colors, primary: "red" } } }),
  bad("POST", "/api/brands", "colours without a dark theme", { body: { ...brandOk, colors: { ...colors, dark: undefined } } }),
  bad("POST", "/api/brands", "a schedule offset as a string", { body: { ...brandOk, scheduleOffset: "1" } }),
  bad("POST", "/api/brands", "a schedule offset of 13 hours", { body: { ...brandOk, scheduleOffset: 13 } }),
  bad("POST", "/api/brands", "a fractional schedule offset", { body: { ...brandOk, scheduleOffset: 1.5 } }),
  bad("POST", "/api/brands", "an infinite number (1e309)", { raw: '{"slug":"inf","name":"Inf","scheduleOffset":1e309}' }),
  c("POST", "/api/brands", "a slug another brand has", { body: (w: World) => ({ slug: w.otherBrandSlug, name: "Dup" }) }, 409, "conflict"),
  missing("GET", () => "/api/brands/brd_doesnotexist", "an unknown brand"),
  missing("GET", () => "/api/brands/%E0%A4%A", "a malformed percent-encoded id"),
  missing("PATCH", () => "/api/brands/brd_doesnotexist", "an unknown brand", { name: "X" }),
  bad("PATCH", brandPath, "an unknown field (id)", { body: { id: "brd_other" } }),
  bad("PATCH", brandPath, "an invalid IANA time zone", { body: { timezone: "Europe/Atlantis" } }),
  bad("PATCH", brandPath, "an empty name", { body: { name: "" } }),
  bad("PATCH", brandPath, "a reel and a post sharing a time", { body: { slots: { reel: [{ time: "14:00", variant: "dark" }], post: ["14:00"] } } }),
  c("PATCH", brandPath, "a slug another brand has", { body: (w: World) => ({ slug: w.otherBrandSlug }) }, 409, "conflict"),
  missing("DELETE", () => "/api/brands/brd_doesnotexist", "an unknown brand"),
  bad("GET", (w) => `${brandPath(w)}/slots?to=${T0}`, "slots without from", {}),
  bad("GET", (w) => `${brandPath(w)}/slots?${windowQuery("2026-02-30T00:00:00Z", T0)}`, "slots from 30 February", {}),
  bad("GET", (w) => `${brandPath(w)}/slots?${windowQuery("2026-12-10T00:00:00Z", T0)}`, "slots with from after to", {}),
  bad("GET", (w) => `${brandPath(w)}/slots?${windowQuery(T0, "2027-03-05T00:00:00.000Z")}`, "a 94-day slots window", {}),
  missing("GET", () => `/api/brands/brd_doesnotexist/slots?${windowQuery(T0, "2026-12-02T00:00:00Z")}`, "slots of an unknown brand"),
  bad("PUT", (w) => `${brandPath(w)}/accounts/myspace`, "an unknown platform", { body: { externalId: "1", accessToken: "t" } }),
  bad("PUT", (w) => `${brandPath(w)}/accounts/instagram`, "an unknown field (status)", { body: { externalId: "1", accessToken: "t", status: "connected" } }),
  bad("PUT", (w) => `${brandPath(w)}/accounts/instagram`, "no access token", { body: { externalId: "1" } }),
  bad("PUT", (w) => `${brandPath(w)}/accounts/instagram`, "expiresAt that is not ISO", { body: { externalId: "1", accessToken: "t", expiresAt: "next week" } }),
  bad("PUT", (w) => `${brandPath(w)}/accounts/instagram`, "externalId of the wrong type", { body: { externalId: 1, accessToken: "t" } }),
  missing("PUT", () => "/api/brands/brd_doesnotexist/accounts/instagram", "an unknown brand", { externalId: "1", accessToken: "t" }),
  bad("DELETE", (w) => `${brandPath(w)}/accounts/myspace`, "an unknown platform", {}),
  missing("DELETE", (w) => `${brandPath(w)}/accounts/youtube`, "an account never connected"),
  missing("DELETE", () => "/api/brands/brd_doesnotexist/accounts/instagram", "an unknown brand"),

  // ---- jobs ----------------------------------------------------------------
  bad("POST", "/api/jobs", "invalid JSON", { raw: "{" }),
  bad("POST", "/api/jobs", "a JSON array", { body: [{ variant: "light" }] }),
  bad("POST", "/api/jobs", "an unknown field (status)", { body: { variant: "light", brands: ["x"], status: "completed" } }),
  bad("POST", "/api/jobs", "a variant outside the enum", { body: { variant: "story", brands: ["x"] } }),
  bad("POST", "/api/jobs", "brands as a string", { body: { variant: "light", brands: "x" } }),
  bad("POST", "/api/jobs", "no brands", { body: { variant: "light", brands: [] } }),
  bad("POST", "/api/jobs", "a brand id of the wrong type", { body: { variant: "light", brands: [5] } }),
  bad("POST", "/api/jobs", "an unknown platform", { body: { variant: "light", brands: ["x"], platforms: ["myspace"] } }),
  bad("POST", "/api/jobs", "empty slide texts", { body: { variant: "post", brands: ["x"], slideTexts: [] } }),
  missing("POST", () => "/api/jobs", "an unknown brand", { variant: "light", brands: ["brd_doesnotexist"] }),
  bad("GET", "/api/jobs?limit=0", "limit=0", {}),
  bad("GET", "/api/jobs?limit=1000", "limit=1000", {}),
  bad("GET", "/api/jobs?limit=ten", "limit=ten", {}),
  bad("GET", "/api/jobs?limit=2.5", "limit=2.5", {}),
  bad("GET", "/api/jobs?category=done", "a category outside the enum", {}),
  bad("GET", "/api/jobs?variant=story", "a variant outside the enum", {}),
  bad("GET", "/api/jobs?cursor=abc", "a cursor this API never made", {}),
  bad("GET", "/api/jobs?page=2", "an unknown query parameter", {}),
  missing("GET", () => "/api/jobs/job-1", "a job id not in GEN-xxxxxx form"),
  missing("GET", () => "/api/jobs/GEN-12", "a job id with too few digits"),
  missing("GET", () => "/api/jobs/GEN-abcdef", "a job id with letters"),
  missing("GET", () => "/api/jobs/GEN-999999", "an unknown job"),
  missing("GET", () => `/api/jobs/GEN-${"9".repeat(30)}`, "a job number past 2^53"),
  bad("POST", schedulePath, "`at` that is not ISO", { body: { at: "tomorrow at noon" } }),
  bad("POST", schedulePath, "`at` as epoch milliseconds", { body: { at: Date.now() + DAY } }),
  bad("POST", schedulePath, "`at` as a date without a time", { body: { at: "2026-12-24" } }),
  bad("POST", schedulePath, "`at` on 30 February", { body: { at: "2027-02-30T12:00:00Z" } }),
  bad("POST", schedulePath, "an unknown field (force)", { body: { force: true } }),
  bad("POST", schedulePath, "invalid JSON", { raw: "at=2026-12-24T12:00:00Z" }),
  c("POST", schedulePath, "an explicit time in the past", { body: { at: isoIn(-60 * 60_000) } }, 422, "unprocessable"),
  c("POST", schedulePath, "an explicit time more than a year ahead", { body: { at: isoIn(400 * DAY) } }, 422, "unprocessable"),
  missing("POST", (w) => `/api/jobs/42/outputs/${w.brandId}/schedule`, "a job id not in GEN-xxxxxx form", {}),
  missing("POST", (w) => `/api/jobs/GEN-999999/outputs/${w.brandId}/schedule`, "an unknown job", {}),
  missing("POST", (w) => `/api/jobs/${w.readyJobId}/outputs/brd_doesnotexist/schedule`, "a brand not in the job", {}),
  c("POST", (w) => `/api/jobs/${w.scheduledJobId}/outputs/${w.brandId}/schedule`, "an output already scheduled", { body: {} }, 409, "already_scheduled"),
  c("POST", (w) => `/api/jobs/${w.pendingJobId}/outputs/${w.brandId}/schedule`, "an output still generating", { body: {} }, 409, "wrong_state"),
  bad("POST", (w) => `/api/jobs/${w.readyJobId}/schedule-all`, "a body on a body-less action", { body: { brands: ["x"] } }),
  missing("POST", () => "/api/jobs/GEN-999999/schedule-all", "an unknown job", {}),
  bad("PATCH", outputPath, "no field to change", { body: {} }),
  bad("PATCH", outputPath, "caption of the wrong type", { body: { caption: 5 } }),
  bad("PATCH", outputPath, "a server-owned field (status)", { body: { caption: "x", status: "scheduled" } }),
  bad("PATCH", outputPath, "an empty title", { body: { title: " " } }),
  bad("PATCH", outputPath, "a caption over Instagram's 2,200 characters", { body: { caption: "x".repeat(2201) } }),
  bad("PATCH", outputPath, "a YouTube title over 100 characters", { body: { ytTitle: "y".repeat(101) } }),
  missing("PATCH", (w) => `/api/jobs/GEN-999999/outputs/${w.brandId}`, "an unknown job", { caption: "x" }),
  missing("PATCH", (w) => `/api/jobs/${w.readyJobId}/outputs/brd_doesnotexist`, "a brand not in the job", { caption: "x" }),
  c("PATCH", (w) => `/api/jobs/${w.pendingJobId}/outputs/${w.brandId}`, "an output still generating", { body: { caption: "x" } }, 409, "wrong_state"),
  bad("POST", (w) => `/api/jobs/${w.readyJobId}/retry`, "a body on a body-less action", { body: { all: true } }),
  missing("POST", () => "/api/jobs/GEN-999999/retry", "an unknown job", {}),
  c("POST", (w) => `/api/jobs/${w.readyJobId}/retry`, "a job with nothing failed", { body: {} }, 409, "wrong_state"),

  // ---- schedules (calendar) ------------------------------------------------
  bad("GET", `/api/schedules?${windowQuery("2026-12-10T00:00:00Z", T0)}`, "a window with from after to", {}),
  bad("GET", `/api/schedules?${windowQuery(T0, T0)}`, "an empty window", {}),
  bad("GET", `/api/schedules?${windowQuery(T0, "2027-03-05T00:00:00.000Z")}`, "a 94-day window", {}),
  bad("GET", `/api/schedules?to=${T0}`, "no from", {}),
  bad("GET", `/api/schedules?from=${T0}`, "no to", {}),
  bad("GET", `/api/schedules?${windowQuery("yesterday", T0)}`, "from that is not ISO", {}),
  bad("GET", `/api/schedules?${windowQuery("2026-11-31T00:00:00Z", T0)}`, "from on 31 November", {}),
  bad("GET", `/api/schedules?${windowQuery(T0, "2026-12-02T00:00:00Z", "&type=story")}`, "a type outside the enum", {}),
  bad("GET", `/api/schedules?${windowQuery(T0, "2026-12-02T00:00:00Z", "&status=done")}`, "a status outside the enum", {}),
  bad("GET", `/api/schedules?${windowQuery(T0, "2026-12-02T00:00:00Z", "&month=12")}`, "an unknown query parameter", {}),
  missing("GET", () => "/api/schedules/sch_doesnotexist", "an unknown schedule"),
  bad("PATCH", (w) => `/api/schedules/${w.scheduleId}`, "scheduledAt that is not ISO", { body: { scheduledAt: "soon" } }),
  bad("PATCH", (w) => `/api/schedules/${w.scheduleId}`, "no scheduledAt", { body: {} }),
  bad("PATCH", (w) => `/api/schedules/${w.scheduleId}`, "scheduledAt as a number", { body: { scheduledAt: Date.now() + DAY } }),
  bad("PATCH", (w) => `/api/schedules/${w.scheduleId}`, "an unknown field (status)", { body: { scheduledAt: isoIn(5 * DAY), status: "published" } }),
  c("PATCH", (w) => `/api/schedules/${w.scheduleId}`, "a time in the past", { body: { scheduledAt: isoIn(-DAY) } }, 422, "unprocessable"),
  c("PATCH", (w) => `/api/schedules/${w.scheduleId}`, "a time more than a year ahead", { body: { scheduledAt: isoIn(400 * DAY) } }, 422, "unprocessable"),
  missing("PATCH", () => "/api/schedules/sch_doesnotexist", "an unknown schedule", { scheduledAt: isoIn(5 * DAY) }),
  missing("DELETE", () => "/api/schedules/sch_doesnotexist", "an unknown schedule"),
  bad("POST", (w) => `/api/schedules/${w.scheduleId}/retry`, "a body on a body-less action", { body: { platforms: ["instagram"] } }),
  missing("POST", () => "/api/schedules/sch_doesnotexist/retry", "an unknown schedule", {}),
  bad("POST", (w) => `/api/schedules/${w.scheduleId}/publish-now`, "a body on a body-less action", { body: { now: true } }),
  missing("POST", () => "/api/schedules/sch_doesnotexist/publish-now", "an unknown schedule", {}),

  // ---- automation and proposals --------------------------------------------
  bad("POST", "/api/automation/run", "no pass", { body: {} }),
  bad("POST", "/api/automation/run", "a pass outside the enum", { body: { pass: "everything" } }),
  bad("POST", "/api/automation/run", "an unknown field (force)", { body: { pass: "catchup", force: true } }),
  bad("POST", "/api/automation/pause", "a body on a body-less action", { body: { until: "tomorrow" } }),
  bad("POST", "/api/automation/resume", "a body on a body-less action", { body: { now: true } }),
  bad("PATCH", "/api/automation", "no setting", { body: {} }),
  bad("PATCH", "/api/automation", "a burst time of 7pm", { body: { burstTime: "7pm" } }),
  bad("PATCH", "/api/automation", "an invalid IANA time zone", { body: { timezone: "Nowhere/City" } }),
  bad("PATCH", "/api/automation", "a UTC offset instead of a zone", { body: { timezone: "-03:00" } }),
  bad("PATCH", "/api/automation", "21 items per brand", { body: { burstPerBrand: 21 } }),
  bad("PATCH", "/api/automation", "burstPerBrand as a string", { body: { burstPerBrand: "3" } }),
  bad("PATCH", "/api/automation", "a server-owned field (paused)", { body: { paused: true } }),
  bad("GET", "/api/proposals?status=done", "a status outside the enum", {}),
  missing("POST", (w) => `/api/proposals/${w.proposalId}/accept`, "an unknown proposal", {}),
  missing("POST", (w) => `/api/proposals/${w.proposalId}/reject`, "an unknown proposal", {}),
  bad("POST", (w) => `/api/proposals/${w.proposalId}/accept`, "a body on a body-less action", { body: { note: "x" } }),
];

async function send(k: Case) {
  const path = k.path(w);
  const caller = k.anonymous ? {} : w.s;
  const body = typeof k.body === "function" ? (k.body as (w: World) => unknown)(w) : k.body;
  const input = k.raw !== undefined ? { rawBody: k.raw } : body !== undefined ? { body } : {};
  return call(path, { ...caller, method: k.method, ...input });
}

/** `POST /api/jobs/:jobId/outputs/:brandId/schedule: an unknown job → 404 not_found`, for the test name. */
function caseName(k: Case) {
  const placeholders: World = {
    s: { cookie: "", workspaceId: "", userId: "", email: "" },
    brandId: ":brandId",
    otherBrandSlug: "",
    readyJobId: ":jobId",
    scheduledJobId: ":jobId",
    scheduleId: ":scheduleId",
    pendingJobId: ":jobId",
    proposalId: ":id",
  };
  return `${k.method} ${k.path(placeholders).split("?")[0]}: ${k.what} → ${k.status} ${k.code}`;
}

describe("API.md error rules, route by route", () => {
  it.each(CASES.map((k) => [caseName(k), k] as const))("%s", async (label, k) => {
    await expectNothingWritten(w.s.workspaceId, async () => expectClientError(await send(k), k.status, k.code, label), label);
  });
});

/**
 * Routes whose body is a file rather than JSON, with size limits of their own
 * (2 MB logo, 15 MB music; test/media/brand-assets.test.ts checks them).
 */
const FILE_BODY_PATHS = new Set(["/api/brands/:brandId/assets/:kind"]);

describe("every JSON body-taking route (read from the router)", () => {
  // Real ids, so a route that skipped validation would reach its handler and write.
  const params = () => ({ brandId: w.brandId, jobId: w.readyJobId, scheduleId: w.scheduleId, id: w.proposalId, platform: "instagram" });
  const bodyRoutes = registeredApiRoutes().filter(
    (r) => ["POST", "PUT", "PATCH"].includes(r.method) && r.path !== "/api/auth/logout" && !FILE_BODY_PATHS.has(r.path),
  );
  const label = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

  it("covers the routes API.md lists", () => {
    expect(bodyRoutes.length).toBeGreaterThanOrEqual(20);
  });

  const HOSTILE: Array<[string, string]> = [
    ["invalid JSON", '{"a": '],
    ["a JSON array", "[]"],
    ["JSON null", "null"],
    ["deeply nested JSON", `${"[".repeat(2000)}${"]".repeat(2000)}`],
  ];

  it.each(bodyRoutes.map((r) => [label(r), r] as const))("%s rejects malformed bodies with 400 and writes nothing", async (name, r) => {
    await expectNothingWritten(
      w.s.workspaceId,
      async () => {
        for (const [what, raw] of HOSTILE) {
          const res = await call(fillPath(r.path, params()), { ...w.s, method: r.method, rawBody: raw });
          await expectClientError(res, 400, "invalid_input", `${name}: ${what}`);
        }
      },
      name,
    );
  });

  it.each(bodyRoutes.map((r) => [label(r), r] as const))("%s rejects an unknown field by name", async (name, r) => {
    const err = await expectNothingWritten(
      w.s.workspaceId,
      async () => expectClientError(await call(fillPath(r.path, params()), { ...w.s, method: r.method, body: { zzUnknownField: 1 } }), 400, "invalid_input", name),
      name,
    );
    const issues = err.details as Array<{ code: string; message: string }>;
    expect(issues.some((i) => i.code === "unrecognized_keys" && i.message.includes("zzUnknownField")), JSON.stringify(issues)).toBe(true);
  });

  // Only a body declared JSON is read as JSON (issue 16 item 10): what an HTML form or a
  // no-preflight fetch from another site sends is refused before anything is parsed.
  const NOT_JSON = ["text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", ""];

  it.each(bodyRoutes.map((r) => [label(r), r] as const))("%s answers 415 to a body not declared as JSON, and writes nothing", async (name, r) => {
    await expectNothingWritten(
      w.s.workspaceId,
      async () => {
        for (const type of NOT_JSON) {
          const res = await call(fillPath(r.path, params()), { ...w.s, method: r.method, rawBody: "{}", headers: { "content-type": type } });
          const err = await expectClientError(res, 415, "unsupported_media_type", `${name}: ${type || "(empty)"}`);
          expect(err.message).toMatch(/Content-Type: application\/json/);
        }
      },
      name,
    );
  });

  it("reads JSON declared with parameters or in another case, and an empty body with no type at all", async () => {
    for (const type of ["application/json; charset=utf-8", "Application/JSON"]) {
      const res = await call(`/api/jobs/${w.readyJobId}/outputs/${w.brandId}`, { ...w.s, method: "PATCH", rawBody: '{"zz":1}', headers: { "content-type": type } });
      await expectClientError(res, 400, "invalid_input", type);
    }
    // A POST without a body (curl -X POST) needs no Content-Type.
    const res = await call(`/api/jobs/${w.pendingJobId}/schedule-all`, { ...w.s, method: "POST" });
    expect(res.status).toBe(200);
  });

  it.each(registeredApiRoutes().filter((r) => r.method !== "GET" && !FILE_BODY_PATHS.has(r.path)).map((r) => [label(r), r] as const))(
    "%s answers 413 to a body over 64 KB",
    async (name, r) => {
      // DELETE takes no body: it gets dummy ids, so a missing limit could not delete the fixtures.
      const path = r.method === "DELETE" ? fillPath(r.path) : fillPath(r.path, params());
      const big = JSON.stringify({ caption: "x".repeat(MAX_JSON_BODY) });
      await expectNothingWritten(
        w.s.workspaceId,
        async () => expectClientError(await call(path, { ...w.s, method: r.method, rawBody: big }), 413, "payload_too_large", name),
        name,
      );
    },
  );

  it("a body of exactly 64 KB is still read (the limit is not off by one the other way)", async () => {
    const padding = MAX_JSON_BODY - JSON.stringify({ caption: "" }).length;
    const res = await call(`/api/jobs/${w.readyJobId}/outputs/${w.brandId}`, { ...w.s, method: "PATCH", body: { caption: "x".repeat(padding) } });
    // Reached validation (2,200 characters at most), so the size limit let it through.
    await expectClientError(res, 400, "invalid_input");
  });
});

describe("values at the edge of the rules are accepted", () => {
  it("a 93-day window, an explicit time with an offset, limits 1 and 100, and IANA names with - + _ are fine", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    expect((await call(`/api/schedules?${windowQuery(T0, "2027-03-04T00:00:00.000Z")}`, s)).status).toBe(200);
    expect((await call(`/api/brands/${brand.id}/slots?${windowQuery(T0, "2027-03-04T00:00:00.000Z")}`, s)).status).toBe(200);
    const job = await createReadyJob(s, [brand.id]);
    const at = new Date(Date.now() + 3 * DAY);
    at.setUTCHours(10, 17, 0, 0);
    const plusTwo = at.toISOString().replace(/T10:17:00\.000Z$/, "T12:17:00+02:00");
    const res = await scheduleOne(s, job.jobId, brand.id, plusTwo);
    expect(res.status, await res.clone().text()).toBe(201);
    expect(((await res.json()) as Schedule).scheduledAt).toBe(at.toISOString());
    expect((await json<Job>(`/api/jobs/${job.jobId}`, s, 200)).outputs[0]!.status).toBe("scheduled");
    expect((await call(`/api/jobs?limit=1`, s)).status).toBe(200);
    expect((await call(`/api/jobs?limit=100`, s)).status).toBe(200);
    for (const timezone of ["UTC", "America/Port-au-Prince", "Etc/GMT+5", "America/Argentina/Buenos_Aires"]) {
      expect((await call("/api/brands", { ...s, body: { slug: unique("tz"), name: timezone, timezone } })).status, timezone).toBe(201);
    }
  });
});
