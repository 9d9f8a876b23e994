// The Calendar's model (STYLE.md: signals, computeds and plain actions;
// components read and call). Its data is keyed by the window it was fetched
// for, so navigating months never shows another window's cells
// (REGRESSIONS #21). Filters apply to the fetched window on the client, so
// switching All / Reels / Posts is instant and can never be stale either.
import { batch, computed, signal } from "@preact/signals";
import { contentTypeOf, slotAccepts } from "../../../worker/scheduling/variants";
import { addDays, fromLocal, toLocal } from "../../../worker/scheduling/zoned-time";
import { ApiError, NetworkError, type Api } from "../api/client";
import type { CalendarWindowResponse, ContentType, GridSlotRow, Schedule, ScheduleStatus, Variant } from "../api/types";
import { addLocalDays, addMonths, dayKey, startOfDay, startOfMonth, startOfWeek } from "./time";

export type CalendarView = "month" | "week" | "list";

/**
 * What a calendar cell draws: a row of `GET /api/schedules?view=calendar`
 * with its brand joined back in. A full Schedule is one too, so an action's
 * answer can replace an entry in place.
 */
export interface CalendarEntry {
  scheduleId: string;
  brandId: string;
  variant: Variant;
  contentType: ContentType;
  scheduledAt: string;
  status: ScheduleStatus;
  title: string | null;
  brand: { id: string; slug: string; name: string; color: string; timezone: string };
  createdBy: { kind: "user" | "automation"; name: string };
}

/**
 * Turns the window's rows (tuples in the contract's CALENDAR_COLUMNS order)
 * into entries: each brand from the `brands` map, the content type from the
 * variant, the ISO time from `at`. Items of one instant go in brand-name
 * order (the API sends them in time order only).
 */
export function toEntries(res: CalendarWindowResponse): CalendarEntry[] {
  const entries = res.rows.map(([scheduleId, brandId, variant, at, status, title, creator]): CalendarEntry => {
    const b = res.brands[brandId];
    return {
      scheduleId,
      brandId,
      variant,
      contentType: contentTypeOf(variant),
      scheduledAt: new Date(at).toISOString(),
      status,
      title,
      // Automation's items carry no name on the wire: the creator tag says "Automation".
      createdBy: creator === null ? { kind: "automation", name: "Automation" } : { kind: "user", name: creator },
      brand: { id: brandId, slug: b?.slug ?? "", name: b?.name ?? "Brand", color: b?.color ?? "#6b7280", timezone: b?.timezone ?? "UTC" },
    };
  });
  // Same-format ISO strings sort as the instants they name.
  return entries.sort((a, b) => (a.scheduledAt < b.scheduledAt ? -1 : a.scheduledAt > b.scheduledAt ? 1 : a.brand.name.localeCompare(b.brand.name)));
}

export type TypeFilter = "all" | ContentType;

export interface CalendarWindow {
  key: string;
  from: number;
  to: number;
  /** Local midnights of every day the view shows, in order. */
  days: number[];
}

/** The days a view shows around `anchor`: month grids run Monday to Sunday over whole weeks. */
export function windowFor(view: CalendarView, anchor: number): CalendarWindow {
  let first: number;
  let end: number;
  if (view === "week") {
    first = startOfWeek(anchor);
    end = addLocalDays(first, 7);
  } else if (view === "list") {
    first = startOfMonth(anchor);
    end = addMonths(first, 1);
  } else {
    const monthStart = startOfMonth(anchor);
    first = startOfWeek(monthStart);
    const monthEnd = addMonths(monthStart, 1);
    end = addLocalDays(startOfWeek(addLocalDays(monthEnd, -1)), 7);
  }
  const days: number[] = [];
  for (let d = first; d < end; d = addLocalDays(d, 1)) days.push(d);
  return { key: `${new Date(first).toISOString()}/${new Date(end).toISOString()}`, from: first, to: end, days };
}

/**
 * Where a schedule lands when dropped on another day: the same wall-clock time
 * in the *brand's* zone, moved by whole days, because the brand's slot grid is
 * wall-clock in its zone (DESIGN.md §4).
 */
export function moveToDay(item: Pick<CalendarEntry, "scheduledAt" | "brand">, fromDay: number, toDay: number): number {
  const at = Date.parse(item.scheduledAt);
  const days = Math.round((startOfDay(toDay) - startOfDay(fromDay)) / 86_400_000);
  const local = toLocal(at, item.brand.timezone);
  const date = addDays(local, days);
  return fromLocal({ ...date, hour: local.hour, minute: local.minute }, item.brand.timezone);
}

/** Where a schedule lands when dropped on an hour of a day (week view): that hour, same minutes, viewer's zone. */
export function moveToHour(item: Pick<CalendarEntry, "scheduledAt">, day: number, hour: number): number {
  const old = new Date(Date.parse(item.scheduledAt));
  const d = new Date(day);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate(), hour, old.getMinutes()).getTime();
}

export interface DragState {
  item: CalendarEntry;
  x: number;
  y: number;
  /** Drop target under the pointer, as `data-drop` says: "day:<ms>", "hour:<ms>:<h>" or "slot:<ms>". */
  over: string | null;
}

