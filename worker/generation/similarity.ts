// Near-duplicate titles (issue 9): "5 easy breakfast ideas" and "Five easy
// breakfast ideas!" are one title. Titles become sets of content tokens (case,
// accents, punctuation, number words, stop words and plural endings
// normalised) and are compared with the Jaccard index |A∩B| / |A∪B|. Pure.

/** Number words in the writers' languages, so "five", "cinco" and "5" are one token. */
const NUMBER_WORDS: Record<string, string> = {
  one: "1", two: "2", three: "3", four: "4", five: "5", six: "6", seven: "7", eight: "8", nine: "9", ten: "10",
  eleven: "11", twelve: "12", fifteen: "15", twenty: "20", thirty: "30",
  um: "1", uma: "1", dois: "2", duas: "2", tres: "3", quatro: "4", cinco: "5", seis: "6", sete: "7", oito: "8", nove: "9", dez: "10",
  uno: "1", dos: "2", cuatro: "4", siete: "7", ocho: "8", nueve: "9", diez: "10", quince: "15", veinte: "20", trinta: "30", treinta: "30",
};

const STOP_WORDS = new Set(
  (
    "a an the and or of to in on at for with by from your you my our is are be it this that these those how what why " +
    "o os as e ou de do da dos das em no na nos nas para por com seu sua teu tua um uma que " +
    "el la los las y u del al en con por para su tu que es un una"
  ).split(" "),
);

/** The comparable tokens of a title. */
export function titleTokens(title: string): Set<string> {
  const words = title
    .toLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[^a-z0-9 ]+/g, " ")
    .split(/\s+/)
    .filter(Boolean);
  const out = new Set<string>();
  for (const w of words) {
    const n = NUMBER_WORDS[w] ?? w;
    if (STOP_WORDS.has(n) || (n.length === 1 && !/\d/.test(n))) continue;
    // Light stemming: "ideas"/"idea", "mistakes"/"mistake"; short words stay.
    out.add(n.length > 3 && n.endsWith("s") && !n.endsWith("ss") ? n.slice(0, -1) : n);
  }
  return out;
}

/** Jaccard similarity of two titles' tokens, 0–1 (1: the same title in other words). */
export function titleSimilarity(a: string | Set<string>, b: string | Set<string>): number {
  const ta = typeof a === "string" ? titleTokens(a) : a;
  const tb = typeof b === "string" ? titleTokens(b) : b;
  if (ta.size === 0 && tb.size === 0) return 1;
  let common = 0;
  for (const t of ta) if (tb.has(t)) common++;
  return common / (ta.size + tb.size - common);
}

/** At or above this, a title repeats a recent one. */
export const NEAR_DUPLICATE = 0.7;

/** A set of titles to compare against, tokenised once. */
export class TitleIndex {
  private readonly entries: Array<{ title: string; tokens: Set<string> }> = [];
  constructor(titles: Iterable<string> = []) {
    for (const t of titles) this.add(t);
  }
  add(title: string) {
    this.entries.push({ title, tokens: titleTokens(title) });
  }
  /** The most similar title held, with its similarity; null when empty. */
  closest(title: string): { title: string; similarity: number } | null {
    const tokens = titleTokens(title);
    let best: { title: string; similarity: number } | null = null;
    for (const e of this.entries) {
      const s = titleSimilarity(tokens, e.tokens);
      if (!best || s > best.similarity) best = { title: e.title, similarity: s };
    }
    return best;
  }
  isNearDuplicate(title: string): boolean {
    return (this.closest(title)?.similarity ?? 0) >= NEAR_DUPLICATE;
  }
}
