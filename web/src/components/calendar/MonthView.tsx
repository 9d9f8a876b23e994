import type { CalendarModel } from "../../state/calendar";
import { dayKey, startOfMonth } from "../../state/time";
import { Chip } from "./Chip";

const dayLabel = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long" });
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
/** Chips per cell before "+N more": keeps a 2,000-item month a few hundred nodes. */
const PER_CELL = 4;

export function MonthView({ cal, onMore }: { cal: CalendarModel; onMore: (day: number) => void }) {
  const w = cal.window.value;
  const byDay = cal.byDay.value;
  const month = new Date(startOfMonth(cal.anchor.value)).getMonth();
  const today = dayKey(cal.today.value);
  const errId = cal.itemError.value?.scheduleId;
  const over = cal.drag.value?.over;
  return (
    <div class="month">
      <div class="month-head" aria-hidden="true">
        {WEEKDAYS.map((d) => (
          <div key={d}>
            {d}
          </div>
        ))}
      </div>
      <div class="month-body">
        {w.days.map((day) => {
          const k = dayKey(day);
          const list = byDay.get(k) ?? [];
          const d = new Date(day);
          const drop = `day:${day}`;
          return (
            <div
              key={k}
              role="group"
              aria-label={dayLabel.format(day)}
              class={`cell${d.getMonth() !== month ? " outside" : ""}${k === today ? " today" : ""}${over === drop ? " drop-over" : ""}`}
              data-drop={drop}
              data-day={k}
            >
              <div class="cell-date">
                <span>{d.getDate()}</span>
                {k === today && <span class="today-tag">Today</span>}
              </div>
              {list.slice(0, PER_CELL).map((i) => (
                <Chip key={i.scheduleId} item={i} compact error={i.scheduleId === errId} />
              ))}
              {list.length > PER_CELL && (
                <button type="button" class="more" onClick={() => onMore(day)}>
                  +{list.length - PER_CELL} more
                </button>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
