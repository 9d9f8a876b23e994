// The Analytics page's model (STYLE.md: signals, computeds and plain actions).
// Filters live in the page's address (?days=30&brand=…), so a view can be
// shared, reloaded and gone back to. Everything is read from the Analytics API
// (API.md), which serves the sampler's snapshots: opening the page never makes
// a platform call. A workspace view adds up its brands' reports; a brand view
// is that brand's report, with days counted in the brand's zone.
//
// Only the lazily loaded Analytics page imports this module, so none of it is
// in the main bundle (web/chunk-budget.ts checks that at build time).
import { batch, computed, signal } from "@preact/signals";
import { PLATFORMS } from "../../../worker/scheduling/variants";
import { addDays, fromLocal, localDateString, toLocal } from "../../../worker/scheduling/zoned-time";
import type { Api } from "../api/client";
import type { AnalyticsPostsQuery, AnalyticsType, BestTimes, Brand, BrandAnalytics, Platform, PostMetrics, Totals } from "../api/types";
import { messageOf } from "./calendar";
import { viewerZone } from "./time";

export const WINDOW_DAYS = [7, 30, 90] as const;
export type WindowDays = (typeof WINDOW_DAYS)[number];
/** The API's longest window (API.md: "window at most 366 days"). */
export const MAX_DAYS = 366;
export type TopSort = "views" | "engagement";
/** How many posts the top-posts table lists. */
export const TOP_POSTS = 10;

export interface AnalyticsFilters {
  /** 7, 30 or 90 days up to today; null for the custom dates below. */
  days: WindowDays | null;
  /** Custom window, local dates (YYYY-MM-DD), both days included. */
  from: string;
  to: string;
  brand: string;
  platform: Platform | "";
  type: AnalyticsType;
  sort: TopSort;
}

export const DEFAULT_FILTERS: AnalyticsFilters = { days: 30, from: "", to: "", brand: "", platform: "", type: "all", sort: "views" };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Filters from the page's query string; anything unknown falls back to its default. */
export function parseFilters(search: string): AnalyticsFilters {
  const q = new URLSearchParams(search);
  const f = { ...DEFAULT_FILTERS };
  const days = Number(q.get("days"));
  const from = q.get("from") ?? "";
  const to = q.get("to") ?? "";
  if (DATE.test(from) && DATE.test(to)) Object.assign(f, { days: null, from, to });
  else if ((WINDOW_DAYS as readonly number[]).includes(days)) f.days = days as WindowDays;
  f.brand = q.get("brand") ?? "";
  const platform = q.get("platform") as Platform | null;
  if (platform && (PLATFORMS as readonly string[]).includes(platform)) f.platform = platform;
  const type = q.get("type");
  if (type === "reel" || type === "post") f.type = type;
  if (q.get("sort") === "engagement") f.sort = "engagement";
  return f;
}

/** The query string for these filters (defaults left out), with its leading "?" when not empty. */
export function filtersToSearch(f: AnalyticsFilters): string {
  const q = new URLSearchParams();
  if (f.days === null) (q.set("from", f.from), q.set("to", f.to));
  else if (f.days !== DEFAULT_FILTERS.days) q.set("days", String(f.days));
  if (f.brand) q.set("brand", f.brand);
  if (f.platform) q.set("platform", f.platform);
  if (f.type !== "all") q.set("type", f.type);
  if (f.sort !== DEFAULT_FILTERS.sort) q.set("sort", f.sort);
  const s = q.toString();
  return s ? `?${s}` : "";
}

export interface AnalyticsWindow {
  /** [from, to) as instants: local midnights in `zone`. */
  from: number;
  to: number;
  /** Local dates, first and last included. */
  first: string;
  last: string;
  days: number;
  zone: string;
}

