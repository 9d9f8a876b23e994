#!/usr/bin/env node
// Does rendering stall the API? Starts the Workers the way `npm start` does
// (scripts/dev-servers.mjs: media Worker and API Worker, a fresh persist dir, a
// free port), signs up, creates two brands, and times a calendar month request
// (GET /api/schedules?from=&to=) issued back to back:
//   api_p50_idle_ms / api_p99_idle_ms   with nothing rendering (the baseline);
//   api_p99_during_render_ms             while ten reels render (5 reel jobs × 2
//                                        brands, rendered by the generate queue).
// Target (issue 10, item 4): api_p99_during_render_ms ≤ 150.
// Prints `BENCH {json}` (scripts/bench.mjs protocol). Bounded in time, and stops
// everything it started, whatever happens.
//
// BENCH_RENDER_TOPOLOGY=single runs both Workers in one `wrangler dev -c … -c …`
// process instead, to compare (the README's figures).
import { freePort, startWorkers } from "../../scripts/dev-servers.mjs";
import { applyMigrations, ensureDevVars } from "../../scripts/local-env.mjs";
import { benchLifecycle } from "./lifecycle.mjs";

const REEL_JOBS = 5;
const IDLE_SAMPLES = 300;
const RENDER_TIMEOUT_MS = 8 * 60_000;
const REQUEST_TIMEOUT_MS = 30_000;
const single = process.env.BENCH_RENDER_TOPOLOGY === "single";
const log = (msg) => process.stderr.write(`[render-isolation] ${msg}\n`);

const { persistDir, finish, track } = benchLifecycle("render-isolation", RENDER_TIMEOUT_MS + 4 * 60_000);
let workers = null;

function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const round = (v) => (v === null ? null : Math.round(v * 10) / 10);

try {
  ensureDevVars();
  applyMigrations(persistDir);
  const port = await freePort();
  log(`starting the Workers (${single ? "one process" : "two processes"}) on port ${port}`);
  workers = track(await startWorkers({ port, ip: "127.0.0.1", persistTo: persistDir, singleProcess: single }));
  const base = workers.baseUrl;

  let cookie = "";
  const api = async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { "content-type": "application/json", origin: base, ...(cookie ? { cookie } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    if (!cookie && res.headers.get("set-cookie")) cookie = res.headers.get("set-cookie").split(";")[0];
    return res.status === 204 ? null : res.json();
  };

  const email = `bench-${Date.now()}@example.com`;
  await api("POST", "/api/auth/signup", { email, password: "bench-password-123", workspaceName: "Render isolation bench" });
  const brandIds = [];
  for (const slug of ["bench-one", "bench-two"]) {
    const brand = await api("POST", "/api/brands", { slug, name: slug, timezone: "Europe/Lisbon" });
    await api("PUT", `/api/brands/${brand.id}/accounts/sandbox`, { externalId: `sandbox-${slug}`, accessToken: `sandbox-${slug}` });
    brandIds.push(brand.id);
  }

  const now = new Date();
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
  const monthPath = `/api/schedules?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  const timed = async () => {
    const t0 = performance.now();
    await api("GET", monthPath);
    return performance.now() - t0;
  };

  const reels = REEL_JOBS * brandIds.length;
  // Job status is polled on its own clock (one list request every 2 s), in both
  // phases, so the idle baseline carries the same background traffic; the
  // calendar requests go back to back.
  let settled = 0;
  let failed = 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const { jobs } = await api("GET", `/api/jobs?variant=dark&limit=100`).then(async (dark) => ({
        jobs: [...dark.jobs, ...(await api("GET", `/api/jobs?variant=light&limit=100`)).jobs],
      }));
      const outputs = jobs.flatMap((j) => j.outputs);
      settled = outputs.filter((o) => o.status !== "pending" && o.status !== "generating").length;
      failed = outputs.filter((o) => o.status === "failed").length;
      await new Promise((r) => setTimeout(r, 2000));
    }
  })();

  for (let i = 0; i < 10; i++) await timed(); // warm-up
  const idle = [];
  for (let i = 0; i < IDLE_SAMPLES; i++) idle.push(await timed());

  log(`creating ${REEL_JOBS} reel jobs × ${brandIds.length} brands`);
  for (let i = 0; i < REEL_JOBS; i++) {
    await api("POST", "/api/jobs", { variant: i % 2 ? "light" : "dark", brands: brandIds, title: `Render isolation ${i + 1}` });
  }
  settled = 0;

  const started = Date.now();
  const during = [];
  while (settled < reels && Date.now() - started < RENDER_TIMEOUT_MS) during.push(await timed());
  polling = false;
  await poller;
  const renderSeconds = (Date.now() - started) / 1000;
  if (settled < reels) throw new Error(`only ${settled} of ${reels} reels finished within ${RENDER_TIMEOUT_MS / 1000} s`);
  if (failed) throw new Error(`${failed} of ${reels} reels failed to render:\n${workers.logs().slice(-3000)}`);

  idle.sort((a, b) => a - b);
  during.sort((a, b) => a - b);
  const figures = {
    api_p50_idle_ms: round(percentile(idle, 50)),
    api_p99_idle_ms: round(percentile(idle, 99)),
    api_p50_during_render_ms: round(percentile(during, 50)),
    api_p99_during_render_ms: round(percentile(during, 99)),
    api_max_during_render_ms: round(during.at(-1) ?? null),
    api_requests_during_render: during.length,
    render_reels: reels,
    render_reels_seconds: round(renderSeconds),
  };
  // The comparison run must not pass for the real figures in a merged bench report.
  const result = single ? Object.fromEntries(Object.entries(figures).map(([k, v]) => [`single_process_${k}`, v])) : figures;
  log(JSON.stringify(result));
  await finish(0, result);
} catch (err) {
  log(err instanceof Error ? err.stack ?? err.message : String(err));
  if (workers) log(`last output of the Workers:\n${workers.logs().slice(-4000)}`);
  await finish(1, { errors: [`render-isolation: ${err instanceof Error ? err.message : String(err)}`] });
}
