// The bench Worker: the API Worker exactly as deployed (worker/index.ts, every
// binding from wrangler.toml), plus `/api/__bench/*` routes that run measurements
// inside workerd. test/bench/deployed.bench.mjs starts it with
// `wrangler dev test/bench/bench-worker.ts -c wrangler.toml`; it is never deployed.
//
// Why not the test pool: under @cloudflare/vitest-pool-workers 0.15.1 every
// call into a Durable Object first goes through the pool's singleton runner
// object (importModule → runInRunnerObject), and every construction of an
// entrypoint or DO wrapper adds one more Proxy to its prototype. So a DO call
// costs ~2.6 ms there and `exports.default.fetch` slows down with each request
// (measured: /api/health 3.7 ms → 62 ms after ~900 requests, while the same
// Hono app called directly stayed at 4 ms). Figures taken through the pool
// measured the pool; here nothing stands between the code and workerd.
import type { Env } from "../../worker/env";
import worker from "../../worker/index";
import { publishMinuteBench } from "./publish-minute-routes";
import { nextFreeSlot } from "../../worker/scheduling/slot-grid";
import type { BookingResult } from "../../worker/scheduling/booking";
import { brandScheduler } from "../../worker/scheduling/brand-scheduler";
import { brandGrid } from "../../worker/services/brands";
import { claimEvents, relayClaimed } from "../../worker/notifications/outbox";
import { calendarCache } from "../../worker/services/calendar-cache";
import { perSecond, round } from "./figures";
import { DAY, duplicateSlots, MINUTE, seedBrands, seedCalendar, seedReadyOutputs, type SeededOutput } from "./seed";

export * from "../../worker/index";

const LEAD_MS = 15 * MINUTE; // wrangler.toml SLOT_LEAD_MINUTES
const HORIZON_MS = 30 * DAY; // wrangler.toml SLOT_HORIZON_DAYS

interface Caller {
  workspaceId: string;
  userId: string;
}

/** Plain D1 single-row inserts, all in flight at once: the allocation's baseline. */
async function baseline(env: Env, n: number) {
  const db = env.DB;
  await db.prepare("CREATE TABLE IF NOT EXISTS bench_scratch (id TEXT PRIMARY KEY, brand_id TEXT NOT NULL, at INTEGER NOT NULL)").run();
  const run = crypto.randomUUID().slice(0, 8);
  const insert = (k: string, i: number) =>
    db.prepare("INSERT INTO bench_scratch (id, brand_id, at) VALUES (?, ?, ?)").bind(`${run}${k}${i}`, `b${i % 10}`, Date.now() + i * MINUTE).run();
  await insert("warm", 0);
  let t0 = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => insert("c", i)));
  const concurrentMs = performance.now() - t0;
  t0 = performance.now();
  for (let i = 0; i < n; i++) await insert("s", i);
  const seqMs = performance.now() - t0;
  t0 = performance.now();
  for (let i = 0; i < 200; i++) await db.prepare("SELECT 1 AS x").first();
  const rtMs = (performance.now() - t0) / 200;
  // One Durable Object RPC whose booking is a single D1 batch (an unknown brand): the fixed cost of a DO call.
  const empty = { workspaceId: "bench-none", brandId: "bench-none", outputIds: [], actor: { kind: "automation" as const, userId: null } };
  await brandScheduler(env, "bench-none").book(empty);
  t0 = performance.now();
  for (let i = 0; i < 100; i++) await brandScheduler(env, "bench-none").book(empty);
  const doCallMs = (performance.now() - t0) / 100;
  return {
    baseline_d1_insert_per_s: perSecond(n, concurrentMs),
    baseline_d1_insert_sequential_per_s: perSecond(n, seqMs),
    baseline_d1_roundtrip_ms: round(rtMs, 3),
    baseline_do_call_ms: round(doCallMs, 2),
  };
}

