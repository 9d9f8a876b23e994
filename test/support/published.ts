// Published posts and their metric snapshots written straight into D1, as
// the publish consumer and the metrics sampler would leave them: what the
// learning loop's tests and its bench read back through the real queries.
// Bulk rows go through json_each (one bound parameter per statement, D1's
// 100-parameter limit kept), in chunks.

const CHUNK = 200;

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

const v = (field: string) => `json_extract(e.value, '$.${field}')`;

/** A proposal with its arm, the automation job made from it, and the job's output for the brand. */
export interface ArmedOutput {
  brandId: string;
  proposalId: string;
  outputId: string;
  title: string;
  variant: "light" | "dark" | "post";
  /** The proposal's arm; null for one written before arms were recorded. */
  topic: string | null;
  hook: string | null;
  at: number;
}

export function armedOutputStatements(db: D1Database, workspaceId: string, rows: readonly ArmedOutput[]): D1PreparedStatement[] {
  return chunks(rows).flatMap((part) => {
    const json = JSON.stringify(part);
    return [
      db
        .prepare(
          `INSERT INTO proposals (id, workspace_id, brand_id, title, angle, variant, status, quality_score, reason, writer, arm_topic, arm_hook, created_at, updated_at)
           SELECT ${v("proposalId")}, ?2, ${v("brandId")}, ${v("title")}, 'test', ${v("variant")}, 'accepted', 100, 'test', 'template', ${v("topic")}, ${v("hook")}, ${v("at")}, ${v("at")}
           FROM json_each(?1) e`,
        )
        .bind(json, workspaceId),
      db
        .prepare(
          `INSERT INTO generation_jobs (workspace_id, variant, title, topic, platforms, seed, created_by_kind, proposal_id, created_at)
           SELECT ?2, ${v("variant")}, ${v("title")}, coalesce(${v("topic")}, ${v("title")}), '[]', 1, 'automation', ${v("proposalId")}, ${v("at")}
           FROM json_each(?1) e`,
        )
        .bind(json, workspaceId),
      db
        .prepare(
          `INSERT INTO job_outputs (id, job_id, workspace_id, brand_id, status, title, enqueued_at, updated_at)
           SELECT ${v("outputId")}, j.id, ?2, ${v("brandId")}, 'ready', ${v("title")}, ${v("at")}, ${v("at")}
           FROM json_each(?1) e JOIN generation_jobs j ON j.proposal_id = ${v("proposalId")}`,
        )
        .bind(json, workspaceId),
    ];
  });
}

/** An output that went out at `at` to one platform: its schedule and its published delivery. */
export interface PublishedDelivery {
  outputId: string;
  scheduleId: string;
  deliveryId: string;
  platform: "instagram" | "facebook" | "youtube" | "sandbox";
  accountId: string | null;
  at: number;
}

export function publishedStatements(db: D1Database, workspaceId: string, rows: readonly PublishedDelivery[]): D1PreparedStatement[] {
  return chunks(rows).flatMap((part) => {
    const json = JSON.stringify(part);
    return [
      db
        .prepare(
          `INSERT INTO schedules (id, workspace_id, brand_id, output_id, job_id, scheduled_at, kind, variant, created_by_kind, dispatched_at)
           SELECT ${v("scheduleId")}, o.workspace_id, o.brand_id, o.id, o.job_id, ${v("at")}, CASE j.variant WHEN 'post' THEN 'post' ELSE 'reel' END, j.variant, 'automation', ${v("at")}
           FROM json_each(?1) e JOIN job_outputs o ON o.id = ${v("outputId")} JOIN generation_jobs j ON j.id = o.job_id
           WHERE o.workspace_id = ?2
           ON CONFLICT (output_id) DO NOTHING`,
        )
        .bind(json, workspaceId),
      db
        .prepare(
          `INSERT INTO deliveries (id, schedule_id, workspace_id, platform, account_id, status, attempts, published_id, published_at, updated_at)
           SELECT ${v("deliveryId")}, ${v("scheduleId")}, ?2, ${v("platform")}, ${v("accountId")}, 'published', 1, ${v("deliveryId")}, ${v("at")}, ${v("at")}
           FROM json_each(?1) e`,
        )
        .bind(json, workspaceId),
    ];
  });
}

/** One metric snapshot: a post's (deliveryId) or an account's (accountId, followers). */
export interface Snapshot {
  id: string;
  brandId: string;
  platform: string;
  deliveryId?: string | null;
  accountId?: string | null;
  capturedAt: number;
  views?: number | null;
  reach?: number | null;
  likes?: number | null;
  comments?: number | null;
  shares?: number | null;
  saves?: number | null;
  followers?: number | null;
  simulated?: boolean;
}

export function snapshotStatements(db: D1Database, workspaceId: string, rows: readonly Snapshot[]): D1PreparedStatement[] {
  return chunks(rows).map((part) =>
    db
      .prepare(
        `INSERT INTO metric_snapshots (id, workspace_id, brand_id, platform, delivery_id, account_id, captured_at, views, reach, likes, comments, shares, saves, followers, simulated)
         SELECT ${v("id")}, ?2, ${v("brandId")}, ${v("platform")}, ${v("deliveryId")}, ${v("accountId")}, ${v("capturedAt")},
           ${v("views")}, ${v("reach")}, ${v("likes")}, ${v("comments")}, ${v("shares")}, ${v("saves")}, ${v("followers")}, coalesce(${v("simulated")}, 0)
         FROM json_each(?1) e`,
      )
      .bind(JSON.stringify(part), workspaceId),
  );
}
