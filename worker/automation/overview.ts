// What the Automation page shows (API.md `GET /api/automation`): settings,
// last and next burst, recent runs, the proposals inbox's count and each
// brand's quota for today, and the workspace's quotas against today's usage. "Next burst" is read from today's run key: only
// the day's own (cron) burst, done for every brand, moves it to tomorrow.
import { writerLanguageGap } from "../contract/languages";
import type { Env } from "../env";
import { readBrief } from "../generation/brief";
import { llmConfigFromEnv } from "../generation/llm-client";
import { quotaReport } from "../services/quotas";
import { iso } from "../lib/time";
import type { BrandQuota } from "../contract/schemas";
import { burstDue, nextBurstAt } from "./burst-clock";
import { dailyTargets } from "./burst-quota";
import { PASSES } from "./passes";
import { lastRun, recentRuns } from "./runs";

export async function automationOverview(env: Env, workspaceId: string, now = Date.now()) {
  const d1 = env.DB;
  const ws = await d1
    .prepare("SELECT timezone, burst_time, automation_paused, burst_per_brand, review_mode FROM workspaces WHERE id = ?")
    .bind(workspaceId)
    .first<{ timezone: string; burst_time: string; automation_paused: number; burst_per_brand: number; review_mode: "auto" | "manual" }>();
  const { runKey } = burstDue(now, ws!.timezone, ws!.burst_time);
  const [today, pending, brands] = await d1.batch([
    d1.prepare("SELECT status FROM automation_runs WHERE workspace_id = ? AND kind = 'burst' AND run_key = ?").bind(workspaceId, runKey),
    d1.prepare("SELECT COUNT(*) AS n FROM proposals WHERE workspace_id = ? AND status = 'pending'").bind(workspaceId),
    d1
      .prepare(
        `SELECT b.id, b.name, b.brief, p.status AS part, p.proposals, p.note FROM brands b
         LEFT JOIN burst_progress p ON p.workspace_id = b.workspace_id AND p.run_key = ? AND p.brand_id = b.id
         WHERE b.workspace_id = ? ORDER BY b.name, b.id LIMIT 200`,
      )
      .bind(runKey, workspaceId),
  ]);
  const ranToday = (today!.results[0] as { status?: string } | undefined)?.status === "succeeded";
  const llm = llmConfigFromEnv(env) !== null;
  const quotas: BrandQuota[] = (brands!.results as Array<{ id: string; name: string; brief: string | null; part: string | null; proposals: number | null; note: string | null }>).map((b) => {
    const brief = readBrief(b.brief);
    const t = dailyTargets(brief, ws!.burst_per_brand);
    // Without per-brief numbers the workspace total is shared round-robin: light, dark, post, light…
    const reels = "total" in t ? t.total - Math.floor(t.total / 3) : t.reels;
    const posts = "total" in t ? Math.floor(t.total / 3) : t.posts;
    // A part stopped by a quota never reached its language: say both, since raising the quota alone will not make it write.
    const gap = b.part === "stopped" ? writerLanguageGap(brief.language, llm) : null;
    const note = [b.note, gap].filter(Boolean).join(" ") || null;
    return { brandId: b.id, brand: b.name, reels, posts, proposedToday: b.proposals ?? 0, doneToday: b.part === "done", note };
  });
  return {
    paused: ws!.automation_paused === 1,
    review: ws!.review_mode,
    timezone: ws!.timezone,
    burstTime: ws!.burst_time,
    burstPerBrand: ws!.burst_per_brand,
    lastBurst: await lastRun(d1, workspaceId, "burst"),
    nextBurst: ws!.automation_paused ? null : iso(nextBurstAt(now, ws!.timezone, ws!.burst_time, ranToday)),
    lastCatchup: await lastRun(d1, workspaceId, "catchup"),
    recent: await recentRuns(d1, workspaceId),
    available: Object.keys(PASSES),
    pendingProposals: (pending!.results[0] as { n: number }).n,
    quotas,
    usage: await quotaReport(env, workspaceId, now),
  };
}
