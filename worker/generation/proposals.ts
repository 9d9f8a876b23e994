// Which writer drafts a brand's proposals (DESIGN.md §6): the `llm` writer
// when it is configured, the offline template writer otherwise. Either way
// the drafts then go through the same gate (quality-gate.ts).
import type { LlmConfig } from "./llm-client";
import { writeProposalsWithLlm } from "./llm-writer";
import { draftTemplateProposals, type ProposalDraft, type ProposalRequest } from "./template-writer";

export type { ProposalDraft, ProposalRequest } from "./template-writer";

export async function draftProposals(req: ProposalRequest & { recentTitles: string[] }, llm: LlmConfig | null): Promise<ProposalDraft[]> {
  if (!req.variants.length) return [];
  return llm ? writeProposalsWithLlm(req, llm) : draftTemplateProposals(req);
}
