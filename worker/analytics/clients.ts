// Every platform's insights client, by platform (worker/analytics/types.ts is the contract).
import { platformInsightsClients } from "./insights";
import { sandboxInsightsClient } from "./sandbox-insights";
import type { InsightsClient, InsightsPlatform } from "./types";

export type InsightsClients = Record<InsightsPlatform, InsightsClient>;

export const INSIGHTS_CLIENTS: InsightsClients = { ...platformInsightsClients, sandbox: sandboxInsightsClient };
