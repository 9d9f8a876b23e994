// Authenticated resource routers, mounted under /api. Each resource router
// decides its own role rules; reads are open to every member of the workspace.
import { Hono } from "hono";
import type { AppEnv } from "../auth/context";
import { authenticate } from "../auth/middleware";
import { meRoutes } from "./auth";
import { automationRoutes } from "./automation";
import { brandRoutes } from "./brands";
import { deliveryRoutes } from "./deliveries";
import { jobRoutes } from "./jobs";
import { proposalRoutes } from "./proposals";
import { scheduleRoutes } from "./schedules";

export const apiRoutes = new Hono<AppEnv>();
apiRoutes.use(authenticate);
apiRoutes.route("/", meRoutes);
apiRoutes.route("/brands", brandRoutes);
apiRoutes.route("/jobs", jobRoutes);
apiRoutes.route("/schedules", scheduleRoutes);
apiRoutes.route("/deliveries", deliveryRoutes);
apiRoutes.route("/automation", automationRoutes);
apiRoutes.route("/proposals", proposalRoutes);
