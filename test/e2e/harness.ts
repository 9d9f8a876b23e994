// Reusable e2e harness: `wrangler dev` on a free port against a fresh local
// persist dir (D1 migrations applied first, with the same wrangler command
// production uses), ready once /api/health answers; `stop()` ends it and
// removes the dir. Also: the Chromium launcher every browser test uses.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { applyMigrations, ensureDevVars, ROOT, waitForHealth } from "../../scripts/local-env.mjs";

export interface DevServer {
  baseUrl: string;
  persistDir: string;
  /** Everything wrangler printed so far: attach it to a failure. */
  logs(): string;
  /** Fires a Cron Trigger through wrangler's --test-scheduled endpoint. */
  cron(expression: string): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
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
  const baseUrl = `http://127.0.0.1:${port}`;
  const varArgs = Object.entries(opts.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  // Own process group, so stop() ends wrangler *and* the workerd it started, and nothing else.
  const child: ChildProcess = spawn(
    join(ROOT, "node_modules", ".bin", "wrangler"),
    ["dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", persistDir, "--test-scheduled", "--show-interactive-dev-session=false", ...varArgs],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true, env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" } },
  );
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      const timer = setTimeout(() => child.pid && safeKill(-child.pid, "SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(persistDir, { recursive: true, force: true });
  };

  try {
    await Promise.race([
      waitForHealth(baseUrl, opts.healthTimeoutMs ?? 90_000),
      exited.then(() => {
        throw new Error(`wrangler dev exited early:\n${output}`);
      }),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    baseUrl,
    persistDir,
    logs: () => output,
    cron: async (expression) => {
      const res = await fetch(`${baseUrl}/__scheduled?cron=${encodeURIComponent(expression)}`);
      if (!res.ok) throw new Error(`cron ${expression}: ${res.status}`);
    },
    stop,
  };
}

function safeKill(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(pid, signal);
  } catch {
    // gone
  }
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
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
