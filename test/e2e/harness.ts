// Reusable e2e harness: the app as `npm start` runs it (the media Worker and
// the API Worker, each its own `wrangler dev`, scripts/dev-servers.mjs) on a
// free port against a fresh local persist dir (D1 migrations applied first,
// with the same wrangler command production uses), ready once both answer;
// `stop()` ends them and removes the dir. Also: the Chromium launcher every
// browser test uses.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { freePort as findFreePort, startWorkers } from "../../scripts/dev-servers.mjs";
import { applyMigrations, ensureDevVars, ROOT } from "../../scripts/local-env.mjs";

/** Where the e2e tests write their screenshots, and the two widths every page is looked at. */
export const SHOTS = join(import.meta.dirname, "screenshots");
export const WIDE = { width: 1400, height: 900 };
export const PHONE = { width: 375, height: 812 };

export interface DevServer {
  baseUrl: string;
  persistDir: string;
  /** Everything wrangler printed so far: attach it to a failure. */
  logs(): string;
  /** Fires a Cron Trigger through wrangler's --test-scheduled endpoint. */
  cron(expression: string): Promise<void>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return findFreePort();
}

/** Builds web/dist (the Worker serves it as static assets). */
export function buildWeb() {
  execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
}

export async function startDevServer(opts: { port?: number; vars?: Record<string, string>; healthTimeoutMs?: number } = {}): Promise<DevServer> {
  if (!existsSync(join(ROOT, "web", "dist", "index.html"))) buildWeb();
  ensureDevVars();
  const persistDir = mkdtempSync(join(tmpdir(), "brandcast-e2e-"));
  applyMigrations(persistDir);
  const port = opts.port ?? (await freePort());
  let workers;
  try {
    workers = await startWorkers({ port, ip: "127.0.0.1", persistTo: persistDir, vars: opts.vars, healthTimeoutMs: opts.healthTimeoutMs ?? 90_000 });
  } catch (err) {
    rmSync(persistDir, { recursive: true, force: true });
    throw err;
  }
  const { baseUrl } = workers;
  const stop = async () => {
    await workers.stop();
    rmSync(persistDir, { recursive: true, force: true });
  };
  return {
    baseUrl,
    persistDir,
    logs: workers.logs,
    cron: async (expression) => {
      const res = await fetch(`${baseUrl}/__scheduled?cron=${encodeURIComponent(expression)}`);
      if (!res.ok) throw new Error(`cron ${expression}: ${res.status}`);
    },
    stop,
  };
}

/** Installs Debian chromium when missing (as root), else fails with what to install. */
export function ensureChromium() {
  execFileSync("bash", [join(ROOT, "scripts", "ensure-system-deps.sh"), "chromium"], { stdio: "inherit" });
}

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  context: BrowserContext;
  /** Every Content-Security-Policy violation Chromium reported on any page of this browser. */
  cspViolations: string[];
  close(): Promise<void>;
}

/** Debian chromium with a fresh user-data-dir: one per simulated person, so cookies never leak between them. */
export async function launchBrowser(opts: { viewport?: { width: number; height: number }; timezoneId?: string; baseURL?: string } = {}): Promise<Browser> {
  const userDataDir = mkdtempSync(join(tmpdir(), "brandcast-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    timezoneId: opts.timezoneId,
    baseURL: opts.baseURL,
    locale: "en-GB",
  });
  // Chromium reports each CSP violation as a console error ("Refused to … because it violates the
  // following Content Security Policy directive"): the app must cause none.
  const cspViolations: string[] = [];
  const watch = (page: Page) =>
    page.on("console", (msg) => {
      if (msg.type() === "error" && /Content Security Policy/i.test(msg.text())) cspViolations.push(`${page.url()}: ${msg.text()}`);
    });
  context.pages().forEach(watch);
  context.on("page", watch);
  return {
    context,
    cspViolations,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Signs up through the sign-in page's "Create an account" form and waits for the calendar. */
export async function signUp(p: Page, who: { name: string; email: string; workspace: string; password?: string }) {
  await p.goto("/");
  await p.getByRole("button", { name: "Create an account" }).click();
  await p.getByLabel("Your name").fill(who.name);
  await p.getByLabel("Email").fill(who.email);
  await p.getByLabel("Password").fill(who.password ?? "correct-horse-battery");
  await p.getByLabel("Workspace name").fill(who.workspace);
  await p.getByRole("button", { name: "Create account" }).click();
  await p.locator(".calendar-page").waitFor();
}

/**
 * Opens a page from the main navigation, whatever the width: narrower than
 * the page's breakpoint (web/src/nav.ts), its link is under "More".
 */
export async function goTo(p: Page, label: string) {
  const nav = p.getByRole("navigation", { name: "Main" });
  const link = nav.getByRole("link", { name: label });
  if (!(await link.first().isVisible())) await nav.getByRole("button", { name: "More" }).click();
  await link.first().click();
}

const axeSource = () => readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * axe-core's WCAG 2.x A and AA rules on the page as it is now (or only inside
 * `include`, a CSS selector): each violation as "rule: selectors".
 */
export async function axeViolations(p: Page, include?: string): Promise<string[]> {
  // Evaluated over DevTools rather than added as a <script>: the app's CSP (script-src 'self') rightly refuses inline scripts.
  if (!(await p.evaluate(() => "axe" in window))) await p.evaluate(axeSource());
  return p.evaluate(async (include) => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const result = await axe.run(include ? { include: [include] } : document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`);
  }, include);
}