export function createCalendar(api: Api, opts: { now?: () => number } = {}) {
  const now = opts.now ?? Date.now;

  const view = signal<CalendarView>("month");
  const anchor = signal(startOfDay(now()));
  const type = signal<TypeFilter>("all");
  const brand = signal("");
  const status = signal<ScheduleStatus | "">("");
  const today = signal(startOfDay(now()));

  const window = computed(() => windowFor(view.value, anchor.value));
  const data = signal<{ key: string; items: CalendarEntry[] } | null>(null);
  const loadError = signal<string | null>(null);
  /** Per-item error from the last action on it, shown next to the item (drag) or in its panel. */
  const itemError = signal<{ scheduleId: string; message: string } | null>(null);
  const selectedId = signal<string | null>(null);
  const drag = signal<DragState | null>(null);
  /** The dragged brand's grid for the window, from the API (REGRESSIONS #11): drop hints in week view. */
  const dragSlots = signal<{ key: string; slots: GridSlotRow[] } | null>(null);
  const busy = signal<string | null>(null);

  /** The fetched items for the window on screen, or null while that window loads. */
  const windowItems = computed(() => {
    const d = data.value;
    return d && d.key === window.value.key ? d.items : null;
  });

  const items = computed(() => {
    const all = windowItems.value;
    if (!all) return null;
    const t = type.value;
    const b = brand.value;
    const s = status.value;
    if (t === "all" && !b && !s) return all;
    return all.filter((i) => (t === "all" || i.contentType === t) && (!b || i.brandId === b) && (!s || i.status === s));
  });

  /** Items bucketed by viewer-local day key, each bucket in time order (the API sorts by time). */
  const byDay = computed(() => {
    const map = new Map<string, CalendarEntry[]>();
    for (const i of items.value ?? []) {
      const k = dayKey(Date.parse(i.scheduledAt));
      const list = map.get(k);
      if (list) list.push(i);
      else map.set(k, [i]);
    }
    return map;
  });

  /**
   * The side panel's item: the full Schedule, loaded by id when selected and
   * refreshed with the window (media, caption, deliveries and their logs are
   * not in the slim calendar items). It keeps showing an item whose window
   * scrolled away until closed.
   */
  const detail = signal<Schedule | null>(null);
  const selected = computed(() => {
    const id = selectedId.value;
    const d = detail.value;
    return id && d && d.scheduleId === id ? d : null;
  });

  let detailSeq = 0;
  async function loadDetail(id: string) {
    const mine = ++detailSeq;
    try {
      const full = await api.getSchedule(id);
      if (mine === detailSeq && selectedId.peek() === id) detail.value = full;
    } catch (err) {
      if (mine !== detailSeq || selectedId.peek() !== id) return;
      // Unscheduled elsewhere: the panel closes rather than show a ghost.
      if (err instanceof ApiError && err.status === 404) select(null);
      else itemError.value = { scheduleId: id, message: messageOf(err) };
    }
  }

  let seq = 0;
  let applied = 0;
  async function load(): Promise<void> {
    const w = window.peek();
    const mine = ++seq;
    try {
      const res = await api.calendarWindow({ from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString() });
      // An answer for a window we already left is dropped; so is one older than an answer already shown.
      if (w.key !== window.peek().key || mine < applied) return;
      applied = mine;
      batch(() => {
        data.value = { key: w.key, items: toEntries(res) };
        loadError.value = null;
        today.value = startOfDay(now());
      });
      const open = selectedId.peek();
      if (open) void loadDetail(open);
    } catch (err) {
      if (w.key === window.peek().key) loadError.value = messageOf(err);
    }
  }

  function setView(v: CalendarView) {
    view.value = v;
    void load();
  }
  function go(step: -1 | 0 | 1) {
    const v = view.peek();
    anchor.value =
      step === 0 ? startOfDay(now()) : v === "week" ? addLocalDays(anchor.peek(), 7 * step) : addMonths(startOfMonth(anchor.peek()), step);
    void load();
  }
  function showDay(day: number) {
    batch(() => {
      anchor.value = day;
      view.value = "week";
    });
    void load();
  }

  function select(item: CalendarEntry | null) {
    batch(() => {
      selectedId.value = item?.scheduleId ?? null;
      // A full Schedule (an action's answer, a test) shows at once; a slim entry loads its detail.
      detail.value = item && "deliveries" in item ? (item as Schedule) : null;
      if (item && itemError.peek()?.scheduleId !== item.scheduleId) itemError.value = null;
    });
    if (item && !("deliveries" in item)) void loadDetail(item.scheduleId);
  }

  /**
   * Opens an item's panel by id, as a link from elsewhere does (Analytics' top
   * posts, a notification's `/calendar?item=…`): with `at`, the days around it too.
   */
  function open(id: string, at?: number) {
    const moveTo = at !== undefined && Number.isFinite(at) ? startOfDay(at) : null;
    if (selectedId.peek() === id && moveTo === null) return;
    batch(() => {
      if (moveTo !== null) anchor.value = moveTo;
      selectedId.value = id;
      detail.value = null;
      itemError.value = null;
    });
    void loadDetail(id);
  }

  function replaceItem(updated: CalendarEntry) {
    const d = data.peek();
    if (d) {
      const items = d.items.map((i) => (i.scheduleId === updated.scheduleId ? updated : i));
      items.sort((a, b) => Date.parse(a.scheduledAt) - Date.parse(b.scheduledAt));
      data.value = { key: d.key, items };
    }
    if (selectedId.peek() === updated.scheduleId) {
      const cur = detail.peek();
      if ("deliveries" in updated) detail.value = updated as Schedule;
      else if (cur) detail.value = { ...cur, scheduledAt: updated.scheduledAt, status: updated.status };
    }
  }

  /** Runs an action on one item; its error (in the server's words) is kept next to that item. */
  async function act(item: CalendarEntry, name: string, fn: () => Promise<unknown>): Promise<boolean> {
    batch(() => {
      busy.value = `${item.scheduleId}:${name}`;
      itemError.value = null;
    });
    try {
      const res = await fn();
      if (res && typeof res === "object" && "scheduleId" in res) replaceItem(res as CalendarEntry);
      return true;
    } catch (err) {
      itemError.value = { scheduleId: item.scheduleId, message: messageOf(err) };
      return false;
    } finally {
      busy.value = null;
      void load();
    }
  }

  /** Optimistic move: the item jumps at once and snaps back if the server refuses (e.g. 409 slot taken). */
  async function move(item: CalendarEntry, at: number): Promise<boolean> {
    const before = item;
    if (Date.parse(item.scheduledAt) === at) return true;
    replaceItem({ ...item, scheduledAt: new Date(at).toISOString() });
    const ok = await act(item, "move", () => api.moveSchedule(item.scheduleId, new Date(at).toISOString()));
    if (!ok) replaceItem(before);
    return ok;
  }

  async function unschedule(item: CalendarEntry): Promise<boolean> {
    const ok = await act(item, "unschedule", () => api.unschedule(item.scheduleId));
    if (ok && selectedId.peek() === item.scheduleId) select(null);
    return ok;
  }
  const retry = (item: CalendarEntry) => act(item, "retry", () => api.retrySchedule(item.scheduleId));
  const publishNow = (item: CalendarEntry) => act(item, "publish", () => api.publishNow(item.scheduleId));

  // ---- dragging (pointer events; the panel's Move form is the keyboard path) ----
  function dragStart(item: CalendarEntry, x: number, y: number) {
    drag.value = { item, x, y, over: null };
    const w = window.peek();
    const key = `${item.brandId}|${w.key}`;
    if (dragSlots.peek()?.key === key) return;
    api
      .brandSlots(item.brandId, new Date(w.from).toISOString(), new Date(w.to).toISOString())
      .then((res) => {
        if (drag.peek()?.item.scheduleId === item.scheduleId) dragSlots.value = { key, slots: res.slots };
      })
      .catch(() => {
        // Hints are optional: without them a drop still asks the server, which has the last word.
      });
  }
  function dragMove(x: number, y: number, over: string | null) {
    const d = drag.peek();
    if (d) drag.value = { ...d, x, y, over };
  }
  /** Drops the dragged item on `target` (a `data-drop` value); returns the move's promise, if any. */
  function dragEnd(target: string | null): Promise<boolean> | null {
    const d = drag.peek();
    batch(() => {
      drag.value = null;
    });
    if (!d || !target) return null;
    const at = dropTime(d.item, target);
    return at === null ? null : move(d.item, at);
  }

  /** Grid slots of the dragged item's brand that take it: the server's own rule (slotAccepts). */
  const dropSlots = computed(() => {
    const d = drag.value;
    const s = dragSlots.value;
    if (!d || !s || !s.key.startsWith(`${d.item.brandId}|`)) return [];
    return s.slots.filter((slot) => slotAccepts(slot, d.item.variant));
  });

  function reset() {
    batch(() => {
      data.value = null;
      selectedId.value = null;
      detail.value = null;
      itemError.value = null;
      brand.value = "";
    });
  }

  return {
    view, anchor, type, brand, status, today, window, data, loadError, itemError, selectedId, selected, drag, dropSlots, busy,
    windowItems, items, byDay,
    load, setView, go, showDay, select, open, move, unschedule, retry, publishNow, dragStart, dragMove, dragEnd, reset,
  };
}

export type CalendarModel = ReturnType<typeof createCalendar>;

/** The drop target's time for `item`, or null when the target is not a time. */
export function dropTime(item: CalendarEntry, target: string): number | null {
  const [kind, a, b] = target.split(":");
  const n = Number(a);
  if (!Number.isFinite(n)) return null;
  if (kind === "slot") return n;
  if (kind === "day") return moveToDay(item, startOfDay(Date.parse(item.scheduledAt)), n);
  if (kind === "hour") return moveToHour(item, n, Number(b));
  return null;
}

export function messageOf(err: unknown): string {
  if (err instanceof ApiError || err instanceof NetworkError) return err.message;
  return "Something went wrong. Try again.";
}
