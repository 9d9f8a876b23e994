// The metrics sampler (DESIGN.md §10): one bounded run over one brand's due
// targets (metric_targets), driven by a `metrics` queue message (fanout.ts) or
// an owner's "run metrics now" (pass.ts). Never called when a page is viewed.
//
// (a) Claim up to `limit` due targets in one batch (an index range on
//     (brand_id, next_at)); a redelivered message finds them claimed or done.
// (b) Group them by platform: each platform's posts are read with the brand's
//     account for it, in calls of the client's batchSize (YouTube: 50 ids).
// (c) Store each reading and its next due time, fenced by the claim; a
//     platform error defers, parks or nulls according to its class.
// (d) The brand's due time becomes its earliest target's.
import type { Env } from "../env";
import { newId } from "../lib/ids";
import { MINUTE } from "../lib/time";
import { INSIGHTS_CLIENTS, type InsightsClients } from "./clients";
import { PlatformRun, type AccountState } from "./platform-run";
import { claimDueTargets, claimRiders, settleBrandDue, type ClaimedTarget } from "./targets";
import type { InsightsPlatform } from "./types";

/** Targets one run reads at most (one run's platform calls stay well inside Workers' subrequest limit). */
export const TARGETS_PER_RUN = 100;
/** A claimed target is due again this long after its run began, should the run die. */
export const CLAIM_LEASE_MS = 10 * MINUTE;

export interface SamplerOptions {
  now?: () => number;
  clients?: InsightsClients;
  limit?: number;
  requestTimeoutMs?: number;
}

export interface BrandSampleResult {
  /** Targets this run claimed. */
  claimed: number;
  /** Readings stored (a reading with no values, after a permanent error, counts too). */
  stored: number;
  /** Not read now, due again later (rate limits, outages). */
  deferred: number;
  /** Waiting for their account (removed, disconnected, reconnect needed, insights permission missing). */
  parked: number;
  /** Calls to the insights clients (posts() and account()). */
  calls: number;
  /** The brand has more due now (the run was full, or parked posts were released). */
  moreDue: boolean;
}


export async function sampleBrand(env: Env, brandId: string, opts: SamplerOptions = {}): Promise<BrandSampleResult> {
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const claim = newId("mclm");
  const db = env.DB;
  const [, claimedRows, accountRows] = await db.batch<unknown>([
    ...claimDueTargets(db, brandId, startedAt, Math.max(1, opts.limit ?? TARGETS_PER_RUN), claim, startedAt + CLAIM_LEASE_MS),
    // With each account, whether posts wait for it (the parked partial index): only then does a good run release them.
    db
      .prepare(
        `SELECT a.*, EXISTS (SELECT 1 FROM metric_targets t WHERE t.brand_id = a.brand_id AND t.platform = a.platform AND t.parked IS NOT NULL) AS has_parked
         FROM platform_accounts a WHERE a.brand_id = ?`,
      )
      .bind(brandId),
  ]);
  const targets = claimedRows!.results as ClaimedTarget[];
  const result: BrandSampleResult = { claimed: targets.length, stored: 0, deferred: 0, parked: 0, calls: 0, moreDue: false };
  if (targets.length) {
    const accounts = new Map((accountRows!.results as AccountState[]).map((a) => [a.platform, a]));
    const byPlatform = new Map<InsightsPlatform, ClaimedTarget[]>();
    for (const t of targets) byPlatform.set(t.platform, [...(byPlatform.get(t.platform) ?? []), t]);
    const clients = opts.clients ?? INSIGHTS_CLIENTS;
    for (const [platform, group] of byPlatform) {
      const room = freePlaces(group, clients[platform].batchSize);
      if (!room) continue;
      const [, riders] = await db.batch<ClaimedTarget>(claimRiders(db, { brandId, platform, now: startedAt, room, claim }));
      // The run's own due targets (claimed for the lease, ahead too) are already in the group.
      const known = new Set(group.map((t) => t.id));
      const extra = riders!.results.filter((t) => !known.has(t.id));
      group.push(...extra);
      result.claimed += extra.length;
    }
    const outcomes = await Promise.all(
      [...byPlatform].map(async ([platform, group]) => {
        const run = new PlatformRun(env, brandId, claim, now, accounts.get(platform) ?? null, clients[platform], opts.requestTimeoutMs);
        const outcome = await run.sample(group);
        if (outcome.statements.length) await db.batch(outcome.statements);
        return outcome;
      }),
    );
    for (const o of outcomes) {
      result.stored += o.stored;
      result.deferred += o.deferred;
      result.parked += o.parked;
      result.calls += o.calls;
    }
  }
  const settled = await settleBrandDue(db, brandId).first<{ next_at: number | null }>();
  result.moreDue = settled?.next_at != null && settled.next_at <= now();
  return result;
}

/** Places left in the last call of a platform whose client takes several posts a call (0 when it takes one, or has no post to read). */
function freePlaces(group: ClaimedTarget[], batchSize: number): number {
  const posts = group.filter((t) => t.kind === "post").length;
  return batchSize > 1 && posts > 0 ? (batchSize - (posts % batchSize)) % batchSize : 0;
}
