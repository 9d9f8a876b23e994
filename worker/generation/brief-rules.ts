// What a brief forbids, enforced in one place for every writer (issue 9):
// the gate rejects proposals that break it, and generation scrubs outputs
// before they are stored, so no banned word or avoided topic reaches a title,
// caption, slide or hashtag whoever wrote it. Pure.
import type { Brief } from "../contract/schemas";

/** Lower case, accents stripped: "Açúcar" matches "acucar". */
export function fold(text: string): string {
  return text.toLowerCase().normalize("NFKD").replace(/\p{M}+/gu, "");
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A whole word or phrase (plural endings included), or anywhere inside a hashtag (#sugarfree holds "sugar"). */
function termPattern(term: string): RegExp {
  const words = fold(term).trim().split(/\s+/).map(escape).join("[\\s\\-_]+");
  return new RegExp(`(?<![\\p{L}\\p{N}])${words}(?:s|es)?(?![\\p{L}\\p{N}])|#[\\p{L}\\p{N}_]*${words.replace(/\[\\s\\-_\]\+/g, "_?")}[\\p{L}\\p{N}_]*`, "giu");
}

export interface Violation {
  kind: "banned_word" | "avoided_topic";
  term: string;
}

/** The first thing the brief forbids that `text` contains, or null. */
export function findViolation(text: string, brief: Pick<Brief, "bannedWords" | "avoid">): Violation | null {
  if (!brief.bannedWords.length && !brief.avoid.length) return null;
  const folded = fold(text);
  for (const term of brief.bannedWords) if (termPattern(term).test(folded)) return { kind: "banned_word", term };
  for (const term of brief.avoid) if (termPattern(term).test(folded)) return { kind: "avoided_topic", term };
  return null;
}

/** The gate's reason. It does not repeat the forbidden term: reasons are shown wherever proposals are. */
export function describeViolation(v: Violation): string {
  return v.kind === "banned_word"
    ? "Uses a word on the brief's banned list, so it was not kept as written."
    : "Touches a topic the brief says to avoid, so it was not kept as written.";
}

/** The hashtags in a text, as written (`#MealPrep`). */
export function hashtagsOf(text: string): string[] {
  return text.match(/#[\p{L}\p{N}_]+/gu) ?? [];
}

/** Required hashtags (the brief's) missing from `tags`, compared case-insensitively. */
export function missingHashtags(tags: string[], required: string[]): string[] {
  const have = new Set(tags.map((t) => fold(t)));
  return required.filter((r) => !have.has(fold(r)));
}

/**
 * Removes what the brief forbids from one piece of text: a forbidden hashtag
 * goes whole, a forbidden word or phrase is cut out and the spacing repaired.
 * Works on the folded text's positions, so accents in the original survive.
 */
export function scrubText(text: string, brief: Pick<Brief, "bannedWords" | "avoid">): string {
  let out = text;
  for (const term of [...brief.bannedWords, ...brief.avoid]) {
    const re = termPattern(term);
    // fold() keeps length only for precomposed Latin letters; scrub per match on a parallel folded copy.
    let folded = fold(out);
    if (folded.length !== out.length) {
      out = out.normalize("NFC");
      folded = fold(out);
      if (folded.length !== out.length) out = folded; // last resort: lose accents rather than leak a word
    }
    const spans: Array<[number, number]> = [];
    for (const m of folded.matchAll(re)) spans.push([m.index!, m.index! + m[0].length]);
    for (const [a, b] of spans.reverse()) out = out.slice(0, a) + out.slice(b);
  }
  return out
    .split("\n")
    .map((line) => line.replace(/[ \t]{2,}/g, " ").replace(/\s+([,.!?:;])/g, "$1").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export interface BriefContent {
  title: string;
  ytTitle: string;
  caption: string;
  slideTexts: string[];
}

/**
 * The last step of every writer's output: forbidden words and topics removed
 * from title, YouTube title, caption, slides and hashtags, and the brief's
 * required hashtags present in the caption (within Instagram's 30).
 */
export function enforceBrief(content: BriefContent, brief: Brief): BriefContent {
  const scrub = (s: string) => scrubText(s, brief);
  const slideTexts = content.slideTexts.map(scrub).filter((s) => s.length > 0);
  let caption = scrub(content.caption);
  const missing = missingHashtags(hashtagsOf(caption), brief.hashtags);
  if (missing.length) caption = `${caption}\n${missing.join(" ")}`.trim();
  caption = capHashtags(caption, brief.hashtags).slice(0, 2200);
  return {
    title: scrub(content.title) || brief.niche || "New post",
    ytTitle: (scrub(content.ytTitle) || scrub(content.title) || "New post").slice(0, 100),
    caption,
    slideTexts: slideTexts.length ? slideTexts : [scrub(content.title) || "New post"],
  };
}

/** Instagram allows 30 hashtags: drop the writer's extras (never the required ones) past that. */
export function capHashtags(caption: string, required: string[], limit = 30): string {
  const tags = hashtagsOf(caption);
  if (tags.length <= limit) return caption;
  const keep = new Set(required.map(fold));
  let budget = limit - tags.filter((t) => keep.has(fold(t))).length;
  return caption.replace(/#[\p{L}\p{N}_]+/gu, (t) => {
    if (keep.has(fold(t))) return t;
    return budget-- > 0 ? t : "";
  });
}
