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
  it("counts the four categories from the server's rows and lists one at a time", async () => {
    const jobs = [makeJob({ category: "to_schedule" }), makeJob({ category: "scheduled" }), makeJob({ category: "scheduled" }), makeJob({ category: "in_progress" })];
    const m = createJobs(fakeApi({ listJobs: async () => ({ jobs, nextCursor: null }) }));
    await m.load();
    expect(m.counts.value).toEqual({ to_schedule: 1, scheduled: 2, in_progress: 1, other: 0 });
    m.category.value = "scheduled";
    expect(m.visible.value).toHaveLength(2);
  });

  it("follows cursors, and never shows one filter's jobs under another", async () => {
    const seen: unknown[] = [];
    const m = createJobs(
      fakeApi({
        listJobs: async (q = {}) => {
          seen.push(q);
          if (!q.cursor) return { jobs: [makeJob()], nextCursor: "2" };
          return { jobs: [makeJob()], nextCursor: null };
        },
      }),
    );
    await m.load();
    expect(m.jobs.value).toHaveLength(2);
    m.variant.value = "post";
    expect(m.jobs.value).toBeNull();
    expect(seen).toHaveLength(2);
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
