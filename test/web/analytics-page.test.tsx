// The Analytics page through the app shell against a fake API (API.md
// "Analytics"): what it shows for a workspace and for a brand, a table behind
// every chart, simulated numbers flagged, top posts linking to the post and to
// its calendar item, the heatmap, filters kept in the address and sent to the
// API (and to the CSV export, which carries the tab's workspace), and empty
// states that say what to do. Also the calendar's link to one item.
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Brand, Delivery, Me } from "../../web/src/api/types";
// Loaded once here, so the app's on-demand import of the page resolves at once.
import "../../web/src/pages/AnalyticsPage";
import { formatLongDate as long, formatShortDate as short } from "../../web/src/components/analytics/format";
import { bestTimes, dates, post, report } from "./analytics-fixtures";
import { appRoot, jsonResponse as json, makeAccount, makeBrand, makeSchedule, mountApp, routedFetch, settle, unmountApp, windowOf } from "./fixtures";

// 09:00 UTC on Wednesday 25 November 2026; the test zone is Europe/Lisbon (UTC+0 in winter).
const NOW = Date.parse("2026-11-25T09:00:00Z");
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  unmountApp();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const ME: Me = {
  user: { id: "usr_ana", email: "ana@example.test", name: "Ana" },
  workspaces: [{ id: "wsp_a", name: "Alpha", role: "owner" }],
  currentWorkspaceId: "wsp_a",
  role: "owner",
};

const ACME = makeBrand({
  id: "brd_a",
  name: "Acme",
  slots: { reel: [{ time: "09:00", variant: "light" }], post: ["18:00"] },
  accounts: [makeAccount({ platform: "sandbox", externalId: "sandbox-acme" })],
});
const BOLT = makeBrand({ id: "brd_b", name: "Bolt", timezone: "America/New_York", accounts: [makeAccount({ platform: "instagram", analytics: "granted" })] });
const LAST_30 = dates("2026-10-27", 30);

function api(over: Parameters<typeof routedFetch>[0] = {}, brands: Brand[] = [ACME, BOLT]) {
  return routedFetch({
    "GET /api/me": () => json(200, ME),
    "GET /api/deliveries": () => json(200, { deliveries: [] }),
    "GET /api/brands": () => json(200, { brands }),
    "GET /api/analytics/brands/brd_a": () => json(200, report("brd_a", LAST_30, { platform: "sandbox", followers: 1000 })),
    "GET /api/analytics/brands/brd_b": () => json(200, report("brd_b", LAST_30, { platform: "instagram", followers: 5000, views: () => 400, engagements: () => 40 })),
    "GET /api/analytics/brands/brd_a/best-times": () =>
      json(200, bestTimes("brd_a", { "2:9": [6, 1.8], "2:13": [4, 0.6], "5:9": [2, null] }, [{ kind: "reel", from: "09:00", to: "13:00", reason: "Reels around 13:00 did 1.8× the median over 6 posts.", confidence: 0.91 }])),
    "GET /api/analytics/posts": (_, url) =>
      json(200, {
        posts: [
          post({ title: "Sheet-pan dinners", brandId: "brd_a", scheduleId: "sch_top", publishedAt: "2026-11-20T09:00:00.000Z" }),
          post({ title: "Morning stretch", brandId: "brd_b", platform: "instagram", simulated: false, permalink: "https://www.instagram.com/p/abc/", metrics: { views: 900, reach: null, likes: 50, comments: 2, shares: null, saves: 3, engagementRate: 55 / 900 } }),
        ].slice(0, Number(url.searchParams.get("limit") ?? 100)),
      }),
    ...over,
  });
}

const $ = <T extends Element = HTMLElement>(sel: string) => appRoot().querySelector<T>(sel);
const $$ = <T extends Element = HTMLElement>(sel: string) => [...appRoot().querySelectorAll<T>(sel)];
const button = (text: string) => $$<HTMLButtonElement>("button").find((b) => b.textContent?.trim() === text)!;
const queryOf = (calls: ReturnType<typeof routedFetch>["calls"], path: string) => calls.filter((c) => c.method === "GET" && c.path === path);

