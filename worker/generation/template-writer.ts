// The built-in content writer: offline, deterministic for a seed, brand- and
// brief-aware (DESIGN.md §6, issue 9). Its banks (banks/) give every niche,
// in English, Portuguese and Spanish, topics with their own tips; a post shows
// its topic's tips, as many as its title promises (issue 15 item 9). Proposals
// choose topic and hook by Thompson sampling over the brand's performance
// (arm-choice.ts, issue 15 item 7) and never come close to a title the brand
// used in the last 60 days.
import type { Brief } from "../contract/schemas";
import { hashText, rng } from "../lib/random";
import type { Arm, ArmStats } from "../learning/arms";
import { NO_EVIDENCE } from "../learning/arms";
import { ArmSampler } from "../learning/thompson";
import type { Variant } from "../scheduling/variants";
import { candidateTopics, chooseArm, titleFor, type ArmChoice } from "./arm-choice";
import { CTAS, HOOKS, resolveNiche } from "./banks";
import { EMPTY_BRIEF, writerLanguage } from "./brief";
import { findViolation, fold } from "./brief-rules";
import { TitleIndex } from "./similarity";
import { chooseTips, defaultTipCount } from "./tips";
import { contentWords, parseTitle, promisedSteps } from "./titles";

// Older callers import the PRNG and the hook filler from here.
export { hashText, rng } from "../lib/random";
export { fillHook } from "./titles";

export interface WriterInput {
  seed: number;
  brand: { slug: string; name: string; handle: string | null };
  variant: Variant;
  title?: string | null;
  topic?: string | null;
  slideTexts?: string[] | null;
  brief?: Brief;
}

export interface WrittenContent {
  title: string;
  ytTitle: string;
  caption: string;
  slideTexts: string[];
}

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const tag = (s: string) => `#${s.normalize("NFKD").replace(/\p{M}+/gu, "").replace(/[^a-z0-9]+/gi, "").toLowerCase()}`;
/** A topic as one hashtag: its first three content words ("#sheetpanvegetables", "#massacincoingredientes"). */
const TAG_SKIP = new Set(["for", "with", "your", "para", "sem", "sin", "tu", "tua", "teu", "su"]);
const topicTag = (topic: string) =>
  tag(
    contentWords(topic)
      .filter((w) => !TAG_SKIP.has(w))
      .slice(0, 3)
      .join(""),
  ).slice(0, 25);

/** The hashtags a template caption ends with: the brief's required ones first, then the brand's and the niche's. */
function captionHashtags(input: WriterInput, brief: Brief, topic: string): string[] {
  const niche = resolveNiche(brief.niche, input.brand.name);
  const tags = [...brief.hashtags, tag(input.brand.slug), ...niche.hashtags.slice(0, 2), topicTag(topic), input.variant === "post" ? "#carousel" : "#reels"];
  const seen = new Set<string>();
  return tags.filter((t) => t.length > 1 && !seen.has(t.toLowerCase()) && seen.add(t.toLowerCase()) && !findViolation(t, brief)).slice(0, 30);
}

/**
 * One output's copy: the title (given, or made from a hook), one slide per
 * tip, numbered, exactly as many as the title promises (else 4 for a reel, 5
 * for a post), and a caption that lists them.
 */
