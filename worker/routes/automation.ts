import { Hono } from "hono";
import type { AppEnv } from "../auth/context";
import { requireRole, writesNeedEditor } from "../auth/middleware";
import { burstDue, nextBurstAt } from "../automation/burst-clock";
import { PASSES, runPass } from "../automation/passes";
import { getRun, lastRun, recentRuns } from "../automation/runs";
import { automationSettingsInput, emptyBody, runInput } from "../contract/schemas";
import { conflict } from "../errors";
import { newId } from "../lib/ids";
import { iso } from "../lib/time";
import { readJson } from "../lib/validate";

async function automationView(d1: D1Database, workspaceId: string) {
  const ws = await d1
    .prepare("SELECT timezone, burst_time, automation_paused, burst_per_brand FROM workspaces WHERE id = ?")
    .bind(workspaceId)
    .first<{ timezone: string; burst_time: string; automation_paused: number; burst_per_brand: number }>();
  const lastBurst = await lastRun(d1, workspaceId, "burst");
  const now = Date.now();
  const ranToday = !!lastBurst && lastBurst.runKey === burstDue(now, ws!.timezone, ws!.burst_time).runKey;
  return {
    paused: ws!.automation_paused === 1,
    timezone: ws!.timezone,
    burstTime: ws!.burst_time,
    burstPerBrand: ws!.burst_per_brand,
    lastBurst,
    nextBurst: ws!.automation_paused ? null : iso(nextBurstAt(now, ws!.timezone, ws!.burst_time, ranToday)),
    lastCatchup: await lastRun(d1, workspaceId, "catchup"),
    recent: await recentRuns(d1, workspaceId),
    available: Object.keys(PASSES),
  };
}

export const automationRoutes = new Hono<AppEnv>()
  .use(writesNeedEditor)
  .get("/", async (c) => c.json(await automationView(c.env.DB, c.get("actor").workspaceId)))
  .patch("/", requireRole("owner"), async (c) => {
    const input = await readJson(c, automationSettingsInput);
    const ws = c.get("actor").workspaceId;
    const sets: string[] = [];
    const binds: unknown[] = [];
    if (input.timezone) (sets.push("timezone = ?"), binds.push(input.timezone));
    if (input.burstTime) (sets.push("burst_time = ?"), binds.push(input.burstTime));
    if (input.burstPerBrand !== undefined) (sets.push("burst_per_brand = ?"), binds.push(input.burstPerBrand));
    await c.env.DB.prepare(`UPDATE workspaces SET ${sets.join(", ")} WHERE id = ?`).bind(...binds, ws).run();
    return c.json(await automationView(c.env.DB, ws));
  })
  .post("/pause", async (c) => {
    await readJson(c, emptyBody);
    await c.env.DB.prepare("UPDATE workspaces SET automation_paused = 1 WHERE id = ?").bind(c.get("actor").workspaceId).run();
    return c.json(await automationView(c.env.DB, c.get("actor").workspaceId));
  })
  .post("/resume", async (c) => {
    await readJson(c, emptyBody);
    await c.env.DB.prepare("UPDATE workspaces SET automation_paused = 0 WHERE id = ?").bind(c.get("actor").workspaceId).run();
    return c.json(await automationView(c.env.DB, c.get("actor").workspaceId));
  })
  .post("/run", requireRole("owner"), async (c) => {
    const { pass } = await readJson(c, runInput);
    if (!PASSES[pass]) throw conflict("wrong_state", `The ${pass} pass is not available in this deployment yet.`);
    const ws = c.get("actor").workspaceId;
    const result = await runPass(c.env, ws, pass, "manual", `manual:${newId("m")}`);
    return c.json(await getRun(c.env.DB, ws, result!.runId));
  });
