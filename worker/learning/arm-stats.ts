// Reads a brand's arm statistics from D1 (the I/O half of the loop; the
// arithmetic is performance.ts). Performance comes only from
// metric_snapshots — each published delivery's newest reading — joined back
// to the proposal that chose its topic and hook through deliveries →
// schedules → generation_jobs.proposal_id (DESIGN.md §10). Bounded: one
// batch of two statements per brand, at most MAX_POSTS deliveries, posts of
// the last WINDOW_MS only.
import type { ArmStats } from "./arms";
import { armStatsFrom, scorePosts, WINDOW_MS, type FollowerReading, type PostReading } from "./performance";

/** Deliveries read per brand, newest first; far more than a brand publishes in WINDOW_MS. */
export const MAX_POSTS = 3000;
/** An account reading this long before the window still tells the followers of its first posts. */
const FOLLOWERS_LEAD_MS = 30 * 86_400_000;

/** A row of the readings query: a PostReading whose arm is still two columns. */
type PostRow = Omit<PostReading, "arm"> & { armTopic: string | null; armHook: string | null };

/** Every scored post of the brand in the window, with the arm its proposal recorded (user-made posts have none). */
export async function loadBrandReadings(d1: D1Database, workspaceId: string, brandId: string, now: number) {
  const since = now - WINDOW_MS;
  const [posts, followers] = await d1.batch([
    d1
      .prepare(
        // The brand's posts of the window by their slot (schedules_brand_slot), each delivery's newest reading by
        // metric_snapshots_delivery: a few index seeks per post, however many readings the sampler stored. (The
        // planner would otherwise walk the brand's every reading per post, or the workspace's every schedule.)
        `SELECT d.id AS deliveryId, d.schedule_id AS postId, d.platform, d.account_id AS accountId, d.published_at AS publishedAt,
           m.captured_at AS capturedAt, m.views, m.reach, m.likes, m.comments, m.shares, m.saves, p.arm_topic AS armTopic, p.arm_hook AS armHook
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
        `SELECT platform, account_id AS accountId, captured_at AS capturedAt, followers FROM metric_snapshots
         WHERE brand_id = ?1 AND workspace_id = ?2 AND delivery_id IS NULL AND followers IS NOT NULL
           AND captured_at >= ?3 AND captured_at <= ?4
         ORDER BY captured_at`,
      )
      .bind(brandId, workspaceId, since - FOLLOWERS_LEAD_MS, now),
  ]);
  const readings = (posts!.results as PostRow[]).map(
    ({ armTopic, armHook, ...r }): PostReading => ({ ...r, arm: armTopic || armHook ? { topic: armTopic ?? undefined, hook: armHook ?? undefined } : null }),
  );
  return { readings, followers: followers!.results as FollowerReading[] };
}

/** The brand's arm statistics as of `now`: what the writers sample topics and hooks from. */
export async function loadArmStats(d1: D1Database, workspaceId: string, brandId: string, now: number): Promise<ArmStats> {
  const { readings, followers } = await loadBrandReadings(d1, workspaceId, brandId, now);
  return armStatsFrom(scorePosts(readings, followers), now);
}
