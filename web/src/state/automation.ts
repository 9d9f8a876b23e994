// The Automation page: paused or running, review mode, burst time and zone,
// last and next runs, each brand's quota today, the proposals inbox, the
// recent run log, and "run now" per pass (owners only).
import { batch, signal } from "@preact/signals";
import type { Api } from "../api/client";
import type { AutomationSettingsInput, AutomationState, Proposal, ProposalStatus, Run, RunKind } from "../api/types";
import { messageOf } from "./calendar";

export const PASSES: Array<{ id: RunKind; label: string; help: string }> = [
  { id: "catchup", label: "Catch-up", help: "Schedule every ready, unscheduled output into its brand's next free slot." },
  { id: "burst", label: "Burst", help: "Write proposals now and start generation for those the quality gate accepts (the daily one runs by itself)." },
  { id: "healing", label: "Healing", help: "Re-queue generation that stalled; fail it with a reason after the last attempt." },
  { id: "dispatch", label: "Dispatch", help: "Send due items to their platforms now." },
  { id: "metrics", label: "Metrics", help: "Read the latest numbers of every published post and account that is due for a reading now." },
];

export function createAutomation(api: Api) {
  const state = signal<AutomationState | null>(null);
  const error = signal<string | null>(null);
  const errors = signal<Record<string, string>>({});
  const busy = signal<string | null>(null);
  const lastRun = signal<Run | null>(null);
  /** The proposals inbox: its filters and what they show. */
  const proposals = signal<Proposal[] | null>(null);
  const proposalFilter = signal<{ status: ProposalStatus | ""; brand: string }>({ status: "pending", brand: "" });

  async function loadProposals() {
    try {
      const f = proposalFilter.peek();
      const res = await api.listProposals({ status: f.status || undefined, brand: f.brand || undefined });
      proposals.value = res.proposals;
    } catch (err) {
      errors.value = { ...errors.peek(), proposals: messageOf(err) };
    }
  }

  async function load() {
    try {
      const s = await api.automation();
      batch(() => {
        state.value = s;
        error.value = null;
      });
    } catch (err) {
      error.value = messageOf(err);
    }
  }

  async function act(key: string, fn: () => Promise<unknown>) {
    const { [key]: _, ...rest } = errors.peek();
    batch(() => {
      busy.value = key;
      errors.value = rest;
    });
    try {
      return await fn();
    } catch (err) {
      errors.value = { ...errors.peek(), [key]: messageOf(err) };
      return null;
    } finally {
      busy.value = null;
      await load();
    }
  }

  /** A proposal decision, then both the inbox and its count are fresh. */
  async function decide(key: string, fn: () => Promise<unknown>) {
    await act(key, fn);
    await loadProposals();
  }

  return {
    state, error, errors, busy, lastRun, load, proposals, proposalFilter, loadProposals,
    setReview: (review: "auto" | "manual") => act("review", () => api.updateAutomation({ review })),
    filterProposals: (f: Partial<{ status: ProposalStatus | ""; brand: string }>) => {
      proposalFilter.value = { ...proposalFilter.peek(), ...f };
      return loadProposals();
    },
    accept: (id: string) => decide(`accept:${id}`, () => api.acceptProposal(id)),
    reject: (id: string, reason?: string) => decide(`reject:${id}`, () => api.rejectProposal(id, reason)),
    setPaused: (paused: boolean) => act("toggle", () => (paused ? api.pauseAutomation() : api.resumeAutomation())),
    save: (input: AutomationSettingsInput) => act("settings", () => api.updateAutomation(input)),
    run: async (pass: RunKind) => {
      const r = await act(`run:${pass}`, () => api.runPass(pass));
      if (r) lastRun.value = r as Run;
    },
  };
}

export type AutomationModel = ReturnType<typeof createAutomation>;
