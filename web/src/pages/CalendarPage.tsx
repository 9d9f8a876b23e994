// Calendar: month, week and list views with filters, drag to reschedule, an
// item panel, and live refresh (polling while visible, and after every action).
import { useEffect, useRef } from "preact/hooks";
import type { ScheduleStatus } from "../api/types";
import { ListView } from "../components/calendar/ListView";
import { MonthView } from "../components/calendar/MonthView";
import { SidePanel } from "../components/calendar/SidePanel";
import { useCalendarDrag } from "../components/calendar/useDrag";
import { WeekView } from "../components/calendar/WeekView";
import { Alert, BrandOptions, Empty, Spinner, STATUS_LABEL } from "../components/ui";
import type { AppState } from "../state/app";
import type { CalendarModel, CalendarView, TypeFilter } from "../state/calendar";
import { dayKey, formatMonth, viewerZone } from "../state/time";

export const POLL_MS = 20_000;

const VIEWS: Array<[CalendarView, string]> = [
  ["month", "Month"],
  ["week", "Week"],
  ["list", "List"],
];
const TYPES: Array<[TypeFilter, string]> = [
  ["all", "All"],
  ["reel", "Reels"],
  ["post", "Posts"],
];
const STATUSES: ScheduleStatus[] = ["scheduled", "publishing", "published", "partial", "failed", "missed"];

/** Keeps the calendar fresh while it is on screen: on mount, every POLL_MS while visible, on focus and reconnect. */
export function useLiveCalendar(cal: CalendarModel, onReconnect: (f: () => void) => () => void, live = true) {
  useEffect(() => {
    if (!live) return;
    void cal.load();
    const tick = () => document.visibilityState === "visible" && !cal.drag.peek() && void cal.load();
    const timer = setInterval(tick, POLL_MS);
    document.addEventListener("visibilitychange", tick);
    const off = onReconnect(() => void cal.load());
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", tick);
      off();
    };
  }, [cal]);
}

function title(cal: CalendarModel): string {
  const w = cal.window.value;
  if (cal.view.value !== "week") return formatMonth(cal.anchor.value);
  const f = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
  return `${f.format(w.days[0]!)} – ${f.format(w.days[6]!)} ${new Date(w.days[6]!).getFullYear()}`;
}

