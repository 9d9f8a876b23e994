// Authenticated resource routers, mounted under /api. Each resource router
// decides its own role rules; reads are open to every member of the workspace.
import { Hono } from "hono";
import type { AppEnv } from "../auth/context";
import { authenticate } from "../auth/middleware";
import { meRoutes } from "./auth";

export const apiRoutes = new Hono<AppEnv>();
apiRoutes.use(authenticate);
apiRoutes.route("/", meRoutes);
