// The metrics part of an item's life, for the cost bench (issue 17 item 5):
// after the items are published, their 28 days of readings through the real
// code, on a virtual clock the chaos fakes follow. Each cron firing that
// finds work (the clock jumps from one firing to the next due one, which is
// what a ten-minute cron would find) runs the metrics fan-out
// (fanOutDueMetrics), then every `metrics` message it sent goes through the
// consumer (handleMetricsBatch, 5 a batch as wrangler.toml says), which
// samples the brand with the real insights clients against the fakes. The
// bindings are the counted ones the caller passes (cost-meter.ts); the bench's
// own setup and look-ups here use the uncounted env.
import { env } from "cloudflare:workers";
import { fanOutDueMetrics, handleMetricsBatch } from "../../worker/analytics/fanout";
import type { Env, MetricsMessage } from "../../worker/env";
import { firstPostSampleAt } from "../../worker/analytics/schedule";
import { DAY, HOUR, MINUTE } from "../../worker/lib/time";
import { admin, chaosFake, type FakeName } from "../publishing/chaos-driver";
import { countingFetch, type Tally } from "./cost-meter";

/** The cron's period (wrangler.toml `*\/10 * * * *`): firings at whole ten minutes. */
const TICK = 10 * MINUTE;
/** wrangler.toml: the brandcast-metrics consumer's max_batch_size. */
const BATCH = 5;
/** A post is read at most ~23 times over 28 days; a run that needs this many firings is stuck. */
const MAX_TICKS = 5000;

