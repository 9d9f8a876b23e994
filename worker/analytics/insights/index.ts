// The real platforms' insights clients (PLATFORMS.md §8), by platform; the
// sandbox's simulated client lives beside the sampler (worker/analytics/).
import type { InsightsClient } from "../types";
import { facebookInsights } from "./facebook";
import { instagramInsights } from "./instagram";
import { youtubeInsights } from "./youtube";

export const platformInsightsClients: Record<"instagram" | "facebook" | "youtube", InsightsClient> = {
  instagram: instagramInsights,
  facebook: facebookInsights,
  youtube: youtubeInsights,
};
