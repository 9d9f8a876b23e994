// Notifications and webhooks in the browser, against `wrangler dev` (local D1
// and the events queue): an owner adds an endpoint on the Webhooks page (a
// receiver in this process that checks every signature), copies the secret
// shown once, sends a test and sees the endpoint's answer; review mode's
// burst puts an item in the bell, which opens the Automation inbox and is then
// read. axe (WCAG 2.1 A and AA) finds nothing on the page and the open bell,
// at 1400 px and 375 px; screenshots of both widths.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { createFake } from "../fakes/webhooks.mjs";
import { axeViolations, buildWeb, ensureChromium, goTo, launchBrowser, PHONE, SHOTS, signUp, startDevServer, WIDE, type Browser, type DevServer } from "./harness";


interface Received {
  name: string;
  id: string | null;
  json: { type?: string } | null;
  verified: boolean | null;
}
let server: DevServer;
let browser: Browser;
let page: Page;
let receiver: { url: string; state: { secrets: Record<string, string[]>; received: Received[] }; listen(port: number): Promise<string>; close(): Promise<void> };

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `notifications-${name}.png`), fullPage: true });

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await page.request.fetch(server.baseUrl + path, { method, data: body === undefined ? undefined : JSON.stringify(body), headers: { "content-type": "application/json" } });
  const text = await res.text();
  if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

describe("notifications and webhooks in the browser", () => {
  beforeAll(async () => {
    ensureChromium();
    mkdirSync(SHOTS, { recursive: true });
    buildWeb();
    receiver = createFake() as unknown as typeof receiver;
    await receiver.listen(0);
    server = await startDevServer();
    browser = await launchBrowser({ baseURL: server.baseUrl, viewport: WIDE });
    page = await browser.context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await receiver?.close();
  });

  const withLogs = () =>
    onTestFailed(async ({ task }) => {
      console.error(server.logs().slice(-4000));
      await page?.screenshot({ path: join(SHOTS, `notifications-failed-${task.name.slice(0, 40).replace(/\W+/g, "-")}.png`), fullPage: true }).catch(() => {});
    });

  it("an owner adds an endpoint, copies the secret shown once, sends a test and reads the endpoint's answer", async () => {
    withLogs();
    await signUp(page, { name: "Wes Hooks", email: "wes@example.com", workspace: "Hooks studio" });
    await goTo(page, "Webhooks");
    await page.getByRole("heading", { name: "Webhooks", level: 1 }).waitFor();
    expect(await page.getByTestId("email-status").textContent()).toMatch(/Email is off/);

    await page.getByLabel("URL").fill(`${receiver.url}/hooks/studio`);
    await page.getByLabel(/A post went live/).check();
    await page.getByLabel(/Test events/).check();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const secret = await page.getByRole("textbox", { name: "Signing secret" }).inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    receiver.state.secrets.studio = [secret];
    await shot("secret-1400");
    expect(await axeViolations(page), "webhooks, secret shown, 1400 px").toEqual([]);
    await page.getByRole("button", { name: "I have copied it" }).click();
    expect(await page.getByTestId("secret-reveal").count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    await page.getByRole("button", { name: "Send test" }).click();
    await page.locator(".attempt.ok").first().waitFor({ timeout: 60_000 });
    expect(await page.locator(".attempt").first().textContent()).toMatch(/200.*Test events/);
    const got = receiver.state.received.filter((r) => r.name === "studio");
    expect(got.map((r) => [r.json?.type, r.verified])).toEqual([["ping", true]]);
    await shot("attempts-1400");
    expect(await axeViolations(page), "webhooks, attempts open, 1400 px").toEqual([]);

    await page.setViewportSize(PHONE);
    await shot("webhooks-375");
    expect(await axeViolations(page), "webhooks, 375 px").toEqual([]);
    // Nothing sticks out sideways at 375 px.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.setViewportSize(WIDE);
  });

  it("a burst waiting for review shows in the bell, which opens the inbox and then counts nothing", async () => {
    withLogs();
    await call("POST", "/api/brands", { slug: "calm-kitchen", name: "Calm Kitchen", timezone: "Europe/Lisbon" });
    await call("PATCH", "/api/automation", { review: "manual" });
    await call("POST", "/api/automation/run", { pass: "burst" });
    await page.goto("/calendar");
    const bell = page.getByTestId("bell");
    await bell.locator(".nav-count", { hasText: /^1$/ }).waitFor();
    expect(await bell.getAttribute("aria-label")).toBeNull();
    expect(await bell.textContent()).toContain("Notifications, 1 unread");
    expect(await bell.getAttribute("aria-expanded")).toBe("false");
    await bell.click();
    const item = page.locator(".bell-list a").first();
    await item.waitFor();
    expect(await item.textContent()).toMatch(/proposals? for Calm Kitchen waits? for review/);
    await shot("bell-1400");
    expect(await axeViolations(page), "bell open, 1400 px").toEqual([]);

    await page.setViewportSize(PHONE);
    await shot("bell-375");
    expect(await axeViolations(page), "bell open, 375 px").toEqual([]);
    const box = await page.locator("#bell-panel").boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);

    await item.click();
    await page.getByRole("heading", { name: "Automation", level: 1 }).waitFor();
    await page.waitForFunction(() => !document.querySelector("[data-testid=bell] .nav-count"));
    const feed = await call<{ unread: number }>("GET", "/api/notifications");
    expect(feed.unread).toBe(0);
  });
});
