// The Analytics page's model: filters in the address, windows in whole local
// days (DST included, at most 366), several brands' reports added up (days by
// local date, followers carried forward and summed), simulated numbers
// flagged, reports fetched a few at a time, and a slow answer for filters
// already left never replacing the newer one. And the build's chunk check.
import { describe, expect, it } from "vitest";
import type { BrandAnalytics } from "../../web/src/api/types";
import { checkChunks, type ChunkInfo } from "../../web/chunk-budget";
import { niceTicks } from "../../web/src/components/analytics/charts";
import { bandOf, slotHours } from "../../web/src/components/analytics/Heatmap";
import {
  createAnalytics,
  DEFAULT_FILTERS,
  filtersToSearch,
  followerChange,
  mapLimit,
  parseFilters,
  summarize,
  windowOf,
  type AnalyticsFilters,
} from "../../web/src/state/analytics";
import { dates, report } from "./analytics-fixtures";
import { deferred, fakeApi, flush, makeBrand } from "./fixtures";

const f = (over: Partial<AnalyticsFilters>): AnalyticsFilters => ({ ...DEFAULT_FILTERS, ...over });

describe("filters in the address", () => {
  it("round-trip, leaving defaults out", () => {
    const all = f({ days: 7, brand: "brd_a", platform: "instagram", type: "reel", sort: "engagement" });
    expect(filtersToSearch(all)).toBe("?days=7&brand=brd_a&platform=instagram&type=reel&sort=engagement");
    expect(parseFilters(filtersToSearch(all))).toEqual(all);
    const custom = f({ days: null, from: "2026-01-01", to: "2026-03-31" });
    expect(parseFilters(filtersToSearch(custom))).toEqual(custom);
    expect(filtersToSearch(DEFAULT_FILTERS)).toBe("");
  });

  it("fall back to the defaults for anything unknown", () => {
    expect(parseFilters("?days=12&platform=tiktok&type=story&sort=likes&from=yesterday&to=2026-01-01")).toEqual(DEFAULT_FILTERS);
  });
});

describe("windows", () => {
  const now = Date.parse("2026-11-25T09:00:00Z");

  it("are the last N days including today, from local midnight to local midnight in the zone", () => {
    const w = windowOf(f({ days: 7 }), "America/New_York", now);
    expect(w).toMatchObject({ first: "2026-11-19", last: "2026-11-25", days: 7 });
    if (typeof w === "string") throw new Error(w);
    expect(new Date(w.from).toISOString()).toBe("2026-11-19T05:00:00.000Z");
    expect(new Date(w.to).toISOString()).toBe("2026-11-26T05:00:00.000Z");
  });

  it("span a DST change in whole local days (23 h and 25 h days included)", () => {
    const w = windowOf(f({ days: null, from: "2026-10-20", to: "2026-10-31" }), "Europe/Lisbon", now);
    if (typeof w === "string") throw new Error(w);
    expect(w.days).toBe(12);
    expect(new Date(w.from).toISOString()).toBe("2026-10-19T23:00:00.000Z");
    // Lisbon leaves summer time on 25 October: 1 November starts at 00:00 UTC.
    expect(new Date(w.to).toISOString()).toBe("2026-11-01T00:00:00.000Z");
  });

  it("refuse custom dates in the wrong order, missing, or longer than 366 days, saying why", () => {
    expect(windowOf(f({ days: null, from: "2026-03-01", to: "2026-02-01" }), "UTC", now)).toMatch(/comes before/);
    expect(windowOf(f({ days: null, from: "", to: "2026-02-01" }), "UTC", now)).toMatch(/both dates/);
    expect(windowOf(f({ days: null, from: "2025-01-01", to: "2026-01-02" }), "UTC", now)).toBe("A window is at most 366 days; this one is 367.");
    expect(windowOf(f({ days: null, from: "2025-01-01", to: "2026-01-01" }), "UTC", now)).toMatchObject({ days: 366 });
  });
});

