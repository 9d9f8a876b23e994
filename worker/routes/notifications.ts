// The in-app feed (API.md "Notifications and webhooks"): every member reads
// it and keeps their own read state, viewers too (marking read changes
// nothing anyone else sees).
import { Hono } from "hono";
import type { AppEnv } from "../auth/context";
import { notificationsQuery, notificationsReadInput } from "../contract/schemas";
import { readJson, readQuery } from "../lib/validate";
import { listNotifications, markRead } from "../notifications/feed";

export const notificationRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const q = readQuery(c, notificationsQuery);
    const actor = c.get("actor");
    return c.json(await listNotifications(c.env.DB, { workspaceId: actor.workspaceId, userId: actor.userId!, unread: q.unread, limit: q.limit }));
  })
  .post("/read", async (c) => {
    const input = await readJson(c, notificationsReadInput);
    const actor = c.get("actor");
    await markRead(c.env.DB, actor.workspaceId, actor.userId!, input);
    return c.body(null, 204);
  });
