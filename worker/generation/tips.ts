// The tips a post shows (issue 15 item 9): those of the topic's own bank,
// a subset in the bank's order; past the bank (a title that promises more, a
// topic no bank holds) the niche's templates that name the topic. Nothing the
// brief forbids, and never the same tip twice. Pure.
import type { Brief } from "../contract/schemas";
import { shuffled } from "../lib/random";
import { findTopicBank, type NicheBank } from "./banks";
import type { WriterLanguage } from "./brief";
import { findViolation } from "./brief-rules";
import type { Variant } from "../scheduling/variants";

/** The renderer shows at most this many slides after the title card (MAX_CAROUSEL and MAX_REEL_SLIDES less one). */
export const MAX_TIPS = 9;

/** Tips shown when the title names no number: a reel of five cards, a carousel of six images. */
export const defaultTipCount = (variant: Variant) => (variant === "post" ? 5 : 4);

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A niche template with its `{topic}`, capitalised when the tip opens with it. */
export function fillTemplate(template: string, topic: string): string {
  return template.replace(/^\{topic\}/, capitalise(topic)).replace("{topic}", topic);
}

export interface TipRequest {
  /** The job's topic (a bank's topic, a brief's own, or a person's text). */
  topic: string;
  /** The title, looked at for a bank topic when `topic` names none (older jobs stored the title as their topic). */
  title: string;
  lang: WriterLanguage;
  niche: NicheBank;
  brief: Pick<Brief, "bannedWords" | "avoid">;
  count: number;
  random: () => number;
}

export interface ChosenTips {
  /** The topic as the bank names it, or the request's own. */
  topic: string;
  /** The bank the tips came from; null when only the niche's templates could speak to this topic. */
  bank: string | null;
  tips: string[];
}

export function chooseTips(req: TipRequest): ChosenTips {
  const bank = findTopicBank(req.topic, req.lang, req.niche) ?? findTopicBank(req.title, req.lang, req.niche);
  const topic = bank?.topic ?? req.topic;
  const allowed = (list: readonly string[]) => list.filter((t) => !findViolation(t, req.brief));
  const own = allowed(bank?.tips ?? []);
  const templated = allowed(req.niche.templates[req.lang].map((t) => fillTemplate(t, topic)));
  const count = Math.max(1, Math.min(req.count, MAX_TIPS, own.length + templated.length));
  // A subset in the list's own order: a bank's tips follow the order a person would do them in.
  const subset = (list: string[]) =>
    shuffled(list.map((_, i) => i), req.random)
      .slice(0, count)
      .sort((a, b) => a - b)
      .map((i) => list[i]!);
  const tips = count <= own.length ? subset(own) : own.length ? [...own, ...templated.slice(0, count - own.length)] : subset(templated);
  return { topic, bank: bank?.topic ?? null, tips };
}
