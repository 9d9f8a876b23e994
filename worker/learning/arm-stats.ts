// Reads a brand's arm statistics from D1 (the I/O half of the loop; the
// arithmetic is performance.ts). Performance comes only from
// metric_snapshots — each published delivery's newest reading — joined back
// to the proposal that chose its topic and hook through deliveries →
// schedules → generation_jobs.proposal_id (DESIGN.md §10). Bounded: one
// batch of two statements per brand, at most MAX_POSTS deliveries, posts of
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
        // The brand's posts of the window by their slot (schedules_brand_slot), each delivery's newest reading by
        // metric_snapshots_delivery: a few index seeks per post, however many readings the sampler stored. (The
        // planner would otherwise walk the brand's every reading per post, or the workspace's every schedule.)
        `SELECT d.id AS delivery_id, d.schedule_id, d.platform, d.account_id, d.published_at, m.captured_at,
           m.views, m.reach, m.likes, m.comments, m.shares, m.saves, p.arm_topic, p.arm_hook
         FROM schedules s
         JOIN deliveries d ON d.schedule_id = s.id AND d.workspace_id = ?2 AND d.published_at IS NOT NULL
         JOIN metric_snapshots m ON m.id = (
           SELECT n.id FROM metric_snapshots n INDEXED BY metric_snapshots_delivery
           WHERE n.delivery_id = d.id AND n.brand_id = ?1 AND n.workspace_id = ?2 AND n.captured_at <= ?4
           ORDER BY n.captured_at DESC LIMIT 1)
         JOIN generation_jobs j ON j.id = s.job_id
         LEFT JOIN proposals p ON p.id = j.proposal_id AND p.brand_id = ?1
         WHERE s.brand_id = ?1 AND +s.workspace_id = ?2 AND s.scheduled_at >= ?3 AND s.scheduled_at <= ?4
         ORDER BY s.scheduled_at DESC LIMIT ?5`,
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
