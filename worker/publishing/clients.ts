// Every platform's client, by platform (worker/publishing/types.ts is the contract).
import { facebookClient } from "./facebook";
import { instagramClient } from "./instagram";
import { sandboxClient } from "./sandbox";
import type { PlatformClient, PublishPlatform } from "./types";
import { youtubeClient } from "./youtube";

export const CLIENTS: Record<PublishPlatform, PlatformClient> = {
  sandbox: sandboxClient,
  instagram: instagramClient,
  facebook: facebookClient,
  youtube: youtubeClient,
};
