// The video resource sent when a YouTube upload session starts (PLATFORMS.md
// §3.3, §3.4). Pure: the limits are YouTube's, checked here so a bad title is
// a clear permanent error before any quota is spent.
import { PublishError, type PublishContent } from "./types";

export const TITLE_MAX_CHARS = 100;
export const DESCRIPTION_MAX_BYTES = 5000;
export const TAGS_MAX_CHARS = 500;
/** People & Blogs. */
export const CATEGORY_ID = "22";
const SHORTS_HINT = "#Shorts";

export interface VideoResource {
  snippet: { title: string; description: string; tags: string[]; categoryId: string };
  status: { privacyStatus: "public"; selfDeclaredMadeForKids: false };
}

/** `<` and `>` are refused in titles and descriptions (invalidTitle, invalidDescription): use the look-alike guillemets. */
const withoutAngles = (s: string) => s.replace(/</g, "‹").replace(/>/g, "›");

/** Cuts to at most `max` characters (code points, so no half surrogate pair). */
function cutChars(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : chars.slice(0, max).join("").trimEnd();
}

/** Cuts to at most `max` UTF-8 bytes on a character boundary. */
function cutBytes(s: string, max: number): string {
  const enc = new TextEncoder();
  if (enc.encode(s).length <= max) return s;
  let out = "";
  let used = 0;
  for (const ch of s) {
    const n = enc.encode(ch).length;
    if (used + n > max) break;
    out += ch;
    used += n;
  }
  return out;
}

/**
 * The title: the output's ytTitle (else its title), at most 100 characters,
 * with the optional `#Shorts` hint (§3.4) when it fits. An empty title is a
 * permanent error: YouTube refuses it and no retry can help.
 */
export function videoTitle(content: Pick<PublishContent, "ytTitle" | "title">): string {
  const base = withoutAngles((content.ytTitle || content.title || "").replace(/\s+/g, " ").trim());
  if (!base) throw new PublishError("permanent", "The video has no title; YouTube requires one (at most 100 characters).", { code: "invalidTitle" });
  if (/#shorts\b/i.test(base)) return cutChars(base, TITLE_MAX_CHARS);
  const hinted = `${base} ${SHORTS_HINT}`;
  return [...hinted].length <= TITLE_MAX_CHARS ? hinted : cutChars(base, TITLE_MAX_CHARS);
}

export function videoDescription(caption: string): string {
  return cutBytes(withoutAngles(caption.trim()), DESCRIPTION_MAX_BYTES);
}

/** YouTube counts a tag with a space as if quoted, and the commas between tags (invalidTags past 500). */
const tagCost = (tag: string) => tag.length + (/\s/.test(tag) ? 2 : 0);

/** The caption's hashtags as tags, first seen first, within 500 characters in total. */
export function videoTags(caption: string): string[] {
  const seen = new Set<string>();
  const tags: string[] = [];
  let used = 0;
  for (const m of caption.matchAll(/#([\p{L}\p{N}_]+)/gu)) {
    const tag = m[1]!;
    const key = tag.toLowerCase();
    if (seen.has(key) || key === "shorts") continue;
    const cost = tagCost(tag) + (tags.length > 0 ? 1 : 0);
    if (used + cost > TAGS_MAX_CHARS) break;
    seen.add(key);
    tags.push(tag);
    used += cost;
  }
  return tags;
}

export function videoResource(content: PublishContent): VideoResource {
  return {
    snippet: { title: videoTitle(content), description: videoDescription(content.caption), tags: videoTags(content.caption), categoryId: CATEGORY_ID },
    status: { privacyStatus: "public", selfDeclaredMadeForKids: false },
  };
}
