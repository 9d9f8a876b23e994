// The shell: signed out shows sign-in; losing the network shows a retry
// banner over the page (never a blank page), and the app recovers by itself.
// Signed in: the main navigation holds every page (nav.ts) with the current
// one marked, the ones not always in the bar also under "More" (a disclosure
// that the keyboard can open, walk and close), and an account menu with the
// workspace switcher and sign-out.
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Me } from "../../web/src/api/types";
import { NAV } from "../../web/src/nav";
import { appRoot, jsonResponse as json, mountApp, routedFetch, settle, unmountApp } from "./fixtures";

afterEach(() => {
  unmountApp();
  vi.restoreAllMocks();
});

const ME: Me = {
  user: { id: "usr_ana", email: "ana@example.test", name: "Ana" },
  workspaces: [
    { id: "wsp_a", name: "Alpha", role: "owner" },
    { id: "wsp_b", name: "Beta", role: "viewer" },
  ],
  currentWorkspaceId: "wsp_a",
  role: "owner",
};

/** A signed-in owner on /members, with `failed` deliveries needing attention. */
function signedIn(failed = 0) {
  const delivery = (i: number) => ({ deliveryId: `dlv_${i}`, scheduleId: `sch_${i}`, brandId: "brd_a", platform: "instagram", status: "failed", attempts: 1, error: "No.", scheduledAt: "2026-11-20T10:00:00.000Z" });
  return routedFetch({
    "GET /api/me": () => json(200, ME),
    "GET /api/deliveries": (_, url) => json(200, { deliveries: url.searchParams.get("status") === "failed" ? Array.from({ length: failed }, (_, i) => delivery(i)) : [] }),
    "GET /api/members": () => json(200, { members: [{ userId: "usr_ana", email: "ana@example.test", name: "Ana", role: "owner", joinedAt: "2026-11-01T10:00:00.000Z" }], invitations: [] }),
    "GET /api/brands": () => json(200, { brands: [] }),
    "POST /api/auth/logout": () => json(204, null),
  });
}

const main = () => appRoot().querySelector<HTMLElement>('nav[aria-label="Main"]')!;
const moreButton = () => main().querySelector<HTMLButtonElement>("button[aria-controls=nav-more]")!;
const morePanel = () => appRoot().querySelector<HTMLElement>("#nav-more")!;
const texts = (els: Iterable<Element>) => [...els].map((e) => e.querySelector(".nav-label")?.textContent ?? e.textContent);
const press = (el: Element, key: string) => el.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));

describe("app shell", () => {
  it("shows sign-in when there is no session", async () => {
    await mountApp(async () => json(401, { error: { code: "unauthenticated", message: "Sign in to continue." } }));
    expect(appRoot().querySelector("h1")!.textContent).toBe("Sign in");
    expect(appRoot().querySelector("label[for=si-email]")!.textContent).toBe("Email");
  });

  it("shows a retry banner when the server can't be reached, and recovers on retry", async () => {
    let online = false;
    const app = await mountApp(async () => {
      if (!online) throw new TypeError("Failed to fetch");
      return json(401, { error: { code: "unauthenticated", message: "Sign in to continue." } });
    });
    const banner = appRoot().querySelector(".net-banner");
    expect(banner?.textContent).toContain("Can't reach Brandcast");
    online = true;
    await act(async () => {
      await app.network.retryNow();
    });
    await settle();
    expect(appRoot().querySelector(".net-banner")).toBeNull();
    expect(appRoot().querySelector("h1")!.textContent).toBe("Sign in");
  });
});

