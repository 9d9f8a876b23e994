// Analytics: what published posts did, for the whole workspace or one brand
// (API.md "Analytics"). Followers over time, views and engagements per day,
// the per-platform breakdown, the top posts (linking to each post on its
// platform and on the calendar), and best times as a weekday × hour heatmap
// in the brand's zone. Filters: window, brand, platform, content type; the
// CSV export takes the same. Sandbox numbers are simulated and say so.
//
// App.tsx loads this module on demand (a chunk of its own, with its CSS), so
// the calendar's JavaScript does not carry it; web/chunk-budget.ts checks that.
import { useEffect, useMemo, useState } from "preact/hooks";
import { platformLabel, PLATFORMS } from "../../../worker/scheduling/variants";
import type { Brand, Platform } from "../api/types";
import { BarChart, ChartCard, LineChart, useWidth, type Series } from "../components/analytics/charts";
import { formatCount, formatLongDate, formatShortDate } from "../components/analytics/format";
import { Heatmap, HeatmapLegend } from "../components/analytics/Heatmap";
import { PlatformTable, TopPosts } from "../components/analytics/tables";
import { SimulatedTag } from "../components/metrics";
import { confidenceLabel, suggestionTitle } from "../components/brands/BestTimes";
import { Alert, BrandOptions, Empty, Spinner } from "../components/ui";
import type { AppState } from "../state/app";
import {
  createAnalytics,
  filtersToSearch,
  followerChange,
  MAX_DAYS,
  parseFilters,
  WINDOW_DAYS,
  type AnalyticsFilters,
  type AnalyticsModel,
  type Summary,
} from "../state/analytics";
import { messageOf } from "../state/calendar";
import "../components/analytics/analytics.css";

/** Line colours (≥ 3:1 on white) and patterns: a platform is told apart by both, and by name. */
const PLATFORM_STYLE: Record<Platform, { color: string; dash?: string }> = {
  instagram: { color: "#b5179e" },
  facebook: { color: "#1d4ed8", dash: "7 4" },
  youtube: { color: "#b91c1c", dash: "2 4" },
  sandbox: { color: "#4b5563", dash: "12 4 2 4" },
};
const VIEWS_COLOR = "#3451c7";
const ENGAGEMENT_COLOR = "#0f766e";

