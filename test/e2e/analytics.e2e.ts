// Analytics end to end (issue 15 item 6): real Chromium against `wrangler
// dev`, on a month of sandbox history written by the demo's own backfill
// (DEMO_HISTORY). The page opens from the navigation with charts whose tables
// add up to its totals, a heatmap of the brand's weekdays × hours, and a CSV
// export of the page's filters; axe (WCAG 2.1 A and AA) finds nothing at 1400
// and 375 px. A top post opens on the calendar with its numbers in the side
// panel; a best-times suggestion moves a slot on the Brands page with a click,
// and nothing moves before it.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { axeViolations, buildWeb, ensureChromium, goTo, launchBrowser, PHONE, SHOTS, signUp, startDevServer, WIDE, type Browser, type DevServer } from "./harness";

const CSV_HEADER = "published_at,brand,platform,content_type,title,permalink,views,reach,likes,comments,shares,saves,engagement_rate,captured_at,simulated";

let server: DevServer;
let browser: Browser;
let page: Page;
let brandId = "";

interface Brand {
  id: string;
  slots: { reel: Array<{ time: string; variant: string }>; post: string[] };
  scheduleOffset: number;
}

async function call<T>(method: "GET" | "POST" | "PUT", path: string, data?: unknown): Promise<T> {
  const res = await page.request.fetch(server.baseUrl + path, { method, data, headers: data ? { "content-type": "application/json" } : {} });
  if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `analytics-${name}.png`), fullPage: true });
const count = (text: string | null) => Number((text ?? "").replace(/[^\d]/g, ""));

async function showAllTables() {
  const show = page.getByRole("button", { name: "Show table" });
  while (await show.count()) await show.first().click();
}

