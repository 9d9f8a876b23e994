// The statements that move metric_targets (worker/db/schema.ts): a post
// registered when it is published, a brand's due time kept at its earliest
// target's, and every write of a sampling run fenced by the run's claim.
import { DAY } from "../lib/time";
import type { MetricColumns } from "./metrics";
import { firstPostSampleAt } from "./schedule";
import type { MetricValues } from "./types";

/** Lowers a brand's due time to `at` (never raises it). `?1` brand, `?2` workspace, `?3` at. */
const BRAND_DUE_UPSERT = `INSERT INTO metric_brands (brand_id, workspace_id, next_at) VALUES (?1, ?2, ?3)
  ON CONFLICT (brand_id) DO UPDATE SET next_at = min(coalesce(metric_brands.next_at, excluded.next_at), excluded.next_at)`;

/**
 * A delivery just published becomes a post the sampler reads, first an hour
 * from now. Goes in the same D1 batch as the update that publishes it, after
 * it, and registers only if that update landed (`published_at` is its value).
 */
export function registerPublishedPost(db: D1Database, deliveryId: string, publishedAt: number): D1PreparedStatement[] {
  const firstAt = firstPostSampleAt(publishedAt);
  const published = `FROM deliveries d JOIN schedules s ON s.id = d.schedule_id WHERE d.id = ?1 AND d.status = 'published' AND d.published_at = ?2`;
  return [
    db
      .prepare(
        `INSERT INTO metric_targets (id, kind, workspace_id, brand_id, platform, content_type, published_at, next_at)
         SELECT d.id, 'post', d.workspace_id, s.brand_id, d.platform, s.kind, d.published_at, ?3 ${published}
         ON CONFLICT (id) DO NOTHING`,
      )
      .bind(deliveryId, publishedAt, firstAt),
    db
      .prepare(
        `INSERT INTO metric_brands (brand_id, workspace_id, next_at) SELECT s.brand_id, d.workspace_id, ?3 ${published}
         ON CONFLICT (brand_id) DO UPDATE SET next_at = min(coalesce(metric_brands.next_at, excluded.next_at), excluded.next_at)`,
      )
      .bind(deliveryId, publishedAt, firstAt),
  ];
}

export function lowerBrandDue(db: D1Database, brandId: string, workspaceId: string, at: number): D1PreparedStatement {
  return db.prepare(BRAND_DUE_UPSERT).bind(brandId, workspaceId, at);
}

