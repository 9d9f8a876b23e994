// YouTube Data API errors → PublishError (PLATFORMS.md §3.7). Pure: the
// response's status, envelope and Retry-After in, the class and the delay out.
import { retryAfterSeconds } from "../lib/reply";
import { addDays, fromLocal, toLocal } from "../scheduling/zoned-time";
import { PublishError } from "./types";

/** `{"error":{"code","message","errors":[{"reason","domain","message"}],"status"}}` */
export interface GoogleErrorBody {
  error?: { code?: number; message?: string; errors?: Array<{ reason?: string; message?: string; domain?: string }>; status?: string } | string;
  error_description?: string;
}

const DAY_S = 86_400;

/** Daily quota resets at midnight Pacific Time (§3.6). */
export function secondsUntilPacificMidnight(now: number): number {
  const today = toLocal(now, "America/Los_Angeles");
  const midnight = fromLocal({ ...addDays(today, 1), hour: 0, minute: 0 }, "America/Los_Angeles");
  return Math.ceil((midnight - now) / 1000);
}

const PERMANENT_WORDS: Record<string, string> = {
  invalidTitle: "YouTube refused the title (1–100 characters, no < or >).",
  invalidDescription: "YouTube refused the description (at most 5,000 bytes, no < or >).",
  invalidTags: "YouTube refused the tags (at most 500 characters in total).",
  invalidCategoryId: "YouTube refused the video category.",
  invalidPublishAt: "YouTube refused the scheduled publishing time.",
  invalidVideoMetadata: "YouTube refused the video's details.",
  mediaBodyRequired: "YouTube received no video content.",
  invalidFilename: "YouTube refused the video's file name.",
  forbidden: "YouTube does not allow this channel to upload this video.",
  forbiddenPrivacySetting: "YouTube refused the privacy setting for this channel.",
  forbiddenLicenseSetting: "YouTube refused the license setting for this channel.",
};

/**
 * Classifies a refused YouTube call. `step` names what was refused, for the
 * person reading the delivery ("starting the upload").
 */
export function classifyYouTubeError(res: { status: number; body: GoogleErrorBody | null; retryAfter: string | null }, step: string, now: number): PublishError {
  const env = typeof res.body?.error === "object" ? res.body.error : undefined;
  const reason = env?.errors?.[0]?.reason ?? (typeof res.body?.error === "string" ? res.body.error : undefined);
  const platformMessage = env?.message ?? env?.errors?.[0]?.message ?? res.body?.error_description ?? `HTTP ${res.status}`;
  const base = { platformMessage, httpStatus: res.status, code: reason };
  const waited = retryAfterSeconds(res.retryAfter, now);

  if (res.status === 401) return new PublishError("reconnect", `YouTube refused the access token while ${step}.`, { ...base, tokenRejected: true });
  if (reason === "quotaExceeded")
    return new PublishError("retryable", "The YouTube API project's daily quota is used up; it resets at midnight Pacific Time.", { ...base, retryAfterSeconds: secondsUntilPacificMidnight(now) + 60 });
  if (reason === "uploadLimitExceeded")
    return new PublishError("retryable", "The channel reached YouTube's daily upload limit; trying again in 24 hours.", { ...base, retryAfterSeconds: DAY_S });
  if (res.status === 429 || reason === "rateLimitExceeded" || reason === "userRateLimitExceeded" || reason === "uploadRateLimitExceeded")
    return new PublishError("retryable", `YouTube asked us to slow down while ${step}.`, { ...base, ...(waited === undefined ? {} : { retryAfterSeconds: waited }) });
  if (res.status >= 500) return new PublishError("retryable", `YouTube had a server error while ${step}.`, { ...base, ...(waited === undefined ? {} : { retryAfterSeconds: waited }) });
  if (reason === "insufficientPermissions")
    return new PublishError("reconnect", "The YouTube connection lacks the upload permission; reconnect the channel and allow uploads.", base);
  const words = (reason && PERMANENT_WORDS[reason]) ?? `YouTube refused the request while ${step}.`;
  return new PublishError("permanent", words, base);
}
