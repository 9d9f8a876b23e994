// The publish minute's routes in the bench Worker (bench-worker.ts, run by
// test/bench/publish-minute.bench.mjs under wrangler dev): seed items due in
// one minute with every brand's alarm armed, then read when each was claimed.
import type { Env } from "../../worker/env";
import { brandScheduler } from "../../worker/scheduling/brand-scheduler";
import { MINUTE, seedBrands, seedReadyOutputs } from "./seed";

interface MinuteRequest {
  workspaceId: string;
  userId: string;
  brands: number;
  perBrand: number;
}

/** Brands primed at once (Workers allow 6 simultaneous connections). */
const PRIMING_LANES = 6;

async function seedPublishMinute(env: Env, req: MinuteRequest) {
  const { workspaceId, brands, perBrand } = req;
  // Paused, so no burst of its own joins in.
  await env.DB.prepare("UPDATE workspaces SET automation_paused = 1 WHERE id = ?").bind(workspaceId).run();
  const ids = await seedBrands(env.DB, workspaceId, "pm", brands, "UTC");
  const outputs = await seedReadyOutputs(env.DB, workspaceId, "pm", brands, brands * perBrand, 7_000_000, req.userId);
  // One whole minute, far enough ahead for every brand's BrandScheduler to be primed before it; each brand's items spread inside it.
  const at = Math.ceil((Date.now() + 60_000) / MINUTE) * MINUTE;
  await env.DB.prepare(
    `INSERT INTO schedules (id, workspace_id, brand_id, output_id, job_id, scheduled_at, kind, variant, created_by_kind)
     SELECT 'pms' || o.id, o.workspace_id, o.brand_id, o.id, o.job_id, ?2 + (ROW_NUMBER() OVER (PARTITION BY o.brand_id ORDER BY o.id) - 1) * ?3,
            CASE j.variant WHEN 'post' THEN 'post' ELSE 'reel' END, j.variant, 'automation'
     FROM job_outputs o JOIN generation_jobs j ON j.id = o.job_id WHERE o.workspace_id = ?1`,
  )
    .bind(workspaceId, at, MINUTE / perBrand)
    .run();
  // Each BrandScheduler loads its items and arms its alarm at the first (nothing is due yet, so nothing is claimed).
  const t0 = Date.now();
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      await brandScheduler(env, id).dispatchDue(id);
    }
  };
  await Promise.all(Array.from({ length: PRIMING_LANES }, lane));
  return { at, items: outputs.length, brands: ids.length, primed_ms: Date.now() - t0, primed_before: Date.now() < at };
}

export async function publishMinuteBench(route: string, body: unknown, env: Env): Promise<Response> {
  if (route === "seed") return Response.json(await seedPublishMinute(env, body as MinuteRequest));
  if (route === "lag") {
    const { workspaceId } = body as { workspaceId: string };
    // The claim stamps dispatched_at (and each delivery's queued_at) in the batch that precedes its queue send.
    const rows = await env.DB.prepare("SELECT scheduled_at, dispatched_at FROM schedules WHERE workspace_id = ?")
      .bind(workspaceId)
      .all<{ scheduled_at: number; dispatched_at: number | null }>();
    const sent = await env.DB.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE workspace_id = ? AND queued_at IS NOT NULL").bind(workspaceId).first<{ n: number }>();
    const lags = rows.results.filter((r) => r.dispatched_at !== null).map((r) => r.dispatched_at! - r.scheduled_at);
    return Response.json({ items: rows.results.length, claimed: lags.length, queued: sent!.n, lags_ms: lags });
  }
  return Response.json({ error: `no publish-minute route ${route}` }, { status: 404 });
}
