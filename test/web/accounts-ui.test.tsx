// Accounts in the web app: the reconnect banner on every page names each
// account that needs reconnecting and links to its brand; an account waiting
// for a choice lists the candidates and selects the one picked.
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Account, Brand } from "../../web/src/api/types";
import { Accounts } from "../../web/src/components/brands/Accounts";
import { ReconnectBanner } from "../../web/src/components/ReconnectBanner";
import { createAppState } from "../../web/src/state/app";
import { fakeApi, flush, makeAccount, makeBrand } from "./fixtures";

let root: HTMLElement | undefined;
afterEach(() => {
  if (root) render(null, root);
  root?.remove();
});

const brand = (id: string, name: string, accounts: Account[]): Brand => makeBrand({ id, name, accounts });
const account = makeAccount;

async function mount(node: preact.ComponentChild) {
  root = document.createElement("div");
  document.body.appendChild(root);
  await act(() => {
    render(node, root!);
  });
  for (let i = 0; i < 5; i++) await act(async () => void (await flush()));
}

describe("reconnect banner", () => {
  it("names every account that needs reconnecting and links to its brand", async () => {
    const brands = [
      brand("brd_a", "Daily Habits", [account({ status: "needs_reconnect", statusReason: "Instagram refused the token. Reconnect the account." })]),
      brand("brd_b", "Money Minute", [account({ platform: "youtube", status: "needs_reconnect" }), account({ platform: "facebook" })]),
      brand("brd_c", "Quick Kitchen", [account({})]),
    ];
    const app = createAppState({ api: fakeApi({ listBrands: async () => ({ brands }) }) });
    await mount(<ReconnectBanner app={app} />);
    const banner = root!.querySelector(".reconnect-banner")!;
    expect(banner.getAttribute("role")).toBe("alert");
    expect(banner.textContent).toContain("2 accounts need reconnecting");
    const links = [...banner.querySelectorAll("a")].map((a) => [a.textContent, a.getAttribute("href")]);
    expect(links).toEqual([
      ["Instagram for Daily Habits", "/brands/brd_a"],
      ["YouTube for Money Minute", "/brands/brd_b"],
    ]);
  });

  it("is absent while every account is fine", async () => {
    const app = createAppState({ api: fakeApi({ listBrands: async () => ({ brands: [brand("brd_a", "A", [account({})])] }) }) });
    await mount(<ReconnectBanner app={app} />);
    expect(root!.querySelector(".reconnect-banner")).toBeNull();
  });
});

describe("accounts card", () => {
  it("shows status, name and expiry, and a Reconnect button for an account that needs it", async () => {
    const b = brand("brd_a", "Daily Habits", [account({ status: "needs_reconnect", statusReason: "Instagram refused the token. Reconnect the account." })]);
    const app = createAppState({ api: fakeApi({}) });
    await mount(<Accounts app={app} brand={b} canEdit={true} />);
    const row = root!.querySelector('li[aria-label="Instagram"]')!;
    expect(row.textContent).toContain("Needs reconnecting");
    expect(row.textContent).toContain("@dailyhabits");
    expect(row.textContent).toMatch(/token expires .*2027/);
    expect(row.textContent).toContain("Instagram refused the token. Reconnect the account.");
    expect([...row.querySelectorAll("button")].map((x) => x.textContent)).toContain("Reconnect");
    expect(root!.querySelector('li[aria-label="YouTube"] button')!.textContent).toBe("Connect YouTube");
  });

  it("lists the candidates of a grant that covered several, and selects the one picked", async () => {
    const select = vi.fn(async () => account({ platform: "facebook", externalId: "p2", name: "Money Minute" }));
    const b = brand("brd_a", "Daily Habits", [account({ platform: "facebook", externalId: "", name: null, status: "pending_selection", expiresAt: null })]);
    const app = createAppState({
      api: fakeApi({
        accountCandidates: async () => ({ candidates: [{ externalId: "p1", name: "Daily Habits" }, { externalId: "p2", name: "Money Minute" }] }),
        selectCandidate: select,
        listBrands: async () => ({ brands: [b] }),
      }),
    });
    await mount(<Accounts app={app} brand={b} canEdit={true} />);
    const form = root!.querySelector('form[aria-label="Choose the Facebook Page account"]')!;
    expect(form.querySelector("legend")!.textContent).toBe("Which Page?");
    const radios = [...form.querySelectorAll<HTMLInputElement>("input[type=radio]")];
    expect(radios.map((r) => r.value)).toEqual(["p1", "p2"]);
    await act(async () => {
      radios[1]!.click();
    });
    await act(async () => {
      form.querySelector<HTMLButtonElement>("button[type=submit]")!.click();
    });
    for (let i = 0; i < 5; i++) await act(async () => void (await flush()));
    expect(select).toHaveBeenCalledWith("brd_a", "facebook", "p2");
  });

  it('says "reconnect to see analytics" for an account connected without insights, and nothing for one with them', async () => {
    const b = brand("brd_a", "Daily Habits", [
      account({ platform: "instagram", analytics: "missing" }),
      account({ platform: "facebook", analytics: "granted" }),
      account({ platform: "youtube", analytics: "unknown" }),
    ]);
    const app = createAppState({ api: fakeApi({}) });
    await mount(<Accounts app={app} brand={b} canEdit={true} />);
    const ig = root!.querySelector('li[aria-label="Instagram"]')!;
    expect(ig.textContent).toContain("Connected");
    expect(ig.querySelector(".account-note")!.textContent).toMatch(/Publishing works\. Reconnect to see analytics/);
    for (const label of ["Facebook", "YouTube"]) expect(root!.querySelector(`li[aria-label="${label}"] .account-note`)).toBeNull();
  });

  it("shows a candidate another brand has with the reason, and does not let it be picked", async () => {
    const b = brand("brd_a", "Daily Habits", [account({ platform: "facebook", externalId: "", name: null, status: "pending_selection", expiresAt: null })]);
    const why = "This Facebook Page is already connected to the brand Calm Kitchen. One Facebook Page publishes for one brand only: disconnect it there first, or connect another one.";
    const app = createAppState({
      api: fakeApi({ accountCandidates: async () => ({ candidates: [{ externalId: "p1", name: "Daily Habits", unavailable: why }, { externalId: "p2", name: "Money Minute" }] }) }),
    });
    await mount(<Accounts app={app} brand={b} canEdit={true} />);
    const radios = [...root!.querySelectorAll<HTMLInputElement>("input[type=radio]")];
    expect(radios.map((r) => r.disabled)).toEqual([true, false]);
    const describedBy = radios[0]!.getAttribute("aria-describedby")!;
    expect(root!.querySelector(`[id="${describedBy}"]`)!.textContent).toBe(why);
  });
});