/** `requests` ready outputs over `brands` brands, booked one per request through the BrandScheduler DOs, all in flight at once. */
async function allocation(env: Env, c: Caller, brands: number, requests: number) {
  await seedBrands(env.DB, c.workspaceId, "al", brands, "Europe/Lisbon");
  const outputs = await seedReadyOutputs(env.DB, c.workspaceId, "al", brands, requests, 3_000_000, c.userId);
  if (outputs.length !== requests) throw new Error(`seeded ${outputs.length} outputs, wanted ${requests}`);
  const actor = { kind: "user" as const, userId: c.userId };
  const t0 = performance.now();
  const settled = await Promise.allSettled(
    outputs.map((o) => brandScheduler(env, o.brand_id).book({ workspaceId: c.workspaceId, brandId: o.brand_id, outputIds: [o.id], actor })),
  );
  const ms = performance.now() - t0;
  let booked = 0;
  const errors: string[] = [];
  for (const s of settled) {
    if (s.status === "rejected") errors.push(String(s.reason));
    else {
      const r = s.value[0] as BookingResult | undefined;
      if (r?.ok === true) booked++;
      else errors.push(r ? `${r.ok === false ? r.code : r.reason}` : "no result");
    }
  }
  const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM schedules WHERE workspace_id = ? AND brand_id LIKE 'al%'").bind(c.workspaceId).first<{ n: number }>();
  return {
    outputs,
    figures: {
      alloc_concurrent_per_s: perSecond(booked, ms),
      alloc_requests: requests,
      alloc_brands: brands,
      alloc_booked: booked,
      alloc_schedule_rows: rows!.n,
      alloc_errors: errors.length,
      ...(errors.length ? { alloc_error_samples: [...new Set(errors)].slice(0, 3) } : {}),
      alloc_double_booked: await duplicateSlots(env.DB, "schedules", c.workspaceId),
      alloc_wall_ms: round(ms),
    },
  };
}

/** The same load through a read-then-insert allocator with no Durable Object and no UNIQUE constraint: what the design prevents. */
async function naive(env: Env, c: Caller, outputs: SeededOutput[]) {
  const db = env.DB;
  await db.prepare(
    `CREATE TABLE IF NOT EXISTS naive_schedules (
       id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, brand_id TEXT NOT NULL, output_id TEXT NOT NULL, scheduled_at INTEGER NOT NULL)`,
  ).run();
  await db.prepare("CREATE INDEX IF NOT EXISTS naive_schedules_brand_slot ON naive_schedules (brand_id, scheduled_at)").run();
  let n = 0;
  async function naiveBook(o: SeededOutput) {
    const now = Date.now();
    const brand = await db.prepare("SELECT timezone, slots, schedule_offset AS scheduleOffset FROM brands WHERE id = ?")
      .bind(o.brand_id)
      .first<{ timezone: string; slots: string; scheduleOffset: number }>();
    const taken = await db.prepare("SELECT scheduled_at FROM naive_schedules WHERE brand_id = ? AND scheduled_at >= ?")
      .bind(o.brand_id, now - DAY)
      .all<{ scheduled_at: number }>();
    const slot = nextFreeSlot(brandGrid(brand!), o.variant, new Set(taken.results.map((r) => r.scheduled_at)), now + LEAD_MS, now + HORIZON_MS);
    if (!slot) throw new Error("horizon full");
    await new Promise((resolve) => setTimeout(resolve, 1)); // any other await: a fetch, a log write…
    await db.prepare("INSERT INTO naive_schedules (id, workspace_id, brand_id, output_id, scheduled_at) VALUES (?, ?, ?, ?, ?)")
      .bind(`nv${n++}`, c.workspaceId, o.brand_id, o.id, slot.at)
      .run();
  }
  const t0 = performance.now();
  const settled = await Promise.allSettled(outputs.map(naiveBook));
  const ms = performance.now() - t0;
  const ok = settled.filter((s) => s.status === "fulfilled").length;
  return {
    naive_alloc_per_s: perSecond(ok, ms),
    naive_booked: ok,
    naive_errors: settled.length - ok,
    naive_double_booked: await duplicateSlots(db, "naive_schedules", c.workspaceId),
  };
}

