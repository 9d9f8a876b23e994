// Choosing a font size so a text fills its box without overflowing: a fast
// estimate from approximate Inter advance widths picks the size, then the
// renderer checks satori's real layout and shrinks when the estimate was
// optimistic (render-layout.ts). Text too long even at the smallest size is cut
// at a word with an ellipsis.

export interface TextBox {
  width: number;
  height: number;
  /** Line height as a multiple of the font size. */
  lineHeight: number;
  minSize: number;
  maxSize: number;
}

// Advance widths in em for Inter ExtraBold, rounded up (glyph classes, not a metrics table).
const NARROW = new Set("iIjl.,:;!'|`ft()[]{}r\"".split(""));
const WIDE = new Set("mwMW@%&—".split(""));
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;
/** Han, kana, Hangul and the full-width forms: one em each. */
const FULL_WIDTH = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\u3000-\u303f\uff01-\uff60]/u;
export const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** One user-perceived character (a grapheme: an emoji ZWJ sequence with its skin tones is one picture). */
function charWidth(ch: string): number {
  if (ch === " ") return 0.26;
  if (EMOJI.test(ch)) return 1.25; // a Twemoji picture, one em square plus its spacing
  if (FULL_WIDTH.test(ch)) return 1.0;
  const base = ch.normalize("NFD").replace(/\p{M}/gu, "");
  if (!base) return 0;
  if (NARROW.has(base)) return 0.36;
  if (WIDE.has(base)) return 0.98;
  if (base >= "0" && base <= "9") return 0.66;
  if (base !== base.toLowerCase()) return 0.76; // capitals
  return 0.64;
}

/** Width in em, grapheme by grapheme; accents count as their base letter (é measures as e). */
export function textWidthEm(text: string): number {
  let w = 0;
  for (const { segment } of graphemes.segment(text)) w += charWidth(segment);
  return w;
}

/** The box for a text: CJK glyphs fill their em, so their lines get more room (0.15 em more leading). */
export function boxFor(text: string, box: TextBox): TextBox {
  return CJK.test(text) ? { ...box, lineHeight: Math.round((box.lineHeight + 0.15) * 100) / 100 } : box;
}

/** Greedy word wrap, breaking words longer than a line (as CSS word-break: break-word does). */
export function wrapLines(text: string, size: number, width: number): string[] {
  const maxEm = width / size;
  const lines: string[] = [];
  for (const paragraph of text.split(/\n/)) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (textWidthEm(candidate) <= maxEm) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = "";
      let rest = word;
      while (textWidthEm(rest) > maxEm) {
        let cut = 1;
        const chars = Array.from(graphemes.segment(rest), (g) => g.segment);
        while (cut < chars.length && textWidthEm(chars.slice(0, cut + 1).join("")) <= maxEm) cut++;
        lines.push(chars.slice(0, cut).join(""));
        rest = chars.slice(cut).join("");
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}

// 8% headroom: the estimate is an estimate.
const SAFETY = 1.08;

export function fits(text: string, size: number, box: TextBox): boolean {
  const lines = wrapLines(text, size * SAFETY, box.width);
  return lines.length * size * box.lineHeight <= box.height;
}

/** The largest size (in steps of 2 px) at which the text is estimated to fit, and the text to show at it. */
export function fitText(text: string, box: TextBox): { size: number; text: string } {
  for (let size = box.maxSize; size >= box.minSize; size -= 2) if (fits(text, size, box)) return { size, text };
  return { size: box.minSize, text: truncateToFit(text, box.minSize, box) };
}

/** The longest word-boundary prefix that fits with an ellipsis. */
export function truncateToFit(text: string, size: number, box: TextBox): string {
  const words = text.split(/\s+/).filter(Boolean);
  let lo = 0;
  let hi = words.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(`${words.slice(0, mid).join(" ")}…`, size, box)) lo = mid;
    else hi = mid - 1;
  }
  if (lo > 0) return `${words.slice(0, lo).join(" ")}…`;
  // Not even one word fits: cut by characters (whole graphemes, so no emoji is split).
  const chars = Array.from(graphemes.segment(text), (g) => g.segment);
  let n = chars.length;
  while (n > 1 && !fits(`${chars.slice(0, n).join("")}…`, size, box)) n = Math.floor(n * 0.8);
  return `${chars.slice(0, n).join("")}…`;
}
