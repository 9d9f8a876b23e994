// The brand's content brief (API.md `Brief`, DESIGN.md §6): stored as JSON
// configuration on the brand, read with defaults, merged field by field on write.
import { templateWriterLanguage, type TemplateWriterLanguage } from "../contract/languages";
import type { Brief, BriefInput } from "../contract/schemas";

export const EMPTY_BRIEF: Brief = {
  niche: "",
  audience: "",
  tone: "",
  language: "en",
  topics: [],
  avoid: [],
  bannedWords: [],
  hashtags: [],
  reelsPerDay: null,
  postsPerDay: null,
};

/** The stored JSON (or NULL) as a complete Brief; unknown or malformed content falls back to the defaults. */
export function readBrief(json: string | null | undefined): Brief {
  if (!json) return { ...EMPTY_BRIEF };
  try {
    const v = JSON.parse(json) as Partial<Brief>;
    return { ...EMPTY_BRIEF, ...v };
  } catch {
    return { ...EMPTY_BRIEF };
  }
}

/** A PATCH merges: fields it names replace the stored ones, the rest stay. Lists are de-duplicated case-insensitively. */
export function mergeBrief(current: Brief, patch: BriefInput): Brief {
  const next: Brief = { ...current };
  for (const [key, value] of Object.entries(patch) as Array<[keyof Brief, unknown]>) {
    if (value === undefined) continue;
    (next as Record<string, unknown>)[key] = Array.isArray(value) ? dedupe(value as string[]) : value;
  }
  return next;
}

function dedupe(list: string[]): string[] {
  const seen = new Set<string>();
  return list.filter((x) => {
    const k = x.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * The template writer's language: the brief's when it has words for it, English otherwise. The burst
 * writes nothing for a brief it has no words for (writerLanguageGap); a job made by hand still gets English.
 */
export type WriterLanguage = TemplateWriterLanguage;
export function writerLanguage(brief: Brief): WriterLanguage {
  return templateWriterLanguage(brief.language) ?? "en";
}
