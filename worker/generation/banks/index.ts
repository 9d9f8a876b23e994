// The template writer's banks: one module per niche (food.ts, finance.ts, …),
// the hooks and calls to action (hooks.ts), and here the lookups the writer
// needs: which niche a brand is in, and which topic a title or topic names.
import type { WriterLanguage } from "../brief";
import { fold } from "../brief-rules";
import { BEAUTY } from "./beauty";
import { FINANCE } from "./finance";
import { FITNESS } from "./fitness";
import { FOOD } from "./food";
import { GENERIC } from "./generic";
import { HABITS } from "./habits";
import { PARENTING } from "./parenting";
import { TECH } from "./tech";
import { TRAVEL } from "./travel";
import type { NicheBank, TopicBank } from "./types";

export { CTAS, HOOKS, isNumbered, type Hook } from "./hooks";
export { MAX_STEPS, MIN_STEPS, type NicheBank, type NicheId, type TopicBank } from "./types";

/** Every niche, the generic bank last. */
export const NICHES: readonly NicheBank[] = [FOOD, FINANCE, FITNESS, HABITS, TRAVEL, TECH, BEAUTY, PARENTING, GENERIC];

/** The bank for a brief's niche (or, with none, the brand's name); the generic bank only when nothing matches. */
const FOLDED_KEYWORDS = new Map(NICHES.map((n) => [n, n.keywords.map(fold)]));
export function resolveNiche(niche: string, brandName: string): NicheBank {
  const match = (text: string) => {
    const t = ` ${fold(text)} `;
    return NICHES.find((n) => FOLDED_KEYWORDS.get(n)!.some((k) => t.includes(k)));
  };
  return (niche.trim() ? match(niche) : undefined) ?? (niche.trim() ? undefined : match(brandName)) ?? GENERIC;
}

/** Folded words separated by single spaces, so "Sheet-pan vegetables!" and "sheet pan vegetables" compare equal. */
const words = (text: string) => ` ${fold(text).replace(/[^\p{L}\p{N}]+/gu, " ").trim()} `;
const topicWords = new Map<TopicBank, string>();
const wordsOf = (t: TopicBank) => topicWords.get(t) ?? topicWords.set(t, words(t.topic)).get(t)!;

/**
 * The bank topic that `text` (a job's topic, or a title) names: the niche's
 * own topics first, then every niche's in that language; an exact match
 * before the longest topic the text contains as whole words. Null when it
 * names none (a brief's own topic, a person's free text).
 */
export function findTopicBank(text: string, lang: WriterLanguage, niche: NicheBank): TopicBank | null {
  const target = words(text);
  if (target.trim() === "") return null;
  const pools = [niche.topics[lang], ...NICHES.filter((n) => n !== niche).map((n) => n.topics[lang])];
  for (const pool of pools) {
    const exact = pool.find((t) => wordsOf(t) === target);
    if (exact) return exact;
  }
  for (const pool of pools) {
    let best: TopicBank | null = null;
    for (const t of pool) if (target.includes(wordsOf(t)) && (!best || t.topic.length > best.topic.length)) best = t;
    if (best) return best;
  }
  return null;
}
