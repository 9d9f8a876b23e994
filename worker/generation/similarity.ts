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

/** Titles recur (a brand's recent ones, each day's candidates): their tokens are kept, up to a bound. */
const TOKEN_CACHE = new Map<string, Set<string>>();
const TOKEN_CACHE_SIZE = 5000;

/** The comparable tokens of a title (the same Set for the same title while it is cached: do not mutate it). */
export function titleTokens(title: string): Set<string> {
  const known = TOKEN_CACHE.get(title);
  if (known) return known;
  const tokens = tokenize(title);
  if (TOKEN_CACHE.size >= TOKEN_CACHE_SIZE) TOKEN_CACHE.clear();
  TOKEN_CACHE.set(title, tokens);
  return tokens;
}

function tokenize(title: string): Set<string> {
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

/** A set of titles to compare against, tokenised once and indexed by token (only titles sharing a token can be close). */
export class TitleIndex {
  private readonly entries: Array<{ title: string; tokens: Set<string> }> = [];
  private readonly byToken = new Map<string, number[]>();
  private hasEmpty = false;
  constructor(titles: Iterable<string> = []) {
    for (const t of titles) this.add(t);
  }
  add(title: string) {
    const tokens = titleTokens(title);
    const i = this.entries.push({ title, tokens }) - 1;
    if (!tokens.size) this.hasEmpty = true;
    for (const t of tokens) {
      const list = this.byToken.get(t);
      if (list) list.push(i);
      else this.byToken.set(t, [i]);
    }
  }
  /** The most similar title held, with its similarity; null when empty. */
  closest(title: string): { title: string; similarity: number } | null {
    if (!this.entries.length) return null;
    const tokens = titleTokens(title);
    const candidates = new Set<number>();
    for (const t of tokens) for (const i of this.byToken.get(t) ?? []) candidates.add(i);
    // Two titles without tokens are the same title (similarity 1); a title sharing no token with any is 0 from all.
    if (!tokens.size && this.hasEmpty) candidates.add(this.entries.findIndex((e) => !e.tokens.size));
    let best: { title: string; similarity: number } | null = null;
    for (const i of [...candidates].sort((a, b) => a - b)) {
      const e = this.entries[i]!;
      const s = titleSimilarity(tokens, e.tokens);
      if (!best || s > best.similarity) best = { title: e.title, similarity: s };
    }
    return best ?? { title: this.entries[0]!.title, similarity: 0 };
  }
  isNearDuplicate(title: string): boolean {
    return (this.closest(title)?.similarity ?? 0) >= NEAR_DUPLICATE;
  }
}
