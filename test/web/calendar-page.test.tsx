// The Calendar page rendered in a DOM: what each item shows, filters, empty
// states, and that an automation item is tagged "Automation".
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Api } from "../../web/src/api/client";
import type { Schedule } from "../../web/src/api/types";
import { createBrands } from "../../web/src/state/brands";
import { createCalendar } from "../../web/src/state/calendar";
import { createNetwork } from "../../web/src/state/network";
import { createSession } from "../../web/src/state/session";
import { permalinkHref } from "../../web/src/components/calendar/permalink";
import { CalendarPage } from "../../web/src/pages/CalendarPage";
import { formatTime } from "../../web/src/state/time";
import { fakeApi, flush, makeSchedule, windowOf } from "./fixtures";

const NOW = Date.parse("2026-11-25T09:00:00Z");
let root: HTMLElement;

beforeEach(() => {
  root = document.createElement("div");
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
});

async function mount(items: Schedule[]) {
  const api: Api = fakeApi({ calendarWindow: async () => windowOf(items), getSchedule: async (id: string) => items.find((i) => i.scheduleId === id)!, listBrands: async () => ({ brands: [] }) });
  const app = {
    calendar: createCalendar(api, { now: () => NOW }),
    brands: createBrands(api),
    session: createSession(api, null, () => {}),
    network: createNetwork(async () => {}),
  };
  app.session.me.value = {
    user: { id: "usr_1", email: "ana@example.com", name: "Ana" },
    workspaces: [{ id: "wsp_1", name: "Main", role: "owner" }],
    currentWorkspaceId: "wsp_1",
    role: "owner",
  };
  await app.calendar.load();
  await act(() => render(<CalendarPage app={app} live={false} />, root));
  await flush();
  return app;
}

/** Mounts the page with one item and opens its side panel. */
async function openPanel(item: Schedule): Promise<Element> {
  await mount([item]);
  await act(() => (root.querySelector(".chip") as HTMLButtonElement).click());
  // The calendar draws slim items; the panel loads the full schedule by id.
  await act(async () => {
    await flush();
  });
  return root.querySelector(".panel")!;
}

