// GET /api/openapi.json: API.md as an OpenAPI 3.1 document, generated from the
// route table (endpoints.ts) and the zod schemas it names, through zod 4's
// JSON Schema output. OpenAPI 3.1's Schema Object is JSON Schema draft
// 2020-12, which is zod's default target; request bodies and query strings are
// converted as zod's input (what a client sends: defaults optional, before
// transforms), answers as its output. Built once per isolate.
import { z } from "zod";
import { SESSION_COOKIE } from "../auth/credential";
import { ENDPOINTS, PATH_PARAMS, TAGS, type Endpoint, type ErrorStatus, type JsonSchema, type RawContent, type Reply } from "./endpoints";
import { EVENT_DATA, EVENTS, EVENT_NAMES, eventBodySchema } from "../contract/events";
import * as s from "../contract/schemas";

/** Schemas with a name of their own in `components/schemas`, the same as a request and as an answer. */
const SHARED: Record<string, z.ZodType> = {
  Platform: s.platform,
  Variant: s.variant,
  Role: s.role,
  BrandColors: s.brandColors,
  SlotConfig: s.slotConfig,
  EmptyBody: s.emptyBody,
};
/** Answers API.md names (and their parts SDKs want as types); any other answer is named after its operation. */
const RESPONSES: Record<string, z.ZodType> = {
  Error: s.apiErrorBody,
  Health: s.health,
  User: s.user,
  Me: s.me,
  AuthResult: s.authResult,
  ApiToken: s.apiToken,
  TokenCreated: s.tokenCreated,
  TokenList: s.tokenList,
  Member: s.member,
  Invitation: s.invitation,
  MemberList: s.memberList,
  InvitationCreated: s.invitationCreated,
  InvitationPreview: s.invitationPreview,
  AcceptResult: s.acceptResult,
  Brand: s.brand,
  BrandList: s.brandList,
  Brief: s.brief,
  Account: s.account,
  Candidate: s.candidate,
  CandidateList: s.candidateList,
  ConnectResult: s.connectResult,
  BrandAsset: s.brandAsset,
  BrandSlots: s.brandSlots,
  Job: s.job,
  JobList: s.jobList,
  Output: s.output,
  Media: s.media,
  Creator: s.creator,
  BrandRef: s.brandRef,
  Schedule: s.schedule,
  ScheduleList: s.scheduleList,
  Delivery: s.delivery,
  AttemptLogEntry: s.attemptLogEntry,
  CalendarWindow: s.calendarWindow,
  DeliveryItem: s.deliveryItem,
  DeliveryList: s.deliveryList,
  Run: s.run,
  AutomationState: s.automationState,
  BrandQuota: s.brandQuota,
  Proposal: s.proposal,
  ProposalList: s.proposalList,
  ProposalAccepted: s.proposalAccepted,
  ProposalRejected: s.proposalRejected,
  WorkspaceUsage: s.workspaceUsage,
  Metrics: s.metrics,
  PostMetrics: s.postMetrics,
  PostMetricsList: s.postMetricsList,
  Totals: s.totals,
  BrandAnalytics: s.brandAnalytics,
  BestTimes: s.bestTimes,
  Notification: s.notification,
  NotificationList: s.notificationList,
  Webhook: s.webhook,
  WebhookCreated: s.webhookCreated,
  WebhookList: s.webhookList,
  WebhookSecret: s.webhookSecret,
  WebhookAttempt: s.webhookAttempt,
  WebhookAttemptList: s.webhookAttemptList,
};
/** Request bodies named apart from their operation (parts of several). */
const REQUESTS: Record<string, z.ZodType> = { BriefInput: s.briefInput };

const TARGET = "draft-2020-12";
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const pascal = (id: string) => id.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_, _sep, ch: string) => ch.toUpperCase());
const isZod = (v: unknown): v is z.ZodType => v instanceof z.ZodType;
const isRaw = (v: unknown): v is RawContent => typeof v === "object" && v !== null && !isZod(v);

