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

/**
 * The languages the built-in (template) writer writes: its banks
 * (worker/generation/banks) hold English, Portuguese and Spanish. The `llm`
 * writer writes every BRIEF_LANGUAGES entry.
 */
export const TEMPLATE_WRITER_LANGUAGES = ["en", "pt", "es"] as const;
export type TemplateWriterLanguage = (typeof TEMPLATE_WRITER_LANGUAGES)[number];

/** The template writer's language for a language tag ("pt-BR" → "pt"), or null when it has no words for it. */
export function templateWriterLanguage(tag: string): TemplateWriterLanguage | null {
  const lang = briefLanguage(tag);
  return (TEMPLATE_WRITER_LANGUAGES as readonly string[]).includes(lang ?? "") ? (lang as TemplateWriterLanguage) : null;
}

/**
 * Why the writer in use writes nothing for a brief in `tag`, as the sentence
 * people read beside the brand; null when it can (the `llm` writer writes
 * them all).
 */
export function writerLanguageGap(tag: string, llm: boolean): string | null {
  if (llm || templateWriterLanguage(tag)) return null;
  const english = languageName(tag);
  return `The built-in writer writes English, Portuguese and Spanish, so the burst writes nothing in ${english}, this brand's language. The llm writer (the LLM_BASE_URL and LLM_API_KEY secrets) writes ${english}.`;
}

/**
 * Said beside the brief's language, before any burst, when the built-in writer
 * cannot write it (the editor does not know whether an LLM is configured).
 */
export function writerLanguageHint(tag: string): string | null {
  if (templateWriterLanguage(tag)) return null;
  const english = languageName(tag);
  return `The built-in writer writes English, Portuguese and Spanish. ${english} needs the llm writer (the LLM_BASE_URL and LLM_API_KEY secrets): without it the daily burst skips this brand, and jobs made by hand are written in English.`;
}

/** A brief language's English name ("Japanese"), or the tag itself when it is not one. */
function languageName(tag: string): string {
  const name = briefLanguage(tag);
  return (name && new Intl.DisplayNames(["en"], { type: "language" }).of(name)) || tag;
}
