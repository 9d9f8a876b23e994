// The `llm` writer (DESIGN.md §6, issue 9): proposals written from the brand's
// brief and its recent titles, and each output's copy. Replies must match the
// zod schemas here; llm-client.ts retries what does not. What a brief forbids
// is not trusted to the model: the gate and enforceBrief() check every reply.
import { z } from "zod";
import type { Brief } from "../contract/schemas";
import type { Variant } from "../scheduling/variants";
import { chatJson, parseJsonReply, WriterError, type LlmConfig } from "./llm-client";
import type { ArmChoice } from "./arm-choice";
import { planArms, type ProposalDraft, type ProposalRequest, type WriterInput, type WrittenContent } from "./template-writer";

export { WriterError, type LlmConfig } from "./llm-client";

export const writtenContent = z.strictObject({
  title: z.string().trim().min(3).max(200),
  ytTitle: z.string().trim().min(3).max(100),
  caption: z.string().trim().min(10).max(2200),
  slideTexts: z.array(z.string().trim().min(1).max(400)).min(2).max(10),
});

/** Captions may come back too long: the gate says so in words rather than the schema failing the whole reply. */
const llmProposal = z.object({
  title: z.string().trim().min(3).max(300),
  angle: z.string().trim().min(1).max(200),
  caption: z.string().trim().min(1).max(10_000),
  hashtags: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
});
export const llmProposals = z.object({ proposals: z.array(llmProposal).min(1).max(30) });

function validate<S extends z.ZodType>(schema: S) {
  return (value: unknown): z.output<S> => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const first = parsed.error.issues[0];
    throw new WriterError(`The model's reply did not match the schema (${first?.path.join(".")}: ${first?.message}).`, true);
  };
}

/** The brief as prompt lines; empty fields are left out. */
export function briefLines(brief: Brief | undefined): string[] {
  if (!brief) return [];
  return [
    brief.niche && `Niche: ${brief.niche}.`,
    brief.audience && `Audience: ${brief.audience}.`,
    brief.tone && `Tone: ${brief.tone}.`,
    `Write in the language with code "${brief.language || "en"}".`,
    brief.topics.length ? `Topics to cover: ${brief.topics.join("; ")}.` : "",
    brief.avoid.length ? `Never touch these topics: ${brief.avoid.join("; ")}.` : "",
    brief.bannedWords.length ? `Never use these words, in any form or hashtag: ${brief.bannedWords.join(", ")}.` : "",
    brief.hashtags.length ? `Always include these hashtags in the caption: ${brief.hashtags.join(" ")}.` : "",
  ].filter((l): l is string => !!l);
}

const SYSTEM = "You write concise, accurate social-media copy for a brand. Reply with one JSON object only.";

const kindOf = (variant: Variant) => (variant === "post" ? "a carousel post" : "a short vertical reel");

/** One line of the request per proposal: its kind and, where the loop chose one, its topic and a title in its hook's style. */
function describeItem(variant: Variant, arm: ArmChoice | undefined, i: number): string {
  if (!arm) return `${i + 1}. ${kindOf(variant)} on a topic of your choice within the brief.`;
  return `${i + 1}. ${kindOf(variant)} on the topic "${arm.topic}", titled in the style of "${arm.title}".`;
}

/**
 * One request per brand for all its proposals today. Each item's topic and
 * hook are chosen by the learning loop (planArms, the same sampling as the
 * template writer) and given to the model; the draft records that arm. After
 * the last failed attempt every requested proposal comes back with `failure`
 * set (recorded `failed` with that reason), and the burst moves on.
 */
export async function writeProposalsWithLlm(req: ProposalRequest & { recentTitles: string[] }, config: LlmConfig): Promise<ProposalDraft[]> {
  const plan = planArms(req);
  const arms = req.variants.map((_, i) => plan[i]);
  const prompt = [
    `Propose ${req.variants.length} pieces of content for the brand "${req.brand.name}" (${req.brand.handle ?? "@" + req.brand.slug}), in this order:`,
    ...req.variants.map((variant, i) => describeItem(variant, arms[i], i)),
    "Keep each title's promise: if it names a number of tips or steps, the caption lists exactly that many.",
    ...briefLines(req.brief),
    req.recentTitles.length ? `Do not repeat or closely rephrase these recent titles:\n${req.recentTitles.slice(0, 60).map((t) => `- ${t}`).join("\n")}` : "",
    'Answer with only {"proposals": [{"title": string (≤100 characters, a hook), "angle": string, "caption": string (≤2200 characters), "hashtags": string[] (≤30)}]}.',
  ]
    .filter(Boolean)
    .join("\n");
  const armOf = (i: number) => (arms[i] ? { topic: arms[i]!.topic, hook: arms[i]!.hook } : null);
  try {
    const reply = await chatJson(config, [{ role: "system", content: SYSTEM }, { role: "user", content: prompt }], validate(llmProposals), req.seed);
    return req.variants.map((variant, i): ProposalDraft => {
      const p = reply.proposals[i];
      if (!p) return failed(variant, "The model wrote fewer proposals than asked.", armOf(i));
      return { title: p.title, angle: p.angle, variant, caption: p.caption, hashtags: p.hashtags.map((h) => (h.startsWith("#") ? h : `#${h}`)), writer: "llm", arm: armOf(i) };
    });
  } catch (err) {
    const reason = err instanceof WriterError ? err.message : "The LLM writer failed.";
    return req.variants.map((v, i) => failed(v, reason, armOf(i)));
  }
}

function failed(variant: Variant, reason: string, arm: ProposalDraft["arm"]): ProposalDraft {
  return { title: "(not written)", angle: "", variant, caption: null, hashtags: null, writer: "llm", arm, failure: reason };
}

function contentPrompt(input: WriterInput): string {
  const kind = input.variant === "post" ? "an Instagram carousel post (5 slides)" : "a short vertical reel (4 slides)";
  const promise = "If the title names a number of tips or steps, write exactly that many slides, one tip each.";
  return [
    `Write ${kind} for the brand "${input.brand.name}" (${input.brand.handle ?? "@" + input.brand.slug}).`,
    ...briefLines(input.brief),
    input.topic ? `Topic: ${input.topic}.` : "Pick a practical everyday topic.",
    input.title ? `Use this title: ${input.title}.` : "",
    input.slideTexts?.length ? `Use these slide texts in order: ${JSON.stringify(input.slideTexts)}.` : promise,
    'Answer with only a JSON object: {"title": string, "ytTitle": string (≤100 chars), "caption": string (≤2200 chars, a few hashtags), "slideTexts": string[]}.',
  ]
    .filter(Boolean)
    .join("\n");
}

/** Validates one output's copy (title, YouTube title, caption, slides). */
export function parseReply(text: string): WrittenContent {
  return parseJsonReply(text, validate(writtenContent));
}

export async function writeWithLlm(input: WriterInput, config: LlmConfig): Promise<WrittenContent> {
  return chatJson(config, [{ role: "system", content: SYSTEM }, { role: "user", content: contentPrompt(input) }], validate(writtenContent), input.seed);
}