export function AnalyticsPage({ app }: { app: AppState }) {
  const { brands, router } = app;
  const model = useMemo(() => createAnalytics(app.api, { brands: () => brands.list.value, initial: parseFilters(window.location.search) }), []);
  useEffect(() => {
    // Brands first (a brand made since the list was loaded counts), then what the filters show.
    void brands.load().then(() => model.load());
    // Numbers change as the sampler reads posts: coming back to the tab shows the latest.
    const onVisible = () => document.visibilityState === "visible" && void model.load();
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  }, []);
  const set = (patch: Partial<AnalyticsFilters>) => {
    model.setFilters(patch);
    router.navigate(`/analytics${filtersToSearch(model.filters.peek())}`, { replace: true });
  };

  const list = brands.list.value;
  const f = model.filters.value;
  const unknownBrand = list !== null && f.brand !== "" && !list.some((b) => b.id === f.brand);
  return (
    <div class="page analytics-page">
      <div class="page-head">
        <div>
          <h1>Analytics</h1>
          <ScopeLine model={model} />
        </div>
        {list?.length !== 0 && <CsvLink app={app} model={model} />}
      </div>
      {list?.length !== 0 && <FiltersBar model={model} brands={list ?? []} set={set} />}
      {brands.error.value && <Alert>Couldn't load brands: {brands.error.value}</Alert>}
      {unknownBrand ? (
        <Alert>
          That brand is not in this workspace.{" "}
          <button type="button" class="link" onClick={() => set({ brand: "" })}>
            Show all brands
          </button>
        </Alert>
      ) : list === null ? (
        <Spinner />
      ) : list.length === 0 ? (
        <Empty title="No brands yet.">
          <p>
            <a href="/brands">Create a brand</a> and connect an account with analytics; its posts' numbers show here once they are published.
          </p>
        </Empty>
      ) : (
        <Body model={model} brands={list} set={set} />
      )}
    </div>
  );
}

function ScopeLine({ model }: { model: AnalyticsModel }) {
  const w = model.window.value;
  const b = model.brand.value;
  if (typeof w === "string") return null;
  const f = model.filters.value;
  const span = `${formatShortDate(w.first)} – ${formatLongDate(w.last)}`;
  return (
    <p class="scope muted">
      {b ? b.name : "All brands"} · {f.days ? `last ${f.days} days, ${span}` : span} · days in {b ? `the brand's zone, ${w.zone}` : `your zone, ${w.zone}`}
    </p>
  );
}

function FiltersBar({ model, brands, set }: { model: AnalyticsModel; brands: Brand[]; set: (p: Partial<AnalyticsFilters>) => void }) {
  const f = model.filters.value;
  const w = model.window.value;
  const [custom, setCustom] = useState(f.days === null);
  const [from, setFrom] = useState(f.from || (typeof w === "string" ? "" : w.first));
  const [to, setTo] = useState(f.to || (typeof w === "string" ? "" : w.last));
  const windowError = f.days === null && typeof w === "string" ? w : null;
  return (
    <div class="toolbar analytics-filters" role="group" aria-label="Filters">
      <div class="toolbar-group">
        <div class="seg" role="group" aria-label="Window">
          {WINDOW_DAYS.map((d) => (
            <button
              key={d}
              type="button"
              aria-pressed={!custom && f.days === d}
              onClick={() => {
                setCustom(false);
                set({ days: d, from: "", to: "" });
              }}
            >
              {d} days
            </button>
          ))}
          <button type="button" aria-pressed={custom} aria-expanded={custom} aria-controls="custom-window" onClick={() => setCustom(true)}>
            Custom
          </button>
        </div>
        {custom && (
          <form
            id="custom-window"
            class="custom-window"
            onSubmit={(e) => {
              e.preventDefault();
              set({ days: null, from, to });
            }}
          >
            <label for="an-from">From</label>
            <input id="an-from" type="date" value={from} required onInput={(e) => setFrom(e.currentTarget.value)} aria-describedby="an-window-hint" />
            <label for="an-to">To</label>
            <input id="an-to" type="date" value={to} required onInput={(e) => setTo(e.currentTarget.value)} aria-describedby="an-window-hint" />
            <button type="submit" class="btn btn-small">
              Show
            </button>
            <span id="an-window-hint" class="hint">
              Both days included, up to {MAX_DAYS} days.
            </span>
            {windowError && (
              <p class="inline-error" role="alert">
                {windowError}
              </p>
            )}
          </form>
        )}
      </div>
      <div class="toolbar-group">
        <label class="sr-only" for="an-brand">
          Brand
        </label>
        <select id="an-brand" value={f.brand} onChange={(e) => set({ brand: e.currentTarget.value })}>
          <BrandOptions brands={brands} />
        </select>
        <label class="sr-only" for="an-platform">
          Platform
        </label>
        <select id="an-platform" value={f.platform} onChange={(e) => set({ platform: e.currentTarget.value as Platform | "" })}>
          <option value="">All platforms</option>
          {PLATFORMS.map((p) => (
            <option key={p} value={p}>
              {platformLabel(p)}
              {p === "sandbox" ? " (simulated)" : ""}
            </option>
          ))}
        </select>
        <div class="seg" role="group" aria-label="Content type">
          {(
            [
              ["all", "All"],
              ["reel", "Reels"],
              ["post", "Posts"],
            ] as const
          ).map(([t, label]) => (
            <button key={t} type="button" aria-pressed={f.type === t} onClick={() => set({ type: t })}>
              {label}
            </button>
          ))}
        </div>
      </div>
    </div>
  );
}

/**
 * GET /api/analytics/posts.csv with the page's filters. The link's address is
 * the API's (copy it for a script with an API token); a click downloads it
 * with this tab's workspace (X-Workspace), which a plain link cannot send.
 */
function CsvLink({ app, model }: { app: AppState; model: AnalyticsModel }) {
  const q = model.query.value;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!q) return null;
  const query = { ...q, sort: "published" as const, limit: 500 };
  const download = async (e: MouseEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { blob, filename } = await app.api.postsCsv(query);
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = filename;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="csv-export">
      <a class="btn" href={app.api.postsCsvUrl(query)} download onClick={download} aria-describedby="csv-hint" aria-busy={busy}>
        Export CSV
      </a>
      <span id="csv-hint" class="hint">
        Posts matching these filters, newest first (up to 500), one row per platform.
      </span>
      {error && (
        <p class="inline-error" role="alert">
          Couldn't export: {error}
        </p>
      )}
    </div>
  );
}

