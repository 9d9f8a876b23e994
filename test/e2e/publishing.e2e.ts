// Publishing end to end: real Chromium against `wrangler dev` (local D1, DO,
// Queues, R2) with the built-in sandbox platform. Schedule an item, press
// Publish now, watch it turn published on the calendar, and open its
// permalink: the sandbox page shows the post.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { buildWeb, ensureChromium, goTo, launchBrowser, SHOTS, signUp, startDevServer, type Browser, type DevServer } from "./harness";

const ZONE = "Europe/Lisbon";

let server: DevServer;
let browser: Browser;
let page: Page;

const monthIn = (t: number) => new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit" }).format(t);
const monthIndex = (t: number) => {
  const [y, m] = monthIn(t).split("-").map(Number);
  return y! * 12 + m!;
};

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await page.request.fetch(server.baseUrl + path, { method, data: body === undefined ? undefined : JSON.stringify(body), headers: { "content-type": "application/json" } });
  const text = await res.text();
  if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe("publishing", () => {
  beforeAll(async () => {
    ensureChromium();
    mkdirSync(SHOTS, { recursive: true });
    buildWeb();
    server = await startDevServer();
    browser = await launchBrowser({ baseURL: server.baseUrl, timezoneId: ZONE });
    page = await browser.context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("schedules, publishes now, turns published on the calendar, and the permalink opens the sandbox page", async () => {
    onTestFailed(async () => {
      console.error(server.logs().slice(-4000));
      await page?.screenshot({ path: join(SHOTS, "failed-publishing.png"), fullPage: true }).catch(() => {});
    });
    await signUp(page, { name: "Pia Publisher", email: "pia@example.com", workspace: "Publishing" });

    const brand = await call<{ id: string }>("POST", "/api/brands", { slug: "pia-daily", name: "Pia Daily", timezone: ZONE });
    await call("PUT", `/api/brands/${brand.id}/accounts/sandbox`, { externalId: "pia-sandbox", accessToken: "sandbox-token" });
    const job = await call<{ jobId: string }>("POST", "/api/jobs", { variant: "post", brands: [brand.id], title: "E2E publish me" });
    // Ready outputs are booked into the brand's next free slot right away.
    const schedule = await until("the output to be scheduled", async () => {
      const j = await call<{ outputs: Array<{ schedule: { scheduleId: string; scheduledAt: string } | null }> }>("GET", `/api/jobs/${job.jobId}`);
      return j.outputs[0]?.schedule ?? null;
    });

    await goTo(page, "Calendar");
    await page.getByRole("button", { name: "Month", exact: true }).click();
    await page.getByRole("button", { name: "Today", exact: true }).click();
    for (let i = monthIndex(Date.now()); i < monthIndex(Date.parse(schedule.scheduledAt)); i++) await page.getByRole("button", { name: "Next month" }).click();
    const chip = page.locator('.chip:has-text("E2E publish me")');
    await chip.waitFor();
    await chip.click();
    const panel = page.locator("aside.panel");
    await panel.getByRole("button", { name: "Publish now" }).click();

    // The calendar polls; the panel turns Published once the sandbox consumer ran.
    await until("the item to turn published", async () => {
      await page.getByRole("button", { name: "Today", exact: true }).click();
      for (let i = monthIndex(Date.now()); i < monthIndex(Date.parse(schedule.scheduledAt)); i++) await page.getByRole("button", { name: "Next month" }).click();
      return (await page.locator('.chip.st-published:has-text("E2E publish me")').count()) > 0;
    });
    await page.locator('.chip:has-text("E2E publish me")').click();
    const link = panel.getByRole("link", { name: "View post" });
    await link.waitFor();
    await page.screenshot({ path: join(SHOTS, "publishing-published.png"), fullPage: true });

    // Publish-now kept the item's time (REGRESSIONS #18).
    const after = await call<{ scheduledAt: string; status: string }>("GET", `/api/schedules/${schedule.scheduleId}`);
    expect(after.scheduledAt).toBe(schedule.scheduledAt);
    expect(after.status).toBe("published");

    const permalink = (await link.getAttribute("href"))!;
    expect(permalink).toMatch(/\/sandbox\/dlv_/);
    const sandbox = await browser.context.newPage();
    await sandbox.goto(new URL(new URL(permalink).pathname, server.baseUrl).toString());
    await sandbox.getByText("E2E publish me").first().waitFor();
    await sandbox.screenshot({ path: join(SHOTS, "sandbox-post.png"), fullPage: true });
  });
});