/** routedFetch records paths; these tests also need each GET's query and headers. */
function withQueries(r: ReturnType<typeof routedFetch>) {
  const seen: Array<{ path: string; query: URLSearchParams; headers: Record<string, string> }> = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://app.test");
    seen.push({ path: url.pathname, query: url.searchParams, headers: (init?.headers ?? {}) as Record<string, string> });
    return r.fetch(input, init);
  }) as typeof globalThis.fetch;
  return { ...r, fetch, seen };
}

async function open(path = "/analytics", r = withQueries(api())) {
  await mountApp(r.fetch, path);
  await settle(10);
  return r;
}

describe("Analytics page", () => {
  it("shows the workspace: totals, charts with tables behind them, platforms, top posts, best times, with simulated numbers flagged", async () => {
    const r = await open();
    expect($("h1")!.textContent).toBe("Analytics");
    expect($(".scope")!.textContent).toBe(`All brands · last 30 days, ${short("2026-10-27")} – ${long("2026-11-25")} · days in your zone, Europe/Lisbon`);
    // Each brand's report, for the window's local midnights.
    for (const id of ["brd_a", "brd_b"]) {
      const q = r.seen.find((s) => s.path === `/api/analytics/brands/${id}`)!.query;
      expect([q.get("from"), q.get("to")]).toEqual(["2026-10-27T00:00:00.000Z", "2026-11-26T00:00:00.000Z"]);
    }

    const kpis = Object.fromEntries($$(".kpis > div").map((d) => [d.querySelector("dt")!.textContent, d.querySelector("dd")!.textContent]));
    expect(kpis["Posts published"]).toBe("60");
    expect(kpis["Views"]).toBe((7350 + 12000).toLocaleString());
    expect(kpis["Followers"]).toMatch(/^6,290\+290 in this window$/);

    // Sandbox numbers say they are simulated: on the page, the platform row and the followers line.
    expect($(".alert-info")!.textContent).toContain("Simulated numbers.");
    expect($$(".platforms tbody tr").map((tr) => tr.querySelector("th")!.textContent)).toEqual(["Instagram ", "Sandbox Simulated"]);

    // Three charts, each an image with words, and a table behind it.
    const charts = $$<SVGElement>("svg[role=img]");
    expect(charts.map((s) => s.getAttribute("aria-label")!.split(",")[0])).toEqual(["Bar chart of views per day", "Bar chart of engagements per day", "Line chart of followers per day: Instagram from 5"]);
    const daily = $("#daily-table")!;
    expect(daily.className).toBe("sr-only");
    expect(daily.querySelectorAll("tbody tr")).toHaveLength(30);
    expect([...daily.querySelector("tbody tr")!.children].map((c) => c.textContent)).toEqual([long("2026-10-27"), "2", "500", "50"]);
    const toggle = $$<HTMLButtonElement>("#daily-h ~ button, .chart-head button").find((b) => b.getAttribute("aria-controls") === "daily-table")!;
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    await act(() => toggle.click());
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(daily.className).toContain("chart-table");
    const followers = $("#followers-table")!;
    expect([...followers.querySelectorAll("thead th")].map((t) => t.textContent)).toEqual(["Day", "Instagram", "Sandbox"]);
    expect([...followers.querySelectorAll("tbody tr")].at(-1)!.textContent).toBe(`${long("2026-11-25")}5,1451,145`);

    // Top posts link to the post on its platform and to the item on the calendar.
    const rows = $$(".top-posts tbody tr");
    expect(rows).toHaveLength(2);
    const links = [...rows[0]!.querySelectorAll("a")];
    expect(links.map((a) => [a.textContent, a.getAttribute("target")])).toEqual([
      ["View on Sandbox (opens in a new tab)", "_blank"],
      ["On the calendar", null],
    ]);
    expect(links[0]!.getAttribute("href")).toMatch(/^http:\/\/app\.test\/sandbox\/posts\/\d+$/);
    expect(links[1]!.getAttribute("href")).toBe("/calendar?item=sch_top&at=2026-11-20T09%3A00%3A00.000Z");
    expect(rows[0]!.textContent).toContain("Simulated");
    expect(rows[1]!.textContent).not.toContain("Simulated");
    // A metric the platform does not report is a dash, never 0.
    expect([...rows[1]!.querySelectorAll("td.num")].map((td) => td.textContent)).toEqual(["900", "—", "50", "2", "—", "3", "6.1%"]);
    expect(queryOf(r.calls, "/api/analytics/posts")).toHaveLength(1);
    expect(r.seen.find((s) => s.path === "/api/analytics/posts")!.query.get("sort")).toBe("views");

    // Best times: the first brand's, as a table of numbers in its zone; its slot hours marked.
    expect($("#bt-h")!.textContent).toBe("Best times: Acme");
    const heat = $<HTMLTableElement>("table.heatmap")!;
    expect([...heat.querySelectorAll("thead th.hm-slot-head")].map((th) => th.textContent)).toEqual(["09, a slot hour", "18, a slot hour"]);
    const tuesday = heat.querySelectorAll("tbody tr")[1]!;
    expect(tuesday.querySelector("th")!.textContent).toBe("Tue");
    const nine = tuesday.querySelectorAll("td")[9]!;
    expect(nine.className).toBe("hm hm-6");
    expect(nine.textContent).toBe("1.8× the median, 6 posts");
    expect(tuesday.querySelectorAll("td")[13]!.className).toBe("hm hm-1");
    expect(heat.querySelectorAll("tbody tr")[4]!.querySelectorAll("td")[9]!.textContent).toContain("2 posts, too few to score");
    expect($(".best-times-card .suggestions")!.textContent).toContain("Move the reel slot at 09:00 to 13:00 91% likely to do better");

    // The export takes the page's filters.
    const csv = $<HTMLAnchorElement>(".csv-export a")!;
    expect(csv.getAttribute("href")).toBe("/api/analytics/posts.csv?from=2026-10-27T00%3A00%3A00.000Z&to=2026-11-26T00%3A00%3A00.000Z&sort=published&limit=500");
  });

  it("reads out one day of a chart from the keyboard (arrows, Home, End)", async () => {
    await open();
    const views = $$<SVGElement>("svg[role=img]")[0]!;
    expect(views.getAttribute("tabindex")).toBe("0");
    const key = (k: string) => act(() => void views.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true })));
    await key("ArrowRight");
    expect($(".chart-tip")!.textContent).toBe(`${long("2026-10-27")}500 views`);
    await key("ArrowRight");
    expect($(".chart-tip")!.textContent).toBe(`${long("2026-10-28")}510 views`);
    await key("End");
    expect($(".chart-tip")!.textContent).toBe(`${long("2026-11-25")}790 views`);
    await act(() => void views.dispatchEvent(new FocusEvent("blur")));
    expect($(".chart-tip")).toBeNull();
    // The followers line reads out every platform's value that day.
    const followers = $$<SVGElement>("svg[role=img]")[2]!;
    await act(() => void followers.dispatchEvent(new KeyboardEvent("keydown", { key: "Home", bubbles: true })));
    expect($(".chart-tip li")!.parentElement!.textContent).toBe("Instagram: 5,000Sandbox (simulated): 1,000");
  });

  it("keeps filters in the address and asks the API for them: window, brand (days in its zone), platform, type, ranking", async () => {
    const r = await open();
    await act(() => button("7 days").click());
    await settle();
    expect(window.location.search).toBe("?days=7");
    await act(() => {
      const brand = $<HTMLSelectElement>("#an-brand")!;
      brand.value = "brd_b";
      brand.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await settle();
    await act(() => {
      const platform = $<HTMLSelectElement>("#an-platform")!;
      platform.value = "instagram";
      platform.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await settle();
    await act(() => button("Reels").click());
    await settle();
    await act(() => button("By engagement rate").click());
    await settle();
    expect(window.location.search).toBe("?days=7&brand=brd_b&platform=instagram&type=reel&sort=engagement");
    expect($(".scope")!.textContent).toBe(`Bolt · last 7 days, ${short("2026-11-19")} – ${long("2026-11-25")} · days in the brand's zone, America/New_York`);

    const last = (path: string) => Object.fromEntries(r.seen.filter((s) => s.path === path).at(-1)!.query);
    // New York midnights (UTC−5).
    expect(last("/api/analytics/brands/brd_b")).toEqual({ from: "2026-11-19T05:00:00.000Z", to: "2026-11-26T05:00:00.000Z", platform: "instagram", type: "reel" });
    expect(last("/api/analytics/posts")).toEqual({ from: "2026-11-19T05:00:00.000Z", to: "2026-11-26T05:00:00.000Z", brand: "brd_b", platform: "instagram", type: "reel", sort: "engagement", limit: "10" });
    expect(Object.fromEntries(new URL($<HTMLAnchorElement>(".csv-export a")!.href).searchParams)).toEqual({
      from: "2026-11-19T05:00:00.000Z",
      to: "2026-11-26T05:00:00.000Z",
      brand: "brd_b",
      platform: "instagram",
      type: "reel",
      sort: "published",
      limit: "500",
    });
    // A brand view shows that brand's best times.
    expect(r.seen.some((s) => s.path === "/api/analytics/brands/brd_b/best-times")).toBe(true);
    // Re-ranking top posts asks for posts only, not the reports again.
    const reports = r.seen.filter((s) => s.path.startsWith("/api/analytics/brands/brd_b") && !s.path.endsWith("best-times")).length;
    await act(() => button("By views").click());
    await settle();
    expect(r.seen.filter((s) => s.path.startsWith("/api/analytics/brands/brd_b") && !s.path.endsWith("best-times")).length).toBe(reports);
  });

  it("opens with the filters of its address, and refuses a custom window over 366 days without asking the API", async () => {
    const r = await open("/analytics?from=2025-01-01&to=2026-01-02&brand=brd_a");
    expect($<HTMLInputElement>("#an-from")!.value).toBe("2025-01-01");
    expect($("[role=alert]")!.textContent).toBe("A window is at most 366 days; this one is 367.");
    expect(r.seen.some((s) => s.path === "/api/analytics/brands/brd_a" || s.path === "/api/analytics/posts")).toBe(false);
    expect($(".csv-export")).toBeNull();
  });

  it("downloads the CSV with the tab's workspace, which a plain link could not send", async () => {
    const r = withQueries(
      api({
        "GET /api/analytics/posts.csv": () =>
          new Response("published_at,brand\r\n", { status: 200, headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="brandcast-posts-2026-10-27-2026-11-26.csv"' } }),
      }),
    );
    localStorage.setItem("brandcast.workspace", "wsp_a");
    const created = vi.fn(() => "blob:csv");
    Object.assign(URL, { createObjectURL: created, revokeObjectURL: vi.fn() });
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(`${this.download} ${this.getAttribute("href")}`);
    });
    await open("/analytics", r);
    await act(() => void $<HTMLAnchorElement>(".csv-export a")!.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true })));
    await settle();
    const req = r.seen.find((s) => s.path === "/api/analytics/posts.csv")!;
    expect(req.headers["X-Workspace"]).toBe("wsp_a");
    expect(created).toHaveBeenCalledOnce();
    expect(clicked).toEqual(["brandcast-posts-2026-10-27-2026-11-26.csv blob:csv"]);
    localStorage.removeItem("brandcast.workspace");
  });

  it("says what to do when there is nothing to show: connect an account with analytics, or no posts in this window yet", async () => {
    const empty = () => json(200, report("brd_x", LAST_30, { posts: 0, views: () => 0, engagements: () => 0 }));
    const noInsights = makeBrand({ id: "brd_x", name: "Xeno", accounts: [makeAccount({ analytics: "missing" })] });
    await open("/analytics", withQueries(api({ "GET /api/analytics/brands/brd_x": empty, "GET /api/analytics/posts": () => json(200, { posts: [] }) }, [noInsights])));
    expect($(".empty-title")!.textContent).toBe("Connect an account with analytics.");
    expect($(".alert-info")!.textContent).toContain("Reconnect to see analytics: Xeno on Instagram.");
    unmountApp();

    const withInsights = makeBrand({ id: "brd_x", name: "Xeno", accounts: [makeAccount({ analytics: "granted" })] });
    const r = await open("/analytics?days=7", withQueries(api({ "GET /api/analytics/brands/brd_x": empty, "GET /api/analytics/posts": () => json(200, { posts: [] }) }, [withInsights])));
    expect($(".empty-title")!.textContent).toBe("No published posts in this window yet.");
    await act(() => button("Show the last 90 days").click());
    await settle();
    expect(window.location.search).toBe("?days=90");
    expect(r.seen.filter((s) => s.path === "/api/analytics/brands/brd_x").at(-1)!.query.get("from")).toBe("2026-08-27T23:00:00.000Z");
  });

  it("with no brands at all, says to create one, and offers no filters or export", async () => {
    await open("/analytics", withQueries(api({}, [])));
    expect($(".empty-title")!.textContent).toBe("No brands yet.");
    expect($(".empty a")!.getAttribute("href")).toBe("/brands");
    expect($(".csv-export")).toBeNull();
    expect($(".analytics-filters")).toBeNull();
  });

  it("reads the brands again when opened: a brand made since the list was loaded is counted", async () => {
    let brands: Brand[] = [];
    const r = withQueries(api({ "GET /api/brands": () => json(200, { brands }) }));
    const app = await mountApp(r.fetch, "/calendar");
    await settle();
    expect(app.brands.list.value).toEqual([]);
    brands = [ACME];
    await act(() => app.router.navigate("/analytics"));
    await settle(10);
    expect($(".kpis")).not.toBeNull();
    expect(r.seen.some((s) => s.path === "/api/analytics/brands/brd_a")).toBe(true);
  });
});