describe("Calendar page", () => {
  it("shows time, type, title and creator on each item, in the right day cell, with today marked", async () => {
    const item = makeSchedule({ scheduledAt: "2026-11-26T15:00:00.000Z", title: "Morning habits", createdBy: { kind: "automation", name: "Automation" } });
    await mount([item]);
    const cell = root.querySelector('[data-day="2026-11-26"]')!;
    const chip = cell.querySelector(".chip")!;
    expect(chip.textContent).toContain(formatTime(Date.parse(item.scheduledAt)));
    expect(chip.textContent).toContain("Morning habits");
    expect(chip.textContent).toContain("Auto");
    expect(chip.getAttribute("aria-label")).toContain("Acme");
    chip.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
    expect(chip.getAttribute("title")).toContain("(Europe/Lisbon)");
    expect(chip.querySelector("[role=img][aria-label='Reel (light)']")).not.toBeNull();
    expect(root.querySelector('[data-day="2026-11-25"]')!.classList.contains("today")).toBe(true);
  });

  it("filters Reels / Posts with the buttons, and the list view tags automation items", async () => {
    const reel = makeSchedule({ scheduledAt: "2026-11-26T07:00:00.000Z", title: "A reel" });
    const post = makeSchedule({
      scheduledAt: "2026-11-26T08:00:00.000Z",
      title: "A post",
      variant: "post",
      contentType: "post",
      createdBy: { kind: "automation", name: "Automation" },
    });
    const app = await mount([reel, post]);
    const button = (label: string) => [...root.querySelectorAll("button")].find((b) => b.textContent === label)!;
    expect(button("All").getAttribute("aria-pressed")).toBe("true");
    await act(() => button("Posts").click());
    expect([...root.querySelectorAll(".chip-title")].map((e) => e.textContent)).toEqual(["A post"]);
    await act(() => button("Reels").click());
    expect([...root.querySelectorAll(".chip-title")].map((e) => e.textContent)).toEqual(["A reel"]);
    await act(() => button("All").click());
    await act(() => app.calendar.setView("list"));
    await flush();
    await act(() => {});
    const rows = [...root.querySelectorAll(".row")];
    expect(rows.map((r) => r.querySelector(".row-title")!.textContent)).toEqual(["A reel", "A post"]);
    expect(rows[1]!.querySelector(".creator-auto")!.textContent).toBe("Automation");
  });

  it("says what to do when the month is empty", async () => {
    await mount([]);
    expect(root.textContent).toContain("Nothing scheduled in this period.");
    expect(root.querySelector('a[href="/jobs"]')).not.toBeNull();
  });

  it("opens the side panel on click, with per-platform status, links and errors", async () => {
    const item = makeSchedule({
      scheduledAt: "2026-11-26T15:00:00.000Z",
      status: "partial",
      deliveries: [
        { platform: "instagram", status: "published", attempts: 1, permalink: "https://instagram.com/p/1" },
        { platform: "youtube", status: "failed", attempts: 3, error: "The token expired. Reconnect YouTube." },
      ],
    });
    const panel = await openPanel(item);
    expect(panel.querySelector('a[href="https://instagram.com/p/1"]')).not.toBeNull();
    expect(panel.textContent).toContain("The token expired. Reconnect YouTube.");
    expect(panel.textContent).toContain("Retry failed platforms");
  });

  it("shows a published delivery's warning (a YouTube upload kept private)", async () => {
    const warning = "Uploaded as private: your Google project is unverified, so YouTube keeps every upload it makes private.";
    const item = makeSchedule({
      scheduledAt: "2026-11-26T15:00:00.000Z",
      status: "published",
      deliveries: [{ platform: "youtube", status: "published", attempts: 1, permalink: "https://studio.youtube.com/video/abc/edit", warning }],
    });
    const note = (await openPanel(item)).querySelector(".delivery-warning")!;
    expect(note.textContent).toBe(`Published with a warning: ${warning}`);
  });

  it("links a permalink only when it is https (or the sandbox's own page): javascript: and http: stay text (issue 16 item 10)", async () => {
    const permalinks = {
      instagram: "javascript:alert(document.cookie)",
      facebook: "http://facebook.example/p/2",
      youtube: "https://youtube.com/shorts/3",
      sandbox: "/sandbox/dlv_4",
    } as const;
    const deliveries = Object.entries(permalinks).map(([platform, permalink]) => ({ platform: platform as keyof typeof permalinks, status: "published" as const, attempts: 1, permalink }));
    const panel = await openPanel(makeSchedule({ scheduledAt: "2026-11-26T15:00:00.000Z", status: "published", deliveries }));
    const hrefs = [...panel.querySelectorAll(".deliveries a")].map((a) => a.getAttribute("href"));
    expect(hrefs).toEqual(["https://youtube.com/shorts/3", new URL("/sandbox/dlv_4", window.location.href).href]);
    expect(panel.innerHTML).not.toContain("javascript:");
    expect(panel.textContent?.match(/not https/g)).toHaveLength(2);
  });
});

describe("permalinkHref", () => {
  it("takes https, and the sandbox's pages on the app's own origin or on a local run", () => {
    const app = "https://brandcast.example/calendar";
    expect(permalinkHref("https://www.instagram.com/reel/x/", app)).toBe("https://www.instagram.com/reel/x/");
    expect(permalinkHref("/sandbox/dlv_1", app)).toBe("https://brandcast.example/sandbox/dlv_1");
    expect(permalinkHref("http://localhost:8787/sandbox/dlv_1", "http://127.0.0.1:8787/calendar")).toBe("http://localhost:8787/sandbox/dlv_1");
    for (const bad of [
      "javascript:alert(1)",
      " JavaScript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "http://facebook.example/p/1",
      "http://localhost:8787/sandbox/dlv_1", // from a public deployment, a local address is no link
      "http://brandcast.example/sandbox/dlv_1",
      "vbscript:x",
      "//evil.example/sandbox/x",
      "not a url at all ::",
    ]) {
      expect(permalinkHref(bad, app), bad).toBeNull();
    }
    // Locally, an http page that is not the sandbox's is not linked either.
    expect(permalinkHref("http://localhost:8787/api/me", "http://localhost:8787/calendar")).toBeNull();
  });
});