describe("adding up brand reports", () => {
  it("sums totals and platforms, matches days by local date, and carries each account's followers forward before summing", () => {
    const a = report("brd_a", dates("2026-11-01", 3), { platform: "instagram", followers: 1000, growth: 10 });
    // Brand b's account is read on the first and third day only.
    const b = report("brd_b", dates("2026-11-01", 3), { platform: "instagram", views: () => 50, engagements: () => 5 });
    b.followers = [{ platform: "instagram", series: [{ at: "2026-11-01T06:00:00.000Z", value: 200 }, { at: "2026-11-03T06:00:00.000Z", value: 260 }] }];
    const s = summarize([a, b]);
    expect(s.totals).toEqual({ posts: 6, views: 100 + 110 + 120 + 150, likes: 10 + 11 + 12 + 15, comments: 0, shares: 0, saves: 0 });
    expect(s.daily).toEqual([
      { date: "2026-11-01", posts: 2, views: 150, engagements: 15 },
      { date: "2026-11-02", posts: 2, views: 160, engagements: 16 },
      { date: "2026-11-03", posts: 2, views: 170, engagements: 17 },
    ]);
    expect(s.followers).toEqual([{ platform: "instagram", simulated: false, values: [1200, 1210, 1280] }]);
    expect(s.byPlatform).toEqual([{ platform: "instagram", totals: s.totals, followers: 1280, simulated: false }]);
    expect(followerChange(s)).toEqual({ latest: 1280, change: 80 });
    expect(s.simulated).toBe(false);
  });

  it("leaves a day before an account's first reading empty (null, never 0), and keeps the last reading of a day", () => {
    const a = report("brd_a", dates("2026-11-01", 3), { platform: "youtube" });
    a.followers = [{ platform: "youtube", series: [{ at: "2026-11-02T06:00:00.000Z", value: 40 }, { at: "2026-11-02T18:00:00.000Z", value: 42 }] }];
    expect(summarize([a]).followers[0]!.values).toEqual([null, 42, 42]);
  });

  it("dates a reading by the brand's own zone", () => {
    const a = report("brd_a", dates("2026-11-01", 2), { platform: "youtube", timezone: "Asia/Tokyo" });
    // 20:00 UTC on 1 November is 05:00 on 2 November in Tokyo.
    a.followers = [{ platform: "youtube", series: [{ at: "2026-11-01T20:00:00.000Z", value: 7 }] }];
    expect(summarize([a]).followers[0]!.values).toEqual([null, 7]);
  });

  it("flags the summary simulated only when sandbox numbers are in it, and keeps one platform when filtered", () => {
    const sandbox = report("brd_a", dates("2026-11-01", 2), { platform: "sandbox", followers: 10 });
    const ig = report("brd_b", dates("2026-11-01", 2), { platform: "instagram", followers: 500 });
    const both = summarize([sandbox, ig]);
    expect(both.simulated).toBe(true);
    expect(both.byPlatform.map((r) => [r.platform, r.simulated])).toEqual([
      ["instagram", false],
      ["sandbox", true],
    ]);
    const igOnly = summarize([sandbox, ig], "instagram");
    expect(igOnly.simulated).toBe(false);
    expect(igOnly.followers.map((x) => x.platform)).toEqual(["instagram"]);
  });

  it("an empty workspace sums to zero with no days", () => {
    const s = summarize([]);
    expect(s.totals.posts).toBe(0);
    expect(s.daily).toEqual([]);
    expect(followerChange(s)).toBeNull();
  });
});

describe("loading", () => {
  it("fetches a workspace's brand reports at most four at a time, in order", async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit(Array.from({ length: 10 }, (_, i) => i), 4, async (i) => {
      running++;
      peak = Math.max(peak, running);
      await flush();
      running--;
      return i * 2;
    });
    expect(peak).toBe(4);
    expect(out).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  });

  it("drops a slow answer for filters already left: the newer window's numbers stay", async () => {
    const slow = deferred<BrandAnalytics>();
    const d = dates("2026-11-19", 7);
    const calls: string[] = [];
    const api = fakeApi({
      brandAnalytics: async (_id: string, q: { from: string }) => {
        calls.push(q.from);
        return calls.length === 1 ? slow.promise : report("brd_a", d, { views: () => 7 });
      },
      analyticsPosts: async () => ({ posts: [] }),
      bestTimes: async () => ({ brandId: "brd_a", timezone: "Europe/Lisbon", cells: [], suggestions: [] }),
    });
    const brands = [makeBrand({ id: "brd_a", name: "Acme" })];
    const m = createAnalytics(api, { brands: () => brands, now: () => Date.parse("2026-11-25T09:00:00Z") });
    const first = m.load();
    m.setFilters({ days: 7 });
    await flush();
    slow.resolve(report("brd_a", dates("2026-10-27", 30), { views: () => 1 }));
    await first;
    await flush();
    expect(calls).toHaveLength(2);
    expect(m.current.value?.summary.totals.views).toBe(49);
    expect(m.current.value?.window.days).toBe(7);
  });
});