export function CalendarPage({ app, live = true, item }: { app: Pick<AppState, "calendar" | "brands" | "session" | "network">; live?: boolean; item?: string | null }) {
  const { calendar: cal, brands, session, network } = app;
  const bodyRef = useRef<HTMLDivElement>(null);
  // A link to one item (/calendar?item=<scheduleId>[&at=<ISO>], from Analytics or a notification) opens its
  // panel, on the days around `at` when given, before the first load.
  useEffect(() => {
    if (!item) return;
    cal.open(item, Date.parse(new URLSearchParams(window.location.search).get("at") ?? ""));
    window.history.replaceState(null, "", window.location.pathname);
  }, [item]);
  useLiveCalendar(cal, network.onReconnect, live);
  useCalendarDrag(cal, bodyRef);
  useEffect(() => {
    if (live && !brands.list.peek()) void brands.load();
  }, []);

  const view = cal.view.value;
  const all = cal.windowItems.value;
  const items = cal.items.value;
  const selected = cal.selected.value;
  const drag = cal.drag.value;
  const err = cal.itemError.value;
  const filtered = cal.type.value !== "all" || cal.brand.value !== "" || cal.status.value !== "";

  const showMore = (day: number) => {
    cal.setView("list");
    cal.anchor.value = day;
    requestAnimationFrame(() => document.getElementById(`day-${dayKey(day)}`)?.scrollIntoView());
  };

  return (
    <div class={`calendar-page${selected ? " with-panel" : ""}`}>
      <div class="toolbar" role="toolbar" aria-label="Calendar controls">
        <div class="toolbar-group">
          <h1 class="cal-title" aria-live="polite">
            {title(cal)}
          </h1>
          <div class="btn-group">
            <button type="button" class="btn" onClick={() => cal.go(-1)} aria-label={view === "week" ? "Previous week" : "Previous month"}>
              ‹
            </button>
            <button type="button" class="btn" onClick={() => cal.go(0)}>
              Today
            </button>
            <button type="button" class="btn" onClick={() => cal.go(1)} aria-label={view === "week" ? "Next week" : "Next month"}>
              ›
            </button>
          </div>
          <div class="seg" role="group" aria-label="View">
            {VIEWS.map(([v, label]) => (
              <button key={v} type="button" aria-pressed={view === v} onClick={() => cal.setView(v)}>
                {label}
              </button>
            ))}
          </div>
        </div>
        <div class="toolbar-group filters">
          <div class="seg" role="group" aria-label="Content type">
            {TYPES.map(([t, label]) => (
              <button key={t} type="button" aria-pressed={cal.type.value === t} onClick={() => (cal.type.value = t)}>
                {label}
              </button>
            ))}
          </div>
          <label class="sr-only" for="cal-brand">
            Brand
          </label>
          <select id="cal-brand" value={cal.brand.value} onChange={(e) => (cal.brand.value = e.currentTarget.value)}>
            <BrandOptions brands={brands.list.value ?? []} />
          </select>
          <label class="sr-only" for="cal-status">
            Status
          </label>
          <select id="cal-status" value={cal.status.value} onChange={(e) => (cal.status.value = e.currentTarget.value as ScheduleStatus | "")}>
            <option value="">All statuses</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p class="zone-note muted">
        Times in your zone ({viewerZone()}); hover an item for the brand's.
      </p>
      {cal.loadError.value && !network.offline.value && (
        <Alert>
          Couldn't load the calendar: {cal.loadError.value}{" "}
          <button type="button" class="link" onClick={() => cal.load()}>
            Try again
          </button>
        </Alert>
      )}
      {err && !selected && (
        <Alert>
          Couldn't change “{all?.find((i) => i.scheduleId === err.scheduleId)?.title ?? "item"}”: {err.message}{" "}
          <button type="button" class="link" onClick={() => (cal.itemError.value = null)}>
            Dismiss
          </button>
        </Alert>
      )}
      <div class="cal-body" ref={bodyRef} aria-busy={items === null}>
        {items === null ? (
          <Spinner label={network.offline.value ? "Waiting for the connection…" : "Loading this window…"} />
        ) : (
          <>
            {items.length === 0 && (
              <Empty title={filtered ? "Nothing matches these filters here." : "Nothing scheduled in this period."}>
                {filtered ? (
                  <button
                    type="button"
                    class="btn"
                    onClick={() => {
                      cal.type.value = "all";
                      cal.brand.value = "";
                      cal.status.value = "";
                    }}
                  >
                    Clear filters
                  </button>
                ) : brands.list.value?.length === 0 ? (
                  <p>
                    <a href="/brands">Create a brand</a>, then create a job on the <a href="/jobs">Jobs</a> page.
                  </p>
                ) : (
                  <p>
                    Schedule ready outputs from <a href="/jobs">Jobs</a>, or run catch-up on the <a href="/automation">Automation</a> page.
                  </p>
                )}
              </Empty>
            )}
            {view === "month" && <MonthView cal={cal} onMore={showMore} />}
            {view === "week" && <WeekView cal={cal} />}
            {view === "list" && items.length > 0 && <ListView cal={cal} />}
          </>
        )}
      </div>
      {drag && (
        <div class="drag-ghost" style={{ left: `${drag.x + 12}px`, top: `${drag.y + 8}px`, "--brand": drag.item.brand.color }} aria-hidden="true">
          {drag.item.title ?? "Untitled"}
        </div>
      )}
      {selected && <SidePanel cal={cal} item={selected} canEdit={session.canEdit.value} />}
    </div>
  );
}