/**
 * zod's output schema of a plain `z.object` forbids other properties (it strips them when parsing); an
 * answer may grow fields, so clients must not reject them. Strict objects (requests) keep the rule.
 * Descriptions given with `.describe()` live in zod's global registry, which a registry conversion does not read.
 */
function overrideFor(io: "input" | "output") {
  return ({ zodSchema, jsonSchema }: { zodSchema: z.core.$ZodType; jsonSchema: JsonSchema }) => {
    const def = zodSchema._zod.def as { type: string; catchall?: unknown; in?: z.core.$ZodType };
    if (io === "output" && def.type === "object" && !def.catchall) delete jsonSchema.additionalProperties;
    if (io === "input" && isStringPipe(zodSchema)) Object.assign(jsonSchema, stringPipeChecks(zodSchema));
    const refinement = REFINEMENTS.get(zodSchema as z.ZodType);
    if (io === "input" && refinement) Object.assign(jsonSchema, refinement);
    const description = z.globalRegistry.get(zodSchema as z.ZodType)?.description;
    if (description && jsonSchema.description === undefined) jsonSchema.description = description;
  };
}

/**
 * Request refinements zod cannot put into JSON Schema (its `.refine` callbacks), said in JSON Schema.
 * test/openapi.test.ts holds them to the routes: a body a route refuses as `invalid_input` must be invalid here.
 */
const REFINEMENTS = new Map<z.ZodType, JsonSchema>([
  [s.notificationsReadInput, { oneOf: [{ required: ["ids"] }, { required: ["all"] }] }],
  [s.webhookUpdateInput, { minProperties: 1 }],
  [s.outputUpdateInput, { minProperties: 1 }],
  [s.automationSettingsInput, { minProperties: 1 }],
]);

/**
 * zod's input schema of a pipe is its first stage; a string piped into checks (`email`: trimmed, then `z.email()`,
 * then at most 254 characters) must satisfy the later stages too, so a client is told all of them. (The route
 * forgives surrounding spaces, which JSON Schema cannot say: the document asks for the clean value.)
 */
function isStringPipe(schema: z.core.$ZodType): boolean {
  const def = schema._zod.def as { type: string; in?: z.core.$ZodType };
  return def.type === "pipe" && (def.in!._zod.def.type === "string" || isStringPipe(def.in!));
}

function stringPipeChecks(schema: z.core.$ZodType): JsonSchema {
  const def = schema._zod.def as { type: string; in?: z.core.$ZodType; out?: z.core.$ZodType };
  if (def.type !== "pipe") return clean(z.toJSONSchema(schema as z.ZodType, { target: TARGET, io: "input" }) as JsonSchema);
  if (def.out!._zod.def.type === "transform") return {};
  return { ...stringPipeChecks(def.in!), ...stringPipeChecks(def.out!) };
}

function clean(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}

/** One registry to `components/schemas`, every cross-reference a `$ref` to its name there. */
function convert(registry: z.core.$ZodRegistry<{ id: string }>, io: "input" | "output"): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(registry, { target: TARGET, io, uri: (id) => `#/components/schemas/${id}`, override: overrideFor(io) });
  return Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, clean(schema as JsonSchema)]));
}

/** A standalone schema (a parameter's), inlined. */
function inline(schema: z.ZodType, io: "input" | "output" = "input"): JsonSchema {
  return clean(z.toJSONSchema(schema, { target: TARGET, io, override: overrideFor(io) }) as JsonSchema);
}

function register(registry: z.core.$ZodRegistry<{ id: string }>, named: Record<string, z.ZodType>) {
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
}

function rawContent(raw: RawContent) {
  const content = raw.content && Object.fromEntries(Object.entries(raw.content).map(([type, schema]) => [type, Object.keys(schema).length ? { schema } : {}]));
  const headers = raw.headers && Object.fromEntries(Object.entries(raw.headers).map(([name, h]) => [name, { description: h.description, schema: h.schema ?? { type: "string" } }]));
  return { description: raw.description, ...(content ? { content } : {}), ...(headers ? { headers } : {}) };
}

