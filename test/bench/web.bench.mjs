#!/usr/bin/env node
// Web bench: (1) production JS gzip size of the calendar route (every script
// web/dist/index.html loads); (2) first render of a month holding 2,000 items
// in headless Chromium, median of 7 fresh page loads. Prints one BENCH line.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import preact from "@preact/preset-vite";
import { build } from "vite";

const ROOT = new URL("../..", import.meta.url).pathname;
const RUNS = 7;

// (1) The production build, as deployed.
execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
const dist = join(ROOT, "web", "dist");
const html = readFileSync(join(dist, "index.html"), "utf8");
const scripts = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="([^"]+\.js)"/g)].map((m) => m[1]);
const gzipBytes = scripts.reduce((sum, src) => sum + gzipSync(readFileSync(join(dist, src))).length, 0);
const jsGzipKb = Math.round((gzipBytes / 1024) * 10) / 10;

// (2) The bench entry, built the same way (minified, production Preact).
const out = mkdtempSync(join(tmpdir(), "brandcast-bench-"));
await build({
  configFile: false,
  logLevel: "warn",
  plugins: [preact({ devToolsInProd: false, prefreshEnabled: false })],
  define: { "process.env.NODE_ENV": '"production"' },
  build: {
    outDir: out,
    emptyOutDir: true,
    target: "es2022",
    cssCodeSplit: false,
    lib: { entry: join(ROOT, "test/bench/web-bench-entry.tsx"), formats: ["es"], fileName: () => "bench.js", cssFileName: "bench" },
  },
});
writeFileSync(
  join(out, "index.html"),
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/bench.css"></head><body><div id="app"></div><script type="module" src="/bench.js"></script></body></html>`,
);
const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };
const server = createServer((req, res) => {
  const path = new URL(req.url, "http://x").pathname;
  try {
    const body = readFileSync(join(out, path === "/" ? "index.html" : path));
    res.writeHead(200, { "content-type": types[extname(path) || ".html"] ?? "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
});
const times = [];
const cpuTimes = [];
let chips = 0;
try {
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: "Europe/Lisbon", locale: "en-GB" });
    const page = await context.newPage();
    await page.goto(`${base}/?n=${process.env.BENCH_N ?? 2000}`);
    await page.waitForFunction(() => typeof window.__start === "function", null, { timeout: 30_000 });
    // Main-thread CPU time alongside wall time: on a shared, loaded machine the wall figure includes waiting for a core.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    const cpu = async () => (await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === "ThreadTime").value * 1000;
    const before = await cpu();
    const r = await page.evaluate(() => window.__start());
    const cpuMs = (await cpu()) - before;
    if (process.env.BENCH_DEBUG) console.error(JSON.stringify({ ...r, cpuMs }));
    times.push(r.ms);
    cpuTimes.push(cpuMs);
    chips = r.chips;
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
  rmSync(out, { recursive: true, force: true });
}
const median = (xs) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] * 10) / 10;
const [load1] = (await import("node:os")).loadavg();
console.error(
  `first render of 2,000 items (${chips} chips drawn): wall ${times.map((t) => t.toFixed(0)).join(", ")} ms (median ${median(times)}); ` +
    `main-thread CPU median ${median(cpuTimes)} ms; load average ${load1.toFixed(1)}; calendar JS ${jsGzipKb} KB gzip (${scripts.join(", ")})`,
);
console.log(`BENCH ${JSON.stringify({ calendar_first_render_ms: median(times), calendar_js_gzip_kb: jsGzipKb })}`);
