import type { CalendarModel } from "../../state/calendar";
import { dayKey, formatDay, formatInZone, formatTime } from "../../state/time";
import { CreatorTag, StatusBadge, TypeIcon } from "../ui";

export function ListView({ cal }: { cal: CalendarModel }) {
  const byDay = cal.byDay.value;
  const today = dayKey(cal.today.value);
  const errId = cal.itemError.value?.scheduleId;
  return (
    <div class="list">
      {cal.window.value.days
        .filter((d) => byDay.has(dayKey(d)))
        .map((d) => {
          const k = dayKey(d);
          return (
            <section key={k} id={`day-${k}`} class="list-day" aria-labelledby={`dh-${k}`}>
              <h3 id={`dh-${k}`} class={k === today ? "today" : undefined}>
                {formatDay(d)}
                {k === today && <span class="today-tag">Today</span>}
              </h3>
              <ul>
                {byDay.get(k)!.map((i) => {
                  const at = Date.parse(i.scheduledAt);
                  return (
                    <li key={i.scheduleId}>
                      <button
                        type="button"
                        class={`row st-${i.status}${i.scheduleId === errId ? " chip-error" : ""}`}
                        style={{ "--brand": i.brand.color }}
                        data-id={i.scheduleId}
                        data-type={i.contentType}
                      >
                        <span class="row-time" title={formatInZone(at, i.brand.timezone)}>
                          {formatTime(at)}
                        </span>
                        <span class="row-brand">
                          <span class="swatch" aria-hidden="true" />
                          {i.brand.name}
                        </span>
                        <TypeIcon variant={i.variant} />
                        <span class="row-title">{i.title ?? "Untitled"}</span>
                        <StatusBadge status={i.status} />
                        <CreatorTag creator={i.createdBy} />
                      </button>
                    </li>
                  );
                })}
              </ul>
            </section>
          );
        })}
    </div>
  );
}