export function writeContent(input: WriterInput): WrittenContent {
  const brief = input.brief ?? EMPTY_BRIEF;
  const lang = writerLanguage(brief);
  const r = rng(input.seed ^ hashText(`${input.brand.slug}:${input.variant}`));
  const niche = resolveNiche(brief.niche, input.brand.name);
  const title = input.title?.trim() || null;
  // Jobs written before arms were recorded carry their title as their topic: the title's own topic is the better one.
  const given = input.topic?.trim() || null;
  const topic =
    (given && !(title && fold(given) === fold(title)) ? given : null) ??
    (title && parseTitle(title, lang)?.topic) ??
    given ??
    pick(r, candidateTopics(brief, niche, lang).concat(niche.topics[lang][0]!.topic));
  const finalTitle = title ?? titleFor(topic, pick(r, HOOKS), lang);
  const count = promisedSteps(finalTitle, lang, topic) ?? defaultTipCount(input.variant);
  const chosen = chooseTips({ topic, title: finalTitle, lang, niche, brief, count, random: r });
  const slideTexts = input.slideTexts?.length ? input.slideTexts : chosen.tips.map((t, i) => `${i + 1}. ${t}`);
  const handle = input.brand.handle ?? `@${input.brand.slug}`;
  const hashtags = captionHashtags(input, brief, chosen.topic);
  const caption = [finalTitle, "", ...slideTexts, "", `${pick(r, CTAS[lang])} ${handle}`, "", hashtags.join(" ")].join("\n").slice(0, 2200);
  const ytTitle = `${capitalise(chosen.topic)} | ${input.brand.name}`.slice(0, 100);
  return { title: finalTitle.slice(0, 200), ytTitle, caption, slideTexts };
}

export interface ProposalRequest {
  brand: { slug: string; name: string; handle: string | null };
  brief: Brief;
  /** Variants to write, one entry per proposal. */
  variants: Variant[];
  seed: number;
  /** The brand's titles of the last 60 days (read only). */
  recent: TitleIndex;
  /** The brand's arm statistics (worker/learning); none: uniform exploration. */
  arms?: ArmStats;
}

export interface ProposalDraft {
  title: string;
  angle: string;
  variant: Variant;
  caption: string | null;
  hashtags: string[] | null;
  writer: "template" | "llm";
  /** The topic and hook the writer chose: recorded on the proposal, so its post's performance counts for them. */
  arm: Arm | null;
  /** Set when the writer could not write this one: the proposal is recorded `failed` with it. */
  failure?: string;
}

/** The writers' arm sampler for one burst of one brand: seeded, so a burst is reproducible. */
function samplerFor(req: Pick<ProposalRequest, "seed" | "arms">): ArmSampler {
  return new ArmSampler(req.arms ?? NO_EVIDENCE, rng(req.seed ^ 0x9e3779b9));
}

/**
 * A topic, hook and title for each requested variant (both writers use it):
 * each sampled from the brand's arm statistics; pairs the brief forbids or
 * that come close to a recent title (or one chosen earlier in this burst) are
 * passed over. Shorter than `variants` when the banks ran out of fresh titles.
 */
export function planArms(req: ProposalRequest): ArmChoice[] {
  const lang = writerLanguage(req.brief);
  const topics = candidateTopics(req.brief, resolveNiche(req.brief.niche, req.brand.name), lang);
  const sampler = samplerFor(req);
  const chosen = new TitleIndex();
  const used = new Set<string>();
  const out: ArmChoice[] = [];
  for (let i = 0; i < req.variants.length; i++) {
    const arm = chooseArm(sampler, topics, lang, used, (title) => !findViolation(title, req.brief) && !req.recent.isNearDuplicate(title) && !chosen.isNearDuplicate(title));
    if (!arm) break;
    chosen.add(arm.title);
    used.add(fold(arm.topic));
    out.push(arm);
  }
  return out;
}

/** Proposals from the banks, one per planned arm. Fewer drafts than asked means the banks ran out of fresh titles. */
export function draftTemplateProposals(req: ProposalRequest): ProposalDraft[] {
  const lang = writerLanguage(req.brief);
  return planArms(req).map((arm, i): ProposalDraft => {
    const variant = req.variants[i]!;
    const { caption } = writeContent({ seed: req.seed + i, brand: req.brand, variant, title: arm.title, topic: arm.topic, brief: req.brief });
    return {
      title: arm.title,
      angle: arm.hookBank.angle[lang],
      variant,
      caption,
      hashtags: caption.match(/#[\p{L}\p{N}_]+/gu) ?? [],
      writer: "template",
      arm: { topic: arm.topic, hook: arm.hook },
    };
  });
}