/** The calendar with one item, opened at `path`. */
async function openCalendar(item: ReturnType<typeof makeSchedule>, path: string) {
  const r = withQueries(
    routedFetch({
      "GET /api/me": () => json(200, ME),
      "GET /api/deliveries": () => json(200, { deliveries: [] }),
      "GET /api/brands": () => json(200, { brands: [] }),
      "GET /api/schedules": () => json(200, windowOf([item])),
      [`GET /api/schedules/${item.scheduleId}`]: () => json(200, item),
    }),
  );
  await mountApp(r.fetch, path);
  await settle(8);
  return r;
}

describe("calendar link to one item", () => {
  it("/calendar?item=…&at=… opens that month with the item's panel, and leaves a clean address", async () => {
    const item = makeSchedule({ scheduledAt: "2026-09-14T09:00:00.000Z", title: "From analytics", status: "published" });
    const r = await openCalendar(item, `/calendar?item=${item.scheduleId}&at=2026-09-14T09%3A00%3A00.000Z`);
    expect($("#panel-title")!.textContent).toBe("From analytics");
    expect($("h1.cal-title")!.textContent).toMatch(/September 2026/);
    expect(r.seen.find((s) => s.path === "/api/schedules")!.query.get("from")).toBe("2026-08-30T23:00:00.000Z");
    expect(window.location.pathname + window.location.search).toBe("/calendar");
  });
});

