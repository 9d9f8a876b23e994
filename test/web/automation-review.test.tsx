// The Automation page's proposals inbox, its quotas (each against today's
// usage, and why a brand's part of the burst stopped) and the Brands page's
// brief editor: components read the model and call its actions, nothing more.
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import type { AutomationState, Brand, BrandQuota, BrandUpdateInput, Proposal, WorkspaceUsage as Usage } from "../../web/src/api/types";
import { BrandQuotas } from "../../web/src/components/automation/BrandQuotas";
import { WorkspaceUsage } from "../../web/src/components/automation/WorkspaceUsage";
import { BriefEditor } from "../../web/src/components/brands/BriefEditor";
import { ProposalsInbox } from "../../web/src/components/automation/ProposalsInbox";
import { createAutomation } from "../../web/src/state/automation";
import { createBrands } from "../../web/src/state/brands";
import { fakeApi, flush } from "./fixtures";

let root: HTMLElement | undefined;
afterEach(() => {
  if (root) render(null, root);
  root?.remove();
});

async function mount(node: preact.JSX.Element) {
  root = document.createElement("div");
  document.body.appendChild(root);
  await act(() => void render(node, root!));
  for (let i = 0; i < 4; i++) await act(async () => void (await flush()));
}

const proposal = (over: Partial<Proposal>): Proposal => ({
  id: "prp_1",
  brandId: "brd_a",
  brand: "Quick Kitchen",
  variant: "light",
  title: "Meal prep for busy weeknights: what nobody tells you",
  angle: "quick win",
  status: "pending",
  score: 90,
  reason: "Passed with 90/100: a clear 8-word hook.",
  writer: "template",
  arm: null,
  createdAt: "2026-11-25T12:00:00.000Z",
  ...over,
});

describe("proposals inbox", () => {
  it("shows the count, each proposal's score and reason, and accepts or rejects with a reason", async () => {
    let items = [proposal({}), proposal({ id: "prp_2", title: "Knife skills: myth vs fact" })];
    const calls: string[] = [];
    const api = fakeApi({
      automation: async () => ({ pendingProposals: items.filter((p) => p.status === "pending").length, quotas: [] }) as unknown as AutomationState,
      listProposals: async (q) => {
        calls.push(`list ${q?.status ?? ""}`);
        return { proposals: items.filter((p) => !q?.status || p.status === q.status) };
      },
      acceptProposal: async (id) => {
        calls.push(`accept ${id}`);
        items = items.map((p) => (p.id === id ? { ...p, status: "accepted" as const, jobId: "GEN-000007" } : p));
        return { proposal: items.find((p) => p.id === id)!, job: {} as never };
      },
      rejectProposal: async (id, reason) => {
        calls.push(`reject ${id} ${reason}`);
        items = items.map((p) => (p.id === id ? { ...p, status: "rejected" as const } : p));
        return { proposal: items.find((p) => p.id === id)! };
      },
    });
    const model = createAutomation(api);
    await model.load();
    await mount(<ProposalsInbox model={model} brands={[{ id: "brd_a", name: "Quick Kitchen" }]} canEdit={true} />);
    expect(root!.querySelector("#inbox-h .count")!.textContent).toBe("2");
    expect(root!.textContent).toContain("90/100");
    expect(root!.textContent).toContain("Passed with 90/100: a clear 8-word hook.");

    const accept = [...root!.querySelectorAll("button")].find((b) => b.textContent === "Accept")!;
    await act(async () => {
      accept.click();
      for (let i = 0; i < 4; i++) await flush();
    });
    expect(calls).toContain("accept prp_1");
    expect(root!.querySelector("#inbox-h .count")!.textContent).toBe("1");

    const input = root!.querySelector<HTMLInputElement>("input[placeholder='Reason (optional)']")!;
    await act(async () => {
      input.value = "Off brand";
      input.dispatchEvent(new Event("input", { bubbles: true }));
      await flush();
    });
    const reject = [...root!.querySelectorAll("button")].find((b) => b.textContent === "Reject")!;
    await act(async () => {
      reject.click();
      for (let i = 0; i < 4; i++) await flush();
    });
    expect(calls).toContain("reject prp_2 Off brand");
    expect(root!.textContent).toContain("No proposals here");
  });

  it("shows the arm a proposal came from, and nothing for one without", async () => {
    const items = [proposal({ arm: { topic: "meal prep for busy weeknights", hook: "nobody-tells" } }), proposal({ id: "prp_2", title: "Older one" })];
    const api = fakeApi({
      automation: async () => ({ pendingProposals: 2, quotas: [] }) as unknown as AutomationState,
      listProposals: async () => ({ proposals: items }),
    });
    const model = createAutomation(api);
    await model.load();
    await mount(<ProposalsInbox model={model} brands={[{ id: "brd_a", name: "Quick Kitchen" }]} canEdit={false} />);
    const [withArm, without] = [...root!.querySelectorAll("li.proposal")];
    expect(withArm!.querySelector(".arm")!.textContent).toBe("Learning loop's pick: topic “meal prep for busy weeknights”, hook “nobody-tells”");
    expect(without!.querySelector(".arm")).toBeNull();
  });
});

