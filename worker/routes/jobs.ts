import { Hono } from "hono";
import type { AppEnv } from "../auth/context";
import { writesNeedEditor } from "../auth/middleware";
import { emptyBody, jobCreateInput, jobListQuery, outputUpdateInput, scheduleInput } from "../contract/schemas";
import { formatJobId } from "../lib/ids";
import { readJson, readQuery } from "../lib/validate";
import { createJob, getJob, listJobs, retryJob, updateOutput } from "../services/jobs";
import { scheduleAll, scheduleOutput } from "../services/schedules";

const origin = (url: string) => new URL(url).origin;

export const jobRoutes = new Hono<AppEnv>()
  .use(writesNeedEditor)
  .post("/", async (c) => {
    const input = await readJson(c, jobCreateInput);
    const actor = c.get("actor");
    const { jobId } = (await createJob(c.env, actor, input))!;
    return c.json(await getJob(c.env, actor.workspaceId, formatJobId(jobId), origin(c.req.url)), 201);
  })
  .get("/", async (c) => {
    const q = readQuery(c, jobListQuery);
    return c.json(await listJobs(c.env, c.get("actor").workspaceId, q, origin(c.req.url)));
  })
  .get("/:jobId", async (c) => c.json(await getJob(c.env, c.get("actor").workspaceId, c.req.param("jobId"), origin(c.req.url))))
  .post("/:jobId/outputs/:brandId/schedule", async (c) => {
    const input = await readJson(c, scheduleInput);
    const at = input.at === undefined ? undefined : Date.parse(input.at);
    return c.json(await scheduleOutput(c.env, c.get("actor"), c.req.param("jobId"), c.req.param("brandId"), at, origin(c.req.url)), 201);
  })
  .post("/:jobId/schedule-all", async (c) => {
    await readJson(c, emptyBody);
    return c.json(await scheduleAll(c.env, c.get("actor"), c.req.param("jobId"), origin(c.req.url)));
  })
  .patch("/:jobId/outputs/:brandId", async (c) => {
    const input = await readJson(c, outputUpdateInput);
    const actor = c.get("actor");
    return c.json(await updateOutput(c.env, actor.workspaceId, c.req.param("jobId"), c.req.param("brandId"), input, origin(c.req.url)));
  })
  .post("/:jobId/retry", async (c) => {
    await readJson(c, emptyBody);
    return c.json(await retryJob(c.env, c.get("actor").workspaceId, c.req.param("jobId"), origin(c.req.url)));
  });