describe("analytics in the browser, on a month of sandbox history", () => {
  beforeAll(async () => {
    ensureChromium();
    mkdirSync(SHOTS, { recursive: true });
    buildWeb();
    server = await startDevServer({ vars: { DEMO_HISTORY: "true" } });
    browser = await launchBrowser({ baseURL: server.baseUrl, viewport: WIDE, timezoneId: "Europe/Lisbon" });
    page = await browser.context.newPage();
    await signUp(page, { name: "Ana Analyst", email: "ana@example.com", workspace: "Analytics studio" });
    const brand = await call<Brand>("POST", "/api/brands", { slug: "daily-habits", name: "Daily Habits", timezone: "Europe/Lisbon" });
    brandId = brand.id;
    await call("PUT", `/api/brands/${brandId}/accounts/sandbox`, { externalId: "sandbox-daily-habits", accessToken: "sandbox-daily-habits" });
    const history = await call<{ posts: number }>("POST", "/api/analytics/demo-history", {});
    expect(history.posts).toBeGreaterThan(60);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const withLogs = () =>
    onTestFailed(async ({ task }) => {
      console.error(server.logs().slice(-4000));
      await page?.screenshot({ path: join(SHOTS, `analytics-failed-${task.name.slice(0, 40).replace(/\W+/g, "-")}.png`), fullPage: true }).catch(() => {});
    });

  it("opens from the navigation with the month's charts, and a chart's table holds the numbers the totals add up to", async () => {
    withLogs();
    await page.setViewportSize(WIDE);
    await goTo(page, "Analytics");
    await page.getByRole("heading", { name: "Analytics", level: 1 }).waitFor();
    await page.locator(".kpis").waitFor();
    const kpi = async (label: string) => count(await page.locator(".kpis > div", { hasText: label }).locator("dd").first().evaluate((dd) => dd.firstChild?.textContent ?? ""));
    const posts = await kpi("Posts published");
    const views = await kpi("Views");
    expect(posts).toBeGreaterThan(60);
    expect(views).toBeGreaterThan(0);
    await expect.poll(() => page.locator(".alert-info", { hasText: "Simulated numbers." }).count()).toBe(1);

    await page.locator(".chart-head", { hasText: "Views and engagements per day" }).getByRole("button", { name: "Show table" }).click();
    const rows = await page
      .locator("#daily-table tbody tr")
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? "")));
    expect(rows).toHaveLength(30);
    expect(rows.reduce((sum, r) => sum + count(r[1]!), 0)).toBe(posts);
    expect(rows.reduce((sum, r) => sum + count(r[2]!), 0)).toBe(views);
    const labels = await page.locator("svg[role=img]").evaluateAll((svgs) => svgs.map((s) => s.getAttribute("aria-label") ?? ""));
    expect(labels).toHaveLength(3);
    expect(labels[0]).toContain(`Bar chart of views per day`);
    expect(labels[2]).toMatch(/^Line chart of followers per day: Sandbox from [\d,]+ to [\d,]+\.$/);
    // A chart reads out one day from the keyboard.
    await page.locator("svg[role=img]").first().focus();
    await page.keyboard.press("End");
    expect(await page.locator(".chart-tip").first().textContent()).toMatch(/[\d,]+ views$/);
    await shot("workspace-1400");
  });

  it("shows the brand's best times as a weekday × hour table in its zone, its slot hours marked", async () => {
    withLogs();
    const brand = (await call<{ brands: Brand[] }>("GET", "/api/brands")).brands[0]!;
    const heat = page.locator("table.heatmap");
    await heat.waitFor();
    expect(await heat.locator("tbody tr").count()).toBe(7);
    const cells = await heat.locator("tbody td").allTextContents();
    expect(cells).toHaveLength(7 * 24);
    expect(cells.some((t) => /^\d+\.\d× the median, \d+ posts$/.test(t))).toBe(true);
    const slotHours = new Set([...brand.slots.reel.map((r) => r.time), ...brand.slots.post].map((t) => (Number(t.slice(0, 2)) + brand.scheduleOffset + 24) % 24));
    expect(await heat.locator("thead th.hm-slot-head").count()).toBe(slotHours.size);
    expect(await page.locator(".best-times-card").getByText("Europe/Lisbon", { exact: false }).count()).toBeGreaterThan(0);
  });

  it("exports the page's filters as CSV: the link names them, and the file holds those posts", async () => {
    withLogs();
    await page.getByRole("group", { name: "Content type" }).getByRole("button", { name: "Reels" }).click();
    await expect.poll(() => new URL(page.url()).search).toBe("?type=reel");
    const link = page.getByRole("link", { name: "Export CSV" });
    const href = new URL((await link.getAttribute("href"))!, server.baseUrl);
    expect(href.pathname).toBe("/api/analytics/posts.csv");
    expect(Object.fromEntries(href.searchParams)).toMatchObject({ type: "reel", sort: "published", limit: "500" });
    const expected = await call<{ posts: Array<{ contentType: string }> }>("GET", `/api/analytics/posts?${new URLSearchParams({ ...Object.fromEntries(href.searchParams), sort: "published" })}`);
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^brandcast-posts-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync((await download.path())!, "utf8").trim().split("\r\n");
    expect(lines[0]).toBe(CSV_HEADER);
    expect(lines.length - 1).toBe(expected.posts.length);
    expect(expected.posts.length).toBeGreaterThan(0);
    expect(lines.slice(1).every((l) => l.includes(",sandbox,reel,") && l.endsWith(",true"))).toBe(true);
    // The charts and totals take the same filter: the page counts the reels the file lists.
    await expect.poll(async () => count(await page.locator(".kpis > div", { hasText: "Posts published" }).locator("dd").textContent())).toBe(lines.length - 1);
    expect(await page.locator(".alert-error").count()).toBe(0);
    await page.getByRole("group", { name: "Content type" }).getByRole("button", { name: "All" }).click();
  });

  it("axe finds nothing on the page at 1400 and 375 px, with every chart's table shown", async () => {
    withLogs();
    expect(await axeViolations(page), "analytics, 1400 px").toEqual([]);
    await showAllTables();
    await page.locator("svg[role=img]").first().hover();
    expect(await axeViolations(page), "analytics with tables and a readout, 1400 px").toEqual([]);
    await page.setViewportSize(PHONE);
    await page.reload();
    await page.locator("table.heatmap").waitFor();
    // Phones put the hours down the side, so the seven days fit.
    expect(await page.locator("table.heatmap tbody tr").count()).toBe(24);
    await shot("workspace-375");
    expect(await axeViolations(page), "analytics, 375 px").toEqual([]);
    await showAllTables();
    expect(await axeViolations(page), "analytics with tables, 375 px").toEqual([]);
    await page.setViewportSize(WIDE);
  });

  it("a top post opens on the calendar, where the side panel shows its numbers, as of when, flagged simulated", async () => {
    withLogs();
    await page.reload();
    const top = page.locator(".top-posts tbody tr").first();
    await top.waitFor();
    const views = await top.locator("td.num").first().textContent();
    await top.getByRole("link", { name: "On the calendar" }).click();
    const panel = page.locator("aside.panel");
    await panel.locator(".metrics-list").waitFor();
    expect(await panel.locator(".metrics-list > div", { hasText: "Views" }).locator("dd").textContent()).toBe(views);
    expect(await panel.locator(".as-of").textContent()).toMatch(/^As of .+ · Simulated$/);
    await page.screenshot({ path: join(SHOTS, "analytics-panel-1400.png") });
    expect(await axeViolations(page, "aside.panel"), "side panel with metrics").toEqual([]);
  });

  it("a best-times suggestion moves its slot with a click on the Brands page, and nothing moves before it", async () => {
    withLogs();
    const { suggestions } = await call<{ suggestions: Array<{ kind: "reel" | "post"; from: string; to: string }> }>("GET", `/api/analytics/brands/${brandId}/best-times`);
    expect(suggestions.length).toBeGreaterThan(0);
    const first = suggestions[0]!;
    const before = (await call<{ brands: Brand[] }>("GET", "/api/brands")).brands[0]!;

    await page.goto(`/brands/${brandId}`);
    const item = page.locator("#best-times .suggestions > li").first();
    await item.waitFor();
    expect(await item.locator(".suggestion-effect").textContent()).toContain(`${first.from} becomes ${first.to}`);
    await page.locator("#best-times").screenshot({ path: join(SHOTS, "analytics-best-times-1400.png") });
    expect(await axeViolations(page), "brands page with suggestions").toEqual([]);
    // Reading them moved nothing.
    expect((await call<{ brands: Brand[] }>("GET", "/api/brands")).brands[0]!.slots).toEqual(before.slots);

    await item.getByRole("button", { name: /^Move the (reel|post) slot to \d\d:\d\d$/ }).click();
    await page.locator("#best-times [role=status]").waitFor();
    const after = (await call<{ brands: Brand[] }>("GET", "/api/brands")).brands[0]!;
    const move = (t: string) => (t === first.from ? first.to : t);
    expect(after.slots).toEqual(
      first.kind === "reel"
        ? { reel: before.slots.reel.map((r) => ({ ...r, time: move(r.time) })), post: before.slots.post }
        : { reel: before.slots.reel, post: before.slots.post.map(move) },
    );
  });
});
