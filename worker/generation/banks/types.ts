// The shape of the template writer's content banks (issue 15 item 9): per
// niche and language, topics that each carry their own tips, so a post about
// sheet-pan vegetables shows tips about sheet-pan vegetables.
import type { WriterLanguage } from "../brief";

export type NicheId = "food" | "finance" | "fitness" | "habits" | "travel" | "tech" | "beauty" | "parenting" | "generic";

/** A post shows between these many tips; a topic holds more, so posts on one topic differ. */
export const MIN_STEPS = 3;
export const MAX_STEPS = 5;

export interface TopicBank {
  /** The topic as titles name it ("sheet-pan vegetables"); also the learning loop's topic arm. */
  topic: string;
  /** At least MAX_STEPS + 1 tips, in the order a person would follow them: a post shows a subset in this order. */
  tips: readonly string[];
}

export interface NicheBank {
  id: NicheId;
  /** Words that identify the niche in a brief's `niche` (or, failing that, the brand's name). */
  keywords: readonly string[];
  hashtags: readonly string[];
  topics: Record<WriterLanguage, readonly TopicBank[]>;
  /**
   * Tips for a topic the banks do not hold (a brief's own topic, a person's
   * job): each names it as `{topic}`, placed where any noun phrase reads
   * correctly (after a colon, or after a preposition that never contracts
   * with an article: "para", "com", "con", "sobre").
   */
  templates: Record<WriterLanguage, readonly string[]>;
}

/** A topic and its tips, written as `topic("sheet-pan vegetables", [...])`. */
export const topic = (name: string, tips: readonly string[]): TopicBank => ({ topic: name, tips });
