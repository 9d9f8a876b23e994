// The one exhaustive variant → content type mapping (REGRESSIONS #12). Every
// path that asks "is this a reel or a post?" asks this function.
export const VARIANTS = ["light", "dark", "post"] as const;
export type Variant = (typeof VARIANTS)[number];
export type ContentType = "reel" | "post";

export function contentTypeOf(variant: Variant): ContentType {
  switch (variant) {
    case "light":
    case "dark":
      return "reel";
    case "post":
      return "post";
    default: {
      const never: never = variant;
      throw new Error(`unknown variant ${String(never)}`);
    }
  }
}

/**
 * Does a grid slot take an output of `variant`? A reel slot takes its own
 * variant, a post slot any post. The booking's next-free-slot search and the
 * web app's drag hints both ask this (REGRESSIONS #11).
 */
export function slotAccepts(slot: { kind: ContentType; variant: Variant }, variant: Variant): boolean {
  return contentTypeOf(variant) === slot.kind && (slot.kind === "post" || slot.variant === variant);
}

export const PLATFORMS = ["instagram", "facebook", "youtube", "sandbox"] as const;
export type Platform = (typeof PLATFORMS)[number];

const PLATFORM_LABELS: Record<Platform, string> = { instagram: "Instagram", facebook: "Facebook", youtube: "YouTube", sandbox: "Sandbox" };

/** A platform's name as people write it. */
export function platformLabel(platform: Platform): string {
  return PLATFORM_LABELS[platform];
}
