// How many proposals of each variant a brand gets today (DESIGN.md §5, API.md
// Automation): the brief's reels and posts per day, else the workspace's
// burstPerBrand, capped by what the calendar can take. Capacity comes from the
// rows the calendar reads (REGRESSIONS #14): free grid slots in the next two
// days, minus outputs already in the pipeline.
import type { Brief } from "../contract/schemas";
import type { Env } from "../env";
import { DAY, MINUTE, numberVar } from "../lib/time";
import { slotsWithOccupancy } from "../services/brands";
import type { Variant } from "../scheduling/variants";

const QUOTA_WINDOW_MS = 2 * DAY;

/** The brand columns the quota reads. */
export interface QuotaBrand {
  id: string;
  timezone: string;
  slots: string;
  schedule_offset: number;
}

/** Free slots per variant in the quota window, minus outputs already pending, generating or ready. */
export async function burstQuotas(env: Env, brand: QuotaBrand, now: number): Promise<Record<Variant, number>> {
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

/** What a brand asks for today: the brief's reels and posts per day, else the workspace's burstPerBrand. */
export function dailyTargets(brief: Brief, burstPerBrand: number): { reels: number; posts: number } | { total: number } {
  if (brief.reelsPerDay == null && brief.postsPerDay == null) return { total: burstPerBrand };
  return { reels: brief.reelsPerDay ?? 0, posts: brief.postsPerDay ?? 0 };
}

/** Today's proposals per variant: the targets, capped by free capacity. */
export function variantsToWrite(free: Record<Variant, number>, brief: Brief, burstPerBrand: number): Variant[] {
  const t = dailyTargets(brief, burstPerBrand);
  let quota: Record<Variant, number>;
  if ("total" in t) quota = splitQuota(free, t.total);
  else {
    const reels = splitQuota({ light: free.light, dark: free.dark, post: 0 }, t.reels);
    quota = { light: reels.light, dark: reels.dark, post: Math.min(free.post, t.posts) };
  }
  const out: Variant[] = [];
  for (const v of ["light", "dark", "post"] as const) for (let i = 0; i < quota[v]; i++) out.push(v);
  return out;
}

