// Authenticated resource routers, mounted under /api. Each resource router
// decides its own role rules; reads are open to every member of the workspace.
import { Hono } from "hono";
import type { AppEnv } from "../auth/context";
import { authenticate } from "../auth/middleware";
import { meRoutes } from "./auth";
import { analyticsRoutes } from "./analytics";
import { automationRoutes } from "./automation";
import { brandRoutes } from "./brands";
import { deliveryRoutes } from "./deliveries";
import { jobRoutes } from "./jobs";
import { memberRoutes } from "./members";
import { notificationRoutes } from "./notifications";
import { proposalRoutes } from "./proposals";
import { calendarWindowRoute, scheduleRoutes } from "./schedules";
import { webhookRoutes } from "./webhooks";

export const apiRoutes = new Hono<AppEnv>();
// Ahead of authenticate: it admits its caller from the window's own batch (routes/schedules.ts).
apiRoutes.get("/schedules", calendarWindowRoute);
apiRoutes.use(authenticate);
apiRoutes.route("/", meRoutes);
apiRoutes.route("/brands", brandRoutes);
apiRoutes.route("/jobs", jobRoutes);
apiRoutes.route("/schedules", scheduleRoutes);
apiRoutes.route("/deliveries", deliveryRoutes);
apiRoutes.route("/automation", automationRoutes);
apiRoutes.route("/proposals", proposalRoutes);
apiRoutes.route("/analytics", analyticsRoutes);
apiRoutes.route("/members", memberRoutes);
apiRoutes.route("/notifications", notificationRoutes);
apiRoutes.route("/webhooks", webhookRoutes);
