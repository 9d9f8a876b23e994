// Webhook endpoints (API.md "Notifications and webhooks"): owners create,
// edit, test, rotate and delete; every member sees the list (without the
// URLs, which can be credentials) and the attempts log.
import { Hono } from "hono";
import type { AppEnv } from "../auth/context";
import { requireRole } from "../auth/middleware";
import { emptyBody, webhookAttemptsQuery, webhookCreateInput, webhookUpdateInput } from "../contract/schemas";
import { readJson, readQuery } from "../lib/validate";
import { emailEnabled } from "../notifications/digest";
import { createWebhook, deleteWebhook, listAttempts, listWebhooks, rotateSecret, sendTest, updateWebhook } from "../webhooks/store";

const owner = requireRole("owner");

export const webhookRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const actor = c.get("actor");
    const webhooks = await listWebhooks(c.env, actor.workspaceId, actor.role === "owner");
    return c.json({ webhooks, email: { enabled: emailEnabled(c.env) } });
  })
  .post("/", owner, async (c) => {
    const input = await readJson(c, webhookCreateInput);
    return c.json(await createWebhook(c.env, c.get("actor").workspaceId, input), 201);
  })
  .patch("/:webhookId", owner, async (c) => {
    const input = await readJson(c, webhookUpdateInput);
    const actor = c.get("actor");
    return c.json(await updateWebhook(c.env, actor.workspaceId, c.req.param("webhookId"), input, actor.userName));
  })
  .delete("/:webhookId", owner, async (c) => {
    await deleteWebhook(c.env, c.get("actor").workspaceId, c.req.param("webhookId"));
    return c.body(null, 204);
  })
  .post("/:webhookId/rotate-secret", owner, async (c) => {
    await readJson(c, emptyBody);
    return c.json(await rotateSecret(c.env, c.get("actor").workspaceId, c.req.param("webhookId")));
  })
  .post("/:webhookId/test", owner, async (c) => {
    await readJson(c, emptyBody);
    return c.json(await sendTest(c.env, c.get("actor").workspaceId, c.req.param("webhookId")), 202);
  })
  .get("/:webhookId/attempts", async (c) => {
    const { limit } = readQuery(c, webhookAttemptsQuery);
    return c.json({ attempts: await listAttempts(c.env, c.get("actor").workspaceId, c.req.param("webhookId"), limit) });
  });
