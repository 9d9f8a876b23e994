// A button that shows and hides a panel of links and controls: WAI-ARIA's
// disclosure pattern (APG "Disclosure Navigation Menu"), not role="menu",
// since the panel holds links and form controls, which screen readers list
// as they are. The button says aria-expanded and aria-controls. Opened from
// the keyboard, focus moves to the panel's first item; Up/Down/Home/End move
// between items; Escape closes and returns focus to the button; focus or a
// click leaving the component closes it.
import { useEffect, useRef, useState } from "preact/hooks";

const FOCUSABLE = "a[href], button:not([disabled]), select:not([disabled]), input:not([disabled])";

export function useDisclosure(id: string) {
  const [open, setOpen] = useState(false);
  // The root is the <li> (navigation) or <div> (account) that holds the button and its panel.
  const root = useRef<HTMLDivElement & HTMLLIElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const focusFirst = useRef(false);

  const items = () => Array.from(document.getElementById(id)?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? []);

  useEffect(() => {
    if (!open) return;
    if (focusFirst.current) items()[0]?.focus();
    const onPointer = (e: Event) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open]);

  function close(returnFocus = false) {
    setOpen(false);
    if (returnFocus) button.current?.focus();
  }

  const buttonProps = {
    ref: button,
    type: "button" as const,
    "aria-expanded": open,
    "aria-controls": id,
    // detail 0: a click made by the keyboard (Enter or Space), so focus goes into the panel.
    onClick: (e: MouseEvent) => {
      focusFirst.current = e.detail === 0;
      setOpen(!open);
    },
    onKeyDown: (e: KeyboardEvent) => {
      if (e.key === "ArrowDown" && !open) {
        e.preventDefault();
        focusFirst.current = true;
        setOpen(true);
      }
    },
  };

  const rootProps = {
    ref: root,
    onKeyDown: (e: KeyboardEvent) => {
      if (!open) return;
      if (e.key === "Escape") {
        e.preventDefault();
        close(true);
        return;
      }
      const list = items();
      const at = list.indexOf(document.activeElement as HTMLElement);
      // A select uses the arrow keys itself.
      if (at < 0 || (document.activeElement as HTMLElement).tagName === "SELECT") return;
      const to = e.key === "ArrowDown" ? at + 1 : e.key === "ArrowUp" ? at - 1 : e.key === "Home" ? 0 : e.key === "End" ? list.length - 1 : null;
      if (to === null) return;
      e.preventDefault();
      list[(to + list.length) % list.length]?.focus();
    },
    onFocusOut: (e: FocusEvent) => {
      const next = e.relatedTarget as Node | null;
      if (open && next && !root.current?.contains(next)) setOpen(false);
    },
  };

  return { open, close, buttonProps, rootProps, panelProps: { id, hidden: !open } };
}
