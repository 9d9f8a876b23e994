#!/usr/bin/env node
// Webhooks end to end (issue 18 item 10): deliveries turn published in the
// API Worker under `wrangler dev` (bench-worker.ts, the consumer's own batch:
// status update with its trigger, outbox claim, send), the events queue fans
// each event out and posts it, signed, to a receiver in this process (the
// receiver fake, test/fakes/webhooks.mjs, which checks every signature).
//
//   webhook_events_per_s     a burst of BURST events: from the first state
//                            change to the last event received, per second
//   webhook_lag_s_p95        events paced at PACED_RATE a second: the 95th
//                            percentile of (received − the event's createdAt,
//                            the commit of its state change). Target ≤ 5 s locally.
//   webhook_bad_signatures, webhook_duplicates, webhook_missing   all 0
//
// Local queues are wrangler dev's simulation (batches of 6, 1 s timeout, one
// batch at a time); Cloudflare runs consumers concurrently. Prints
// `BENCH {json}` (scripts/bench.mjs protocol); stops what it started.
import { createFake } from "../fakes/webhooks.mjs";
import { benchLifecycle, percentile } from "./lifecycle.mjs";

const BURST = Number(process.env.WEBHOOK_BENCH_BURST ?? 300);
const PACED = Number(process.env.WEBHOOK_BENCH_PACED ?? 150);
const PACED_RATE = Number(process.env.WEBHOOK_BENCH_RATE ?? 20);
const log = (msg) => process.stderr.write(`[webhooks] ${msg}\n`);
const { finish, startBenchWorker } = benchLifecycle("webhooks", 10 * 60_000);

const round = (v, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

try {
  const receiver = createFake();
  await receiver.listen(0);
  const workers = await startBenchWorker(log, { vars: { WEBHOOK_ALLOW_LOOPBACK: "true" }, note: `, the receiver on ${receiver.url}` });
  const base = workers.baseUrl;
  const request = async (path, body, cookie) => {
    const res = await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(300_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST ${path}: HTTP ${res.status} ${text.slice(0, 1000)}`);
    return { res, json: JSON.parse(text) };
  };
  const signup = await request("/api/auth/signup", { email: `webhooks-${Date.now()}@example.com`, password: "bench-password-123", workspaceName: "webhooks-bench" });
  const cookie = signup.res.headers.get("set-cookie").split(";")[0];
  const caller = { workspaceId: signup.json.workspace.id, userId: signup.json.user.id };
  const hook = (await request("/api/webhooks", { url: `${receiver.url}/hooks/bench`, events: ["delivery.published"] }, cookie)).json;
  receiver.state.secrets.bench = [hook.secret];

  /** Waits until `n` events of this phase arrived (or the deadline), then reads them. */
  const collect = async (prefix, n, deadlineMs) => {
    const until = Date.now() + deadlineMs;
    const mine = () => receiver.state.received.filter((r) => r.json?.data?.deliveryId?.startsWith(prefix));
    while (mine().length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    return mine();
  };

  log(`burst: ${BURST} events at once`);
  const burst = (await request("/api/__bench/webhook-events", { ...caller, count: BURST, ratePerS: null, prefix: "wb1" })).json;
  const burstGot = await collect("wb1", BURST, 180_000);
  const lastAt = Math.max(...burstGot.map((r) => r.at));
  const eventsPerS = (burstGot.length * 1000) / Math.max(1, lastAt - burst.first_change_at);

  log(`paced: ${PACED} events at ${PACED_RATE}/s`);
  await request("/api/__bench/webhook-events", { ...caller, count: PACED, ratePerS: PACED_RATE, prefix: "wb2" });
  const pacedGot = await collect("wb2", PACED, 120_000);
  const lags = pacedGot.map((r) => (r.at - Date.parse(r.json.createdAt)) / 1000).sort((a, b) => a - b);

  const all = [...burstGot, ...pacedGot];
  const ids = all.map((r) => r.id);
  const result = {
    webhook_events_per_s: round(eventsPerS, 1),
    webhook_burst_events: BURST,
    webhook_lag_s_p50: round(percentile(lags, 0.5)),
    webhook_lag_s_p95: round(percentile(lags, 0.95)),
    webhook_lag_s_max: round(lags.at(-1) ?? NaN),
    webhook_paced_rate_per_s: PACED_RATE,
    webhook_bad_signatures: all.filter((r) => r.verified !== true).length,
    webhook_duplicates: ids.length - new Set(ids).size,
    webhook_missing: BURST + PACED - new Set(ids).size,
  };
  log(JSON.stringify(result));
  await receiver.close();
  await finish(0, result);
} catch (err) {
  log(String(err?.stack ?? err));
  await finish(1, { errors: [`webhooks: ${err.message ?? err}`] });
}
