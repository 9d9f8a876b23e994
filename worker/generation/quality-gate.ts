// The quality gate (DESIGN.md §6, issue 9): every proposal, whoever wrote it,
// is checked against the brief and the platforms' limits, and against the
// brand's recent titles for near-duplicates. The verdict carries a score and
// a reason in words a person understands. Pure.
import type { Brief } from "../contract/schemas";
import { describeViolation, findViolation, hashtagsOf, missingHashtags } from "./brief-rules";
import { NEAR_DUPLICATE, type TitleIndex } from "./similarity";

/** Platform limits the gate applies (PLATFORMS.md): Instagram captions and hashtags, YouTube titles. */
export const LIMITS = { igCaptionChars: 2200, igHashtags: 30, ytTitleChars: 100 } as const;

/** Proposals scoring below this are rejected even when no rule is broken. */
export const PASSING_SCORE = 60;

export interface GateInput {
  title: string;
  angle: string;
  caption?: string | null;
  hashtags?: string[] | null;
}

export interface GateResult {
  accepted: boolean;
  score: number;
  reason: string;
}

const reject = (reason: string, score = 0): GateResult => ({ accepted: false, score, reason });

export function qualityGate(p: GateInput, brief: Brief, recent: TitleIndex): GateResult {
  const text = [p.title, p.angle, p.caption ?? "", ...(p.hashtags ?? [])].join("\n");
  const violation = findViolation(text, brief);
  if (violation) return reject(describeViolation(violation));

  if (p.title.length > LIMITS.ytTitleChars) {
    return reject(`The title has ${p.title.length} characters; YouTube allows ${LIMITS.ytTitleChars}.`);
  }
  if (p.caption != null) {
    if (p.caption.length > LIMITS.igCaptionChars) {
      return reject(`The caption has ${p.caption.length} characters; Instagram allows ${LIMITS.igCaptionChars}.`);
    }
    const tags = [...new Set([...hashtagsOf(p.caption), ...(p.hashtags ?? [])].map((t) => t.toLowerCase()))];
    if (tags.length > LIMITS.igHashtags) return reject(`The caption has ${tags.length} hashtags; Instagram allows ${LIMITS.igHashtags}.`);
    const missing = missingHashtags(tags, brief.hashtags);
    if (missing.length) return reject(`Missing the required hashtag${missing.length > 1 ? "s" : ""} ${missing.join(", ")}.`);
  }

  const closest = recent.closest(p.title);
  if (closest && closest.similarity >= NEAR_DUPLICATE) {
    return reject(`Too close to a recent title, “${closest.title}” (${Math.round(closest.similarity * 100)}% the same words).`);
  }

  // What is left is a judgement of the hook: its length and its freshness.
  let score = 100;
  const notes: string[] = [];
  const words = p.title.trim().split(/\s+/).length;
  if (words < 3) (score -= 20), notes.push("the title is very short");
  else if (words > 14) (score -= 25), notes.push("the title is long for a hook");
  if (p.title.length > 70) (score -= 10), notes.push("it may be cut off in feeds");
  const overlap = closest ? closest.similarity : 0;
  if (overlap >= 0.5) (score -= Math.round((overlap - 0.3) * 50)), notes.push(`it shares words with “${closest!.title}”`);
  score = Math.max(0, Math.min(100, score));
  if (score < PASSING_SCORE) return reject(`Scored ${score}/100: ${notes.join(", ")}.`, score);
  return {
    accepted: true,
    score,
    reason: notes.length
      ? `Passed with ${score}/100, though ${notes.join(" and ")}.`
      : `Passed with ${score}/100: a clear ${words}-word hook, within every platform's limits, unlike anything from the last 60 days.`,
  };
}
