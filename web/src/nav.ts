// The main navigation as data: one line per page. The bar shows each entry
// from the width its `inline` names; narrower, the entry moves into the
// "More" menu (styles/app.css, "shell"). So every page fits at 375 px and
// the bar never cuts a label. An entry with a count (Needs attention) stays in
// the bar at every width, so its number is always in sight.
import type { AppState } from "./state/app";
import type { Route } from "./state/router";

/** Where an entry sits in the bar: at every width, or from a breakpoint up (see the media queries in app.css). */
export type Inline = "always" | "tablet" | "desktop" | "wide";

export interface NavEntry {
  href: string;
  label: string;
  /** What the bar shows on phones when the label is long (its name for screen readers stays `label`). */
  short?: string;
  /** The routes this entry is the current page for (aria-current). */
  routes: ReadonlyArray<Route["name"]>;
  inline: Inline;
  /** A count shown next to the label when above zero, and how a screen reader says it. */
  count?: (app: AppState) => number;
  countLabel?: (n: number) => string;
}

export const NAV: NavEntry[] = [
  { href: "/calendar", label: "Calendar", routes: ["calendar", "signin"], inline: "always" },
  { href: "/jobs", label: "Jobs", routes: ["jobs", "job"], inline: "always" },
  { href: "/brands", label: "Brands", routes: ["brands"], inline: "tablet" },
  { href: "/automation", label: "Automation", routes: ["automation"], inline: "tablet" },
  {
    href: "/attention",
    label: "Needs attention",
    short: "Attention",
    routes: ["attention"],
    inline: "always",
    count: (app) => app.attention.count.value,
    countLabel: (n) => `${n} need attention`,
  },
  { href: "/analytics", label: "Analytics", routes: ["analytics"], inline: "desktop" },
  { href: "/members", label: "Members", routes: ["members"], inline: "desktop" },
  { href: "/webhooks", label: "Webhooks", routes: ["webhooks"], inline: "wide" },
];

// Checked with every page to come in the bar (Analytics: "desktop", Webhooks:
// "wide", after Members) and the notification bell, at 375 to 1400 px: nothing
// wraps, is cut or overlaps. A new entry needs that check again if it is not one of those.

const ORDER: Inline[] = ["always", "tablet", "desktop", "wide"];

/** The widest breakpoint any entry needs: below it, the "More" menu has something in it. */
export function widestInline(entries: ReadonlyArray<NavEntry>): Inline {
  return entries.reduce<Inline>((w, e) => (ORDER.indexOf(e.inline) > ORDER.indexOf(w) ? e.inline : w), "always");
}