function Body({ model, brands, set }: { model: AnalyticsModel; brands: Brand[]; set: (p: Partial<AnalyticsFilters>) => void }) {
  const data = model.current.value;
  const f = model.filters.value;
  const w = model.window.value;
  if (typeof w === "string") return null;
  if (model.error.value && !data)
    return (
      <Alert>
        Couldn't load analytics: {model.error.value}{" "}
        <button type="button" class="link" onClick={() => void model.load()}>
          Try again
        </button>
      </Alert>
    );
  if (!data) return <Spinner label="Loading analytics…" />;

  const s = data.summary;
  const inScope = f.brand ? brands.filter((b) => b.id === f.brand) : brands;
  const readable = inScope.some((b) => b.accounts.some((a) => a.status !== "pending_selection" && a.analytics !== "missing"));
  const reconnect = inScope.flatMap((b) => b.accounts.filter((a) => a.analytics === "missing").map((a) => ({ brand: b, platform: a.platform })));
  const hasFollowers = s.followers.length > 0;
  const filtered = f.platform !== "" || f.type !== "all";

  return (
    <>
      {s.simulated && (
        <Alert kind="info">
          <strong>Simulated numbers.</strong> Sandbox posts and followers are simulated, not a real audience's: they show how this page works and give the learning loop
          something to learn from. They are marked <SimulatedTag /> wherever they appear.
        </Alert>
      )}
      {reconnect.length > 0 && (
        <Alert kind="info">
          Reconnect to see analytics:{" "}
          {reconnect.map((r, i) => (
            <span key={`${r.brand.id}:${r.platform}`}>
              {i > 0 && ", "}
              <a href={`/brands/${encodeURIComponent(r.brand.id)}`}>
                {r.brand.name} on {platformLabel(r.platform)}
              </a>
            </span>
          ))}
          . Publishing works; the sign-in did not allow Brandcast to read insights.
        </Alert>
      )}
      {s.totals.posts === 0 && !hasFollowers ? (
        !readable ? (
          <Empty title="Connect an account with analytics.">
            <p>
              Numbers come from the platforms' insights. On the <a href={f.brand ? `/brands/${encodeURIComponent(f.brand)}` : "/brands"}>Brands page</a>, connect an
              Instagram, Facebook or YouTube account and allow insights (or add a sandbox account for simulated numbers).
            </p>
          </Empty>
        ) : (
          <Empty title={filtered ? "No published posts match these filters in this window." : "No published posts in this window yet."}>
            <p>
              Posts show here once they are published and first read (within the hour).{" "}
              {filtered ? (
                <button type="button" class="btn btn-small" onClick={() => set({ platform: "", type: "all" })}>
                  Clear platform and type
                </button>
              ) : f.days !== 90 ? (
                <button type="button" class="btn btn-small" onClick={() => set({ days: 90, from: "", to: "" })}>
                  Show the last 90 days
                </button>
              ) : (
                <>
                  See what is coming on the <a href="/calendar">calendar</a>.
                </>
              )}
            </p>
          </Empty>
        )
      ) : (
        <>
          <Kpis summary={s} />
          <div class="chart-grid">
            <DailyCharts summary={s} />
            <div>
              <FollowersChart summary={s} />
              <section class="card" aria-labelledby="platforms-h">
                <h2 id="platforms-h">By platform</h2>
                {s.byPlatform.length ? <PlatformTable rows={s.byPlatform} /> : <p class="muted">No platform has numbers in this window.</p>}
              </section>
            </div>
          </div>
          <TopPostsCard model={model} brands={brands} set={set} />
        </>
      )}
      <BestTimesCard model={model} brands={brands} />
    </>
  );
}

