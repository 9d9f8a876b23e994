// Sampling fans out (DESIGN.md §9): the cron finds brands with due metrics
// page by page (an index range on metric_brands.next_at) and sends one
// `metrics` message per brand; each message's consumer samples that brand,
// bounded (sampler.ts). No invocation works through other workspaces' brands.
//
// Claiming a brand moves its due time a lease ahead, so the next cron does not
// send it again while its message waits; if the message is lost, the lease
// runs out and it is sent again. A brand with more due than one run takes
// sends itself the next message.
import type { Env, MetricsMessage } from "../env";
import { logError } from "../lib/log";
import { MINUTE } from "../lib/time";
import { sampleBrand, type SamplerOptions } from "./sampler";

/** How long a claimed brand's message may wait and run before the cron sends another. */
export const BRAND_LEASE_MS = 15 * MINUTE;
/** Brands per page: one query, one sendBatch (at most 100 messages). */
export const FANOUT_PAGE = 100;
/** Pages per cron invocation; the rest waits ten minutes (they stay due, longest-waiting first). */
export const FANOUT_MAX_PAGES = 20;

export interface FanoutResult {
  brands: number;
  pages: number;
  /** A page left brands due (the invocation stopped at its bound). */
  more: boolean;
}

/** Claims up to `limit` due brands (longest waiting first) for `leaseUntil`; returns their ids. */
async function claimDueBrands(env: Env, now: number, limit: number, leaseUntil: number): Promise<string[]> {
  const rows = await env.DB.prepare(
    `UPDATE metric_brands SET next_at = ?1
     WHERE brand_id IN (SELECT brand_id FROM metric_brands WHERE next_at <= ?2 ORDER BY next_at LIMIT ?3)
     RETURNING brand_id`,
  )
    .bind(leaseUntil, now, limit)
    .all<{ brand_id: string }>();
  return rows.results.map((r) => r.brand_id);
}

async function send(env: Env, brandIds: string[], now: number): Promise<boolean> {
  try {
    await env.METRICS_QUEUE.sendBatch(brandIds.map((brandId) => ({ body: { kind: "metrics", brandId } satisfies MetricsMessage })));
    return true;
  } catch (err) {
    // Give the brands back at once rather than after the lease.
    logError("metrics: could not send messages", { brands: brandIds.length, error: String(err) });
    await env.DB.prepare("UPDATE metric_brands SET next_at = ?1 WHERE brand_id IN (SELECT value FROM json_each(?2))").bind(now, JSON.stringify(brandIds)).run();
    return false;
  }
}

/** The cron's part: hand out every due brand, page by page, bounded. */
export async function fanOutDueMetrics(env: Env, now: number, opts: { pageSize?: number; maxPages?: number } = {}): Promise<FanoutResult> {
  const pageSize = Math.min(opts.pageSize ?? FANOUT_PAGE, 100);
  const maxPages = opts.maxPages ?? FANOUT_MAX_PAGES;
  const result: FanoutResult = { brands: 0, pages: 0, more: false };
  for (let page = 0; page < maxPages; page++) {
    const brands = await claimDueBrands(env, now, pageSize, now + BRAND_LEASE_MS);
    if (!brands.length) return result;
    result.pages++;
    if (!(await send(env, brands, now))) return result;
    result.brands += brands.length;
    if (brands.length < pageSize) return result;
  }
  result.more = true;
  return result;
}

/** Consumer of the `metrics` queue: one brand per message, each sampled once per batch however often it appears. */
export async function handleMetricsBatch(batch: MessageBatch<MetricsMessage>, env: Env, opts: SamplerOptions = {}): Promise<void> {
  const byBrand = new Map<string, Message<MetricsMessage>[]>();
  for (const msg of batch.messages) {
    const brandId = msg.body?.brandId;
    if (typeof brandId !== "string" || !brandId) {
      msg.ack();
      continue;
    }
    byBrand.set(brandId, [...(byBrand.get(brandId) ?? []), msg]);
  }
  await Promise.all(
    [...byBrand].map(async ([brandId, messages]) => {
      try {
        const run = await sampleBrand(env, brandId, opts);
        if (run.moreDue) {
          const now = (opts.now ?? Date.now)();
          const claimed = await env.DB.prepare("UPDATE metric_brands SET next_at = ?1 WHERE brand_id = ?2 AND next_at <= ?3 RETURNING brand_id")
            .bind(now + BRAND_LEASE_MS, brandId, now)
            .first();
          if (claimed) await send(env, [brandId], now);
        }
        for (const m of messages) m.ack();
      } catch (err) {
        logError("metrics: sampling a brand failed", { brandId, error: String(err) });
        for (const m of messages) m.retry({ delaySeconds: 60 });
      }
    }),
  );
}

/** Dead letters: nothing is lost (the brand's due state lives in D1 and the cron sends it again); say so in the log. */
export function handleMetricsDeadLetters(batch: MessageBatch<MetricsMessage>): void {
  for (const msg of batch.messages) {
    logError("metrics message dead-lettered", { brandId: msg.body?.brandId, attempts: msg.attempts });
    msg.ack();
  }
}
