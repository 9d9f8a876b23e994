// The daily burst (DESIGN.md §1, §5): per brand, write proposals, pass them
// through the quality gate, and turn accepted ones into generation jobs.
// Quotas come from the rows the calendar reads (REGRESSIONS #14): free grid
// slots in the next two days, minus outputs already in the pipeline.
import { automationActor } from "../auth/context";
import type { Env } from "../env";
import { draftProposals, qualityGate, topicKey } from "../generation/proposals";
import { hashText } from "../generation/template-writer";
import { newId } from "../lib/ids";
import { DAY, MINUTE, numberVar } from "../lib/time";
import { slotsWithOccupancy } from "../services/brands";
import { createJob } from "../services/jobs";
import type { Variant } from "../scheduling/variants";
import type { RunCounts } from "./runs";

const QUOTA_WINDOW_MS = 2 * DAY;
const RECENT_TOPICS_MS = 14 * DAY;

interface BrandRow {
  id: string;
  slug: string;
  name: string;
  handle: string | null;
  timezone: string;
  slots: string;
  schedule_offset: number;
}

/** Free slots per variant in the quota window, minus outputs already pending, generating or ready. */
export async function burstQuotas(env: Env, brand: BrandRow, now: number): Promise<Record<Variant, number>> {
  const from = now + numberVar(env.SLOT_LEAD_MINUTES, 15) * MINUTE;
  const to = now + QUOTA_WINDOW_MS;
  const free: Record<Variant, number> = { light: 0, dark: 0, post: 0 };
  for (const s of await slotsWithOccupancy(env.DB, { ...brand, scheduleOffset: brand.schedule_offset }, from, to)) {
    if (!s.taken) free[s.variant]++;
  }
  const pipeline = await env.DB.prepare(
    `SELECT j.variant, COUNT(*) AS n FROM job_outputs o JOIN generation_jobs j ON j.id = o.job_id
     LEFT JOIN schedules s ON s.output_id = o.id
     WHERE o.brand_id = ? AND s.id IS NULL AND o.hold = 0 AND o.status IN ('pending','generating','ready')
     GROUP BY j.variant`,
  )
    .bind(brand.id)
    .all<{ variant: Variant; n: number }>();
  for (const p of pipeline.results) free[p.variant] = Math.max(0, free[p.variant] - p.n);
  return free;
}

/** Splits `total` across variants round-robin, never past each variant's free capacity. */
export function splitQuota(free: Record<Variant, number>, total: number): Record<Variant, number> {
  const out: Record<Variant, number> = { light: 0, dark: 0, post: 0 };
  let left = total;
  while (left > 0) {
    let placed = false;
    for (const v of ["light", "dark", "post"] as const) {
      if (left > 0 && out[v] < free[v]) (out[v]++, left--, (placed = true));
    }
    if (!placed) break;
  }
  return out;
}

export async function runBurst(env: Env, workspaceId: string, runKey: string, now = Date.now()): Promise<RunCounts> {
  const ws = await env.DB.prepare("SELECT burst_per_brand FROM workspaces WHERE id = ?").bind(workspaceId).first<{ burst_per_brand: number }>();
  const brands = await env.DB.prepare(
    "SELECT id, slug, name, handle, timezone, slots, schedule_offset FROM brands WHERE workspace_id = ? ORDER BY name",
  )
    .bind(workspaceId)
    .all<BrandRow>();
  const counts: RunCounts = { processed: 0, succeeded: 0, failed: 0, remaining: 0 };
  const actor = automationActor(workspaceId);

  for (const brand of brands.results) {
    const quotas = splitQuota(await burstQuotas(env, brand, now), ws?.burst_per_brand ?? 3);
    const recent = await env.DB.prepare("SELECT title FROM proposals WHERE brand_id = ? AND created_at >= ?")
      .bind(brand.id, now - RECENT_TOPICS_MS)
      .all<{ title: string }>();
    const seen = new Set(recent.results.map((r) => topicKey(r.title)));
    const seed = hashText(`${brand.id}:${runKey}`);
    for (const draft of draftProposals(brand, quotas, seed)) {
      counts.processed++;
      const gate = qualityGate(draft, seen);
      seen.add(draft.topicKey);
      const proposalId = newId("prp");
      await env.DB.prepare(
        `INSERT INTO proposals (id, workspace_id, brand_id, title, angle, variant, status, quality_score, reason, run_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
        .bind(proposalId, workspaceId, brand.id, draft.title, draft.angle, draft.variant, gate.accepted ? "accepted" : "rejected", gate.score, gate.reason, runKey)
        .run();
      if (!gate.accepted) continue;
      await createJob(env, actor, { variant: draft.variant, brands: [brand.id], topic: draft.title, proposalId });
      counts.succeeded++;
    }
  }
  return counts;
}
