// Bench entry: the production Calendar page with a month holding 2,000 items,
// injected through a fake API (no network), so the figure is the UI's own cost.
import { render } from "preact";
import type { Api } from "../../web/src/api/client";
import type { Schedule } from "../../web/src/api/types";
import { windowOf } from "../web/fixtures";
import { CalendarPage } from "../../web/src/pages/CalendarPage";
import { createBrands } from "../../web/src/state/brands";
import { createCalendar } from "../../web/src/state/calendar";
import { createNetwork } from "../../web/src/state/network";
import { createSession } from "../../web/src/state/session";
import "../../web/src/styles/app.css";

const NOW = Date.parse("2026-11-18T10:00:00Z");
const COLORS = ["#2563eb", "#059669", "#db2777", "#d97706", "#7c3aed", "#0891b2", "#dc2626", "#4d7c0f"];
const STATUSES = ["scheduled", "published", "publishing", "partial", "failed", "missed"] as const;

function items(n: number): Schedule[] {
  const from = Date.parse("2026-10-26T00:00:00Z");
  const span = 42 * 86_400_000;
  const out: Schedule[] = [];
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
  for (let i = 0; i < n; i++) {
    const b = i % 20;
    const variant = (["light", "dark", "post"] as const)[i % 3]!;
    out.push({
      scheduleId: `sch_${i}`,
      jobId: `GEN-${String(i).padStart(6, "0")}`,
      brandId: `brd_${b}`,
      brand: { id: `brd_${b}`, slug: `brand-${b}`, name: `Brand ${b}`, timezone: b % 2 ? "America/New_York" : "Europe/Lisbon", color: COLORS[b % COLORS.length]! },
      variant,
      contentType: variant === "post" ? "post" : "reel",
      scheduledAt: new Date(from + Math.floor((rnd() * span) / 60_000) * 60_000).toISOString(),
      status: STATUSES[i % STATUSES.length]!,
      createdBy: i % 4 ? { kind: "automation", name: "Automation" } : { kind: "user", id: "usr_1", name: "Ana Operator" },
      title: `Item ${i}: five habits that change your mornings`,
      caption: null,
      media: {},
      deliveries: [],
    });
  }
  return out.sort((a, b) => Date.parse(a.scheduledAt) - Date.parse(b.scheduledAt));
}

const data = items(Number(new URLSearchParams(location.search).get("n") ?? 2000));
const api = { calendarWindow: async () => windowOf(data), listBrands: async () => ({ brands: [] }) } as unknown as Api;
const app = {
  calendar: createCalendar(api, { now: () => NOW }),
  brands: createBrands(api),
  session: createSession(api, null, () => {}),
  network: createNetwork(async () => {}),
};

// The data has arrived. The bench calls __start() and times the first render of
// the month through to the next painted frame.
await app.calendar.load();
(window as unknown as { __start: () => Promise<unknown> }).__start = () =>
  new Promise((resolve) => {
    const t0 = performance.now();
    render(<CalendarPage app={app} live={false} />, document.getElementById("app")!);
    const rendered = performance.now() - t0;
    void document.body.offsetHeight; // style and layout, forced now so they are measured
    const laidOut = performance.now() - t0;
    // The next frame's rAF callback runs before its paint; the task queued from it runs after.
    requestAnimationFrame(() =>
      setTimeout(() => resolve({ ms: performance.now() - t0, rendered, laidOut, chips: document.querySelectorAll(".chip").length }), 0),
    );
  });
