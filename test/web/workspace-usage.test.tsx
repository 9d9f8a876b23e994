// The Automation page's quotas (issue 17 item 3): each quota against today's
// usage, a reached one marked in words, when the daily ones reset, and why a
// brand's part of today's burst stopped.
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import type { BrandQuota, WorkspaceUsage as Usage } from "../../web/src/api/types";
import { BrandQuotas } from "../../web/src/components/automation/BrandQuotas";
import { WorkspaceUsage } from "../../web/src/components/automation/WorkspaceUsage";

let root: HTMLElement | undefined;
afterEach(() => {
  if (root) render(null, root);
  root?.remove();
});

async function mount(node: preact.JSX.Element) {
  root = document.createElement("div");
  document.body.appendChild(root);
  await act(() => void render(node, root!));
  return root;
}

describe("WorkspaceUsage", () => {
  it("shows every quota as used of its limit, marks a reached one, and says when the daily ones reset", async () => {
    const usage: Usage = {
      day: "2026-12-03",
      resetsAt: "2026-12-04T00:00:00.000Z",
      brands: { used: 3, limit: 50 },
      jobsPerDay: { used: 400, limit: 400 },
      rendersPerDay: { used: 12, limit: 500 },
      llmCallsPerDay: { used: 0, limit: 1000 },
    };
    const el = await mount(<WorkspaceUsage usage={usage} />);
    const rows = [...el.querySelectorAll("li")].map((li) => li.textContent);
    expect(rows).toEqual(["Brands3 of 50", "Jobs today400 of 400 · reached", "Renders today12 of 500", "LLM calls today0 of 1000"]);
    const meters = [...el.querySelectorAll("meter")];
    expect(meters.map((m) => m.getAttribute("aria-label"))).toEqual(["Brands: 3 of 50", "Jobs today: 400 of 400", "Renders today: 12 of 500", "LLM calls today: 0 of 1000"]);
    expect(el.textContent).toMatch(/local day \(2026-12-03\) and reset at/);
  });
});

describe("BrandQuotas", () => {
  it("says a brand's part stopped, and why", async () => {
    const quotas: BrandQuota[] = [
      { brandId: "a", brand: "Calm Kitchen", reels: 2, posts: 1, proposedToday: 3, doneToday: true, note: null },
      { brandId: "b", brand: "Money Minute", reels: 2, posts: 1, proposedToday: 0, doneToday: false, note: "Stopped: This workspace has used 400 of its 400 jobs a day today." },
      { brandId: "c", brand: "Zen Steps", reels: 2, posts: 1, proposedToday: 0, doneToday: false },
    ];
    const el = await mount(<BrandQuotas quotas={quotas} />);
    const cells = [...el.querySelectorAll("tbody tr")].map((tr) => tr.lastElementChild!.textContent);
    expect(cells).toEqual(["done", "stoppedStopped: This workspace has used 400 of its 400 jobs a day today.", "not yet"]);
  });
});
