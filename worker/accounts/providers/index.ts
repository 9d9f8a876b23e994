// Which OAuth provider connects which platform (PLATFORMS.md §7).
import type { Platform } from "../../scheduling/variants";
import { googleProvider } from "./google";
import { instagramProvider } from "./instagram";
import { metaProvider } from "./meta";
import type { LoginVia, OAuthProvider, Provider } from "./types";

export const PROVIDERS: Record<Provider, OAuthProvider> = { meta: metaProvider, instagram: instagramProvider, google: googleProvider };

export const PROVIDER_NAMES: Record<Provider, string> = { meta: "Facebook", instagram: "Instagram", google: "Google" };

export function isProvider(value: string): value is Provider {
  return value === "meta" || value === "instagram" || value === "google";
}

/**
 * Instagram connects through Instagram Login by default (no Page needed) or
 * through Facebook Login (`via: "facebook"`, a Page's linked account).
 * Null for the sandbox, which has nothing to connect to.
 */
export function providerFor(platform: Platform, via?: LoginVia | null): OAuthProvider | null {
  switch (platform) {
    case "facebook":
      return metaProvider;
    case "instagram":
      return via === "facebook" ? metaProvider : instagramProvider;
    case "youtube":
      return googleProvider;
    case "sandbox":
      return null;
  }
}
