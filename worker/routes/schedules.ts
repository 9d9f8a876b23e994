import { Hono } from "hono";
import type { AppEnv } from "../auth/context";
import { writesNeedEditor } from "../auth/middleware";
import { emptyBody, scheduleListQuery, scheduleMoveInput } from "../contract/schemas";
import { readJson, readQuery } from "../lib/validate";
import { calendarWindow } from "../services/calendar";
import { getSchedule, listSchedules, moveSchedule, publishNow, retrySchedule, unschedule } from "../services/schedules";

const origin = (url: string) => new URL(url).origin;

export const scheduleRoutes = new Hono<AppEnv>()
  .use(writesNeedEditor)
  .get("/", async (c) => {
    const q = readQuery(c, scheduleListQuery);
    const filter = { from: Date.parse(q.from), to: Date.parse(q.to), type: q.type, brand: q.brand, status: q.status };
    const ws = c.get("actor").workspaceId;
    if (q.view === "calendar") return c.json(await calendarWindow(c.env, ws, filter));
    return c.json({ schedules: await listSchedules(c.env, ws, filter, origin(c.req.url)) });
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
  .post("/:scheduleId/retry", async (c) => {
    await readJson(c, emptyBody);
    return c.json(await retrySchedule(c.env, c.get("actor"), c.req.param("scheduleId"), origin(c.req.url)));
  })
  .post("/:scheduleId/publish-now", async (c) => {
    await readJson(c, emptyBody);
    return c.json(await publishNow(c.env, c.get("actor"), c.req.param("scheduleId"), origin(c.req.url)));
  });
