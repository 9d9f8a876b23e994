// One calendar item. Everything the operator scans for is on it: time, brand
// colour, type icon, title, status colour and creator; the brand's own zone is
// in the title attribute.
import type { CalendarEntry } from "../../state/calendar";
import { formatInZone, formatTime } from "../../state/time";
import { STATUS_LABEL, TypeMark } from "../ui";

export function describe(item: CalendarEntry): string {
  const at = Date.parse(item.scheduledAt);
  const by = item.createdBy.kind === "automation" ? "Automation" : item.createdBy.name;
  return `${item.brand.name} · ${item.title ?? "Untitled"} · ${STATUS_LABEL[item.status]} · by ${by} · brand time ${formatInZone(at, item.brand.timezone)}`;
}

// Brand-zone details go into `title` on first hover or focus (useCalendarDrag
// delegates that) rather than being formatted for every chip on every render.
export function Chip({ item, compact, error }: { item: CalendarEntry; compact?: boolean; error?: boolean }) {
  const at = Date.parse(item.scheduledAt);
  const auto = item.createdBy.kind === "automation";
  const by = auto ? "Automation" : item.createdBy.name;
  return (
    <button
      type="button"
      class={`chip st-${item.status}${compact ? " compact" : ""}${error ? " chip-error" : ""}`}
      style={{ "--brand": item.brand.color }}
      data-id={item.scheduleId}
      data-type={item.contentType}
      aria-label={`${formatTime(at)}, ${item.brand.name}, ${item.title ?? "Untitled"}, ${STATUS_LABEL[item.status]}, by ${by}`}
    >
      <span class="chip-time">{formatTime(at)}</span> <TypeMark variant={item.variant} />{" "}
      <span class={`chip-creator${auto ? " auto" : ""}`} aria-hidden="true">
        {auto ? "Auto" : initials(item.createdBy.name)}
      </span>{" "}
      {!compact && <span class="chip-brand">{item.brand.name} · </span>}
      <span class="chip-title">{item.title ?? "Untitled"}</span>
    </button>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/[\s@.]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "") + (parts[1]?.[0] ?? "")).toUpperCase() || "?";
}
