// Which platforms an item goes to, decided when it goes out (DESIGN.md §7,
// REGRESSIONS #15). Pure: the caller reads the job's targets and the brand's
// accounts; the same plan is shown before dispatch (planned deliveries) and
// written by the dispatch claim.
import { platformLabel, type Platform } from "./variants";

export interface JobTargets {
  /** The user chose these; otherwise the brand's connected accounts decide. */
  explicit: boolean;
  platforms: Platform[];
}

export interface BrandAccount {
  id: string;
  platform: Platform;
  status: string;
}

export interface PlannedDelivery {
  platform: Platform;
  /** The connected account it goes through; null when skipped. */
  accountId: string | null;
  status: "pending" | "skipped";
  reason: string | null;
}

/** What an automatic job lists (as skipped) when its brand has no account at all, so the panel says why nothing goes out. */
const AUTOMATIC_FALLBACK: Platform[] = ["instagram", "facebook", "youtube"];

/** YouTube takes videos only (PLATFORMS.md §3): a post (a carousel) never goes there. */
export const YOUTUBE_POST_REASON = "YouTube takes videos only; this post goes to the other platforms.";

/**
 * `when` words the reason for the moment: "yet" before dispatch, "when it
 * went out" in the delivery the claim writes. A post's YouTube delivery is
 * skipped with its reason, never queued only to fail at the platform.
 */
export function planDeliveries(targets: JobTargets, accounts: readonly BrandAccount[], when: "planned" | "dispatch", kind: "reel" | "post" = "reel"): PlannedDelivery[] {
  const connected = new Map<Platform, string>();
  for (const a of accounts) if (a.status === "connected") connected.set(a.platform, a.id);
  const platforms = targets.explicit
    ? [...new Set(targets.platforms)]
    : connected.size > 0
      ? [...connected.keys()]
      : AUTOMATIC_FALLBACK;
  return platforms.sort().map((platform) => {
    if (kind === "post" && platform === "youtube") return { platform, accountId: null, status: "skipped", reason: YOUTUBE_POST_REASON };
    const accountId = connected.get(platform) ?? null;
    if (accountId) return { platform, accountId, status: "pending", reason: null };
    const reason =
      when === "dispatch"
        ? `No connected ${platformLabel(platform)} account for this brand when it went out.`
        : `No connected ${platformLabel(platform)} account for this brand yet; connect one before it goes out.`;
    return { platform, accountId: null, status: "skipped", reason };
  });
}

/** The words a `missed` delivery carries: why it was not published, and what a person can do. */
export function missedReason(missedAfterHours: number): string {
  return `Not published: it was more than ${missedAfterHours} hours late when it went out. Retry to publish it now.`;
}
