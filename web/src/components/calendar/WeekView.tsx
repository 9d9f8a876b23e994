import { Fragment } from "preact";
import type { CalendarEntry } from "../../state/calendar";
import type { CalendarModel } from "../../state/calendar";
import { dayKey, formatTime } from "../../state/time";
import { Chip } from "./Chip";

const HOURS = Array.from({ length: 24 }, (_, h) => h);
const dayHead = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric" });

export function WeekView({ cal }: { cal: CalendarModel }) {
  const w = cal.window.value;
  const items = cal.items.value ?? [];
  const today = dayKey(cal.today.value);
  const errId = cal.itemError.value?.scheduleId;
  const over = cal.drag.value?.over;
  // Bucket by day and hour once.
  const cells = new Map<string, CalendarEntry[]>();
  for (const i of items) {
    const t = new Date(Date.parse(i.scheduledAt));
    const k = `${dayKey(t.getTime())}|${t.getHours()}`;
    const l = cells.get(k);
    if (l) l.push(i);
    else cells.set(k, [i]);
  }
  const hints = new Map<string, Array<{ at: number; taken: boolean }>>();
  for (const s of cal.dropSlots.value) {
    const at = Date.parse(s.at);
    const t = new Date(at);
    const k = `${dayKey(at)}|${t.getHours()}`;
    const l = hints.get(k) ?? [];
    l.push({ at, taken: s.taken });
    hints.set(k, l);
  }
  return (
    <div class="week-scroll">
      <div class="week">
        <div class="week-corner" />
        {w.days.map((d) => (
          <div key={d} class={`week-day${dayKey(d) === today ? " today" : ""}`}>
            {dayHead.format(d)}
            {dayKey(d) === today && <span class="today-tag">Today</span>}
          </div>
        ))}
        {HOURS.map((h) => (
          <Fragment key={h}>
            <div class="week-hour">
              {String(h).padStart(2, "0")}:00
            </div>
            {w.days.map((d) => {
              const k = `${dayKey(d)}|${h}`;
              const drop = `hour:${d}:${h}`;
              return (
                <div key={k} class={`week-cell${over === drop ? " drop-over" : ""}${dayKey(d) === today ? " today" : ""}`} data-drop={drop}>
                  {hints.get(k)?.map((s) => (
                    <div
                      key={s.at}
                      class={`slot-hint${s.taken ? " taken" : ""}${over === `slot:${s.at}` ? " drop-over" : ""}`}
                      data-drop={`slot:${s.at}`}
                    >
                      {formatTime(s.at)} {s.taken ? "taken" : "free"}
                    </div>
                  ))}
                  {cells.get(k)?.map((i) => <Chip key={i.scheduleId} item={i} compact error={i.scheduleId === errId} />)}
                </div>
              );
            })}
          </Fragment>
        ))}
      </div>
    </div>
  );
}