describe("main navigation", () => {
  it("lists every page in the bar, marks the current one, and also lists under More each page not always in the bar", async () => {
    await mountApp(signedIn().fetch, "/members");
    const bar = main().querySelectorAll(".nav-bar > li > a");
    expect(texts(bar)).toEqual(NAV.map((n) => n.label));
    expect(NAV.map((n) => n.label)).toContain("Members");
    expect([...bar].filter((a) => a.getAttribute("aria-current") === "page").map((a) => a.getAttribute("href"))).toEqual(["/members"]);
    // Each bar entry carries the breakpoint from which it shows (styles/app.css).
    expect([...bar].map((a) => a.parentElement!.className)).toEqual(NAV.map((n) => `inline-${n.inline}`));

    expect(moreButton().getAttribute("aria-expanded")).toBe("false");
    expect(morePanel().hidden).toBe(true);
    const inMore = morePanel().querySelectorAll("a");
    expect(texts(inMore)).toEqual(NAV.filter((n) => n.inline !== "always").map((n) => n.label));
    expect(morePanel().querySelector('a[aria-current="page"]')?.getAttribute("href")).toBe("/members");
  });

  it("More opens from the keyboard onto its first link; arrows walk it; Escape closes it and gives focus back", async () => {
    await mountApp(signedIn().fetch, "/calendar");
    // A click from Enter or Space has detail 0.
    await act(() => void moreButton().dispatchEvent(new MouseEvent("click", { bubbles: true, detail: 0 })));
    await settle();
    expect(moreButton().getAttribute("aria-expanded")).toBe("true");
    expect(morePanel().hidden).toBe(false);
    const links = [...morePanel().querySelectorAll<HTMLAnchorElement>("a")];
    expect(document.activeElement).toBe(links[0]);
    await act(() => void press(links[0]!, "ArrowDown"));
    expect(document.activeElement).toBe(links[1]);
    await act(() => void press(links[1]!, "End"));
    expect(document.activeElement).toBe(links.at(-1));
    await act(() => void press(links.at(-1)!, "ArrowDown"));
    expect(document.activeElement).toBe(links[0]);
    await act(() => void press(links[0]!, "Escape"));
    await settle();
    expect(morePanel().hidden).toBe(true);
    expect(moreButton().getAttribute("aria-expanded")).toBe("false");
    expect(document.activeElement).toBe(moreButton());
  });

  it("More opened by a pointer leaves focus alone, and closes on a click elsewhere or on going to a page", async () => {
    const app = await mountApp(signedIn().fetch, "/calendar");
    await act(() => void moreButton().dispatchEvent(new MouseEvent("click", { bubbles: true, detail: 1 })));
    await settle();
    expect(morePanel().hidden).toBe(false);
    expect(morePanel().contains(document.activeElement)).toBe(false);
    await act(() => void document.body.dispatchEvent(new Event("pointerdown", { bubbles: true })));
    await settle();
    expect(morePanel().hidden).toBe(true);

    await act(() => void moreButton().dispatchEvent(new MouseEvent("click", { bubbles: true, detail: 1 })));
    await settle();
    await act(() => void morePanel().querySelector<HTMLAnchorElement>('a[href="/members"]')!.click());
    await settle();
    expect(app.router.path.value).toBe("/members");
    expect(morePanel().hidden).toBe(true);
  });

  it("Needs attention shows its count, and says it in words to screen readers", async () => {
    await mountApp(signedIn(3).fetch, "/calendar");
    const link = main().querySelector<HTMLAnchorElement>('.nav-bar a[href="/attention"]')!;
    expect(link.querySelector(".nav-count")!.textContent).toBe("3");
    expect(link.querySelector(".nav-count")!.getAttribute("aria-hidden")).toBe("true");
    expect(link.querySelector(".sr-only")!.textContent).toBe(", 3 need attention");
    // Its short form for phones is not read out twice.
    expect(link.querySelector(".nav-label-short")!.getAttribute("aria-hidden")).toBe("true");
  });

  it("the account menu holds the workspace switcher, who is signed in, and sign-out", async () => {
    const { fetch, calls } = signedIn();
    const app = await mountApp(fetch, "/calendar");
    const button = appRoot().querySelector<HTMLButtonElement>("button[aria-controls=account-menu]")!;
    expect(button.textContent).toContain("Alpha");
    await act(() => void button.dispatchEvent(new MouseEvent("click", { bubbles: true, detail: 0 })));
    await settle();
    const panel = appRoot().querySelector<HTMLElement>("#account-menu")!;
    expect(panel.hidden).toBe(false);
    expect(panel.textContent).toContain("ana@example.test");
    const select = panel.querySelector<HTMLSelectElement>("select#ws-switch")!;
    expect(document.activeElement).toBe(select);
    expect([...select.options].map((o) => o.textContent)).toEqual(["Alpha (owner)", "Beta (viewer)"]);
    await act(() => void [...panel.querySelectorAll("button")].find((b) => b.textContent === "Sign out")!.click());
    await settle();
    expect(calls.some((c) => c.method === "POST" && c.path === "/api/auth/logout")).toBe(true);
    expect(app.session.me.value).toBeNull();
    expect(appRoot().querySelector("h1")!.textContent).toBe("Sign in");
  });
});
