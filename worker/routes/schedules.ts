import { Hono } from "hono";
import type { AppEnv } from "../auth/context";
import { writesNeedEditor } from "../auth/middleware";
import { emptyBody, scheduleListQuery, scheduleMoveInput } from "../contract/schemas";
import { conflict } from "../errors";
import { readJson, readQuery } from "../lib/validate";
import { getSchedule, listSchedules, moveSchedule, unschedule } from "../services/schedules";

const origin = (url: string) => new URL(url).origin;

export const scheduleRoutes = new Hono<AppEnv>()
  .use(writesNeedEditor)
  .get("/", async (c) => {
    const q = readQuery(c, scheduleListQuery);
    const filter = { from: Date.parse(q.from), to: Date.parse(q.to), type: q.type, brand: q.brand, status: q.status };
    return c.json({ schedules: await listSchedules(c.env, c.get("actor").workspaceId, filter, origin(c.req.url)) });
  })
  .get("/:scheduleId", async (c) => c.json(await getSchedule(c.env, c.get("actor").workspaceId, c.req.param("scheduleId"), origin(c.req.url))))
  .patch("/:scheduleId", async (c) => {
    const input = await readJson(c, scheduleMoveInput);
    return c.json(await moveSchedule(c.env, c.get("actor"), c.req.param("scheduleId"), Date.parse(input.scheduledAt), origin(c.req.url)));
  })
  .delete("/:scheduleId", async (c) => {
    await unschedule(c.env, c.get("actor"), c.req.param("scheduleId"));
    return c.body(null, 204);
  })
  // Publishing is a later milestone: until it exists these answer 409 for real schedules.
  .post("/:scheduleId/retry", async (c) => {
    await readJson(c, emptyBody);
    await getSchedule(c.env, c.get("actor").workspaceId, c.req.param("scheduleId"), origin(c.req.url));
    throw conflict("wrong_state", "Nothing to retry: no platform of this item has failed.");
  })
  .post("/:scheduleId/publish-now", async (c) => {
    await readJson(c, emptyBody);
    await getSchedule(c.env, c.get("actor").workspaceId, c.req.param("scheduleId"), origin(c.req.url));
    throw conflict("wrong_state", "Publishing is not available yet in this deployment.");
  });
