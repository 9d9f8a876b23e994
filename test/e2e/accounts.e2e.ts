// Connecting an account in a real browser: Brands → Connect Instagram → the
// fake Instagram consent page → back on the brand page, connected. Then the
// fake revokes the token, the daily refresh cron runs, and every page shows
// the reconnect banner linking to the brand.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { startFakes } from "../fakes/index.mjs";
import { oauthBindings } from "../fakes/oauth-common.mjs";
import { buildWeb, ensureChromium, freePort, goTo, launchBrowser, PHONE, SHOTS, signUp, startDevServer, WIDE, type Browser, type DevServer } from "./harness";

let server: DevServer;
let fakes: { urls: Record<string, string>; stop: () => Promise<unknown> };
let browser: Browser;
let page: Page;

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `accounts-${name}.png`), fullPage: true });

async function seedInstagram(input: Record<string, unknown>) {
  const res = await fetch(`${fakes.urls.instagram}/__admin/seed/oauth-instagram`, { method: "POST", body: JSON.stringify(input) });
  expect(res.status).toBe(200);
}

describe("connecting accounts in the browser", () => {
  beforeAll(async () => {
    ensureChromium();
    mkdirSync(SHOTS, { recursive: true });
    buildWeb();
    fakes = await startFakes();
    const port = await freePort();
    const ig = fakes.urls.instagram!;
    server = await startDevServer({
      port,
      vars: { PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, INSTAGRAM_API_BASE: ig, ...oauthBindings({ instagram: ig }) },
    });
    browser = await launchBrowser({ baseURL: server.baseUrl });
    page = await browser.context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await fakes?.stop();
  });

  const withLogs = () =>
    onTestFailed(async () => {
      console.error(server.logs().slice(-4000));
      await shot("failed").catch(() => {});
    });

  it("Brands → Connect Instagram → consent → back on the brand page with the account connected", async () => {
    withLogs();
    // A token 3 days from expiry, so the daily refresh pass will look at it; the person unticks the insights permission.
    await seedInstagram({ longLivedSeconds: 3 * 86_400, declined: ["instagram_business_manage_insights"] });
    await signUp(page, { name: "Ana Operator", email: "ana@example.com", workspace: "Alpha" });

    await goTo(page, "Brands");
    await page.getByLabel("Name").fill("Daily Habits");
    await page.getByRole("button", { name: "Create brand" }).click();
    await page.waitForURL(/\/brands\/brd_/);
    const brandPath = new URL(page.url()).pathname;

    await page.getByRole("button", { name: "Connect Instagram" }).click();
    await page.waitForURL(`${fakes.urls.instagram}/oauth/authorize?**`);
    await page.getByRole("heading", { name: "Instagram (test fake)" }).waitFor();
    await shot("consent");
    await page.getByRole("link", { name: "Allow" }).click();

    await page.waitForURL((u) => u.pathname === brandPath && u.searchParams.get("connected") === "instagram");
    await page.getByText("Instagram connected.").waitFor();
    const row = page.getByRole("listitem", { name: "Instagram" });
    await row.getByText("Connected", { exact: true }).waitFor();
    await expect(row.getByText(/@dailyhabits\.ig · token expires/).count()).resolves.toBe(1);
    await expect(page.locator(".reconnect-banner").count()).resolves.toBe(0);
    // Connected without insights: it publishes, and the row says how to get analytics.
    await row.getByText(/Publishing works\. Reconnect to see analytics/).waitFor();
    await page.setViewportSize(PHONE);
    await shot("no-insights-375");
    await page.setViewportSize(WIDE);
    await shot("no-insights-1400");
    await shot("connected");
  });

  it("after the fake revokes the token and the refresh pass runs, the banner asks to reconnect", async () => {
    withLogs();
    await seedInstagram({ revoke: true, longLivedSeconds: 5_184_000 });
    await server.cron("17 3 * * *");
    // The cron's work runs after its answer (waitUntil): poll the API until the account turns.
    const until = Date.now() + 30_000;
    for (;;) {
      const brands = (await (await page.request.get("/api/brands")).json()) as { brands: Array<{ accounts: Array<{ status: string }> }> };
      if (brands.brands[0]!.accounts[0]!.status === "needs_reconnect") break;
      if (Date.now() > until) throw new Error(`account still ${brands.brands[0]!.accounts[0]!.status}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    await goTo(page, "Calendar");
    await page.reload();
    const banner = page.locator(".reconnect-banner");
    await banner.waitFor();
    await expect(banner.textContent()).resolves.toMatch(/An account needs reconnecting:\s*Instagram for Daily Habits/);
    await shot("banner");
    await banner.getByRole("link", { name: "Instagram for Daily Habits" }).click();
    const row = page.getByRole("listitem", { name: "Instagram" });
    await row.getByText("Needs reconnecting").waitFor();
    await row.getByText(/Instagram refused to refresh the token .*Reconnect the account\./).waitFor();
    await row.getByRole("button", { name: "Reconnect" }).waitFor();
    await shot("needs-reconnect");
  });
});