function Kpis({ summary: s }: { summary: Summary }) {
  const fc = followerChange(s);
  const per100 = s.totals.views ? ((s.engagements / s.totals.views) * 100).toFixed(1) : null;
  return (
    <dl class="kpis">
      <div>
        <dt>Posts published</dt>
        <dd>{formatCount(s.totals.posts)}</dd>
      </div>
      <div>
        <dt>Views</dt>
        <dd>{formatCount(s.totals.views)}</dd>
      </div>
      <div>
        <dt>Engagements</dt>
        <dd>
          {formatCount(s.engagements)}
          {per100 && <span class="kpi-sub">{per100} per 100 views</span>}
        </dd>
      </div>
      <div>
        <dt>Followers</dt>
        <dd>
          {fc ? formatCount(fc.latest) : "—"}
          {fc && (
            <span class="kpi-sub">
              {fc.change >= 0 ? "+" : "−"}
              {formatCount(Math.abs(fc.change))} in this window
            </span>
          )}
        </dd>
      </div>
    </dl>
  );
}

const simulatedNote = (s: Summary) => (s.simulated ? <>Includes simulated sandbox numbers. </> : null);

function DailyCharts({ summary: s }: { summary: Summary }) {
  const dates = s.daily.map((d) => d.date);
  const views = s.daily.map((d) => d.views);
  const engagements = s.daily.map((d) => d.engagements);
  const busiest = s.daily.reduce((best, d) => (d.views > best.views ? d : best), s.daily[0] ?? { date: "", views: 0 });
  const span = dates.length ? `${formatLongDate(dates[0]!)} to ${formatLongDate(dates[dates.length - 1]!)}` : "";
  const rows = s.daily.map((d) => [formatLongDate(d.date), formatCount(d.posts), formatCount(d.views), formatCount(d.engagements)]);
  return (
    <ChartCard
      id="daily"
      title="Views and engagements per day"
      class="chart-wide"
      note={<>{simulatedNote(s)}Each post counts on the day it was published, with its latest numbers.</>}
      caption={`Posts, views and engagements per day, ${span}`}
      columns={[{ label: "Day" }, { label: "Posts", numeric: true }, { label: "Views", numeric: true }, { label: "Engagements", numeric: true }]}
      rows={rows}
    >
      <h3 class="chart-sub">Views</h3>
      <BarChart
        dates={dates}
        values={views}
        color={VIEWS_COLOR}
        unit="views"
        label={`Bar chart of views per day, ${span}: ${formatCount(s.totals.views)} in all${busiest.views ? `, most on ${formatLongDate(busiest.date)} (${formatCount(busiest.views)})` : ""}.`}
      />
      <h3 class="chart-sub">Engagements (likes, comments, shares, saves)</h3>
      <BarChart
        dates={dates}
        values={engagements}
        color={ENGAGEMENT_COLOR}
        unit="engagements"
        label={`Bar chart of engagements per day, ${span}: ${formatCount(s.engagements)} in all.`}
      />
    </ChartCard>
  );
}

function FollowersChart({ summary: s }: { summary: Summary }) {
  const dates = s.daily.map((d) => d.date);
  const series: Series[] = s.followers.map((f) => ({
    name: `${platformLabel(f.platform)}${f.simulated ? " (simulated)" : ""}`,
    values: f.values,
    ...PLATFORM_STYLE[f.platform],
  }));
  const words = s.followers
    .map((f) => {
      const known = f.values.filter((v): v is number => v !== null);
      return known.length ? `${platformLabel(f.platform)} from ${formatCount(known[0]!)} to ${formatCount(known[known.length - 1]!)}` : null;
    })
    .filter(Boolean)
    .join("; ");
  return (
    <ChartCard
      id="followers"
      title="Followers"
      class="chart-wide"
      note={<>{s.followers.some((f) => f.simulated) ? "Sandbox followers are simulated. " : ""}The last reading of each day; accounts are read daily.</>}
      caption="Followers per platform, each day"
      columns={[{ label: "Day" }, ...s.followers.map((f) => ({ label: platformLabel(f.platform), numeric: true }))]}
      rows={s.daily.map((d, i) => [formatLongDate(d.date), ...s.followers.map((f) => (f.values[i] === null ? "—" : formatCount(f.values[i]!)))])}
    >
      {series.length ? (
        <LineChart dates={dates} series={series} label={`Line chart of followers per day: ${words || "no readings yet"}.`} />
      ) : (
        <p class="muted">No follower readings in this window yet: accounts are read once a day.</p>
      )}
    </ChartCard>
  );
}

