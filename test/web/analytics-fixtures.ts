// Analytics API answers (API.md "Analytics") for the web tests, shaped by the
// contract's types: a brand's report over given local dates, posts, best times.
import type { BestTimes, BrandAnalytics, Platform, PostMetrics, Totals } from "../../web/src/api/types";

export const totals = (over: Partial<Totals> = {}): Totals => ({ posts: 0, views: 0, likes: 0, comments: 0, shares: 0, saves: 0, ...over });

/** Local dates from `first`, `n` of them ("2026-11-01", …). */
export function dates(first: string, n: number): string[] {
  const start = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
}

/**
 * A brand's report: each day `posts` posts with `views` views and `engagements`
 * engagements (split as likes), on one platform, and a followers reading per day
 * at 06:00 UTC that grows by `growth`.
 */
export function report(
  brandId: string,
  days: string[],
  opts: { platform?: Platform; timezone?: string; posts?: number; views?: (i: number) => number; engagements?: (i: number) => number; followers?: number; growth?: number } = {},
): BrandAnalytics {
  const platform = opts.platform ?? "sandbox";
  const views = opts.views ?? ((i) => 100 + i * 10);
  const engagements = opts.engagements ?? ((i) => 10 + i);
  const daily = days.map((date, i) => ({ date, posts: opts.posts ?? 1, views: views(i), engagements: engagements(i) }));
  const t = totals({
    posts: daily.reduce((s, d) => s + d.posts, 0),
    views: daily.reduce((s, d) => s + d.views, 0),
    likes: daily.reduce((s, d) => s + d.engagements, 0),
  });
  return {
    brandId,
    timezone: opts.timezone ?? "Europe/Lisbon",
    followers:
      opts.followers === undefined
        ? []
        : [{ platform, series: days.map((date, i) => ({ at: `${date}T06:00:00.000Z`, value: opts.followers! + i * (opts.growth ?? 5) })) }],
    totals: t,
    byPlatform: { [platform]: t },
    daily,
  };
}

let n = 0;
export function post(over: Partial<PostMetrics> = {}): PostMetrics {
  n++;
  return {
    deliveryId: `dlv_${n}`,
    scheduleId: `sch_${n}`,
    brandId: "brd_a",
    platform: "sandbox",
    contentType: "reel",
    title: `Post ${n}`,
    permalink: `http://app.test/sandbox/posts/${n}`,
    publishedAt: "2026-11-20T09:00:00.000Z",
    metrics: { views: 1200, reach: 900, likes: 80, comments: 6, shares: 4, saves: 10, engagementRate: 100 / 900 },
    capturedAt: "2026-11-21T09:00:00.000Z",
    simulated: true,
    ...over,
  };
}

/** Best times with scores in the given cells ("weekday:hour" → [posts, score]), every other cell empty. */
export function bestTimes(brandId: string, scored: Record<string, [number, number | null]>, suggestions: BestTimes["suggestions"] = []): BestTimes {
  const cells = [];
  for (let weekday = 1; weekday <= 7; weekday++)
    for (let hour = 0; hour < 24; hour++) {
      const [posts, score] = scored[`${weekday}:${hour}`] ?? [0, null];
      cells.push({ weekday, hour, posts, score });
    }
  return { brandId, timezone: "Europe/Lisbon", cells, suggestions };
}
