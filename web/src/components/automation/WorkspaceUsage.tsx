// The workspace's quotas against today's usage (issue 17 item 3): what the
// API refuses past (429 for a daily quota, 409 for brands) and where the
// burst stops, so an owner sees it coming rather than meeting it.
import type { WorkspaceUsage as Usage } from "../../api/types";
import { formatDateTime } from "../../state/time";

const ROWS: Array<[keyof Omit<Usage, "day" | "resetsAt">, string]> = [
  ["brands", "Brands"],
  ["jobsPerDay", "Jobs today"],
  ["rendersPerDay", "Renders today"],
  ["llmCallsPerDay", "LLM calls today"],
];

const count = new Intl.NumberFormat("en-GB");

export function WorkspaceUsage({ usage }: { usage: Usage }) {
  return (
    <section class="card" aria-labelledby="usage-h">
      <h2 id="usage-h">Usage and quotas</h2>
      <ul class="usage">
        {ROWS.map(([key, label]) => {
          const { used, limit } = usage[key];
          const full = used >= limit;
          return (
            <li key={key} class={full ? "usage-full" : undefined}>
              <span>{label}</span>
              <meter min={0} max={limit} value={Math.min(used, limit)} high={limit * 0.8} optimum={0} aria-label={`${label}: ${count.format(used)} of ${count.format(limit)}`} />
              <span>
                {count.format(used)} of {count.format(limit)}
                {full && <strong> · reached</strong>}
              </span>
            </li>
          );
        })}
      </ul>
      <p class="muted">Daily quotas count the workspace's local day ({usage.day}) and reset at {formatDateTime(Date.parse(usage.resetsAt))}.</p>
    </section>
  );
}
