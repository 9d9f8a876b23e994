// The built-in content writer: offline, deterministic for a seed, brand- and
// brief-aware (DESIGN.md §6, issue 9). It picks topics from its niche banks
// (or the brief's own topics), writes hooks, slides and captions in the
// brief's language, and never proposes a title close to one the brand used in
// the last 60 days.
import type { Brief } from "../contract/schemas";
import type { Variant } from "../scheduling/variants";
import { EMPTY_BRIEF, writerLanguage, type WriterLanguage } from "./brief";
import { findViolation } from "./brief-rules";
import { ANGLES, CTAS, HOOKS, resolveNiche, TIPS } from "./niche-banks";
import { TitleIndex } from "./similarity";

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

/** mulberry32: a tiny, well-known 32-bit PRNG; good enough to pick phrases. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, 32-bit: a stable seed from text. */
export function hashText(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const tag = (s: string) => `#${s.normalize("NFKD").replace(/\p{M}+/gu, "").replace(/[^a-z0-9]+/gi, "").toLowerCase()}`;

/** Fills a hook template: `{topic}` capitalised when it opens the title, `{n}` a small number fixed by the pair. */
export function fillHook(hook: string, topic: string, n: number): string {
  return hook
    .replace("{n}", String(n))
    .replace(/^\{topic\}/, capitalise(topic))
    .replace("{topic}", topic);
}

/** The hashtags a template caption ends with: the brief's required ones first, then the brand's and the niche's. */
function captionHashtags(input: WriterInput, brief: Brief, topic: string): string[] {
  const niche = resolveNiche(brief.niche, input.brand.name);
  const tags = [...brief.hashtags, tag(input.brand.slug), ...niche.hashtags.slice(0, 2), tag(topic.split(" ").slice(0, 2).join("")), input.variant === "post" ? "#carousel" : "#reels"];
  const seen = new Set<string>();
  return tags.filter((t) => t.length > 1 && !seen.has(t.toLowerCase()) && seen.add(t.toLowerCase()) && !findViolation(t, brief)).slice(0, 30);
}

export function writeContent(input: WriterInput): WrittenContent {
  const brief = input.brief ?? EMPTY_BRIEF;
  const lang = writerLanguage(brief);
  const r = rng(input.seed ^ hashText(`${input.brand.slug}:${input.variant}`));
  const niche = resolveNiche(brief.niche, input.brand.name);
  const topic = input.topic?.trim() || pick(r, [...brief.topics, ...niche.topics[lang]]);
  const title = input.title?.trim() || fillHook(pick(r, HOOKS[lang]), topic, 3 + Math.floor(r() * 5));
  const count = input.variant === "post" ? 5 : 4;
  const tips = shuffle(TIPS[lang], r).slice(0, count - 1);
  const slideTexts = input.slideTexts?.length ? input.slideTexts : [capitalise(topic), ...tips.map((t, i) => `${i + 1}. ${t}`)];
  const handle = input.brand.handle ?? `@${input.brand.slug}`;
  const hashtags = captionHashtags(input, brief, topic);
  const caption = [title, "", ...slideTexts.slice(1), "", `${pick(r, CTAS[lang])} ${handle}`, "", hashtags.join(" ")].join("\n").slice(0, 2200);
  const ytTitle = `${capitalise(topic)} | ${input.brand.name}`.slice(0, 100);
  return { title: title.slice(0, 200), ytTitle, caption, slideTexts };
}

function shuffle<T>(list: readonly T[], r: () => number): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export interface ProposalRequest {
  brand: { slug: string; name: string; handle: string | null };
  brief: Brief;
  /** Variants to write, one entry per proposal. */
  variants: Variant[];
  seed: number;
  /** The brand's titles of the last 60 days (read only). */
  recent: TitleIndex;
}

export interface ProposalDraft {
  title: string;
  angle: string;
  variant: Variant;
  caption: string | null;
  hashtags: string[] | null;
  writer: "template" | "llm";
  /** Set when the writer could not write this one: the proposal is recorded `failed` with it. */
  failure?: string;
}

/**
 * Proposals from the banks: every (topic, hook) pair visited in an order fixed
 * by the seed; pairs the brief forbids or that come close to a recent title
 * are skipped. Fewer drafts than asked means the banks ran out of fresh titles.
 */
export function draftTemplateProposals(req: ProposalRequest): ProposalDraft[] {
  const lang: WriterLanguage = writerLanguage(req.brief);
  const niche = resolveNiche(req.brief.niche, req.brand.name);
  const topics = [...new Set([...req.brief.topics, ...niche.topics[lang]])].filter((t) => !findViolation(t, req.brief));
  const hooks = HOOKS[lang];
  const total = topics.length * hooks.length;
  const out: ProposalDraft[] = [];
  if (!total) return out;
  const chosen = new TitleIndex();
  // A stride coprime with `total` visits every pair once, starting where the seed says.
  let stride = 1 + (req.seed % Math.max(1, total - 1));
  while (gcd(stride, total) !== 1) stride++;
  let index = req.seed % total;
  for (let visited = 0; visited < total && out.length < req.variants.length; visited++, index = (index + stride) % total) {
    const topic = topics[Math.floor(index / hooks.length)]!;
    const hook = hooks[index % hooks.length]!;
    const title = fillHook(hook, topic, 3 + (hashText(`${topic}|${hook}`) % 5));
    if (findViolation(title, req.brief) || req.recent.isNearDuplicate(title) || chosen.isNearDuplicate(title)) continue;
    chosen.add(title);
    const variant = req.variants[out.length]!;
    const content = writeContent({ seed: req.seed + out.length, brand: req.brand, variant, title, topic, brief: req.brief });
    const caption = content.caption;
    out.push({
      title,
      angle: ANGLES[lang][(req.seed + out.length) % ANGLES[lang].length]!,
      variant,
      caption,
      hashtags: caption.match(/#[\p{L}\p{N}_]+/gu) ?? [],
      writer: "template",
    });
  }
  return out;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