async function postAdmin<T>(fake: FakeName, what: string, body: unknown): Promise<T> {
  return admin(async () => {
    const res = await fetch(`${chaosFake(fake).url}/__admin/${what}`, { method: "POST", body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`chaos ${fake} /__admin/${what}: HTTP ${res.status}`);
    return (await res.json()) as T;
  });
}

/**
 * The chaos brands' tokens are seeded with the publishing scopes only; a real
 * connection asks for the insights permissions too (PLATFORMS.md §8), so they
 * are granted here (Instagram's and Facebook's tokens; YouTube's refresh
 * tokens carry youtube.readonly by default).
 */
export async function grantInsights(): Promise<void> {
  const needed = { instagram: "instagram_business_manage_insights", facebook: "read_insights" } as const;
  for (const [fake, scope] of Object.entries(needed) as Array<[FakeName, string]>) {
    const state = await admin(() => chaosFake(fake).state<{ tokens: Record<string, { scopes?: string[] }> }>());
    const scopes = Object.fromEntries(Object.entries(state.tokens).map(([token, r]) => [token, [...new Set([...(r.scopes ?? []), scope])]]));
    await postAdmin(fake, "seed/insights", { scopes });
  }
}

/** The fakes' clock (the latest of them): where the metrics clock starts. */
export async function fakesNow(fakes: readonly FakeName[]): Promise<number> {
  return Math.max(...(await Promise.all(fakes.map(async (f) => (await postAdmin<{ now: number }>(f, "clock", {})).now))));
}

/**
 * The bench's choice of each post's publish time: its booked slot's time of
 * day on one fixed day, the first whole UTC day after `from` (the metrics
 * clock's start). The dispatch phase made every item due at once, and the
 * time each one really went out is the wall clock's plus the fakes' "still
 * processing" waits (tens of seconds), so posts of one slot could fall on
 * either side of a ten-minute boundary and split a brand's run into two cron
 * firings (120 to 215 firings for the same readings). The slots themselves
 * depend on when the bench runs (the next 8 from now span two local dates, a
 * different rotation of the grid each hour: 116 to 119 distinct reading
 * times); one day's grid does not. Each post's due schedule is still the real
 * sampler's from that publish time (firstPostSampleAt, then
 * planNextPostSample). The posts stay on the fakes as published; their
 * numbers only grow, whatever the sampler's idea of their age.
 */
export async function layOutOverSlots(booked: Array<{ id: string; scheduled_at: number }>, from: number): Promise<{ spreadHours: number }> {
  const day = Math.floor(from / DAY) * DAY + DAY;
  const publishedAt = booked.map((b) => day + ((((b.scheduled_at - day) % DAY) + DAY) % DAY));
  await env.DB.batch(
    booked.map((b, i) =>
      env.DB.prepare(
        `UPDATE metric_targets SET published_at = ?1, next_at = ?2
         WHERE kind = 'post' AND id IN (SELECT id FROM deliveries WHERE schedule_id = ?3)`,
      ).bind(publishedAt[i], firstPostSampleAt(publishedAt[i]!), b.id),
    ),
  );
  return { spreadHours: (Math.max(...publishedAt) - Math.min(...publishedAt)) / HOUR };
}

/**
 * Due times for these brands only: account targets as `accounts` says (null:
 * not read, so the post figures hold posts alone; a time: read from then),
 * each brand due at its earliest target, and every other brand in the local
 * database (other bench files') not due, so the fan-out hands out only these.
 */
export async function setDue(brandIds: string[], accounts: number | null): Promise<void> {
  const ids = JSON.stringify(brandIds);
  await env.DB.batch([
    env.DB.prepare("UPDATE metric_targets SET next_at = ?1 WHERE kind = 'account' AND brand_id IN (SELECT value FROM json_each(?2))").bind(accounts, ids),
    env.DB.prepare(
      `UPDATE metric_brands SET next_at = CASE WHEN brand_id IN (SELECT value FROM json_each(?1))
         THEN (SELECT MIN(next_at) FROM metric_targets t WHERE t.brand_id = metric_brands.brand_id) END`,
    ).bind(ids),
  ]);
}

export interface MetricsRun {
  /** Cron firings that found work. */
  firings: number;
  /** `metrics` messages sent (by the fan-out, and by a brand with more due) and delivered. */
  messages: number;
  /** Requests each fake answered while the consumer ran. */
  requests: Record<FakeName, number>;
  /** The virtual clock at the end. */
  clock: number;
}

/**
 * Cron firings from `from` on, each at the first whole ten minutes at or after
 * the earliest due time of these brands (never twice at one), until nothing
 * is due or the next firing would be after `until`. `sent` is the sink of the
 * counted METRICS_QUEUE in `counted`.
 */
export async function runMetricsFirings(opts: {
  counted: Env;
  t: Tally;
  sent: MetricsMessage[];
  brandIds: string[];
  fakes: readonly FakeName[];
  from: number;
  until?: number;
}): Promise<MetricsRun> {
  const { counted, t, sent, fakes } = opts;
  const ids = JSON.stringify(opts.brandIds);
  const nextDue = async () =>
    (await env.DB.prepare("SELECT MIN(next_at) AS at FROM metric_brands WHERE brand_id IN (SELECT value FROM json_each(?))").bind(ids).first<{ at: number | null }>())!.at;
  const logged = async () => Object.fromEntries(await Promise.all(fakes.map(async (f) => [f, (await admin(() => chaosFake(f).requests())).length] as const)));
  const before = await logged();
  const run: MetricsRun = { firings: 0, messages: 0, requests: {} as Record<FakeName, number>, clock: opts.from };
  let lastFiring = -Infinity;
  const retried: string[] = [];
  for (let due = await nextDue(); due !== null; due = await nextDue()) {
    const firing = Math.max(Math.ceil(due / TICK) * TICK, lastFiring + TICK, Math.ceil(opts.from / TICK) * TICK);
    if (opts.until !== undefined && firing > opts.until) break;
    if (++run.firings > MAX_TICKS) throw new Error(`metrics: still due after ${MAX_TICKS} cron firings`);
    lastFiring = run.clock = firing;
    await Promise.all(fakes.map((f) => postAdmin(f, "clock", { now: firing })));
    await fanOutDueMetrics(counted, firing);
    while (sent.length) {
      const queue = sent.splice(0);
      for (let i = 0; i < queue.length; i += BATCH) {
        const messages = queue.slice(i, i + BATCH).map((body) => ({
          id: crypto.randomUUID(),
          timestamp: new Date(firing),
          attempts: 1,
          body,
          ack() {},
          retry() {
            retried.push(body.brandId);
          },
        }));
        run.messages += messages.length;
        const batch = { queue: "brandcast-metrics", messages, ackAll() {}, retryAll() {} } as unknown as MessageBatch<MetricsMessage>;
        await countingFetch(t, () => handleMetricsBatch(batch, counted, { now: () => firing }));
      }
    }
    // A sampling run that threw is a bug here (no faults are injected): the figures would not be an item's life.
    if (retried.length) throw new Error(`metrics: the consumer failed for ${retried.length} messages (brands ${[...new Set(retried)].join(", ")})`);
  }
  const after = await logged();
  for (const f of fakes) run.requests[f] = after[f]! - before[f]!;
  return run;
}
