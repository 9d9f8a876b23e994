// Failures of insights calls, classified once (worker/analytics/types.ts
// InsightsError): the publishing clients' pure classifications
// (publishing/graph.ts classifyGraphError, publishing/youtube-errors.ts) read
// the platform's answer, and this module says what it means for metrics,
// which differ from publishing in two ways: a refused permission is "reconnect
// to see analytics" (publishing goes on), and some refusals concern one post
// only (too few viewers, one unknown metric) and become nulls, not a throw.
import { PublishError } from "../../publishing/types";
import { InsightsError } from "../types";
import { blamedMetric } from "./registry";

/** Graph's rate limits (code 4, 17, 32, 613, 8000x) come with no wait when the usage headers are missing: Meta's windows are a rolling hour, so come back after a tenth of it, as publishing/graph.ts usageBackoffSeconds does at 100 %. */
export const RATE_LIMIT_DEFAULT_SECONDS = 360;

const RATE_LIMIT_CODES = new Set([4, 17, 32, 341, 613]);
const isRateLimit = (code: unknown) => typeof code === "number" && (RATE_LIMIT_CODES.has(code) || (code >= 80001 && code <= 80009));

/** Graph code 10 is both "permission denied" and, on one media, "(#10) Not enough viewers for the media to show insights". */
export const TOO_FEW_VIEWERS = /not enough viewers|too few (viewers|people)|not enough (data|reach)/i;
/** Subcode 2108006: media posted before the account became a business account has no insights. */
const BEFORE_CONVERSION_SUBCODE = 2108006;

/** A whole call's failure as the sampler needs it. */
export function insightsErrorFrom(err: PublishError, platform: string): InsightsError {
  const opts = { platformMessage: err.opts.platformMessage, httpStatus: err.opts.httpStatus, code: err.opts.code, retryAfterSeconds: err.opts.retryAfterSeconds };
  switch (err.errorClass) {
    case "retryable":
      return new InsightsError("retryable", err.message, { ...opts, retryAfterSeconds: opts.retryAfterSeconds ?? (isRateLimit(err.opts.code) ? RATE_LIMIT_DEFAULT_SECONDS : undefined) });
    case "reconnect":
      // A refused token is refreshed once by the caller; what is left is a refused permission (Graph 10, 200–299; YouTube insufficientPermissions).
      if (err.opts.tokenRejected) return new InsightsError("reconnect", `${platform} no longer accepts this account's access; reconnect it.`, opts);
      return missingPermission(platform, opts);
    default:
      return new InsightsError("permanent", err.message, opts);
  }
}

export function missingPermission(platform: string, opts: InsightsError["opts"] = {}): InsightsError {
  return new InsightsError("missing_permission", `${platform} did not grant this account's insights; reconnect it to see analytics (publishing is unaffected).`, opts);
}

/** A refusal that concerns one post, or one metric of it, rather than the whole call. */
export type PostRefusal =
  /** Code 100 blaming one requested metric (retired, unknown at this version, not for this media type): ask again without it. */
  | { kind: "metric"; name: string }
  /** Code 100 about a metric or field without saying which: narrow it down. */
  | { kind: "unnamed_metric" }
  /** The post has no insights to give (too few viewers, posted before a business conversion): nulls, and the public counts if any. */
  | { kind: "no_insights"; why: string }
  /** The object is gone, or this token may not see it (code 100, subcode 33). */
  | { kind: "unavailable"; why: string };

/** Pure: which per-post refusal a Graph error is, or null when it fails the whole call. */
export function graphPostRefusal(err: PublishError, requested: readonly string[]): PostRefusal | null {
  const code = err.opts.code;
  const message = err.opts.platformMessage ?? "";
  if (err.opts.subcode === BEFORE_CONVERSION_SUBCODE) return { kind: "no_insights", why: "posted before the account became a business account" };
  if (code === 10 && TOO_FEW_VIEWERS.test(message)) return { kind: "no_insights", why: "code 10, not enough viewers yet" };
  if (code !== 100 || err.opts.tokenRejected) return null;
  if (err.opts.subcode === 33) return { kind: "unavailable", why: "the platform no longer has this post, or this account may not read it (code 100/33)" };
  const name = blamedMetric(message, requested);
  if (name) return { kind: "metric", name };
  if (/metric|field/i.test(message)) return { kind: "unnamed_metric" };
  return { kind: "unavailable", why: `code 100: ${message.slice(0, 160)}` };
}