function TopPostsCard({ model, brands, set }: { model: AnalyticsModel; brands: Brand[]; set: (p: Partial<AnalyticsFilters>) => void }) {
  const posts = model.topPosts.value;
  const sort = model.filters.value.sort;
  const byId = useMemo(() => new Map(brands.map((b) => [b.id, b])), [brands]);
  return (
    <section class="card" aria-labelledby="top-h">
      <div class="chart-head">
        <h2 id="top-h">Top posts</h2>
        <div class="seg" role="group" aria-label="Rank by">
          <button type="button" aria-pressed={sort === "views"} onClick={() => set({ sort: "views" })}>
            By views
          </button>
          <button type="button" aria-pressed={sort === "engagement"} onClick={() => set({ sort: "engagement" })}>
            By engagement rate
          </button>
        </div>
      </div>
      {model.postsError.value ? (
        <p class="inline-error">Couldn't load posts: {model.postsError.value}</p>
      ) : !posts ? (
        <Spinner label="Loading posts…" />
      ) : posts.length === 0 ? (
        <p class="muted">No published posts match these filters in this window.</p>
      ) : (
        <TopPosts posts={posts} brands={byId} />
      )}
    </section>
  );
}

function BestTimesCard({ model, brands }: { model: AnalyticsModel; brands: Brand[] }) {
  const { ref, width } = useWidth<HTMLElement>(900);
  const id = model.bestTimesBrand.value;
  const brand = brands.find((b) => b.id === id) ?? null;
  const bt = model.bestTimes.value;
  const data = bt && bt.brandId === id ? bt : null;
  const workspaceView = model.filters.value.brand === "";
  const simulated = !!brand?.accounts.some((a) => a.platform === "sandbox");
  const scored = data?.cells.some((c) => c.score !== null) ?? false;
  return (
    <section class="card best-times-card" aria-labelledby="bt-h" ref={ref}>
      <div class="chart-head">
        <h2 id="bt-h">Best times{brand ? `: ${brand.name}` : ""}</h2>
        {workspaceView && brands.length > 1 && (
          <span class="row-inline">
            <label for="bt-brand">Brand</label>
            <select id="bt-brand" value={id} onChange={(e) => model.showBestTimesOf(e.currentTarget.value)}>
              <BrandOptions brands={brands} all={null} />
            </select>
          </span>
        )}
      </div>
      <p class="chart-note muted">
        Each cell: how posts published at that weekday and hour ({data?.timezone ?? brand?.timezone}) did against the brand's median post (1.0; 2.0 is twice as good). From the
        last 90 days' posts once their numbers settled, whatever the window above.{simulated ? " Includes simulated sandbox numbers." : ""}
      </p>
      {model.bestTimesError.value && !data ? (
        <p class="inline-error">Couldn't load best times: {model.bestTimesError.value}</p>
      ) : !data ? (
        <Spinner label="Loading best times…" />
      ) : (
        <>
          {!scored && <p>Not enough settled posts yet to score an hour: each needs a few posts published at that hour.</p>}
          <Heatmap cells={data.cells} brand={brand} timezone={data.timezone} narrow={width < 760} />
          <HeatmapLegend />
          <h3>Suggestions</h3>
          {data.suggestions.length === 0 ? (
            <p class="muted">No slot moves suggested now.</p>
          ) : (
            <ul class="suggestions">
              {data.suggestions.map((s) => (
                <li key={`${s.kind}:${s.from}`}>
                  <p class="suggestion-title">
                    <strong>{brand ? suggestionTitle(s, brand) : `${s.from} → ${s.to}`}</strong> <span class="confidence">{confidenceLabel(s.confidence)}</span>
                  </p>
                  <p class="muted">{s.reason}</p>
                </li>
              ))}
            </ul>
          )}
          {brand && (
            <p>
              <a href={`/brands/${encodeURIComponent(brand.id)}#best-times`}>{data.suggestions.length ? "Review and apply on the Brands page" : "The brand's slots on the Brands page"}</a>
            </p>
          )}
        </>
      )}
    </section>
  );
}
