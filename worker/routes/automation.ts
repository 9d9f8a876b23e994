import { Hono } from "hono";
import type { AppEnv } from "../auth/context";
import { requireRole, writesNeedEditor } from "../auth/middleware";
import { automationOverview } from "../automation/overview";
import { PASSES, runPass } from "../automation/passes";
import { getRun } from "../automation/runs";
import { automationSettingsInput, emptyBody, runInput } from "../contract/schemas";
import type { Env } from "../env";
import { conflict } from "../errors";
import { newId } from "../lib/ids";
import { readJson } from "../lib/validate";
import { relayOutbox } from "../notifications/outbox";

const automationView = (env: Env, workspaceId: string) => automationOverview(env, workspaceId);

export const automationRoutes = new Hono<AppEnv>()
  .use(writesNeedEditor)
  .get("/", async (c) => c.json(await automationView(c.env, c.get("actor").workspaceId)))
  .patch("/", requireRole("owner"), async (c) => {
    const input = await readJson(c, automationSettingsInput);
    const ws = c.get("actor").workspaceId;
    const sets: string[] = [];
    const binds: unknown[] = [];
    if (input.timezone) (sets.push("timezone = ?"), binds.push(input.timezone));
    if (input.burstTime) (sets.push("burst_time = ?"), binds.push(input.burstTime));
    if (input.burstPerBrand !== undefined) (sets.push("burst_per_brand = ?"), binds.push(input.burstPerBrand));
    if (input.review) (sets.push("review_mode = ?"), binds.push(input.review));
    // A new zone or time: the next cron works out when the burst is due (automation/burst-fanout.ts).
    if (input.timezone || input.burstTime) sets.push("next_burst_at = 0");
    await c.env.DB.prepare(`UPDATE workspaces SET ${sets.join(", ")} WHERE id = ?`).bind(...binds, ws).run();
    return c.json(await automationView(c.env, ws));
  })
  .post("/pause", async (c) => {
    await readJson(c, emptyBody);
    await c.env.DB.prepare("UPDATE workspaces SET automation_paused = 1 WHERE id = ?").bind(c.get("actor").workspaceId).run();
    return c.json(await automationView(c.env, c.get("actor").workspaceId));
  })
  .post("/resume", async (c) => {
    await readJson(c, emptyBody);
    await c.env.DB.prepare("UPDATE workspaces SET automation_paused = 0 WHERE id = ?").bind(c.get("actor").workspaceId).run();
    return c.json(await automationView(c.env, c.get("actor").workspaceId));
  })
  .post("/run", requireRole("owner"), async (c) => {
    const { pass } = await readJson(c, runInput);
    if (!PASSES[pass]) throw conflict("wrong_state", `The ${pass} pass is not available in this deployment yet.`);
    const ws = c.get("actor").workspaceId;
    const result = await runPass(c.env, ws, pass, "manual", `manual:${newId("m")}`);
    // Events the pass wrote (a burst done, an account to reconnect) go out now.
    await relayOutbox(c.env);
    return c.json(await getRun(c.env.DB, ws, result!.runId));
  });
