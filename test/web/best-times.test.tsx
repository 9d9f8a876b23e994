// Best-times suggestions on the Brands page (DESIGN.md §10: nothing moves a
// brand's slots without a person's click): each says what applying it
// changes before the click; the click patches exactly that one slot; viewers
// read them without a button; a suggestion the grid no longer fits says why.
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import type { Brand, Me, Role } from "../../web/src/api/types";
// Loaded once here, so the Brands page's on-demand import resolves at once.
import "../../web/src/components/brands/BestTimes";
import { bestTimes } from "./analytics-fixtures";
import { appRoot, jsonResponse as json, makeAccount, makeBrand, mountApp, routedFetch, settle, unmountApp } from "./fixtures";

afterEach(() => unmountApp());

const me = (role: Role): Me => ({
  user: { id: "usr_ana", email: "ana@example.test", name: "Ana" },
  workspaces: [{ id: "wsp_a", name: "Alpha", role }],
  currentWorkspaceId: "wsp_a",
  role,
});

const SUGGESTIONS = [
  { kind: "reel" as const, from: "09:00", to: "13:00", reason: "Reels published around 14:00 (Europe/Lisbon) did 1.8× the brand's median over 6 posts.", confidence: 0.91 },
  { kind: "post" as const, from: "18:00", to: "07:00", reason: "Posts published around 08:00 did 1.4× the brand's median over 5 posts.", confidence: 0.84 },
];

function setup(role: Role, brand: Brand) {
  let current = brand;
  const r = routedFetch({
    "GET /api/me": () => json(200, me(role)),
    "GET /api/deliveries": () => json(200, { deliveries: [] }),
    "GET /api/brands": () => json(200, { brands: [current] }),
    "GET /api/brands/brd_a/slots": () => json(200, { slots: [] }),
    "GET /api/analytics/brands/brd_a/best-times": () => json(200, bestTimes("brd_a", {}, SUGGESTIONS)),
    "PATCH /api/brands/brd_a": (body) => {
      current = { ...current, ...(body as Partial<Brand>) };
      return json(200, current);
    },
  });
  return r;
}

const ACME = makeBrand({
  id: "brd_a",
  name: "Acme",
  scheduleOffset: 1,
  slots: {
    reel: [
      { time: "09:00", variant: "light" },
      { time: "20:00", variant: "dark" },
    ],
    post: ["18:00"],
  },
});
const card = () => appRoot().querySelector<HTMLElement>("#best-times")!;
const items = () => [...card().querySelectorAll(".suggestions > li")];

describe("best-times suggestions on the Brands page", () => {
  it("say what applying changes before the click, and the click moves that one slot and nothing else", async () => {
    const { fetch, calls } = setup("owner", ACME);
    await mountApp(fetch, "/brands/brd_a");
    await settle(10);
    // Titled in the times the brand publishes at (its +1 h offset included), as the heatmap and the reason are.
    const [reel, post] = items();
    expect(reel!.querySelector(".suggestion-title")!.textContent).toBe("Move the reel slot at 10:00 to 14:00 91% likely to do better");
    expect(reel!.textContent).toContain(SUGGESTIONS[0]!.reason);
    expect(reel!.querySelector(".suggestion-effect")!.textContent).toBe(
      "Applying this changes one reel time in the slot grid: 09:00 becomes 13:00 (the brand's +1 h offset makes it publish at 14:00, Europe/Lisbon). The other slots stay as they are. Items already on the calendar keep their times; new reels use the new one.",
    );
    expect(post!.querySelector("button")!.textContent).toBe("Move the post slot to 08:00");
    // Reading suggestions changes nothing.
    expect(calls.filter((c) => c.method !== "GET")).toEqual([]);

    await act(() => reel!.querySelector("button")!.click());
    await settle(8);
    expect(calls.filter((c) => c.method !== "GET")).toEqual([
      {
        method: "PATCH",
        path: "/api/brands/brd_a",
        body: {
          slots: {
            reel: [
              { time: "13:00", variant: "light" },
              { time: "20:00", variant: "dark" },
            ],
            post: ["18:00"],
          },
        },
      },
    ]);
    expect(card().querySelector("[role=status]")!.textContent).toBe("Moved the reel slot from 10:00 to 14:00.");
    // The page now shows the saved grid, and the suggestions are read again for it.
    expect(appRoot().querySelector<HTMLInputElement>("#reel-t-0")!.value).toBe("13:00");
    expect(calls.filter((c) => c.path === "/api/analytics/brands/brd_a/best-times")).toHaveLength(2);
  });

  it("a post suggestion moves a post slot", async () => {
    const { fetch, calls } = setup("editor", ACME);
    await mountApp(fetch, "/brands/brd_a");
    await settle(10);
    await act(() => items()[1]!.querySelector("button")!.click());
    await settle(8);
    expect(calls.find((c) => c.method === "PATCH")!.body).toEqual({ slots: { reel: ACME.slots.reel, post: ["07:00"] } });
  });

  it("a viewer reads them without a button; a sandbox brand's say they come from simulated numbers", async () => {
    const { fetch } = setup("viewer", { ...ACME, accounts: [makeAccount({ platform: "sandbox" })] });
    await mountApp(fetch, "/brands/brd_a");
    await settle(10);
    expect(items()).toHaveLength(2);
    expect(card().querySelector("button")).toBeNull();
    expect(card().textContent).toContain("Sandbox numbers in them are simulated.");
  });

  it("a suggestion the grid no longer fits says why and offers no button", async () => {
    const edited = makeBrand({ ...ACME, slots: { reel: [{ time: "10:00", variant: "light" }, { time: "20:00", variant: "dark" }], post: ["07:00"] } });
    const { fetch } = setup("owner", edited);
    await mountApp(fetch, "/brands/brd_a");
    await settle(10);
    const [reel, post] = items();
    expect(reel!.textContent).toContain("The grid has no reel slot at 09:00 any more.");
    expect(post!.textContent).toContain("The grid has no post slot at 18:00 any more.");
    expect(card().querySelector("button")).toBeNull();
  });
});