/** The brand's due time becomes its earliest target's (NULL when nothing is due); returns it. */
export function settleBrandDue(db: D1Database, brandId: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE metric_brands SET next_at = (SELECT MIN(next_at) FROM metric_targets WHERE brand_id = ?1 AND next_at IS NOT NULL)
       WHERE brand_id = ?1 RETURNING next_at`,
    )
    .bind(brandId);
}

/** A target as a sampling run claimed it, with what the sampler needs of its delivery. */
export interface ClaimedTarget extends MetricColumns {
  id: string;
  kind: "post" | "account";
  workspace_id: string;
  platform: "instagram" | "facebook" | "youtube" | "sandbox";
  content_type: "reel" | "post" | null;
  published_at: number | null;
  backoff: number;
  samples: number;
  followers: number | null;
  /** The delivery (posts): null when it no longer exists. */
  delivery_status: string | null;
  published_id: string | null;
  checkpoint: string | null;
  /** A rider (claimRiders): when it was due; its schedule goes on from there. */
  ride_due: number | null;
}

const CLAIMED_COLUMNS = `t.id, t.kind, t.workspace_id, t.platform, t.content_type, t.published_at, t.backoff, t.samples,
  t.views, t.reach, t.likes, t.comments, t.shares, t.saves, t.followers,
  d.status AS delivery_status, d.published_id, d.checkpoint`;

/** What a run claimed, with what the sampler needs of each post's delivery. */
function claimedTargets(db: D1Database, brandId: string, claim: string, leaseUntil: number): D1PreparedStatement {
  return db
    .prepare(
      `SELECT ${CLAIMED_COLUMNS}, NULL AS ride_due
       FROM metric_targets t LEFT JOIN deliveries d ON t.kind = 'post' AND d.id = t.id
       WHERE t.brand_id = ?1 AND t.next_at = ?2 AND t.claim = ?3`,
    )
    .bind(brandId, leaseUntil, claim);
}

/**
 * Claims up to `limit` due targets of the brand for one run: their `next_at`
 * moves to `leaseUntil` (if the run dies, they are due again then) and `claim`
 * to the run's token. Returns the statements for the claim and for reading
 * what was claimed, to run in one batch.
 */
export function claimDueTargets(db: D1Database, brandId: string, now: number, limit: number, claim: string, leaseUntil: number): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `UPDATE metric_targets SET claim = ?1, next_at = ?2
         WHERE id IN (SELECT id FROM metric_targets WHERE brand_id = ?3 AND next_at <= ?4 ORDER BY next_at LIMIT ?5)`,
      )
      .bind(claim, leaseUntil, brandId, now, limit),
    claimedTargets(db, brandId, claim, leaseUntil),
  ];
}

/** How far ahead a post may be read early (half of a weekly interval, rounded up). */
export const RIDE_AHEAD_MAX_MS = 4 * DAY;

/**
 * Posts of one platform that ride along with a call made anyway: for a client
 * that takes many posts a call (YouTube: 50 ids for one quota unit), a post at
 * least halfway from its last reading to its next is read now, filling the
 * call's free places, instead of costing a call of its own later. Its due
 * time stays as it was (`ride_due`): its schedule goes on from there, so
 * riding saves calls without adding readings, and if the run dies it is
 * simply read at its time. Not those another run holds. Returns the
 * statements for the claim and for reading what was claimed.
 */
export function claimRiders(db: D1Database, run: { brandId: string; platform: string; now: number; room: number; claim: string }): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `UPDATE metric_targets SET claim = ?5
         WHERE id IN (SELECT id FROM metric_targets
           WHERE brand_id = ?1 AND platform = ?2 AND next_at > ?3 AND next_at <= ?4 AND kind = 'post' AND claim IS NULL
             AND next_at + coalesce(captured_at, published_at) <= 2 * ?3
           ORDER BY next_at LIMIT ?6)`,
      )
      .bind(run.brandId, run.platform, run.now, run.now + RIDE_AHEAD_MAX_MS, run.claim, run.room),
    db
      .prepare(
        `SELECT ${CLAIMED_COLUMNS}, t.next_at AS ride_due
         FROM metric_targets t LEFT JOIN deliveries d ON d.id = t.id
         WHERE t.brand_id = ?1 AND t.platform = ?2 AND t.next_at > ?3 AND t.next_at <= ?4 AND t.claim = ?5`,
      )
      .bind(run.brandId, run.platform, run.now, run.now + RIDE_AHEAD_MAX_MS, run.claim),
  ];
}

export interface Reading {
  capturedAt: number;
  values: MetricValues;
  followers: number | null;
  simulated: boolean;
}

const FENCE = "WHERE id = ? AND claim = ?";

/**
 * Stores a reading: a new metric_snapshots row (its id is the target's and the
 * reading's number, so it can be written once only) and the target's latest
 * reading and next due time. Both land only while the run still holds the claim.
 */
export function storeReading(db: D1Database, t: ClaimedTarget, claim: string, r: Reading, next: { nextAt: number | null; backoff: number }): D1PreparedStatement[] {
  const v = r.values;
  const values = [v.views, v.reach, v.likes, v.comments, v.shares, v.saves, r.followers, r.simulated ? 1 : 0] as const;
  return [
    db
      .prepare(
        `INSERT INTO metric_snapshots (id, workspace_id, brand_id, platform, delivery_id, account_id, captured_at, views, reach, likes, comments, shares, saves, followers, simulated)
         SELECT ?, workspace_id, brand_id, platform, CASE kind WHEN 'post' THEN id END, CASE kind WHEN 'account' THEN id END, ?, ?, ?, ?, ?, ?, ?, ?, ?
         FROM metric_targets ${FENCE} AND (kind = 'account' OR EXISTS (SELECT 1 FROM deliveries WHERE deliveries.id = metric_targets.id))
         ON CONFLICT (id) DO NOTHING`,
      )
      .bind(`snp_${t.id}_${t.samples + 1}`, r.capturedAt, ...values, t.id, claim),
    db
      .prepare(
        `UPDATE metric_targets SET claim = NULL, next_at = ?, backoff = ?, samples = samples + 1, parked = NULL, captured_at = ?,
           views = ?, reach = ?, likes = ?, comments = ?, shares = ?, saves = ?, followers = ?, simulated = ? ${FENCE}`,
      )
      .bind(next.nextAt, next.backoff, r.capturedAt, ...values, t.id, claim),
  ];
}

/** Not read this time: due again at `at`. */
export function deferTarget(db: D1Database, id: string, claim: string, at: number): D1PreparedStatement {
  return db.prepare(`UPDATE metric_targets SET claim = NULL, next_at = ? ${FENCE}`).bind(at, id, claim);
}

/** Waits, without a due time, until its account can be read again (unparkPosts). */
export function parkTarget(db: D1Database, id: string, claim: string, reason: "account_unavailable" | "insights_missing" | "reconnect"): D1PreparedStatement {
  return db.prepare(`UPDATE metric_targets SET claim = NULL, next_at = NULL, parked = ? ${FENCE}`).bind(reason, id, claim);
}

/** Nothing more to read (an account removed, a post without a platform id): kept for its last reading. */
export function finishTarget(db: D1Database, id: string, claim: string): D1PreparedStatement {
  return db.prepare(`UPDATE metric_targets SET claim = NULL, next_at = NULL ${FENCE}`).bind(id, claim);
}

/** A post whose delivery is gone: its snapshots went with it (ON DELETE CASCADE), so does its row. */
export function dropTarget(db: D1Database, id: string, claim: string): D1PreparedStatement {
  return db.prepare(`DELETE FROM metric_targets ${FENCE}`).bind(id, claim);
}

/** The brand's posts on this platform that waited for their account are due now (the account reads again). */
export function unparkPosts(db: D1Database, brandId: string, platform: string, at: number): D1PreparedStatement {
  return db.prepare("UPDATE metric_targets SET parked = NULL, next_at = ? WHERE brand_id = ? AND platform = ? AND parked IS NOT NULL").bind(at, brandId, platform);
}