const dateOf = (d: { year: number; month: number; day: number }) => `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;
const parseDate = (s: string) => {
  const [year, month, day] = s.split("-").map(Number) as [number, number, number];
  return { year, month, day };
};
const midnight = (d: { year: number; month: number; day: number }, zone: string) => fromLocal({ ...d, hour: 0, minute: 0 }, zone);

/**
 * The window the filters name, in whole local days of `zone` (the brand's, or
 * the viewer's for the whole workspace): the last N days including today, or
 * the custom dates. A string says why custom dates are not a window.
 */
export function windowOf(f: AnalyticsFilters, zone: string, now: number): AnalyticsWindow | string {
  let first: { year: number; month: number; day: number };
  let last: { year: number; month: number; day: number };
  if (f.days === null) {
    if (!DATE.test(f.from) || !DATE.test(f.to)) return "Choose both dates of the window.";
    first = parseDate(f.from);
    last = parseDate(f.to);
  } else {
    last = toLocal(now, zone);
    first = addDays(last, 1 - f.days);
  }
  const from = midnight(first, zone);
  const to = midnight(addDays(last, 1), zone);
  const days = Math.round((Date.UTC(last.year, last.month - 1, last.day) - Date.UTC(first.year, first.month - 1, first.day)) / 86_400_000) + 1;
  if (days < 1) return "The window's last day comes before its first.";
  if (days > MAX_DAYS) return `A window is at most ${MAX_DAYS} days; this one is ${days}.`;
  return { from, to, first: dateOf(first), last: dateOf(last), days, zone };
}

// ---- adding up brand reports ----------------------------------------------------

export interface PlatformRow {
  platform: Platform;
  totals: Totals;
  /** Latest followers in the window (all brands' accounts on the platform), or null when none was read. */
  followers: number | null;
  simulated: boolean;
}

export interface Summary {
  totals: Totals;
  /** Likes, comments, shares and saves together. */
  engagements: number;
  byPlatform: PlatformRow[];
  /** Every local date of the window, in order. */
  daily: Array<{ date: string; posts: number; views: number; engagements: number }>;
  /** Followers per platform on each date of `daily` (the last reading of the day or before; null before the first). */
  followers: Array<{ platform: Platform; values: Array<number | null>; simulated: boolean }>;
  /** Whether any number shown is simulated (the sandbox platform's). */
  simulated: boolean;
}

const ZERO: Totals = { posts: 0, views: 0, likes: 0, comments: 0, shares: 0, saves: 0 };
const add = (a: Totals, b: Totals): Totals => ({
  posts: a.posts + b.posts,
  views: a.views + b.views,
  likes: a.likes + b.likes,
  comments: a.comments + b.comments,
  shares: a.shares + b.shares,
  saves: a.saves + b.saves,
});
export const engagementsOf = (t: Totals) => t.likes + t.comments + t.shares + t.saves;
/** API.md: deliveries of the sandbox platform get simulated metrics. */
export const isSimulated = (p: Platform) => p === "sandbox";
const byPlatformOrder = (a: Platform, b: Platform) => PLATFORMS.indexOf(a) - PLATFORMS.indexOf(b);

/**
 * One summary of several brands' reports (or of one): totals and platforms
 * added up, days matched by local date (each brand's own), and followers per
 * platform summed over the brands' accounts, each carried forward from its
 * latest reading.
 */
export function summarize(reports: BrandAnalytics[], platform: Platform | "" = ""): Summary {
  let totals = ZERO;
  const platforms = new Map<Platform, Totals>();
  const daily = new Map<string, { date: string; posts: number; views: number; engagements: number }>();
  for (const r of reports) {
    totals = add(totals, r.totals);
    for (const [p, t] of Object.entries(r.byPlatform) as Array<[Platform, Totals]>) if (!platform || p === platform) platforms.set(p, add(platforms.get(p) ?? ZERO, t));
    for (const d of r.daily) {
      const day = daily.get(d.date) ?? { date: d.date, posts: 0, views: 0, engagements: 0 };
      daily.set(d.date, { date: d.date, posts: day.posts + d.posts, views: day.views + d.views, engagements: day.engagements + d.engagements });
    }
  }
  const days = [...daily.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
  const dates = days.map((d) => d.date);

  // Each account's last reading per local date, then carried forward over the window's dates.
  const perPlatform = new Map<Platform, Array<Array<number | null>>>();
  for (const r of reports) {
    for (const s of r.followers) {
      if (platform && s.platform !== platform) continue;
      const lastOfDay = new Map<string, number>();
      for (const p of s.series) lastOfDay.set(localDateString(Date.parse(p.at), r.timezone), p.value);
      let current: number | null = null;
      const readings = [...lastOfDay].sort(([a], [b]) => (a < b ? -1 : 1));
      let i = 0;
      const values = dates.map((date) => {
        while (i < readings.length && readings[i]![0] <= date) current = readings[i++]![1];
        return current;
      });
      perPlatform.set(s.platform, [...(perPlatform.get(s.platform) ?? []), values]);
    }
  }
  const followers = [...perPlatform]
    .sort(([a], [b]) => byPlatformOrder(a, b))
    .map(([p, accounts]) => ({
      platform: p,
      simulated: isSimulated(p),
      values: dates.map((_, i) => {
        const known = accounts.map((v) => v[i]).filter((v): v is number => v !== null && v !== undefined);
        return known.length ? known.reduce((a, b) => a + b, 0) : null;
      }),
    }));
  const latest = (values: Array<number | null>) => [...values].reverse().find((v) => v !== null) ?? null;
  const byPlatform = [...platforms]
    .sort(([a], [b]) => byPlatformOrder(a, b))
    .map(([p, t]) => ({ platform: p, totals: t, followers: latest(followers.find((f) => f.platform === p)?.values ?? []), simulated: isSimulated(p) }));
  for (const f of followers) {
    if (!byPlatform.some((r) => r.platform === f.platform)) byPlatform.push({ platform: f.platform, totals: ZERO, followers: latest(f.values), simulated: f.simulated });
  }
  byPlatform.sort((a, b) => byPlatformOrder(a.platform, b.platform));
  return {
    totals,
    engagements: engagementsOf(totals),
    byPlatform,
    daily: days,
    followers,
    simulated: byPlatform.some((r) => r.simulated && (r.totals.posts > 0 || r.followers !== null)),
  };
}

/** Followers on the last date with a reading, and how that compares with the first, over every platform shown. */
export function followerChange(s: Summary): { latest: number; change: number } | null {
  const known = s.followers
    .map((f) => f.values.filter((v): v is number => v !== null))
    .filter((v) => v.length > 0);
  if (!known.length) return null;
  const latest = known.reduce((sum, v) => sum + v[v.length - 1]!, 0);
  const first = known.reduce((sum, v) => sum + v[0]!, 0);
  return { latest, change: latest - first };
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping the order of the results. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Brand reports fetched at once: a workspace of many brands is read a few at a time. */
const REPORT_CONCURRENCY = 4;

export interface AnalyticsData {
  key: string;
  window: AnalyticsWindow;
  reports: BrandAnalytics[];
  summary: Summary;
}

export function createAnalytics(api: Api, opts: { now?: () => number; brands: () => Brand[] | null; initial?: AnalyticsFilters }) {
  const now = opts.now ?? Date.now;
  const filters = signal<AnalyticsFilters>(opts.initial ?? DEFAULT_FILTERS);
  const data = signal<AnalyticsData | null>(null);
  const error = signal<string | null>(null);
  const posts = signal<{ key: string; list: PostMetrics[] } | null>(null);
  const postsError = signal<string | null>(null);
  /** The brand whose best times the workspace view shows (a brand view shows its own). */
  const heatBrand = signal("");
  const bestTimes = signal<BestTimes | null>(null);
  const bestTimesError = signal<string | null>(null);
  /** Bumped by load(): the window is recomputed from the clock each time. */
  const tick = signal(0);

  const brand = computed(() => {
    const id = filters.value.brand;
    return id ? ((opts.brands() ?? []).find((b) => b.id === id) ?? null) : null;
  });
  /** Days are the brand's local days in a brand view, the viewer's in the workspace view. */
  const zone = computed(() => brand.value?.timezone ?? viewerZone());
  const window = computed(() => {
    tick.value;
    return windowOf(filters.value, zone.value, now());
  });
  const query = computed((): AnalyticsPostsQuery | null => {
    const w = window.value;
    if (typeof w === "string") return null;
    const f = filters.value;
    return {
      from: new Date(w.from).toISOString(),
      to: new Date(w.to).toISOString(),
      brand: f.brand || undefined,
      platform: f.platform || undefined,
      type: f.type === "all" ? undefined : f.type,
    };
  });
  const key = computed(() => JSON.stringify(query.value));
  /** The data of the filters on screen, or null while they load. */
  const current = computed(() => (data.value && data.value.key === key.value ? data.value : null));
  const topPosts = computed(() => {
    const p = posts.value;
    return p && p.key === `${key.value}|${filters.value.sort}` ? p.list : null;
  });
  const bestTimesBrand = computed(() => filters.value.brand || heatBrand.value || ((opts.brands() ?? [])[0]?.id ?? ""));

  let seq = 0;
  let postSeq = 0;
  let bestSeq = 0;

  async function loadReports() {
    const q = query.peek();
    const w = window.peek();
    if (!q || typeof w === "string") return;
    const k = key.peek();
    const mine = ++seq;
    const f = filters.peek();
    const ids = f.brand ? [f.brand] : (opts.brands() ?? []).map((b) => b.id);
    try {
      const reports = await mapLimit(ids, REPORT_CONCURRENCY, (id) =>
        api.brandAnalytics(id, { from: q.from, to: q.to, platform: q.platform, type: q.type }),
      );
      if (mine !== seq) return;
      batch(() => {
        data.value = { key: k, window: w, reports, summary: summarize(reports, f.platform) };
        error.value = null;
      });
    } catch (err) {
      if (mine === seq) error.value = messageOf(err);
    }
  }

  async function loadPosts() {
    const q = query.peek();
    if (!q) return;
    const sort = filters.peek().sort;
    const k = `${key.peek()}|${sort}`;
    const mine = ++postSeq;
    try {
      const res = await api.analyticsPosts({ ...q, sort, limit: TOP_POSTS });
      if (mine !== postSeq) return;
      batch(() => {
        posts.value = { key: k, list: res.posts };
        postsError.value = null;
      });
    } catch (err) {
      if (mine === postSeq) postsError.value = messageOf(err);
    }
  }

  async function loadBestTimes() {
    const id = bestTimesBrand.peek();
    const mine = ++bestSeq;
    if (!id) return;
    if (bestTimes.peek()?.brandId !== id) bestTimes.value = null;
    try {
      const res = await api.bestTimes(id);
      if (mine !== bestSeq) return;
      batch(() => {
        bestTimes.value = res;
        bestTimesError.value = null;
      });
    } catch (err) {
      if (mine === bestSeq) bestTimesError.value = messageOf(err);
    }
  }

  /** Loads what the filters show: reports, top posts and best times. */
  function load(): Promise<unknown> {
    tick.value++;
    return Promise.all([loadReports(), loadPosts(), loadBestTimes()]);
  }

  /** Changes filters and loads what they show; a brand change also moves the best times to that brand. */
  function setFilters(patch: Partial<AnalyticsFilters>) {
    const before = filters.peek();
    filters.value = { ...before, ...patch };
    if (Object.keys(patch).every((k) => k === "sort")) return void loadPosts();
    void loadReports();
    void loadPosts();
    if (patch.brand !== undefined && patch.brand !== before.brand) void loadBestTimes();
  }

  function showBestTimesOf(brandId: string) {
    heatBrand.value = brandId;
    void loadBestTimes();
  }

  return {
    filters, data, error, posts, postsError, heatBrand, bestTimes, bestTimesError,
    brand, zone, window, query, current, topPosts, bestTimesBrand,
    load, setFilters, showBestTimesOf,
  };
}

export type AnalyticsModel = ReturnType<typeof createAnalytics>;
