// REGRESSIONS #24 (an unauthenticated publish endpoint): every /api route the
// app registers, read from the router itself so routes added later are covered
// without editing this file, refuses callers without credentials.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Schedule } from "../worker/contract/schemas";
import {
  call,
  countRows,
  createBrand,
  createReadyJob,
  expectClientError,
  expectNothingWritten,
  fillPath,
  invite,
  json,
  registeredApiRoutes,
  scheduleOne,
  signup,
  unique,
  type RouteRef,
} from "./support/fixtures";

/** The only routes API.md lets anyone call. */
const PUBLIC_ROUTES = [
  "GET /api/health",
  // The contract itself, as API.md is: it names routes, never data.
  "GET /api/openapi.json",
  "POST /api/auth/signup",
  "POST /api/auth/login",
  "POST /api/auth/logout",
  // The invitee may have no account yet: the link's token is the credential.
  "POST /api/auth/invitation",
  "POST /api/auth/accept-invitation",
];

const routes = registeredApiRoutes();
const key = (r: RouteRef) => `${r.method} ${r.path}`;
const guarded = routes.filter((r) => !PUBLIC_ROUTES.includes(key(r)));

async function probe(r: RouteRef, credentials: Record<string, string> = {}) {
  const write = r.method !== "GET" && r.method !== "HEAD";
  return call(fillPath(r.path), { method: r.method, headers: credentials, ...(write ? { body: {} } : {}) });
}

describe("the route table", () => {
  it("is read from the app and holds every resource of API.md", () => {
    // A broken enumeration (0 routes) must not pass the checks below vacuously.
    expect(guarded.length).toBeGreaterThanOrEqual(30);
    const paths = new Set(routes.map(key));
    for (const r of [
      ...PUBLIC_ROUTES,
      "GET /api/me",
      "POST /api/tokens",
      "POST /api/brands",
      "PUT /api/brands/:brandId/accounts/:platform",
      "POST /api/jobs/:jobId/outputs/:brandId/schedule",
      "DELETE /api/schedules/:scheduleId",
      "POST /api/schedules/:scheduleId/publish-now",
      "POST /api/automation/run",
      "POST /api/proposals/:id/accept",
      "GET /api/members",
      "POST /api/members/invitations",
      "DELETE /api/members/invitations/:id",
      "PATCH /api/members/:userId",
      "DELETE /api/members/:userId",
    ]) {
      expect(paths, r).toContain(r);
    }
  });

  it("fills every path parameter", () => {
    for (const r of guarded) expect(fillPath(r.path), key(r)).not.toMatch(/[:*{}]/);
  });
});

describe("every /api route except health and sign-up/in/out needs credentials", () => {
  it.each(guarded.map((r) => [key(r), r] as const))("%s answers 401 without credentials", async (label, r) => {
    await expectClientError(await probe(r), 401, "unauthenticated", label);
  });

  it.each(guarded.map((r) => [key(r), r] as const))("%s answers 401 to a forged cookie or bearer token", async (label, r) => {
    await expectClientError(await probe(r, { cookie: "__Host-sid=forged-session-id" }), 401, "unauthenticated", `${label} (cookie)`);
    await expectClientError(await probe(r, { authorization: "Bearer bc_forged" }), 401, "unauthenticated", `${label} (bearer)`);
    await expectClientError(await probe(r, { authorization: "Basic dXNlcjpwYXNz" }), 401, "unauthenticated", `${label} (basic)`);
  });

  it("the public routes answer without credentials (and are not 401)", async () => {
    expect((await call("/api/health")).status).toBe(200);
    expect((await call("/api/openapi.json")).status).toBe(200);
    expect((await call("/api/auth/logout", { method: "POST" })).status).toBe(204);
    await expectClientError(await call("/api/auth/login", { body: {} }), 400, "invalid_input", "login");
    await expectClientError(await call("/api/auth/signup", { body: {} }), 400, "invalid_input", "signup");
    await expectClientError(await call("/api/auth/invitation", { body: {} }), 400, "invalid_input", "invitation look-up");
    await expectClientError(await call("/api/auth/accept-invitation", { body: {} }), 400, "invalid_input", "accept-invitation");
  });

  it("an unknown /api path also needs credentials, and is a 404 in the error shape once signed in", async () => {
    await expectClientError(await call("/api/no-such-thing"), 401, "unauthenticated", "anonymous");
    const s = await signup();
    await expectClientError(await call("/api/no-such-thing", s), 404, "not_found", "signed in");
  });
});

