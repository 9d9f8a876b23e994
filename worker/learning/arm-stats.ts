// Reads a brand's arm statistics from D1 (the I/O half of the loop; the
// arithmetic is performance.ts). Performance comes only from
// metric_snapshots — each published delivery's newest reading — joined back
// to the proposal that chose its topic and hook through deliveries →
// schedules → generation_jobs.proposal_id (DESIGN.md §10). Bounded: one
// batch of two statements per brand, at most MAX_POSTS deliveries, readings of
// the last WINDOW_MS only.
import type { Arm, ArmStats } from "./arms";
import { armStatsFrom, scorePosts, WINDOW_MS, type FollowerReading, type PostReading } from "./performance";

/** Deliveries read per brand, newest first; far more than a brand publishes in WINDOW_MS. */
export const MAX_POSTS = 3000;
/** An account reading this long before the window still tells the followers of its first posts. */
const FOLLOWERS_LEAD_MS = 30 * 86_400_000;

interface PostRow {
  delivery_id: string;
  schedule_id: string;
  platform: string;
  account_id: string | null;
  published_at: number;
  captured_at: number;
  views: number | null;
  reach: number | null;
  likes: number | null;
  comments: number | null;
  shares: number | null;
  saves: number | null;
  arm_topic: string | null;
  arm_hook: string | null;
}

interface FollowerRow {
  platform: string;
  account_id: string | null;
  captured_at: number;
  followers: number;
}

/** Every scored post of the brand in the window, with the arm its proposal recorded (user-made posts have none). */
export async function loadBrandReadings(d1: D1Database, workspaceId: string, brandId: string, now: number) {
  const since = now - WINDOW_MS;
  const [posts, followers] = await d1.batch([
    d1
      .prepare(
        `SELECT m.delivery_id, d.schedule_id, d.platform, d.account_id, d.published_at, m.captured_at,
           m.views, m.reach, m.likes, m.comments, m.shares, m.saves, p.arm_topic, p.arm_hook
         FROM metric_snapshots m
         JOIN deliveries d ON d.id = m.delivery_id AND d.workspace_id = m.workspace_id
         JOIN schedules s ON s.id = d.schedule_id AND s.brand_id = m.brand_id
         JOIN generation_jobs j ON j.id = s.job_id
         LEFT JOIN proposals p ON p.id = j.proposal_id AND p.brand_id = m.brand_id
         WHERE m.brand_id = ?1 AND m.workspace_id = ?2 AND m.delivery_id IS NOT NULL
           AND m.captured_at >= ?3 AND m.captured_at <= ?4 AND d.published_at IS NOT NULL
           AND m.captured_at = (SELECT MAX(n.captured_at) FROM metric_snapshots n
             WHERE n.delivery_id = m.delivery_id AND n.brand_id = ?1 AND n.workspace_id = ?2 AND n.captured_at <= ?4)
         ORDER BY d.published_at DESC LIMIT ?5`,
      )
      .bind(brandId, workspaceId, since, now, MAX_POSTS),
    d1
      .prepare(
        `SELECT platform, account_id, captured_at, followers FROM metric_snapshots
         WHERE brand_id = ?1 AND workspace_id = ?2 AND delivery_id IS NULL AND followers IS NOT NULL
           AND captured_at >= ?3 AND captured_at <= ?4
         ORDER BY captured_at`,
      )
      .bind(brandId, workspaceId, since - FOLLOWERS_LEAD_MS, now),
  ]);
  const readings = (posts!.results as PostRow[]).map(
    (r): PostReading => ({
      deliveryId: r.delivery_id,
      postId: r.schedule_id,
      platform: r.platform,
      accountId: r.account_id,
      publishedAt: r.published_at,
      capturedAt: r.captured_at,
      views: r.views,
      reach: r.reach,
      likes: r.likes,
      comments: r.comments,
      shares: r.shares,
      saves: r.saves,
      arm: r.arm_topic || r.arm_hook ? ({ topic: r.arm_topic ?? undefined, hook: r.arm_hook ?? undefined } as Partial<Arm>) : null,
    }),
  );
  const follows = (followers!.results as FollowerRow[]).map(
    (f): FollowerReading => ({ platform: f.platform, accountId: f.account_id, capturedAt: f.captured_at, followers: f.followers }),
  );
  return { readings, followers: follows };
}

/** The brand's arm statistics as of `now`: what the writers sample topics and hooks from. */
export async function loadArmStats(d1: D1Database, workspaceId: string, brandId: string, now: number): Promise<ArmStats> {
  const { readings, followers } = await loadBrandReadings(d1, workspaceId, brandId, now);
  return armStatsFrom(scorePosts(readings, followers), now);
}
