// The Analytics page's tables: the top posts (each linking to the post on its
// platform and to its item on the calendar) and the per-platform breakdown,
// whose views column carries a bar. Simulated numbers say so in each row.
import type { ComponentChildren } from "preact";
import { platformLabel } from "../../../../worker/scheduling/variants";
import type { Brand, PostMetrics } from "../../api/types";
import { engagementsOf, type PlatformRow } from "../../state/analytics";
import { formatDateTime } from "../../state/time";
import { SimulatedTag } from "../metrics";
import { contentLabel } from "../ui";
import { formatCount, formatMetric, formatRate } from "./format";

/** A table's header row: [label, numeric?, class?] per column, then any cells given as children. */
function HeadRow({ cols, children }: { cols: Array<[string, boolean?, string?]>; children?: ComponentChildren }) {
  return (
    <thead>
      <tr>
        {cols.map(([label, numeric, cls]) => (
          <th key={label} scope="col" class={[numeric ? "num" : "", cls ?? ""].join(" ").trim() || undefined}>
            {label}
          </th>
        ))}
        {children}
      </tr>
    </thead>
  );
}

/** Where the calendar opens an item: its month, with its panel open (CalendarPage reads these). */
export const calendarLink = (scheduleId: string, at: string) => `/calendar?item=${encodeURIComponent(scheduleId)}&at=${encodeURIComponent(at)}`;

export function TopPosts({ posts, brands }: { posts: PostMetrics[]; brands: Map<string, Brand> }) {
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="top-h">
      <table class="data-table top-posts">
        <HeadRow
          cols={[
            ["Post"],
            ["Views", true],
            ["Reach", true],
            ["Likes", true],
            ["Comments", true],
            ["Shares", true],
            ["Saves", true],
          ]}
        >
          <th scope="col" class="num">
            <abbr title="Engagement rate: likes, comments, shares and saves per person reached (or per view)">Eng. rate</abbr>
          </th>
        </HeadRow>
        <tbody>
          {posts.map((p) => {
            const brand = brands.get(p.brandId);
            const m = p.metrics;
            return (
              <tr key={p.deliveryId}>
                <th scope="row" class="post-cell">
                  <span class="post-title">{p.title ?? "Untitled"}</span>
                  <span class="post-meta muted">
                    <span class="swatch" style={{ "--brand": brand?.colors.primary }} aria-hidden="true" /> {brand?.name ?? "Brand"} · {contentLabel(p.contentType)} ·{" "}
                    {platformLabel(p.platform)} · {formatDateTime(Date.parse(p.publishedAt))}
                    {p.simulated && <SimulatedTag />}
                    {p.capturedAt === null && <span>· not read yet</span>}
                  </span>
                  <span class="post-links">
                    {p.permalink ? (
                      <a href={p.permalink} target="_blank" rel="noreferrer">
                        View on {platformLabel(p.platform)}
                        <span class="sr-only"> (opens in a new tab)</span>
                      </a>
                    ) : (
                      <span class="muted">No link from {platformLabel(p.platform)}</span>
                    )}
                    <a href={calendarLink(p.scheduleId, p.publishedAt)}>On the calendar</a>
                  </span>
                </th>
                <td class="num">{formatMetric(m.views)}</td>
                <td class="num">{formatMetric(m.reach)}</td>
                <td class="num">{formatMetric(m.likes)}</td>
                <td class="num">{formatMetric(m.comments)}</td>
                <td class="num">{formatMetric(m.shares)}</td>
                <td class="num">{formatMetric(m.saves)}</td>
                <td class="num">{formatRate(m.engagementRate)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function PlatformTable({ rows }: { rows: PlatformRow[] }) {
  const maxViews = Math.max(1, ...rows.map((r) => r.totals.views));
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="platforms-h">
      <table class="data-table platforms">
        <HeadRow
          cols={[
            ["Platform"],
            ["Posts", true],
            ["Views", false, "views-col"],
            ["Engagements", true],
            ["Per 100 views", true],
            ["Followers", true],
          ]}
        />
        <tbody>
          {rows.map((r) => {
            const e = engagementsOf(r.totals);
            return (
              <tr key={r.platform}>
                <th scope="row">
                  {platformLabel(r.platform)} {r.simulated && <SimulatedTag />}
                </th>
                <td class="num">{formatCount(r.totals.posts)}</td>
                <td class="views-col">
                  <span class="bar-cell">
                    <span class="bar-track" aria-hidden="true">
                      <span class="bar" style={{ width: `${(r.totals.views / maxViews) * 100}%` }} />
                    </span>
                    <span class="num">{formatCount(r.totals.views)}</span>
                  </span>
                </td>
                <td class="num">{formatCount(e)}</td>
                <td class="num">{r.totals.views ? (Math.round((e / r.totals.views) * 1000) / 10).toFixed(1) : "—"}</td>
                <td class="num">{formatMetric(r.followers)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