// REGRESSIONS #2 and #22: the same table, signed in as another workspace, with
// real ids of the first one: every route answers 404 and nothing changes.
describe("every route that takes an id is scoped to the caller's workspace", () => {
  /** Valid bodies, so that a 404 is never a validation error in disguise. A new route that needs one fails until added here. */
  const BODIES: Record<string, unknown> = {
    "PATCH /api/brands/:brandId": { name: "Stolen" },
    "PUT /api/brands/:brandId/accounts/:platform": { externalId: "1", accessToken: "stolen" },
    "POST /api/brands/:brandId/accounts/:platform/select": { externalId: "1" },
    "PATCH /api/jobs/:jobId/outputs/:brandId": { caption: "Stolen" },
    "PATCH /api/schedules/:scheduleId": { scheduledAt: new Date(Date.now() + 9 * 86_400_000).toISOString() },
    "PATCH /api/members/:userId": { role: "viewer" },
    "PATCH /api/webhooks/:webhookId": { enabled: false },
  };
  const QUERIES: Record<string, string> = {
    "GET /api/brands/:brandId/slots": `?from=${new Date().toISOString()}&to=${new Date(Date.now() + 7 * 86_400_000).toISOString()}`,
    "GET /api/analytics/brands/:brandId": `?from=${new Date(Date.now() - 30 * 86_400_000).toISOString()}&to=${new Date().toISOString()}`,
  };
  const withIds = guarded.filter((r) => r.path.includes(":"));

  it("answers 404 not_found to another workspace's ids on every such route, and writes nothing", async () => {
    expect(withIds.length).toBeGreaterThanOrEqual(15);
    const a = await signup();
    const brand = await createBrand(a);
    await json(`/api/brands/${brand.id}/accounts/instagram`, { ...a, method: "PUT", body: { externalId: "ig1", accessToken: "secret" } }, 200);
    const scheduled = await createReadyJob(a, [brand.id]);
    const schedule = (await (await scheduleOne(a, scheduled.jobId, brand.id)).json()) as Schedule;
    const ready = await createReadyJob(a, [brand.id]);
    const proposalId = unique("prp_");
    await env.DB.prepare("INSERT INTO proposals (id, workspace_id, brand_id, title, angle, variant) VALUES (?, ?, ?, 'A topic', 'quick win', 'light')")
      .bind(proposalId, a.workspaceId, brand.id)
      .run();
    const token = await json<{ id: string }>("/api/tokens", { ...a, body: { name: "a's" } }, 201);
    const invitation = await invite(a);
    const webhook = await json<{ id: string }>("/api/webhooks", { ...a, body: { url: "https://hooks.example.com/a", events: ["ping"] } }, 201);
    const params = { brandId: brand.id, jobId: ready.jobId, scheduleId: schedule.scheduleId, id: proposalId, platform: "instagram", userId: a.userId, webhookId: webhook.id };

    const b = await signup();
    const ids = (r: RouteRef) =>
      r.path.startsWith("/api/tokens/") ? { id: token.id } : r.path.startsWith("/api/members/invitations/") ? { id: invitation.id } : params;
    await expectNothingWritten(a.workspaceId, async () => {
      for (const r of withIds) {
        const body = BODIES[key(r)] ?? (["POST", "PUT", "PATCH"].includes(r.method) ? {} : undefined);
        const res = await call(fillPath(r.path, ids(r)) + (QUERIES[key(r)] ?? ""), { ...b, method: r.method, ...(body === undefined ? {} : { body }) });
        await expectClientError(res, 404, "not_found", key(r));
      }
    });
    expect(await countRows("schedules", "workspace_id = ?", b.workspaceId)).toBe(0);
    expect(await countRows("generation_jobs", "workspace_id = ?", b.workspaceId)).toBe(0);
  });
});