const STATUS_WORDS: Record<number, string> = { 200: "OK.", 201: "Created.", 202: "Accepted.", 204: "Done; no content.", 206: "Partial content.", 302: "Found.", 304: "Not modified." };

/** Path parameters in the order the template names them. */
export const pathParamNames = (path: string) => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);

const ROLE_WORDS = { viewer: "Every member of the workspace may call it (viewers too).", editor: "Needs the editor role (or owner).", owner: "Owners only." };
const NOT_MEMBER = "`X-Workspace` names a workspace the caller is not a member of (for a token: not its own), or a browser's cross-site write with the cookie";

/** The common client errors of /api routes, each described once in `components/responses`. */
const COMMON_ERRORS = {
  InvalidInput: { status: 400, description: "The input is not valid (`invalid_input`): `details` lists each problem with its path." },
  Unauthenticated: { status: 401, description: "No credentials, or they are not valid (`unauthenticated`)." },
  Forbidden: { status: 403, description: `${NOT_MEMBER} (\`forbidden\`).` },
  EditorsOnly: { status: 403, description: `The caller is a viewer (\`forbidden\`: this needs the editor role), or ${NOT_MEMBER}.` },
  OwnersOnly: { status: 403, description: `The caller is not an owner (\`forbidden\`), or ${NOT_MEMBER}.` },
  NotFound: { status: 404, description: "Not found, or in another workspace (`not_found`): existence is never revealed." },
  PayloadTooLarge: { status: 413, description: "The body is too large (`payload_too_large`)." },
  UnsupportedMediaType: { status: 415, description: "A body not sent as `Content-Type: application/json` (`unsupported_media_type`); an empty body needs no type." },
} as const;
type CommonError = keyof typeof COMMON_ERRORS;
const envelope = (description: string) => ({ description, content: { "application/json": { schema: ref("Error") } } });

/** Client errors every /api route of its kind can answer, by status. Outside /api each route lists its own. */
function impliedErrors(e: Endpoint): Partial<Record<ErrorStatus, CommonError>> {
  if (!e.path.startsWith("/api/")) return {};
  const out: Partial<Record<ErrorStatus, CommonError>> = {};
  const params = pathParamNames(e.path);
  const validatedParam = params.some((p) => !(PATH_PARAMS[p] instanceof z.ZodString));
  if (isZod(e.body) || e.query || validatedParam) out[400] = "InvalidInput";
  if (e.access !== "public" && e.access !== "optional") {
    out[401] = "Unauthenticated";
    out[403] = e.access === "owner" ? "OwnersOnly" : e.access === "editor" ? "EditorsOnly" : "Forbidden";
  }
  if (params.length) out[404] = "NotFound";
  if (e.body) out[413] = "PayloadTooLarge";
  if (isZod(e.body)) out[415] = "UnsupportedMediaType";
  return out;
}

function security(e: Endpoint) {
  if (e.access === "public") return [];
  if (e.sessionOnly) return [{ session: [] }];
  if (e.access === "optional") return [{}, { session: [] }, { apiToken: [] }];
  return [{ session: [] }, { apiToken: [] }];
}