/**
 * Times `runs` GET requests (after one warm-up) through the Worker's own fetch
 * handler, in this isolate: from the Request to the last byte of the body, as
 * workerd runs it (bytes, as workerd hands them to the socket: not decoded into
 * a string), without the HTTP hop and wrangler dev's proxy in front. Returns
 * each time; callers ask for a few dozen at a time, since what one invocation
 * reads stays alive until it ends (and 128 MB is the isolate's limit).
 */
async function timeRequests(env: Env, ctx: ExecutionContext, url: string, cookie: string, runs: number, uncached = false) {
  const times: number[] = [];
  // Probe: the part of each request spent in D1 batches (SQLite, the binding's transfer and its JSON decoding),
  // so a slow request can be told apart as slow in D1 or slow in the Worker (Hono, building and encoding the body, GC).
  const d1Times: number[] = [];
  let d1Ms = 0;
  const probed = {
    ...env,
    DB: new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch") {
          return async (stmts: D1PreparedStatement[]) => {
            const t0 = performance.now();
            try {
              return await target.batch(stmts);
            } finally {
              d1Ms += performance.now() - t0;
            }
          };
        }
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    }),
  } as Env;
  // Control: a fixed CPU loop between requests, timed the same way: the machine's own jitter at this moment.
  const controlTimes: number[] = [];
  let bytes = 0;
  let items = 0;
  for (let i = 0; i < runs + 1; i++) {
    d1Ms = 0;
    // Uncached: every request reads its window from D1, as a first view does (services/calendar-cache.ts).
    if (uncached) calendarCache.clear();
    const t0 = performance.now();
    const res = await worker.fetch(new Request(url, { headers: { cookie, "sec-fetch-site": "same-origin" } }), probed, ctx);
    const body = await res.arrayBuffer();
    const dt = performance.now() - t0;
    if (res.status !== 200) throw new Error(`GET ${url} → ${res.status}: ${new TextDecoder().decode(body).slice(0, 300)}`);
    if (i === 0) {
      bytes = body.byteLength;
      const parsed = JSON.parse(new TextDecoder().decode(body)) as { schedules?: unknown[]; rows?: unknown[] };
      items = (parsed.rows ?? parsed.schedules ?? []).length;
    } else {
      times.push(dt);
      d1Times.push(d1Ms);
      const c0 = performance.now();
      let x = 0;
      for (let k = 0; k < 2_000_000; k++) x = (x + k * 31) % 1_000_003;
      controlTimes.push(performance.now() - c0 + (x === -1 ? 1 : 0));
    }
  }
  return { items, bytes, times, d1Times, controlTimes };
}

async function bench(req: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const path = new URL(req.url).pathname;
  const body = (req.method === "POST" ? await req.json() : {}) as Caller & { brands?: number; requests?: number };
  if (path === "/api/__bench/seed-calendar") {
    const t0 = performance.now();
    await seedCalendar(env.DB, body.workspaceId, body.userId);
    return Response.json({ calendar_seed_s: round((performance.now() - t0) / 1000, 2) });
  }
  if (path === "/api/__bench/allocation") {
    // Baseline first, then the two allocators over the same outputs, all in one invocation.
    const base = await baseline(env, body.requests ?? 500);
    const alloc = await allocation(env, body, body.brands ?? 10, body.requests ?? 500);
    const nv = await naive(env, body, alloc.outputs);
    return Response.json({
      ...base,
      ...alloc.figures,
      ...nv,
      alloc_vs_d1_insert_ratio: round(alloc.figures.alloc_concurrent_per_s / base.baseline_d1_insert_per_s, 3),
      alloc_vs_naive_ratio: round(alloc.figures.alloc_concurrent_per_s / nv.naive_alloc_per_s, 3),
    });
  }
  if (path.startsWith("/api/__bench/publish-minute/")) return publishMinuteBench(path.slice("/api/__bench/publish-minute/".length), body, env);
  if (path === "/api/__bench/requests") {
    const q = body as unknown as { url: string; cookie: string; runs: number; uncached?: boolean };
    return Response.json(await timeRequests(env, ctx, q.url, q.cookie, q.runs, q.uncached === true));
  }
  if (path === "/api/__bench/webhook-events") {
    const q = body as unknown as Caller & { count: number; ratePerS: number | null; prefix: string };
    return Response.json(await publishedEvents(env, q));
  }
  return Response.json({ error: "no such bench" }, { status: 404 });
}

