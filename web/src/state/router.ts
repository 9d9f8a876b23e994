// A tiny history router: the path is a signal; links are plain <a href> that
// the shell intercepts. The Worker's SPA fallback serves index.html for any
// app path, so deep links and reloads work.
import { signal } from "@preact/signals";

export type Route =
  | { name: "calendar" }
  | { name: "jobs" }
  | { name: "job"; jobId: string }
  | { name: "brands"; brandId?: string }
  | { name: "automation" }
  | { name: "attention" }
  | { name: "members" }
  | { name: "analytics" }
  | { name: "invite"; token: string }
  | { name: "webhooks" }
  | { name: "signin" }
  | { name: "notfound" };

export function matchRoute(path: string): Route {
  const parts = path.replace(/\/+$/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const [a, b] = parts;
  if (!a || a === "calendar") return parts.length <= 1 ? { name: "calendar" } : { name: "notfound" };
  if (a === "jobs") return b ? { name: "job", jobId: b } : { name: "jobs" };
  if (a === "brands") return b ? { name: "brands", brandId: b } : { name: "brands" };
  if (a === "automation") return { name: "automation" };
  if (a === "attention") return { name: "attention" };
  if (a === "members") return { name: "members" };
  if (a === "analytics") return { name: "analytics" };
  if (a === "invite" && b && parts.length === 2) return { name: "invite", token: b };
  if (a === "webhooks") return { name: "webhooks" };
  if (a === "signin") return { name: "signin" };
  return { name: "notfound" };
}

export function createRouter(win: Window = window) {
  const path = signal(win.location.pathname);
  /** The query string (`?item=…` opens a calendar item from a notification's link). */
  const search = signal(win.location.search);
  win.addEventListener("popstate", () => {
    path.value = win.location.pathname;
    search.value = win.location.search;
  });

  function navigate(to: string, opts: { replace?: boolean } = {}) {
    if (to === win.location.pathname + win.location.search) return;
    if (opts.replace) win.history.replaceState(null, "", to);
    else win.history.pushState(null, "", to);
    path.value = win.location.pathname;
    search.value = win.location.search;
    win.scrollTo?.(0, 0);
  }

  /** Click handler for the app root: same-origin, unmodified left clicks on <a> navigate in place. */
  function onLinkClick(e: MouseEvent) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element | null)?.closest?.("a");
    if (!a || a.target || a.hasAttribute("download")) return;
    const url = new URL(a.href, win.location.href);
    if (url.origin !== win.location.origin || url.pathname.startsWith("/api/") || url.pathname.startsWith("/media/")) return;
    e.preventDefault();
    navigate(url.pathname + url.search);
  }

  return { path, search, navigate, onLinkClick };
}

export type Router = ReturnType<typeof createRouter>;
