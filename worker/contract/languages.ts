// Shared with the web app, which must not bundle zod: plain data and a function.

/**
 * The languages a brief may name: those whose script slides render (Latin,
 * Cyrillic, Greek, and Chinese, Japanese and Korean from on-demand fonts;
 * worker/media/scripts.ts), each with its own name for pickers. A region
 * subtag may follow ("pt-BR"); Chinese names its script (zh-Hans, zh-Hant),
 * which picks the Han font. Arabic, Hebrew and the Indic scripts are not
 * rendered on slides yet, so their languages are refused here.
 */
export const BRIEF_LANGUAGES = {
  en: "English", pt: "Português", es: "Español", fr: "Français", de: "Deutsch", it: "Italiano", nl: "Nederlands",
  pl: "Polski", ro: "Română", cs: "Čeština", sv: "Svenska", da: "Dansk", nb: "Norsk bokmål", fi: "Suomi", tr: "Türkçe",
  id: "Bahasa Indonesia", vi: "Tiếng Việt", ru: "Русский", uk: "Українська", bg: "Български", el: "Ελληνικά",
  "zh-Hans": "简体中文", "zh-Hant": "繁體中文", ja: "日本語", ko: "한국어",
} as const satisfies Record<string, string>;
/** The BRIEF_LANGUAGES entry a language tag falls under ("pt-BR" → "pt", "zh-TW" → "zh-Hant"), or null. */
export function briefLanguage(tag: string): keyof typeof BRIEF_LANGUAGES | null {
  const [primary = "", sub = ""] = tag.split("-");
  if (primary.toLowerCase() === "zh") return /^(hant|tw|hk|mo)$/i.test(sub) ? "zh-Hant" : "zh-Hans";
  const key = primary.toLowerCase();
  return key in BRIEF_LANGUAGES ? (key as keyof typeof BRIEF_LANGUAGES) : null;
}
