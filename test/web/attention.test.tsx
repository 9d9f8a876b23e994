import { describe, expect, it, vi } from "vitest";
import type { DeliveryListItem } from "../../web/src/api/types";
import { createAttention } from "../../web/src/state/attention";
import { fakeApi } from "./fixtures";

const item = (over: Partial<DeliveryListItem>): DeliveryListItem => ({
  deliveryId: `dlv_${Math.random()}`,
  scheduleId: "sch_1",
  brandId: "brd_a",
  platform: "instagram",
  status: "failed",
  attempts: 2,
  error: "Instagram could not fetch the video.",
  scheduledAt: "2026-11-20T10:00:00.000Z",
  ...over,
});

describe("Needs attention model", () => {
  it("counts each delivery once: reconnect failures are not counted again as failed", async () => {
    const reconnect = item({ errorClass: "reconnect", error: "Reconnect your Instagram account." });
    const failed = item({ platform: "youtube" });
    const missed = item({ status: "missed", platform: "facebook" });
    const api = fakeApi({
      listDeliveries: vi.fn(async ({ status }) => ({
        deliveries: status === "needs_reconnect" ? [reconnect] : status === "failed" ? [reconnect, failed] : status === "missed" ? [missed] : [],
      })),
    });
    const m = createAttention(api);
    await m.load();
    expect(m.count.value).toBe(3);
    expect(m.visible.value!.failed.map((d) => d.deliveryId)).toEqual([failed.deliveryId]);
    expect(m.visible.value!.needs_reconnect).toHaveLength(1);
  });

  it("retries the item's schedule and keeps the server's words when it refuses", async () => {
    const failed = item({});
    const retrySchedule = vi.fn(async () => {
      throw Object.assign(new Error("Nothing to retry: no platform of this item has failed."), { name: "ApiError" });
    });
    const api = fakeApi({ listDeliveries: vi.fn(async () => ({ deliveries: [failed] })), retrySchedule });
    const m = createAttention(api);
    await m.load();
    await m.retry(failed);
    expect(retrySchedule).toHaveBeenCalledWith("sch_1");
    expect(m.itemErrors.value["sch_1"]).toBeTruthy();
    expect(m.busy.value).toBeNull();
  });
});
