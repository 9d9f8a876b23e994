// The Jobs page reads the same rows as the Calendar (REGRESSIONS #3): its
// categories are the server's, and an output chip shows its schedule's status.
import { describe, expect, it } from "vitest";
import type { Output } from "../../web/src/api/types";
import { chipState, createJobs } from "../../web/src/state/jobs";
import { fakeApi, makeJob } from "./fixtures";

const brand = { id: "brd_a", slug: "acme", name: "Acme", timezone: "Europe/Lisbon", color: "#059669" };
const output = (over: Partial<Output>): Output => ({
  brandId: "brd_a",
  brand,
  status: "ready",
  caption: null,
  title: null,
  ytTitle: null,
  slideTexts: [],
  media: {},
  hold: false,
  schedule: null,
  ...over,
});

describe("Jobs categories", () => {
  it("shows the server's counts and asks the server for one category at a time", async () => {
    const seen: Array<Record<string, unknown>> = [];
    const counts = { to_schedule: 1, scheduled: 2, in_progress: 1, other: 0 };
    const byCategory = { to_schedule: [makeJob({ category: "to_schedule" })], scheduled: [makeJob({ category: "scheduled" }), makeJob({ category: "scheduled" })] };
    const m = createJobs(
      fakeApi({
        listJobs: async (q = {}) => {
          seen.push(q);
          return { jobs: byCategory[q.category as keyof typeof byCategory] ?? [], nextCursor: null, counts };
        },
      }),
    );
    await m.load();
    expect(m.counts.value).toEqual(counts);
    expect(m.visible.value).toHaveLength(1);
    m.setCategory("scheduled");
    // Until the scheduled page arrives, the to_schedule rows are never shown under it.
    expect(m.visible.value).toBeNull();
    await new Promise((r) => setTimeout(r, 0));
    expect(m.visible.value).toHaveLength(2);
    expect(seen.map((q) => q.category)).toEqual(["to_schedule", "scheduled"]);
  });

  it("pages by cursor, and never shows one filter's jobs under another", async () => {
    const counts = { to_schedule: 2, scheduled: 0, in_progress: 0, other: 0 };
    const m = createJobs(
      fakeApi({
        listJobs: async (q = {}) => (q.cursor ? { jobs: [makeJob()], nextCursor: null, counts } : { jobs: [makeJob()], nextCursor: "2", counts }),
      }),
    );
    await m.load();
    expect(m.jobs.value).toHaveLength(1);
    expect(m.hasMore.value).toBe(true);
    await m.loadMore();
    expect(m.jobs.value).toHaveLength(2);
    expect(m.hasMore.value).toBe(false);
    m.variant.value = "post";
    expect(m.jobs.value).toBeNull();
  });
});

describe("output chips match the calendar", () => {
  it("a scheduled output shows its schedule's status, the same value the calendar item has", () => {
    for (const status of ["scheduled", "publishing", "published", "partial", "failed", "missed"] as const) {
      const o = output({ status: "scheduled", schedule: { scheduleId: "s", scheduledAt: "2026-11-26T15:00:00.000Z", status } });
      expect(chipState(o).tone).toBe(status);
    }
  });
  it("an unscheduled output shows its generation state; a held one says so", () => {
    expect(chipState(output({ status: "generating" })).tone).toBe("generating");
    expect(chipState(output({ status: "failed" })).tone).toBe("gen-failed");
    expect(chipState(output({ status: "ready", hold: true })).label).toBe("ready (held)");
  });
});