function operation(e: Endpoint, names: { request: Map<z.ZodType, string>; response: Map<z.ZodType, string> }) {
  const parameters: unknown[] = pathParamNames(e.path).map((name) => {
    const schema = PATH_PARAMS[name];
    if (!schema) throw new Error(`${e.method.toUpperCase()} ${e.path}: no PATH_PARAMS entry for {${name}}`);
    const { description, ...rest } = inline(schema);
    return { name, in: "path", required: true, ...(description ? { description } : {}), schema: rest };
  });
  if (e.query) {
    const q = inline(e.query);
    const required = new Set((q.required as string[] | undefined) ?? []);
    for (const [name, prop] of Object.entries((q.properties ?? {}) as Record<string, JsonSchema>)) {
      const { description, ...rest } = prop;
      parameters.push({ name, in: "query", required: required.has(name), ...(description ? { description } : {}), schema: rest });
    }
  }
  for (const [name, description] of Object.entries(e.headers ?? {})) parameters.push({ name, in: "header", required: false, description, schema: { type: "string" } });
  if (e.access !== "public" && e.access !== "optional") parameters.push({ $ref: "#/components/parameters/Workspace" });

  const responses: Record<string, unknown> = {};
  for (const [status, reply] of Object.entries(e.responses) as [string, Reply][]) {
    responses[status] = isZod(reply)
      ? { description: STATUS_WORDS[Number(status)], content: { "application/json": { schema: ref(names.response.get(reply)!) } } }
      : reply === null
        ? { description: STATUS_WORDS[Number(status)] }
        : rawContent(reply);
  }
  const implied = impliedErrors(e);
  const statuses = new Set([...Object.keys(implied), ...Object.keys(e.errors ?? {})].map(Number) as ErrorStatus[]);
  for (const status of [...statuses].sort()) {
    const own = e.errors?.[status];
    responses[status] = own === undefined ? { $ref: `#/components/responses/${implied[status]}` } : isRaw(own) ? rawContent(own) : envelope(own);
  }

  const role = e.access === "public" || e.access === "optional" ? null : e.access;
  const notes = [
    e.description,
    role ? ROLE_WORDS[role] : null,
    e.sessionOnly ? "Needs a signed-in person (the session cookie): API tokens cannot manage API tokens." : null,
  ].filter(Boolean);
  return {
    operationId: e.operationId,
    tags: [e.tag],
    summary: e.summary,
    ...(notes.length ? { description: notes.join("\n\n") } : {}),
    security: security(e),
    ...(role ? { "x-brandcast-role": role } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(e.body
      ? {
          requestBody: isZod(e.body)
            ? // An empty body reads as `{}` (lib/validate.ts readJson), so a body every field of which is optional may be left out.
              { required: !e.body.safeParse({}).success, content: { "application/json": { schema: ref(names.request.get(e.body)!) } } }
            : { required: true, ...rawContent(e.body) },
        }
      : {}),
    responses,
  };
}

/** Standard Webhooks' headers, on every event, as `components/parameters`. */
const WEBHOOK_HEADERS: Record<string, { name: string; description: string }> = {
  WebhookId: { name: "webhook-id", description: "The event's id (`evt_…`): the same on every retry, so a receiver can drop duplicates." },
  WebhookTimestamp: { name: "webhook-timestamp", description: "When this attempt was signed, Unix seconds: refuse old ones to stop replays." },
  WebhookSignature: {
    name: "webhook-signature",
    description:
      "`v1,<base64 of HMAC-SHA256 keyed by the secret's decoded bytes (after `whsec_`) over \"<webhook-id>.<webhook-timestamp>.<body>\">`; space-separated when two secrets sign (for 24 h after a rotation). Standard Webhooks.",
  },
};

function webhookOperation(name: (typeof EVENT_NAMES)[number], component: string) {
  return {
    post: {
      operationId: `event_${name.replace(/\./g, "_")}`,
      tags: ["Notifications and webhooks"],
      summary: EVENTS[name].summary,
      description:
        "POSTed to each enabled webhook that picked this event, signed per Standard Webhooks. Endpoints with `format: slack` or `discord` get that platform's incoming-webhook message instead (unsigned, as those platforms expect).",
      parameters: Object.keys(WEBHOOK_HEADERS).map((p) => ({ $ref: `#/components/parameters/${p}` })),
      requestBody: { required: true, content: { "application/json": { schema: ref(component) } } },
      responses: { "2XX": { $ref: "#/components/responses/WebhookAnswer" } },
    },
  };
}

/** The document for this deployment (`version` is APP_VERSION), without `servers`: openApiDocument adds the origin. */
export function buildOpenApi(version: string) {
  const output = z.registry<{ id: string }>();
  const input = z.registry<{ id: string }>();
  register(output, { ...SHARED, ...RESPONSES, ...EVENT_DATA });
  register(input, { ...SHARED, ...REQUESTS });
  const events = EVENT_NAMES.map((name) => ({ name, component: `${pascal(name)}Event`, schema: eventBodySchema(name) }));
  for (const ev of events) output.add(ev.schema, { id: ev.component });
  // Anything an operation sends or answers that has no name yet is named after the operation.
  for (const e of ENDPOINTS) {
    if (isZod(e.body) && !input.has(e.body)) input.add(e.body, { id: `${pascal(e.operationId)}Request` });
    for (const reply of Object.values(e.responses)) if (isZod(reply) && !output.has(reply)) output.add(reply, { id: `${pascal(e.operationId)}Response` });
  }
  const answers = convert(output, "output");
  const requests = convert(input, "input");
  for (const name of Object.keys(SHARED)) {
    if (JSON.stringify(answers[name]) !== JSON.stringify(requests[name])) throw new Error(`components/schemas/${name} differs as a request and as an answer: move it out of SHARED`);
  }
  const names = { request: idMap(input), response: idMap(output) };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of ENDPOINTS) {
    const item = (paths[e.path] ??= {});
    if (item[e.method]) throw new Error(`${e.method.toUpperCase()} ${e.path} is in the route table twice`);
    item[e.method] = operation(e, names);
  }

  return {
    openapi: "3.1.1",
    info: {
      title: "Brandcast API",
      version,
      description: [
        "Content automation and scheduling for operators of several social-media brands. The contract of API.md, generated from the Worker's own zod schemas.",
        "All JSON; times are ISO-8601 UTC strings. Every `/api` route except health, this document and the sign-in routes needs the session cookie or `Authorization: Bearer <api token>`, and acts on the caller's current workspace (`X-Workspace` picks another one the caller belongs to).",
        "Unknown fields in a request body are rejected; answers may gain fields, which clients should ignore. Errors are `{error: {code, message, details?}}` (`Error`); bad input is always a 4xx, never a 500.",
      ].join("\n\n"),
    },
    jsonSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
    tags: TAGS.map((name) => ({ name })),
    security: [{ session: [] }, { apiToken: [] }],
    paths,
    webhooks: Object.fromEntries(events.map((ev) => [ev.name, webhookOperation(ev.name, ev.component)])),
    components: {
      schemas: { ...answers, ...requests },
      responses: {
        ...Object.fromEntries(Object.entries(COMMON_ERRORS).map(([name, c]) => [name, envelope(c.description)])),
        WebhookAnswer: {
          description:
            "Any 2xx within 10 s is success. Otherwise the event is retried with backoff (the first retry within 30 s, then growing, for about 24 h), and an endpoint that has failed for 3 days in a row is disabled.",
        },
      },
      parameters: {
        Workspace: {
          name: "X-Workspace",
          in: "header",
          required: false,
          description: "Act in this workspace (one the caller belongs to) instead of the session's current one; a token acts only in its own.",
          schema: { type: "string" },
        },
        ...Object.fromEntries(Object.entries(WEBHOOK_HEADERS).map(([key, h]) => [key, { ...h, in: "header", required: true, schema: { type: "string" } }])),
      },
      securitySchemes: {
        session: {
          type: "apiKey",
          in: "cookie",
          name: SESSION_COOKIE,
          description: "The session cookie that sign-in sets (HttpOnly, SameSite=Lax). A browser's cross-site write with it is refused (403).",
        },
        apiToken: { type: "http", scheme: "bearer", description: "An API token from `POST /api/tokens`, acting as its user in the workspace it was made in." },
      },
    },
  };
}

function idMap(registry: z.core.$ZodRegistry<{ id: string }>): Map<z.ZodType, string> {
  const out = new Map<z.ZodType, string>();
  for (const [id, schema] of registry._idmap) out.set(schema as z.ZodType, id);
  return out;
}

export type OpenApiDocument = ReturnType<typeof buildOpenApi>;

let built: { version: string; doc: OpenApiDocument } | null = null;

/** The document, built on first use in this isolate, with `origin` as its server. */
export function openApiDocument(version: string, origin: string) {
  if (built?.version !== version) built = { version, doc: buildOpenApi(version) };
  return { ...built.doc, servers: [{ url: origin }] };
}