describe("chart pieces", () => {
  it("round ticks cover the values", () => {
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(97)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(1234)).toEqual([0, 500, 1000, 1500]);
    for (const max of [3, 17, 999, 12_345, 7e6]) expect(niceTicks(max).at(-1)!).toBeGreaterThanOrEqual(max);
    // Lines start just under their lowest value, so a few percent of growth shows.
    expect(niceTicks(84_000, 4, 77_000)).toEqual([76_000, 78_000, 80_000, 82_000, 84_000]);
    expect(niceTicks(500, 4, 500)).toEqual([450, 475, 500, 525, 550]);
  });

  it("heatmap bands and the hours a brand's slots publish at, offset included", () => {
    expect([0.5, 0.9, 1, 1.2, 1.5, 2.4].map(bandOf)).toEqual(["hm-1", "hm-2", "hm-3", "hm-4", "hm-5", "hm-6"]);
    expect([...slotHours({ slots: { reel: [{ time: "09:30", variant: "light" }], post: ["23:00"] }, scheduleOffset: 2 })].sort((a, b) => a - b)).toEqual([1, 11]);
  });
});

describe("build check: the Analytics page stays out of the main chunk", () => {
  const chunk = (over: Partial<ChunkInfo> & { fileName: string }): ChunkInfo => ({ isEntry: false, isDynamicEntry: false, moduleIds: [], imports: [], code: "x", ...over });
  const size = (code: string) => code.length;
  const main = chunk({ fileName: "main.js", isEntry: true, moduleIds: ["/r/web/src/main.tsx", "/r/web/src/pages/CalendarPage.tsx"], code: "m".repeat(100) });
  const page = chunk({ fileName: "AnalyticsPage.js", isDynamicEntry: true, moduleIds: ["/r/web/src/pages/AnalyticsPage.tsx", "/r/web/src/state/analytics.ts"], imports: ["main.js", "charts.js"], code: "a".repeat(300) });
  const charts = chunk({ fileName: "charts.js", moduleIds: ["/r/web/src/components/analytics/charts.tsx"], code: "c".repeat(200) });

  it("passes a split bundle and measures the route's own JS without the main chunk", () => {
    expect(checkChunks([main, page, charts], size, 600)).toEqual({ errors: [], mainGzip: 100, analyticsGzip: 500, analyticsFiles: ["AnalyticsPage.js", "charts.js"] });
  });

  it("fails when analytics code is in the entry chunk or in a chunk it imports statically", () => {
    const inMain = { ...main, moduleIds: [...main.moduleIds, "C:\\r\\web\\src\\state\\analytics.ts"] };
    expect(checkChunks([inMain, page, charts], size).errors[0]).toMatch(/web\/src\/state\/analytics\.ts is in main\.js/);
    const shared = { ...main, imports: ["charts.js"] };
    expect(checkChunks([shared, page, charts], size).errors[0]).toMatch(/components\/analytics\/charts\.tsx is in charts\.js/);
  });

  it("fails when the music converter or its WASM AAC encoder is in the entry chunk", () => {
    const withEncoder = { ...main, moduleIds: [...main.moduleIds, "/r/node_modules/@mediabunny/aac-encoder/dist/bundles/mediabunny-aac-encoder.mjs"] };
    expect(checkChunks([withEncoder, page, charts], size).errors).toEqual([
      "/r/node_modules/@mediabunny/aac-encoder/dist/bundles/mediabunny-aac-encoder.mjs is in main.js, which every page loads: the music converter must be imported on demand.",
    ]);
  });

  it("fails when the page is not a chunk of its own, or over its budget", () => {
    expect(checkChunks([main], size).errors).toEqual(["No chunk of its own holds web/src/pages/AnalyticsPage.tsx: App.tsx must load it with import()."]);
    expect(checkChunks([main, page, charts], size, 499).errors[0]).toMatch(/over its 0 KB budget/);
  });
});
