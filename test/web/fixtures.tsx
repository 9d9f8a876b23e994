// Shared fixtures for the web tests: API rows shaped by the contract types,
// a fake client that answers from memory, a fake fetch that answers by route,
// and the whole app mounted at a path.
import { render } from "preact";
import { act } from "preact/test-utils";
import { App } from "../../web/src/App";
import { createAppState } from "../../web/src/state/app";
import type { Api } from "../../web/src/api/client";
import type { Account, Brand, CalendarWindowResponse, Job, Schedule } from "../../web/src/api/types";
import { CALENDAR_COLUMNS } from "../../worker/contract/schemas";

let n = 0;
export function makeSchedule(over: Partial<Schedule> & { scheduledAt: string }): Schedule {
  n++;
  return {
    scheduleId: `sch_${n}`,
    jobId: `GEN-${String(n).padStart(6, "0")}`,
    brandId: "brd_a",
    brand: { id: "brd_a", slug: "acme", name: "Acme", timezone: "Europe/Lisbon", color: "#059669" },
    variant: "light",
    contentType: "reel",
    status: "scheduled",
    createdBy: { kind: "user", id: "usr_1", name: "Ana" },
    title: `Item ${n}`,
    caption: null,
    media: {},
    deliveries: [],
    ...over,
  };
}

export function makeJob(over: Partial<Job> = {}): Job {
  n++;
  return {
    jobId: `GEN-${String(n).padStart(6, "0")}`,
    variant: "light",
    contentType: "reel",
    status: "completed",
    title: `Job ${n}`,
    topic: null,
    createdAt: "2026-11-20T10:00:00.000Z",
    createdBy: { kind: "automation", name: "Automation" },
    category: "to_schedule",
    platforms: ["sandbox"],
    outputs: [],
    ...over,
  };
}

export function makeBrand(over: Partial<Brand> & { id: string; name: string }): Brand {
  return {
    slug: over.id,
    timezone: "Europe/Lisbon",
    colors: { primary: "#2563eb", accent: "#db2777", light: { bg: "#ffffff", fg: "#111827" }, dark: { bg: "#0b1020", fg: "#f9fafb" } },
    slots: { reel: [], post: [] },
    scheduleOffset: 0,
    handle: null,
    brief: { niche: "", audience: "", tone: "", language: "en", topics: [], avoid: [], bannedWords: [], hashtags: [], reelsPerDay: null, postsPerDay: null },
    accounts: [],
    ...over,
  };
}

export const makeAccount = (over: Partial<Account> = {}): Account => ({
  platform: "instagram",
  externalId: "1784",
  name: "dailyhabits",
  status: "connected",
  statusReason: null,
  expiresAt: "2027-01-20T10:00:00.000Z",
  connectedAt: "2026-11-20T10:00:00.000Z",
  ...over,
});

/** A fake API: only the methods a test passes exist; calling any other fails the test loudly. */
export function fakeApi(methods: Partial<Api>): Api {
  return new Proxy(methods as Api, {
    get(target, prop) {
      if (prop in target) return target[prop as keyof Api];
      if (prop === "then") return undefined;
      throw new Error(`fake API: unexpected call to ${String(prop)}`);
    },
  });
}

export function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export const flush = () => new Promise((r) => setTimeout(r, 0));

/** The calendar window (`GET /api/schedules?view=calendar`) the API answers for these schedules. */
export function windowOf(schedules: Schedule[]): CalendarWindowResponse {
  const brands: CalendarWindowResponse["brands"] = {};
  for (const s of schedules) brands[s.brandId] = { slug: s.brand.slug, name: s.brand.name, color: s.brand.color, timezone: s.brand.timezone };
  return {
    columns: [...CALENDAR_COLUMNS],
    brands,
    rows: schedules.map((s) => [
      s.scheduleId,
      s.brandId,
      s.variant,
      Date.parse(s.scheduledAt),
      s.status,
      s.title,
      s.createdBy.kind === "automation" ? null : s.createdBy.name,
    ]),
  };
}

/** A JSON response as the API sends it. */
export const jsonResponse = (status: number, body: unknown) =>
  new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/**
 * A `fetch` that answers "METHOD /path" (query ignored) from a table; anything
 * else is a 404 in the API's shape. Records every call.
 */
export function routedFetch(routes: Record<string, (body: unknown, url: URL) => Response | Promise<Response>>) {
  const calls: Array<{ method: string; path: string; body: unknown }> = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://app.test");
    const method = init?.method ?? "GET";
    const body = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
    calls.push({ method, path: url.pathname, body });
    // The shell's bell asks for notifications on every page: an empty feed unless a test says otherwise.
    const route = routes[`${method} ${url.pathname}`] ?? (`${method} ${url.pathname}` === "GET /api/notifications" ? () => jsonResponse(200, { notifications: [], unread: 0 }) : undefined);
    return route ? route(body, url) : jsonResponse(404, { error: { code: "not_found", message: "No such route." } });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

/** Lets effects, fetches and re-renders run to the end. */
export async function settle(rounds = 6) {
  for (let i = 0; i < rounds; i++) await act(async () => void (await flush()));
}

let mounted: HTMLElement | undefined;

/** The element `mountApp` rendered into. */
export const appRoot = () => mounted!;

/** The whole app, as main.tsx renders it, opened at `path` with this fetch; `unmountApp()` in afterEach. */
export async function mountApp(fetch: typeof globalThis.fetch, path = "/") {
  unmountApp();
  window.history.replaceState(null, "", path);
  const root = document.createElement("div");
  document.body.appendChild(root);
  mounted = root;
  const app = createAppState({ fetch });
  await act(() => {
    render(<App app={app} />, root);
  });
  await settle();
  return app;
}

export function unmountApp() {
  if (!mounted) return;
  render(null, mounted);
  mounted.remove();
  mounted = undefined;
  window.history.replaceState(null, "", "/");
}
