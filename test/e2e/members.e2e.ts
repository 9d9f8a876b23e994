// Teams end to end, on a deployment whose sign-up is closed (wrangler.toml's
// default): the first person of the empty deployment signs up anyway, invites
// a colleague from the Members page, and the colleague, in a browser of their
// own, opens the link, chooses a password and lands in the workspace. Anyone
// else is told sign-up is closed. Members and accept pages: axe (WCAG 2.1 A
// and AA) finds nothing, at 1400 px and 375 px, menus open or closed.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { axeViolations, buildWeb, ensureChromium, goTo, launchBrowser, PHONE, SHOTS, signUp, startDevServer, WIDE, type Browser, type DevServer } from "./harness";


let server: DevServer;
let owner: Browser;
let page: Page;
let inviteUrl = "";

/** A person with a browser of their own (their own cookies), closed afterwards. */
async function asSomeoneElse(viewport: { width: number; height: number }, fn: (p: Page) => Promise<void>) {
  const browser = await launchBrowser({ baseURL: server.baseUrl, viewport });
  const p = await browser.context.newPage();
  try {
    await fn(p);
  } catch (err) {
    await p.screenshot({ path: join(SHOTS, "members-failed-other-browser.png"), fullPage: true }).catch(() => {});
    throw err;
  } finally {
    await browser.close();
  }
}

const shot = (p: Page, name: string) => p.screenshot({ path: join(SHOTS, `members-${name}.png`), fullPage: true });

async function expectAxeClean(p: Page, label: string) {
  expect(await axeViolations(p), label).toEqual([]);
}

describe("members and invitations in the browser", () => {
  beforeAll(async () => {
    ensureChromium();
    mkdirSync(SHOTS, { recursive: true });
    buildWeb();
    server = await startDevServer({ vars: { SIGNUP_ENABLED: "false" } });
    owner = await launchBrowser({ baseURL: server.baseUrl, viewport: WIDE });
    page = await owner.context.newPage();
  });
  afterAll(async () => {
    await owner?.close();
    await server?.stop();
  });

  const withLogs = () =>
    onTestFailed(async ({ task }) => {
      console.error(server.logs().slice(-4000));
      await page?.screenshot({ path: join(SHOTS, `members-failed-${task.name.slice(0, 40).replace(/\W+/g, "-")}.png`), fullPage: true }).catch(() => {});
    });

  it("the first person of an empty deployment signs up though sign-up is closed, and invites a colleague", async () => {
    withLogs();
    await signUp(page, { name: "Ana Owner", email: "ana@example.com", workspace: "Alpha studio" });

    await goTo(page, "Members");
    await page.getByRole("heading", { name: "Members", level: 1 }).waitFor();
    expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Members" }).getAttribute("aria-current")).toBe("page");
    await page.getByLabel("Email").fill("bo@example.com");
    await page.getByLabel("Role", { exact: true }).selectOption("editor");
    await page.getByRole("button", { name: "Create invitation" }).click();
    const link = page.getByLabel("Invitation link");
    await link.waitFor();
    inviteUrl = await link.inputValue();
    expect(inviteUrl).toMatch(new RegExp(`^${server.baseUrl}/invite/[A-Za-z0-9_-]{43}$`));
    await page.getByText("bo@example.com").last().waitFor();
    await shot(page, "invited-1400");
    await expectAxeClean(page, "members, an invitation just made, 1400 px");

    // The account menu, from the keyboard.
    await page.getByRole("button", { name: /Account and workspace/ }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest("#account-menu") !== null)).toBe(true);
    await expectAxeClean(page, "account menu open, 1400 px");
    await page.keyboard.press("Escape");
    expect(await page.getByRole("button", { name: /Account and workspace/ }).getAttribute("aria-expanded")).toBe("false");
  });

  it("at 375 px every page is reachable: the bar, then More; nothing is cut or wider than the screen", async () => {
    withLogs();
    await page.setViewportSize(PHONE);
    await page.reload();
    await page.getByRole("heading", { name: "Members", level: 1 }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const label of ["Calendar", "Jobs", "Needs attention"]) expect(await nav.getByRole("link", { name: label }).isVisible(), label).toBe(true);
    const more = nav.getByRole("button", { name: "More" });
    await more.click();
    expect(await more.getAttribute("aria-expanded")).toBe("true");
    for (const label of ["Brands", "Automation", "Members"]) expect(await nav.getByRole("link", { name: label }).isVisible(), label).toBe(true);
    await shot(page, "more-375");
    await expectAxeClean(page, "More open, 375 px");
    await page.keyboard.press("Escape");
    await shot(page, "list-375");
    await expectAxeClean(page, "members, 375 px");
    await goTo(page, "Brands");
    await page.getByRole("heading", { name: "Brands", level: 1 }).waitFor();
    expect(await more.getAttribute("aria-expanded")).toBe("false");
    await page.setViewportSize(WIDE);
  });

  it("the colleague opens the link in a browser of their own, chooses a password, and sees the workspace", async () => {
    withLogs();
    await asSomeoneElse(PHONE, async (p) => {
      await p.goto(inviteUrl);
      await p.getByRole("heading", { name: "Join Alpha studio" }).waitFor();
      await p.getByText("Ana Owner invited bo@example.com to join Alpha studio as an editor.").waitFor();
      await shot(p, "accept-375");
      await expectAxeClean(p, "accept page, 375 px");
      await p.getByLabel("Your name").fill("Bo Editor");
      await p.getByLabel("Choose a password").fill("bo-password-long");
      await p.getByRole("button", { name: "Create account and join Alpha studio" }).click();
      await p.locator(".calendar-page").waitFor();
      expect(new URL(p.url()).pathname).toBe("/calendar");
      expect(await p.getByRole("button", { name: /Account and workspace/ }).textContent()).toContain("Alpha studio");
      const me = await (await p.request.get(`${server.baseUrl}/api/me`)).json();
      expect(me.workspaces).toEqual([{ id: me.currentWorkspaceId, name: "Alpha studio", role: "editor" }]);

      // The same link again: used.
      await p.goto(inviteUrl);
      await p.getByRole("heading", { name: "This invitation can't be used" }).waitFor();
      await p.getByText(/already used/).waitFor();
    });

    // The owner sees a member, no open invitation, and can change the role.
    await goTo(page, "Members");
    await page.getByText("bo@example.com").waitFor();
    await page.getByText("No invitation is waiting for an answer.").waitFor();
    await page.getByLabel("Role of Bo Editor").selectOption("viewer");
    await expect.poll(async () => (await (await page.request.get(`${server.baseUrl}/api/members`)).json()).members.map((m: { role: string }) => m.role)).toEqual(["owner", "viewer"]);
    await shot(page, "list-1400");
    await expectAxeClean(page, "members with two people, 1400 px");
  });

  it("anyone else is told that sign-up is closed", async () => {
    withLogs();
    await asSomeoneElse(WIDE, async (p) => {
      await p.goto("/");
      await p.getByRole("button", { name: "Create an account" }).click();
      await p.getByLabel("Email").fill("eve@example.com");
      await p.getByLabel("Password").fill("correct-horse-battery");
      await p.getByLabel("Workspace name").fill("Eve's");
      await p.getByRole("button", { name: "Create account" }).click();
      await p.getByText("Sign-up is closed here: ask a workspace owner for an invitation.").waitFor();
    });
  });
});
