// Pure rules of dispatch: which platforms an item goes to (DESIGN.md §7,
// REGRESSIONS #15) and how a schedule's status rolls up from its deliveries.
import { describe, expect, it } from "vitest";
import { planDeliveries } from "../worker/scheduling/delivery-plan";
import { rollupScheduleStatus } from "../worker/scheduling/status";
import type { DeliveryStatus } from "../worker/contract/schemas";

const acct = (platform: "instagram" | "facebook" | "youtube" | "sandbox", status = "connected") => ({ id: `a-${platform}`, platform, status });

describe("planDeliveries", () => {
  it("an automatic job goes to every connected platform, and only those", () => {
    const plan = planDeliveries({ explicit: false, platforms: [] }, [acct("youtube"), acct("instagram"), acct("facebook", "needs_reconnect")], "dispatch");
    expect(plan).toEqual([
      { platform: "instagram", accountId: "a-instagram", status: "pending", reason: null },
      { platform: "youtube", accountId: "a-youtube", status: "pending", reason: null },
    ]);
  });

  it("an explicit platform without a connected account is skipped with the reason in words", () => {
    const plan = planDeliveries({ explicit: true, platforms: ["instagram", "sandbox"] }, [acct("sandbox"), acct("instagram", "needs_reconnect")], "dispatch");
    expect(plan).toEqual([
      { platform: "instagram", accountId: null, status: "skipped", reason: "No connected Instagram account for this brand when it went out." },
      { platform: "sandbox", accountId: "a-sandbox", status: "pending", reason: null },
    ]);
    expect(planDeliveries({ explicit: true, platforms: ["youtube"] }, [], "planned")[0]!.reason).toMatch(/YouTube account for this brand yet/);
  });

  it("a post never goes to YouTube (videos only): skipped with the reason, not queued to fail there", () => {
    const all = [acct("youtube"), acct("instagram"), acct("facebook")];
    const post = planDeliveries({ explicit: false, platforms: [] }, all, "dispatch", "post");
    expect(post.map((p) => [p.platform, p.status])).toEqual([["facebook", "pending"], ["instagram", "pending"], ["youtube", "skipped"]]);
    expect(post[2]!.reason).toMatch(/YouTube takes videos only/);
    expect(planDeliveries({ explicit: true, platforms: ["youtube"] }, all, "planned", "post")[0]).toMatchObject({ status: "skipped", accountId: null });
    expect(planDeliveries({ explicit: false, platforms: [] }, all, "dispatch", "reel").every((p) => p.status === "pending")).toBe(true);
  });

  it("an automatic job with nothing connected says why nothing goes out", () => {
    const plan = planDeliveries({ explicit: false, platforms: [] }, [], "dispatch");
    expect(plan.map((p) => p.status)).toEqual(["skipped", "skipped", "skipped"]);
  });
});

describe("rollupScheduleStatus", () => {
  const at = 1_000_000_000_000;
  const H = 3_600_000;
  const roll = (statuses: DeliveryStatus[], now = at + 1, dispatched = true) =>
    rollupScheduleStatus(statuses.map((status) => ({ status })), at, now, 6 * H, dispatched);

  it("before it goes out: scheduled, or missed once past the window", () => {
    expect(roll([], at - H, false)).toBe("scheduled");
    expect(roll(["pending"], at + 5 * H, false)).toBe("scheduled");
    expect(roll([], at + 7 * H, false)).toBe("missed");
  });

  it("skipped never counts as a failure", () => {
    expect(roll(["published", "skipped"])).toBe("published");
    expect(roll(["published", "failed", "skipped"])).toBe("partial");
    expect(roll(["failed", "skipped"])).toBe("failed");
    expect(roll(["queued", "skipped"])).toBe("publishing");
  });

  it("rolls up in-flight, missed and all-skipped items", () => {
    expect(roll(["published", "publishing"])).toBe("publishing");
    expect(roll(["missed", "missed"])).toBe("missed");
    expect(roll(["skipped", "skipped"])).toBe("failed");
  });
});
