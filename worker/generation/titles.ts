// Titles and the number of tips they promise (issue 15 item 9, REGRESSIONS
// #26): a title made from a hook is read back into its hook, topic and
// number, so the post shows exactly the tips the title counts; a person's own
// title ("5 ways to…", "Five easy breakfasts") promises its number too. Pure.
import { HOOKS, type Hook } from "./banks";
import type { WriterLanguage } from "./brief";
import { fold } from "./brief-rules";

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Words that carry no topic of their own, in the writers' three languages. */
const FUNCTION_WORDS = new Set(
  "a an the in of to and on at by o os as um uma de do da dos das em no na nos nas que e por el la los las un una del en y con com al ao".split(" "),
);

/** The words of a text that say something: folded, function words and a possessive "'s" dropped. */
export function contentWords(text: string): string[] {
  return fold(text)
    .replace(/'s\b/g, "")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w && !FUNCTION_WORDS.has(w));
}
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Fills a hook: `{topic}` capitalised when it opens the title, `{n}` the number of tips the post will show. */
export function fillHook(hook: string, topic: string, n: number): string {
  return hook
    .replace("{n}", String(n))
    .replace(/^\{topic\}/, capitalise(topic))
    .replace("{topic}", topic);
}

/** One regular expression per hook and language: `{topic}` and `{n}` as capture groups. */
const HOOK_PATTERNS = new Map<string, RegExp>();
function hookPattern(hook: Hook, lang: WriterLanguage): RegExp {
  const key = `${hook.id}:${lang}`;
  let re = HOOK_PATTERNS.get(key);
  if (!re) {
    const source = escape(hook.text[lang]).replace("\\{topic\\}", "(?<topic>.+?)").replace("\\{n\\}", "(?<n>\\d{1,2})");
    re = new RegExp(`^${source}$`, "iu");
    HOOK_PATTERNS.set(key, re);
  }
  return re;
}

export interface ParsedTitle {
  hook: Hook;
  topic: string;
  /** The number of tips the title promises; null for a hook without `{n}`. */
  steps: number | null;
}

/** The hook, topic and number a title was made of, or null when no hook of the language made it. */
export function parseTitle(title: string, lang: WriterLanguage): ParsedTitle | null {
  const text = title.trim();
  for (const hook of HOOKS) {
    const m = hookPattern(hook, lang).exec(text);
    if (m?.groups) return { hook, topic: m.groups.topic!, steps: m.groups.n ? Number(m.groups.n) : null };
  }
  return null;
}

const NUMBER_WORDS: Record<WriterLanguage, Record<string, number>> = {
  en: { two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 },
  pt: { dois: 2, duas: 2, tres: 3, quatro: 4, cinco: 5, seis: 6, sete: 7, oito: 8, nove: 9, dez: 10 },
  es: { dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9, diez: 10 },
};

/** Words after a number that make it a quantity of something else ("20 minutes", "5 km"), not a count of tips. */
const UNIT = /^(?:min|mins|minute|minutes|minuto|minutos|h|hr|hrs|hour|hours|hora|horas|second|seconds|segundo|segundos|day|days|dia|dias|week|weeks|semana|semanas|month|months|mes|meses|year|years|ano|anos|k|km|kg|g|ml|l|cm|kilos?|litros?|litres?|liters?|euros?|dollars?|pounds?|percent|por)$/;

/**
 * The number of tips a title promises: its hook's `{n}`, or else the first
 * count in it (digits or a number word, 2 to 10) that is not part of the
 * topic and not a quantity ("in 20 minutes", "50/30/20"). Null: no number.
 */
export function promisedSteps(title: string, lang: WriterLanguage, topic?: string | null): number | null {
  const parsed = parseTitle(title, lang);
  if (parsed) return parsed.steps;
  let text = ` ${fold(title).replace(/[^\p{L}\p{N}/.,%°€$-]+/gu, " ")} `;
  if (topic?.trim()) text = text.split(fold(topic.trim())).join(" ");
  const tokens = text.split(/\s+/).filter(Boolean);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!.replace(/[.,:;!?]+$/, "");
    const next = (tokens[i + 1] ?? "").replace(/[.,:;!?]+$/, "");
    const n = /^\d{1,2}$/.test(token) ? Number(token) : NUMBER_WORDS[lang][token];
    if (n === undefined || n < 2 || n > 10 || UNIT.test(next)) continue;
    return n;
  }
  return null;
}
