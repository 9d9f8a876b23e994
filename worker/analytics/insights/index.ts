// Placeholder until the insights-clients branch merges: the real Instagram,
// Facebook and YouTube insights clients (PLATFORMS.md §8) replace this file.
// Until then every call is a permanent error, which the sampler records as a
// reading with no values (and carries on with the next post).
import { InsightsError, type InsightsClient } from "../types";

function notBuilt(platform: "instagram" | "facebook" | "youtube", batchSize: number): InsightsClient {
  const fail = async (): Promise<never> => {
    throw new InsightsError("permanent", "not built yet");
  };
  return { platform, batchSize, posts: fail, account: fail };
}

export const platformInsightsClients: Record<"instagram" | "facebook" | "youtube", InsightsClient> = {
  instagram: notBuilt("instagram", 1),
  facebook: notBuilt("facebook", 1),
  youtube: notBuilt("youtube", 50),
};
