// The built-in content writer: offline, deterministic for a seed, brand-aware
// (DESIGN.md §6). The same (seed, brand, variant, topic) always writes the
// same caption, titles and slides; different brands get different copy.
import type { Variant } from "../scheduling/variants";

export interface WriterInput {
  seed: number;
  brand: { slug: string; name: string; handle: string | null };
  variant: Variant;
  title?: string | null;
  topic?: string | null;
  slideTexts?: string[] | null;
}

export interface WrittenContent {
  title: string;
  ytTitle: string;
  caption: string;
  slideTexts: string[];
}

/** mulberry32: a tiny, well-known 32-bit PRNG; good enough to pick phrases. */
function rng(seed: number) {
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

const TOPICS = [
  "morning routines that stick",
  "saving money on groceries",
  "a 10-minute workout",
  "planning a calm week",
  "writing better emails",
  "sleeping through the night",
  "learning a language daily",
  "decluttering one drawer",
  "cooking once, eating thrice",
  "walking meetings",
];
const HOOKS = ["Stop scrolling:", "Nobody tells you this:", "Try this today:", "The simple fix:", "Three steps to"];
const TIP_STARTS = ["Start with", "Keep it to", "Swap", "Write down", "Block", "Repeat", "Skip", "Prepare"];
const TIP_ENDS = [
  "one small win before 9 a.m.",
  "five minutes, not fifty.",
  "the hardest task for the easiest one first.",
  "what worked, every evening.",
  "your calendar like a meeting with yourself.",
  "it for seven days before judging.",
  "anything that does not serve the goal.",
  "tomorrow's first step tonight.",
];
const CTAS = ["Save this for later.", "Share it with a friend who needs it.", "Follow for more like this.", "Which tip will you try first?"];

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function writeContent(input: WriterInput): WrittenContent {
  const r = rng(input.seed ^ hashText(`${input.brand.slug}:${input.variant}`));
  const topic = input.topic?.trim() || pick(r, TOPICS);
  const title = input.title?.trim() || `${pick(r, HOOKS)} ${topic}`;
  const count = input.variant === "post" ? 5 : 4;
  const slideTexts = input.slideTexts?.length
    ? input.slideTexts
    : [capitalise(topic), ...Array.from({ length: count - 1 }, (_, i) => `${i + 1}. ${pick(r, TIP_STARTS)} ${pick(r, TIP_ENDS)}`)];
  const tag = (s: string) => `#${s.replace(/[^a-z0-9]+/gi, "").toLowerCase()}`;
  const hashtags = [tag(input.brand.slug), tag(topic.split(" ").slice(0, 2).join("")), input.variant === "post" ? "#carousel" : "#reels"];
  const handle = input.brand.handle ?? `@${input.brand.slug}`;
  const caption = [title, "", ...slideTexts.slice(1), "", `${pick(r, CTAS)} ${handle}`, "", hashtags.join(" ")].join("\n").slice(0, 2200);
  const ytTitle = `${capitalise(topic)} | ${input.brand.name}`.slice(0, 100);
  return { title: title.slice(0, 200), ytTitle, caption, slideTexts };
}
