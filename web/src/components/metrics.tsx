// A post's numbers as the app writes them (API.md `Metrics`): null is "the
// platform does not report it", shown as a dash, never as 0; sandbox numbers
// are simulated and carry a tag that says so. Shared by the calendar's side
// panel and the Analytics page.
import type { Metrics } from "../api/types";

const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });

export const formatCount = (n: number) => whole.format(n);
/** A metric the platform may not report: "—" for null. */
export const formatMetric = (n: number | null) => (n === null ? "—" : whole.format(n));
/** A rate (0.042 → "4.2%"); "—" when there is nothing to compute it from. */
export const formatRate = (r: number | null) => (r === null ? "—" : percent.format(r));

export function SimulatedTag() {
  return (
    <span class="sim-tag" title="Sandbox numbers are simulated, not a real audience's">
      Simulated
    </span>
  );
}

const FIELDS: Array<[keyof Metrics, string]> = [
  ["views", "Views"],
  ["reach", "Reach"],
  ["likes", "Likes"],
  ["comments", "Comments"],
  ["shares", "Shares"],
  ["saves", "Saves"],
  ["engagementRate", "Engagement rate"],
];

/** One delivery's latest reading, every metric named; those the platform does not report say so. */
export function MetricsList({ metrics, platformName }: { metrics: Metrics; platformName: string }) {
  return (
    <dl class="metrics-list">
      {FIELDS.map(([key, label]) => {
        const v = metrics[key];
        return (
          <div key={key}>
            <dt>{label}</dt>
            <dd title={v === null ? `${platformName} does not report this for this post` : undefined}>
              {key === "engagementRate" ? formatRate(v) : formatMetric(v)}
              {v === null && <span class="sr-only"> (not reported)</span>}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
