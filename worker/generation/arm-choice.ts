// Which topic and hook a proposal gets (issue 15 item 7): both writers rank
// the brand's candidate topics, then hooks, by Thompson sampling over the
// brand's arm statistics (worker/learning), and take the best pair that the
// brief allows and that is not a near-duplicate of a recent title. With no
// evidence every ranking is uniform, which is plain exploration. Pure.
import type { Brief } from "../contract/schemas";
import { hashText } from "../lib/random";
import type { Arm } from "../learning/arms";
import type { ArmSampler } from "../learning/thompson";
import { HOOKS, isNumbered, MAX_STEPS, MIN_STEPS, type Hook, type NicheBank } from "./banks";
import type { WriterLanguage } from "./brief";
import { findViolation, fold } from "./brief-rules";
import { contentWords, fillHook } from "./titles";

/** The brand's topics: the brief's own first, then its niche's, without repeats or anything the brief forbids. */
export function candidateTopics(brief: Brief, niche: NicheBank, lang: WriterLanguage): string[] {
  const seen = new Set<string>();
  return [...brief.topics, ...niche.topics[lang].map((t) => t.topic)].filter((t) => {
    const k = fold(t.trim());
    if (!k || seen.has(k) || findViolation(t, brief)) return false;
    seen.add(k);
    return true;
  });
}

/** A title's words as a reader hears them: function words dropped, a plural "s" ignored. */
const heardWords = (text: string) => new Set(contentWords(text.replace(/\{(topic|n)\}/g, " ")).map((w) => (w.length > 3 && w.endsWith("s") ? w.slice(0, -1) : w)));

/**
 * Whether a hook reads well around a topic: not when it repeats one of the
 * topic's words ("3 quick wins for meal prep for busy weeknights", "Um mês
 * sem gastos sem stress", "A 20-minute workout, explained in one minute").
 */
export function readsWell(topic: string, hook: Hook, lang: WriterLanguage): boolean {
  const topicWords = heardWords(topic);
  for (const w of heardWords(hook.text[lang])) if (topicWords.has(w)) return false;
  return true;
}

/** The title of a (topic, hook) pair: a numbered hook promises MIN_STEPS to MAX_STEPS tips, fixed by the pair. */
export function titleFor(topic: string, hook: Hook, lang: WriterLanguage): string {
  const n = MIN_STEPS + (hashText(`${fold(topic)}|${hook.id}`) % (MAX_STEPS - MIN_STEPS + 1));
  return fillHook(hook.text[lang], topic, isNumbered(hook) ? n : 0);
}

export interface ArmChoice extends Arm {
  title: string;
  hookBank: Hook;
}

/**
 * The best (topic, hook) by the sampler whose title `accept`s. Topics already
 * used in this burst go last, so a day's posts cover different topics while
 * fresh ones remain. Null: every pair is forbidden or recent.
 */
export function chooseArm(
  sampler: ArmSampler,
  topics: readonly string[],
  lang: WriterLanguage,
  usedTopics: ReadonlySet<string>,
  accept: (title: string) => boolean,
): ArmChoice | null {
  const ranked = sampler.rank("topic", topics, (t) => t);
  const order = [...ranked.filter((t) => !usedTopics.has(fold(t))), ...ranked.filter((t) => usedTopics.has(fold(t)))];
  for (const topic of order) {
    for (const hook of sampler.rank("hook", HOOKS, (h) => h.id)) {
      if (!readsWell(topic, hook, lang)) continue;
      const title = titleFor(topic, hook, lang);
      if (accept(title)) return { topic, hook: hook.id, title, hookBank: hook };
    }
  }
  return null;
}
