// Every platform's client, by platform (worker/publishing/types.ts is the contract).
import { sandboxClient } from "./sandbox";
import { PublishError, type PlatformClient, type PublishPlatform } from "./types";

/** Stands in for a client this build does not include: the delivery fails with a reason instead of crashing. */
function notAvailable(platform: PublishPlatform, name: string): PlatformClient {
  return {
    platform,
    async publish() {
      throw new PublishError("permanent", `Publishing to ${name} is not available in this version of Brandcast.`);
    },
  };
}

export const CLIENTS: Record<PublishPlatform, PlatformClient> = {
  sandbox: sandboxClient,
  instagram: notAvailable("instagram", "Instagram"),
  facebook: notAvailable("facebook", "Facebook"),
  youtube: notAvailable("youtube", "YouTube"),
};
