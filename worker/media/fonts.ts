// The fonts bundled with the app (worker/media/fonts, SIL OFL 1.1: see the
// OFL-*.txt files there). Inter for text (Latin and Latin Extended, so accented
// letters render); Noto Emoji (monochrome) as the fallback for emoji.
// satori reads WOFF but not WOFF2. It keeps one font per family name (the
// closest weight) and falls back family by family for glyphs the text's family
// lacks, so every subset file gets a family name of its own.

export const FONT_FAMILY = "Inter";
const EMOJI_FAMILY = "Noto Emoji";

export interface FontFile {
  file: string;
  name: string;
  weight: 400 | 800;
}

const EMOJI_SUBSETS = ["emoji", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];

export const FONT_FILES: readonly FontFile[] = [
  { file: "inter-latin-800-normal.woff", name: FONT_FAMILY, weight: 800 },
  { file: "inter-latin-ext-800-normal.woff", name: `${FONT_FAMILY} Ext`, weight: 800 },
  { file: "inter-latin-400-normal.woff", name: FONT_FAMILY, weight: 400 },
  { file: "inter-latin-ext-400-normal.woff", name: `${FONT_FAMILY} Ext`, weight: 400 },
  ...EMOJI_SUBSETS.map((s) => ({ file: `noto-emoji-${s}-400-normal.woff`, name: `${EMOJI_FAMILY} ${s}`, weight: 400 as const })),
];