describe("brief editor", () => {
  it("sends the brief with lists split on commas and blank counts as the workspace default", async () => {
    const sent: BrandUpdateInput[] = [];
    const brand = {
      id: "brd_a",
      name: "Quick Kitchen",
      brief: { niche: "food", audience: "", tone: "", language: "en", topics: [], avoid: [], bannedWords: ["sugar"], hashtags: ["#qk"], reelsPerDay: 2, postsPerDay: null },
    } as unknown as Brand;
    const brands = createBrands(
      fakeApi({
        updateBrand: async (_id, input) => {
          sent.push(input);
          return brand;
        },
        listBrands: async () => ({ brands: [brand] }),
      }),
    );
    await mount(<BriefEditor brands={brands} brand={brand} canEdit={true} />);
    const banned = root!.querySelector<HTMLTextAreaElement>("#br-bannedWords-brd_a")!;
    expect(banned.value).toBe("sugar");
    await act(async () => {
      banned.value = "sugar, cheap;\ndiet";
      banned.dispatchEvent(new Event("input", { bubbles: true }));
      await flush();
    });
    await act(async () => {
      root!.querySelector("form")!.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
      for (let i = 0; i < 4; i++) await flush();
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.brief).toMatchObject({ niche: "food", bannedWords: ["sugar", "cheap", "diet"], hashtags: ["#qk"], reelsPerDay: 2, postsPerDay: null, language: "en" });
  });

  it("says beside the language, before any burst, when the built-in writer cannot write it", async () => {
    const brand = {
      id: "brd_j",
      name: "Tokyo Eats",
      brief: { niche: "food", audience: "", tone: "", language: "ja", topics: [], avoid: [], bannedWords: [], hashtags: [], reelsPerDay: null, postsPerDay: null },
    } as unknown as Brand;
    const brands = createBrands(fakeApi({ listBrands: async () => ({ brands: [brand] }) }));
    await mount(<BriefEditor brands={brands} brand={brand} canEdit={true} />);
    const select = root!.querySelector<HTMLSelectElement>("#br-language-brd_j")!;
    const hint = () => root!.querySelector("#br-language-brd_j-hint");
    expect(hint()!.textContent).toBe(
      "The built-in writer writes English, Portuguese and Spanish. Japanese needs the llm writer (the LLM_BASE_URL and LLM_API_KEY secrets): without it the daily burst skips this brand, and jobs made by hand are written in English.",
    );
    expect(select.getAttribute("aria-describedby")).toBe("br-language-brd_j-hint");
    // Portuguese is the built-in writer's: nothing to say.
    await act(async () => {
      select.value = "pt";
      select.dispatchEvent(new Event("change", { bubbles: true }));
      await flush();
    });
    expect(hint()).toBeNull();
    expect(select.hasAttribute("aria-describedby")).toBe(false);
  });
});

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
    await mount(<WorkspaceUsage usage={usage} />);
    const el = root!;
    const rows = [...el.querySelectorAll("li")].map((li) => li.textContent);
    expect(rows).toEqual(["Brands3 of 50", "Jobs today400 of 400 · reached", "Renders today12 of 500", "LLM calls today0 of 1,000"]);
    const meters = [...el.querySelectorAll("meter")];
    expect(meters.map((m) => m.getAttribute("aria-label"))).toEqual(["Brands: 3 of 50", "Jobs today: 400 of 400", "Renders today: 12 of 500", "LLM calls today: 0 of 1,000"]);
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
    await mount(<BrandQuotas quotas={quotas} />);
    const el = root!;
    const cells = [...el.querySelectorAll("tbody tr")].map((tr) => tr.lastElementChild!.textContent);
    expect(cells).toEqual(["done", "stoppedStopped: This workspace has used 400 of its 400 jobs a day today.", "not yet"]);
  });
});