describe("side panel metrics", () => {
  it("shows a published delivery's latest numbers, as of when, flagged simulated; unknown metrics as a dash; nothing invented before the first reading", async () => {
    const deliveries: Delivery[] = [
      {
        platform: "sandbox",
        status: "published",
        attempts: 1,
        permalink: "http://app.test/sandbox/posts/1",
        error: null,
        errorClass: null,
        publishedAt: "2026-11-24T09:00:00.000Z",
        metrics: { views: 1234, reach: 1000, likes: 90, comments: 5, shares: null, saves: 5, engagementRate: 0.1 },
        metricsAt: "2026-11-25T08:00:00.000Z",
      },
      { platform: "instagram", status: "published", attempts: 1, permalink: "https://www.instagram.com/p/x/", error: null, errorClass: null, publishedAt: "2026-11-24T09:00:00.000Z", metrics: null, metricsAt: null },
    ];
    const item = makeSchedule({ scheduledAt: "2026-11-24T09:00:00.000Z", status: "published", deliveries });
    await openCalendar(item, `/calendar?item=${item.scheduleId}`);
    const [sandbox, instagram] = $$(".deliveries > li");
    const values = Object.fromEntries([...sandbox!.querySelectorAll(".metrics-list > div")].map((d) => [d.querySelector("dt")!.textContent, d.querySelector("dd")!.textContent]));
    expect(values).toEqual({ Views: "1,234", Reach: "1,000", Likes: "90", Comments: "5", Shares: "— (not reported)", Saves: "5", "Engagement rate": "10%" });
    expect(sandbox!.querySelector(".as-of")!.textContent).toMatch(/^As of .* \(1 hour ago\) · Simulated$/);
    expect(instagram!.querySelector(".metrics-list")).toBeNull();
    expect(instagram!.textContent).toContain("No numbers yet: the first reading comes within the hour after publishing.");
  });
});
