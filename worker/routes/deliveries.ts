import { Hono } from "hono";
import type { AppEnv } from "../auth/context";
import { deliveryListQuery } from "../contract/schemas";
import { readQuery } from "../lib/validate";
import { listDeliveries } from "../services/deliveries";

export const deliveryRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const q = readQuery(c, deliveryListQuery);
  const filter = {
    status: q.status,
    from: q.from ? Date.parse(q.from) : undefined,
    to: q.to ? Date.parse(q.to) : undefined,
    brand: q.brand,
    limit: q.limit,
  };
  return c.json({ deliveries: await listDeliveries(c.env, c.get("actor").workspaceId, filter) });
});