/**
 * `count` deliveries turn published, each as the publish consumer settles one:
 * the status update (whose trigger writes the event) and the outbox claim in
 * one batch, then the claimed events sent to the events queue. All at once
 * (`ratePerS` null) or paced. The receiver times each event from its
 * `createdAt` (the commit) to its arrival.
 */
async function publishedEvents(env: Env, q: Caller & { count: number; ratePerS: number | null; prefix: string }) {
  const db = env.DB;
  const brands = await seedBrands(db, q.workspaceId, q.prefix, 10, "UTC");
  const outputs = await seedReadyOutputs(db, q.workspaceId, q.prefix, brands.length, q.count, 500_000 + Math.floor(Math.random() * 400_000), q.userId);
  const at = Date.now() - DAY;
  await db.batch(
    outputs.flatMap((o, i) => [
      db
        .prepare(
          `INSERT INTO schedules (id, workspace_id, brand_id, output_id, job_id, scheduled_at, kind, variant, created_by_kind, dispatched_at)
           SELECT ?1, ?2, o.brand_id, o.id, o.job_id, ?3, 'reel', 'light', 'automation', ?4 FROM job_outputs o WHERE o.id = ?5`,
        )
        .bind(`${q.prefix}s${i}`, q.workspaceId, at + i * MINUTE, at + i * MINUTE, o.id),
      db
        .prepare("INSERT INTO deliveries (id, schedule_id, workspace_id, platform, account_id, status, attempts) VALUES (?, ?, ?, 'sandbox', NULL, 'publishing', 1)")
        .bind(`${q.prefix}d${i}`, `${q.prefix}s${i}`, q.workspaceId),
    ]),
  );
  const t0 = Date.now();
  const settle = async (i: number) => {
    const now = Date.now();
    const [, claim] = await db.batch([
      db
        .prepare("UPDATE deliveries SET status = 'published', permalink = ?, published_at = ?, updated_at = ? WHERE id = ? AND status = 'publishing' AND attempts = 1")
        .bind(`https://sandbox.test/${q.prefix}d${i}`, now, now, `${q.prefix}d${i}`),
      claimEvents(db),
    ]);
    await relayClaimed(env, claim);
  };
  if (q.ratePerS) {
    const gap = 1000 / q.ratePerS;
    const pending: Promise<void>[] = [];
    for (let i = 0; i < q.count; i++) {
      const due = t0 + i * gap - Date.now();
      if (due > 0) await new Promise((r) => setTimeout(r, due));
      pending.push(settle(i));
    }
    await Promise.all(pending);
  } else {
    let next = 0;
    const lane = async () => {
      while (next < q.count) await settle(next++);
    };
    await Promise.all(Array.from({ length: 6 }, lane));
  }
  return { changed: q.count, change_ms: Date.now() - t0, first_change_at: t0 };
}

export default {
  ...worker,
  /**
   * The benches measure claims, not what runs after them: publish and generate
   * messages are dropped (acked), so publishing and rendering never share
   * workerd's one local thread with what is being timed.
   */
  async queue(batch: MessageBatch<never>, env: Env) {
    if (batch.queue.startsWith("brandcast-generate") || batch.queue.startsWith("brandcast-publish")) return;
    return worker.queue(batch, env);
  },
  async fetch(req: Request, env: Env, ctx: ExecutionContext) {
    if (new URL(req.url).pathname.startsWith("/api/__bench/")) {
      try {
        return await bench(req, env, ctx);
      } catch (e) {
        return Response.json({ error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) }, { status: 500 });
      }
    }
    return worker.fetch(req, env, ctx);
  },
};
