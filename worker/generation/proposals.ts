// Proposal writing and the quality gate (DESIGN.md §1, §6). Pure: the burst
// pass supplies recent topics and quotas; this decides what to write and what
// to accept.
import type { Variant } from "../scheduling/variants";
import { writeContent } from "./template-writer";

export interface ProposalDraft {
  title: string;
  angle: string;
  variant: Variant;
  topicKey: string;
}

export interface GateResult {
  accepted: boolean;
  score: number;
  reason: string;
}

const ANGLES = ["myth vs fact", "step-by-step", "before and after", "common mistakes", "quick win", "checklist"];

/** A normalised key so "Morning routines that stick!" and "morning routines that stick" are one topic. */
export function topicKey(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9 ]+/g, " ")
    .split(/\s+/)
    .filter((w) => w.length > 3)
    .slice(0, 4)
    .join(" ");
}

export function draftProposals(
  brand: { slug: string; name: string; handle: string | null },
  quotas: Partial<Record<Variant, number>>,
  seed: number,
): ProposalDraft[] {
  const out: ProposalDraft[] = [];
  let i = 0;
  for (const variant of ["light", "dark", "post"] as const) {
    for (let n = 0; n < (quotas[variant] ?? 0); n++, i++) {
      // The proposal's title is its topic; the writer turns it into hooks, captions and slides later.
      const content = writeContent({ seed: seed + i * 7919, brand, variant });
      const topic = content.slideTexts[0] ?? content.title;
      out.push({ title: topic, angle: ANGLES[(seed + i) % ANGLES.length]!, variant, topicKey: topicKey(topic) });
    }
  }
  return out;
}

/**
 * Scores a draft 0–100 and rejects duplicates of recent topics (the same
 * brand's last 14 days, and earlier drafts of this same burst).
 */
export function qualityGate(draft: ProposalDraft, recentTopics: ReadonlySet<string>): GateResult {
  if (recentTopics.has(draft.topicKey)) return { accepted: false, score: 0, reason: "Duplicate of a recent topic." };
  let score = 50;
  const words = draft.title.split(/\s+/).length;
  if (words >= 2 && words <= 10) score += 30;
  if (draft.title.length <= 80) score += 20;
  return score >= 70
    ? { accepted: true, score, reason: "Passed the quality gate." }
    : { accepted: false, score, reason: "Topic too long or too vague for a hook." };
}
