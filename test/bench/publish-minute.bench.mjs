#!/usr/bin/env node
// The publish minute (issue 17 item 4), in workerd as deployed: the API Worker
// under `wrangler dev` (bench-worker.ts as its entry, every binding from
// wrangler.toml), where each brand's BrandScheduler holds a real Durable
// Object alarm. 1,000 items over 500 brands are due in one minute (each
// brand's two 30 s apart), seeded straight into D1, then each brand's
// BrandScheduler is primed (it loads its items and arms its alarm) before the
// minute begins. Each alarm claims its brand's due items and sends their
// deliveries to the publish queue.
//
//   publish_minute_lag_s_p50/p95/max   scheduled time → claim (the claim stamps
//                                       the time its queue send follows)
// The publish consumer's own work is not part of the lag: the bench Worker
// drops publish messages (bench-worker.ts), so it never shares workerd's one
// local thread with the alarms. Nothing is asked of the Worker while the
// alarms run: locally, requests made under that load made wrangler dev restart
// its runtime mid-run.
// Prints `BENCH {json}` (scripts/bench.mjs protocol); stops what it started.
import { benchLifecycle, percentile } from "./lifecycle.mjs";

const BRANDS = 500;
const PER_BRAND = 2;
/** After the minute, this long for the last alarms before the first read. */
const SETTLE_MS = 60_000;
const log = (msg) => process.stderr.write(`[publish-minute] ${msg}\n`);
const { finish, startBenchWorker } = benchLifecycle("publish-minute", 10 * 60_000);
let workers = null;

const round = (v, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

try {
  workers = await startBenchWorker(log);
  const base = workers.baseUrl;
  const post = async (path, body = {}) => {
    const res = await fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", origin: base }, body: JSON.stringify(body), signal: AbortSignal.timeout(300_000) });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST ${path}: HTTP ${res.status} ${text.slice(0, 2000)}`);
    return JSON.parse(text);
  };

  const owner = await post("/api/auth/signup", { email: `minute-${Date.now()}@example.com`, password: "bench-password-123", workspaceName: "publish minute" });
  const minute = await post("/api/__bench/publish-minute/seed", { workspaceId: owner.workspace.id, userId: owner.user.id, brands: BRANDS, perBrand: PER_BRAND });
  log(`${minute.items} items over ${minute.brands} brands due from ${new Date(minute.at).toISOString()}; BrandSchedulers primed in ${minute.primed_ms} ms`);
  if (!minute.primed_before) throw new Error("the BrandSchedulers were still being primed when the minute began");

  await sleep(Math.max(0, minute.at + 60_000 + SETTLE_MS - Date.now()));
  let lag = await post("/api/__bench/publish-minute/lag", { workspaceId: owner.workspace.id });
  for (let i = 0; i < 6 && lag.claimed < minute.items; i++) {
    await sleep(15_000);
    lag = await post("/api/__bench/publish-minute/lag", { workspaceId: owner.workspace.id });
  }
  const lags = lag.lags_ms.map((ms) => ms / 1000).sort((a, b) => a - b);
  const result = {
    publish_minute_lag_s_p50: lags.length ? round(percentile(lags, 0.5)) : null,
    publish_minute_lag_s_p95: lags.length ? round(percentile(lags, 0.95)) : null,
    publish_minute_lag_s_max: lags.length ? round(lags.at(-1)) : null,
    publish_minute_items: minute.items,
    publish_minute_brands: minute.brands,
    publish_minute_claimed: lag.claimed,
    publish_minute_deliveries_queued: lag.queued,
    publish_minute_priming_s: round(minute.primed_ms / 1000),
  };
  log(JSON.stringify(result));
  await finish(0, result);
} catch (err) {
  log(err instanceof Error ? `${err.stack ?? err.message}${err.cause ? ` (cause: ${err.cause.message ?? err.cause})` : ""}` : String(err));
  if (workers) log(`last output of the Worker:\n${workers.logs().slice(-4000)}`);
  await finish(1, { errors: [`publish-minute: ${err instanceof Error ? err.message : String(err)}`] });
}
