// `npm start`'s demo seeding against a busy server (issue 10, item 4): a
// connection closed mid-request and 5xx answers must not end it, and retrying
// must never create a brand or a job twice. The server is a small fake of the
// API routes seeding uses, with those faults injected.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";

// A plain .mjs script (no type declarations for this project's type check): imported by URL, typed here.
const localEnv: {
  DEMO: { brands: { slug: string }[] };
  seedDemoContent(base: string): Promise<{ created: number }>;
} = await import(new URL("../../scripts/local-env.mjs", import.meta.url).href);
const { DEMO, seedDemoContent } = localEnv;

interface FakeApi {
  base: string;
  brands: { id: string; slug: string }[];
  accounts: Set<string>;
  jobs: { variant: string }[];
  history(): number;
  close(): Promise<void>;
}

type Fault = "close" | "503" | "500-after-write" | "close-after-write";

/** Faults per "METHOD path-prefix", consumed in order, one per matching request. */
async function startFakeApi(faults: Record<string, Fault[]>): Promise<FakeApi> {
  const state = { brands: [] as { id: string; slug: string; brief?: unknown }[], accounts: new Set<string>(), jobs: [] as { variant: string }[], historyRequests: 0 };
  const body = async (req: IncomingMessage) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    return text ? JSON.parse(text) : null;
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url!, "http://fake");
    const key = Object.keys(faults).find((k) => `${req.method} ${url.pathname}`.startsWith(k) && faults[k]!.length);
    const fault = key ? faults[key]!.shift() : undefined;
    if (fault === "close") return req.socket.destroy();
    if (fault === "503") return res.writeHead(503).end("busy");
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      if (fault === "close-after-write") return req.socket.destroy();
      if (fault === "500-after-write") return res.writeHead(500).end("lost");
      res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(data));
    };
    const input = await body(req);
    if (req.method === "POST" && url.pathname === "/api/auth/login") return send(200, {}, { "set-cookie": "session=s; Path=/" });
    if (req.headers.cookie !== "session=s") return send(401, { error: { code: "unauthenticated" } });
    if (req.method === "GET" && url.pathname === "/api/brands") return send(200, { brands: state.brands });
    if (req.method === "POST" && url.pathname === "/api/brands") {
      if (state.brands.some((b) => b.slug === input.slug)) return send(409, { error: { code: "conflict" } });
      const brand = { id: `brd_${input.slug}`, slug: input.slug };
      state.brands.push(brand);
      return send(201, brand);
    }
    // The demo brands' briefs (PATCH is idempotent: the same brief twice is one brief).
    const brandPath = /^\/api\/brands\/([^/]+)$/.exec(url.pathname);
    const patched = req.method === "PATCH" && brandPath ? state.brands.find((b) => b.id === brandPath[1]) : undefined;
    if (patched) {
      patched.brief = input.brief;
      return send(200, patched);
    }
    const account = /^\/api\/brands\/([^/]+)\/accounts\/sandbox$/.exec(url.pathname);
    if (req.method === "PUT" && account) {
      state.accounts.add(account[1]!);
      return send(200, {});
    }
    // The demo's month of history: idempotent on the server, so a retry is harmless.
    if (req.method === "POST" && url.pathname === "/api/analytics/demo-history") {
      state.historyRequests++;
      return send(200, { brands: 0, posts: 0 });
    }
    if (req.method === "GET" && url.pathname === "/api/jobs") {
      const variant = url.searchParams.get("variant");
      return send(200, { jobs: state.jobs.filter((j) => !variant || j.variant === variant) });
    }
    if (req.method === "POST" && url.pathname === "/api/jobs") {
      state.jobs.push({ variant: input.variant });
      return send(201, { jobId: `GEN-${state.jobs.length}` });
    }
    send(404, { error: { code: "not_found" } });
  };
  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    ...state,
    history: () => state.historyRequests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let api: FakeApi | null = null;
afterEach(async () => {
  await api?.close();
  api = null;
});

function expectSeededOnce(fake: FakeApi) {
  expect(fake.brands.map((b) => b.slug).sort()).toEqual(DEMO.brands.map((b) => b.slug).sort());
  expect([...fake.accounts].sort()).toEqual(fake.brands.map((b) => b.id).sort());
  expect(fake.jobs.map((j) => j.variant).sort()).toEqual(["dark", "light", "post"]);
  expect(fake.history()).toBeGreaterThanOrEqual(1);
}

describe("demo seeding through a busy server", () => {
  it("a closed connection and 5xx answers on idempotent requests are retried", async () => {
    api = await startFakeApi({ "POST /api/auth/login": ["close", "503"], "GET /api/brands": ["503", "close"], "PUT /api/brands": ["close"], "GET /api/jobs": ["503"] });
    await seedDemoContent(api.base);
    expectSeededOnce(api);
  });

  it("a create whose answer is lost is not repeated blindly: the next pass finds it and creates nothing twice", async () => {
    api = await startFakeApi({ "POST /api/brands": ["close-after-write"], "POST /api/jobs": ["500-after-write", "close"] });
    await seedDemoContent(api.base);
    expectSeededOnce(api);
  });

  it("a second run on a seeded workspace changes nothing", async () => {
    api = await startFakeApi({});
    await seedDemoContent(api.base);
    await seedDemoContent(api.base);
    expectSeededOnce(api);
  });
});
