// Which writing systems slides render. Inter (bundled) draws Latin, Cyrillic,
// Greek and Vietnamese; Noto Sans SC/TC/JP/KR chunks, loaded on demand
// (ondemand-fonts.ts), draw Han, kana and Hangul. Scripts that need shaping
// satori 0.15 does not do (Arabic and Hebrew joining and direction, the Indic
// scripts' conjuncts) or that have no font here are refused before rendering,
// with a message, instead of drawing wrong glyphs or failing inside satori.
import { briefLanguage } from "../contract/languages";

export type HanFamily = "noto-sans-sc" | "noto-sans-tc" | "noto-sans-jp" | "noto-sans-kr";

/** The Han font for a brand's language: glyph shapes of one code point differ between Chinese, Japanese and Korean. */
export function hanFamilyFor(language: string | null | undefined): HanFamily {
  switch (briefLanguage(language ?? "")) {
    case "zh-Hant":
      return "noto-sans-tc";
    case "ja":
      return "noto-sans-jp";
    case "ko":
      return "noto-sans-kr";
    default:
      return "noto-sans-sc";
  }
}

/** The satori `lang` (locale) for the brand's language, so line breaking follows CJK rules. */
export function satoriLocale(language: string | null | undefined): string | undefined {
  const lang = briefLanguage(language ?? "");
  return lang === "zh-Hans" ? "zh-CN" : lang === "zh-Hant" ? "zh-TW" : lang === "ja" ? "ja-JP" : lang === "ko" ? "ko-KR" : undefined;
}

const RENDERED = /^[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\p{Script=Common}\p{Script=Inherited}]$/u;

const NAMED: Array<[string, RegExp]> = [
  ["Arabic", /\p{Script=Arabic}/u],
  ["Hebrew", /\p{Script=Hebrew}/u],
  ["Syriac", /\p{Script=Syriac}/u],
  ["Thaana", /\p{Script=Thaana}/u],
  ["Devanagari", /\p{Script=Devanagari}/u],
  ["Bengali", /\p{Script=Bengali}/u],
  ["Gurmukhi", /\p{Script=Gurmukhi}/u],
  ["Gujarati", /\p{Script=Gujarati}/u],
  ["Odia", /\p{Script=Oriya}/u],
  ["Tamil", /\p{Script=Tamil}/u],
  ["Telugu", /\p{Script=Telugu}/u],
  ["Kannada", /\p{Script=Kannada}/u],
  ["Malayalam", /\p{Script=Malayalam}/u],
  ["Sinhala", /\p{Script=Sinhala}/u],
  ["Thai", /\p{Script=Thai}/u],
  ["Lao", /\p{Script=Lao}/u],
  ["Tibetan", /\p{Script=Tibetan}/u],
  ["Myanmar", /\p{Script=Myanmar}/u],
  ["Khmer", /\p{Script=Khmer}/u],
  ["Georgian", /\p{Script=Georgian}/u],
  ["Armenian", /\p{Script=Armenian}/u],
  ["Ethiopic", /\p{Script=Ethiopic}/u],
];

/** The first script in the text that slides cannot render ("Arabic"; "an unsupported" for scripts not named here), or null. */
export function unsupportedScript(text: string): string | null {
  for (const ch of text) {
    if (RENDERED.test(ch)) continue;
    return NAMED.find(([, re]) => re.test(ch))?.[0] ?? "an unsupported";
  }
  return null;
}

export const SUPPORTED_SCRIPTS = "Latin, Cyrillic, Greek, Chinese, Japanese and Korean";

/** The message an output fails with when one of its texts is in a script slides cannot render, or null. */
export function unsupportedScriptProblem(texts: Array<{ what: string; text: string | null }>): string | null {
  for (const { what, text } of texts) {
    const script = text ? unsupportedScript(text) : null;
    if (script) return `${what} is in ${script} script, which is not supported on slides yet: slides render ${SUPPORTED_SCRIPTS} text.`;
  }
  return null;
}
