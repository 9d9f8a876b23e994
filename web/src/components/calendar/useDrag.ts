// Drag to reschedule with pointer events (mouse and pen; on touch the panel's
// Move form is the path, so scrolling stays natural). Drop targets are any
// element with `data-drop`; the model turns that into a time and asks the server.
import { useEffect, type MutableRef } from "preact/hooks";
import type { CalendarModel } from "../../state/calendar";
import { describe } from "./Chip";

const DRAGGABLE = new Set(["scheduled", "missed"]);

export function useCalendarDrag(cal: CalendarModel, ref: MutableRef<HTMLElement | null>) {
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let start: { id: string; x: number; y: number } | null = null;
    let dragging = false;
    let suppressClick = false;
    const find = (id: string) => cal.windowItems.peek()?.find((i) => i.scheduleId === id);
    const targetAt = (x: number, y: number) => document.elementFromPoint(x, y)?.closest("[data-drop]")?.getAttribute("data-drop") ?? null;

    function down(e: PointerEvent) {
      if (e.button !== 0 || e.pointerType === "touch") return;
      const chip = (e.target as Element).closest<HTMLElement>(".chip[data-id]");
      if (chip) start = { id: chip.dataset.id!, x: e.clientX, y: e.clientY };
    }
    function move(e: PointerEvent) {
      if (!start) return;
      if (!dragging) {
        if (Math.hypot(e.clientX - start.x, e.clientY - start.y) < 5) return;
        const item = find(start.id);
        if (!item || !DRAGGABLE.has(item.status)) return void (start = null);
        dragging = true;
        document.body.classList.add("is-dragging");
        cal.dragStart(item, e.clientX, e.clientY);
      }
      e.preventDefault();
      cal.dragMove(e.clientX, e.clientY, targetAt(e.clientX, e.clientY));
    }
    function up(e: PointerEvent) {
      if (dragging) {
        // Swallow the click this pointerup may produce; none comes if the chip re-rendered elsewhere.
        suppressClick = true;
        setTimeout(() => (suppressClick = false), 0);
        document.body.classList.remove("is-dragging");
        void cal.dragEnd(targetAt(e.clientX, e.clientY));
      }
      start = null;
      dragging = false;
    }
    function key(e: KeyboardEvent) {
      if (e.key === "Escape" && dragging) {
        dragging = false;
        start = null;
        document.body.classList.remove("is-dragging");
        cal.dragEnd(null);
      }
    }
    function click(e: MouseEvent) {
      if (suppressClick) {
        suppressClick = false;
        e.preventDefault();
        e.stopPropagation();
        return;
      }
      const hit = (e.target as Element).closest<HTMLElement>("[data-id]");
      const item = hit && find(hit.dataset.id!);
      if (item) cal.select(item);
    }
    /** The brand-zone title, formatted when first needed. */
    function describeOnHover(e: Event) {
      const chip = (e.target as Element).closest<HTMLElement>(".chip[data-id]");
      const item = chip && !chip.title && find(chip.dataset.id!);
      if (item) chip.title = describe(item);
    }
    // One signal removes every listener on cleanup.
    const ac = new AbortController();
    const opts = { signal: ac.signal };
    el.addEventListener("mouseover", describeOnHover, opts);
    el.addEventListener("focusin", describeOnHover, opts);
    el.addEventListener("pointerdown", down, opts);
    window.addEventListener("pointermove", move, opts);
    window.addEventListener("pointerup", up, opts);
    window.addEventListener("keydown", key, opts);
    el.addEventListener("click", click, { capture: true, signal: ac.signal });
    return () => ac.abort();
  }, [cal, ref]);
}
