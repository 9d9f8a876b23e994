// Graph API plumbing shared by the Instagram and Facebook Pages clients
// (PLATFORMS.md §0): versioned URLs, form-encoded bodies, the access_token
// parameter, and one pure classification of every failure the Graph API (and
// rupload) can answer with.
import { PublishError, type PublishContext } from "./types";
import { retryAfterSeconds, tryParseJson } from "../lib/reply";

/** The Graph error envelope `{"error":{…}}` (Graph API "Handling Errors"). */
export interface GraphErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_title?: string;
  error_user_msg?: string;
  fbtrace_id?: string;
}

/** rupload's own envelope (PLATFORMS.md §2.2). */
export interface RuploadDebugInfo {
  type?: string;
  message?: string;
  retriable?: boolean;
}

export type GraphPlatform = "Instagram" | "Facebook";

type HeaderSource = Headers | Record<string, string | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key ? headers[key] : undefined;
}

/** How long to wait before calling this app again, in the usage headers (Graph API "Rate Limits"); undefined when they ask for nothing. */
export function usageBackoffSeconds(headers: HeaderSource): number | undefined {
  let wait: number | undefined;
  const bump = (s: number) => (wait = Math.max(wait ?? 0, s));
  // X-Business-Use-Case-Usage: {"<business id>":[{type, call_count, …, estimated_time_to_regain_access (minutes)}]}
  const buc = tryParseJson(header(headers, "x-business-use-case-usage") ?? "");
  if (buc && typeof buc === "object") {
    for (const entries of Object.values(buc as Record<string, unknown>)) {
      for (const e of Array.isArray(entries) ? entries : []) {
        const minutes = Number((e as Record<string, unknown>)?.estimated_time_to_regain_access);
        if (Number.isFinite(minutes) && minutes > 0) bump(minutes * 60);
      }
    }
  }
  // X-App-Usage / X-Page-Usage: percentages of a rolling one-hour window. At 100% calls are throttled until
  // the window slides; Meta gives no exact time, so wait a tenth of the window rather than hammer it.
  for (const name of ["x-app-usage", "x-page-usage"]) {
    const usage = tryParseJson(header(headers, name) ?? "") as Record<string, unknown> | undefined;
    if (!usage || typeof usage !== "object") continue;
    const top = Math.max(...["call_count", "total_cputime", "total_time"].map((k) => Number(usage[k]) || 0));
    if (top >= 100) bump(360);
  }
  return wait;
}

/** Instagram error subcodes (PLATFORMS.md §1.7) in words a person understands, and whether trying again can help. */
const IG_SUBCODES: Record<number, { retry: boolean; words: string }> = {
  2207001: { retry: true, words: "Instagram had a server error" },
  2207003: { retry: true, words: "Instagram timed out downloading the media" },
  2207004: { retry: false, words: "The image is larger than Instagram's 8 MB limit" },
  2207005: { retry: false, words: "Instagram does not support this image format (it takes JPEG)" },
  2207006: { retry: true, words: "Instagram could not find the media (a permission or token problem)" },
  2207008: { retry: true, words: "Instagram's media container expired or went missing" },
  2207009: { retry: false, words: "Instagram does not support this image's aspect ratio (4:5 to 1.91:1 for feed images)" },
  2207010: { retry: false, words: "The caption is too long for Instagram (2,200 characters at most)" },
  2207020: { retry: true, words: "The media expired on Instagram before it was published" },
  2207023: { retry: false, words: "Instagram does not know this media type" },
  2207026: { retry: false, words: "Instagram does not support this video format (it takes MP4 or MOV, H.264, AAC)" },
  2207027: { retry: true, words: "The media is not ready for publishing yet" },
  2207028: { retry: false, words: "An Instagram carousel needs 2 to 10 items" },
  2207032: { retry: true, words: "Instagram failed to create the media" },
  2207042: { retry: true, words: "The Instagram account reached its daily publishing limit" },
  2207050: { retry: false, words: "The Instagram account is inactive, checkpointed or restricted; its owner must act in the app" },
  2207051: { retry: false, words: "Instagram restricted this action as suspected spam" },
  2207052: { retry: true, words: "Instagram could not fetch the media from its URL" },
  2207053: { retry: true, words: "Instagram had an unknown error uploading the video" },
  2207057: { retry: false, words: "The reel's thumbnail offset is outside the video" },
  2207081: { retry: false, words: "This Instagram account cannot use trial reels" },
  2207082: { retry: true, words: "Instagram could not upload the media" },
};

/** Facebook photo and video error codes (PLATFORMS.md §2.3, §2.4). */
const FB_CODES: Record<number, { retry: boolean; words: string }> = {
  1363019: { retry: true, words: "Facebook had a problem receiving the video" },
  1363021: { retry: true, words: "Facebook had a problem receiving the video" },
  1363030: { retry: true, words: "Facebook timed out receiving the video" },
  1363033: { retry: true, words: "Facebook had a problem receiving the video" },
  1363041: { retry: true, words: "Facebook had a problem receiving the video" },
  1363022: { retry: false, words: "The video is too large for Facebook" },
  1363023: { retry: false, words: "The video is too large for Facebook" },
  1363024: { retry: false, words: "Facebook does not support this video format" },
  1363025: { retry: false, words: "Facebook does not support this video format" },
  1363026: { retry: false, words: "The video is too long for Facebook" },
  1363031: { retry: false, words: "The video is too short for Facebook" },
  1363032: { retry: false, words: "The video is too short for Facebook" },
  1366046: { retry: false, words: "Facebook refused the photo (under 4 MB, JPG or PNG)" },
  1390008: { retry: true, words: "Facebook says the Page is posting too fast" },
  1346003: { retry: false, words: "Facebook flagged the post as abusive" },
  1404078: { retry: false, words: "The Page needs Page Publishing Authorization before it can post" },
  6000: { retry: false, words: "Facebook had a problem with the video file" },
};

const TRANSIENT_CODES = new Set([1, 2]);
/** App, user, Page, custom and Business Use Case rate limits (PLATFORMS.md §0). */
const RATE_LIMIT_CODES = new Set([4, 17, 32, 341, 613]);
const isBucCode = (code: number) => code >= 80001 && code <= 80009;
/** Failed attempts a 6000 with a retryable 1363xxx subcode gets before the delivery fails. */
export const FILE_PROBLEM_RETRIES = 3;
/** 368: temporarily blocked for policy violations; Meta says hours. */
const POLICY_BLOCK_SECONDS = 3 * 3600;

function words(platform: GraphPlatform, what: string, e: GraphErrorBody | undefined): string {
  const own = e?.error_user_msg || e?.message;
  return own ? `${what}. ${platform} said: ${own}` : `${what}.`;
}

/**
 * Classifies a failed Graph (or rupload) response: pure, no I/O. The class
 * decides what the consumer does (retry later, reconnect the account, fail
 * with the reason); never classify by HTTP status alone, rate limits come back
 * as 400 (PLATFORMS.md §0). The Instagram 24 h cap (2207042) comes back
 * retryable with a default wait; the client replaces it with the time the
 * rolling window frees a slot, read from content_publishing_limit.
 */
export function classifyGraphError(status: number, body: string, headers: HeaderSource, platform: GraphPlatform = "Instagram", nowMs = Date.now()): PublishError {
  const parsed = tryParseJson(body) as { error?: GraphErrorBody; debug_info?: RuploadDebugInfo } | undefined;
  const waitHeader = retryAfterSeconds(header(headers, "retry-after"), nowMs);
  const usageWait = usageBackoffSeconds(headers);
  const advertised = waitHeader ?? usageWait;
  const base = { httpStatus: status, retryAfterSeconds: advertised };

  // A WAF or load balancer page (HTML 502) is not the API speaking: transient.
  if (!parsed || typeof parsed !== "object") {
    return new PublishError("retryable", `${platform} answered HTTP ${status} without an API response; trying again later.`, { ...base, platformMessage: body.slice(0, 200) || undefined });
  }
  if (parsed.debug_info && !parsed.error) {
    const d = parsed.debug_info;
    if (status === 401) return new PublishError("reconnect", `${platform} refused the token for the video upload; reconnect the account.`, { ...base, platformMessage: d.message, code: d.type, tokenRejected: true });
    const retry = status >= 500 || d.retriable === true || d.type === "ProcessingFailedError";
    return new PublishError(retry ? "retryable" : "permanent", `${platform} refused the video upload${d.message ? `: ${d.message}` : ""}.`, { ...base, platformMessage: d.message, code: d.type });
  }
  const e = parsed.error;
  if (!e || typeof e !== "object") {
    const retry = status >= 500 || status === 429;
    return new PublishError(retry ? "retryable" : "permanent", `${platform} answered HTTP ${status} with no error detail.`, base);
  }
  const code = Number(e.code);
  const subcode = e.error_subcode === undefined ? undefined : Number(e.error_subcode);
  const opts = { ...base, platformMessage: e.message, code, subcode };

  if (code === 190 || code === 102) {
    const why = subcode === 463 ? "The access token expired" : subcode === 460 ? "The password was changed, which revoked the access token" : subcode === 458 ? "The app was removed from the account" : "The access token is no longer valid";
    return new PublishError("reconnect", words(platform, `${why}; reconnect the ${platform} account`, e), { ...opts, tokenRejected: true });
  }
  if (code === 10 || (code >= 200 && code <= 299)) {
    return new PublishError("reconnect", words(platform, `The ${platform} account did not grant the permission this needs; reconnect it and allow publishing`, e), opts);
  }
  if (code === 506) {
    // Identical consecutive post: it probably went out already. The caller verifies; never retry blindly.
    return new PublishError("unknown_outcome", words(platform, `${platform} says this is a duplicate of a recent post`, e), opts);
  }
  if (code === 368) {
    return new PublishError("retryable", words(platform, `${platform} temporarily blocked the account from posting for a policy reason`, e), { ...opts, retryAfterSeconds: Math.max(advertised ?? 0, POLICY_BLOCK_SECONDS) });
  }
  if (subcode !== undefined && IG_SUBCODES[subcode]) {
    const s = IG_SUBCODES[subcode]!;
    return new PublishError(s.retry ? "retryable" : "permanent", words(platform, s.words, e), opts);
  }
  // The subcode first: Facebook's 6000 "Problem with file" carries a 1363xxx subcode that says whether trying again can help.
  const bySubcode = subcode !== undefined ? FB_CODES[subcode] : undefined;
  const known = bySubcode ?? FB_CODES[code];
  if (known) {
    // An upload problem under 6000 passes sometimes, not forever: a few tries, then the file is the problem.
    const limit = known.retry && bySubcode && code === 6000 ? { maxFailures: FILE_PROBLEM_RETRIES } : {};
    return new PublishError(known.retry ? "retryable" : "permanent", words(platform, known.words, e), { ...opts, ...limit });
  }
  if (RATE_LIMIT_CODES.has(code) || isBucCode(code) || code === 9) {
    return new PublishError("retryable", words(platform, `${platform} rate-limited these requests; trying again after the advertised wait`, e), opts);
  }
  if (TRANSIENT_CODES.has(code) || e.is_transient === true || status >= 500 || status === 429 || /an unknown error (has )?occurred/i.test(e.message ?? "")) {
    return new PublishError("retryable", words(platform, `${platform} had a temporary problem`, e), opts);
  }
  if (code === 100 && subcode === 33) {
    return new PublishError("permanent", words(platform, `${platform} cannot find this object, or the account lost the permission to use it`, e), opts);
  }
  return new PublishError("permanent", words(platform, `${platform} refused the request`, e), opts);
}

/** A network failure or timeout: no answer at all. */
export function networkError(platform: GraphPlatform, err: unknown, token: string): PublishError {
  const name = (err as Error)?.name ?? "";
  const raw = String((err as Error)?.message ?? err);
  // The URL (and so the token) must never reach the attempt log.
  const scrubbed = token ? raw.split(token).join("[token]") : raw;
  const timedOut = name === "TimeoutError" || name === "AbortError";
  return new PublishError("retryable", timedOut ? `${platform} did not answer in time.` : `The connection to ${platform} failed.`, { platformMessage: scrubbed.slice(0, 200) });
}

/** Turns a failure of the call that makes a post public into "we do not know whether it went out". */
export function asUnknownOutcome(err: PublishError): PublishError {
  const noAnswer = err.opts.httpStatus === undefined || err.opts.httpStatus >= 500;
  if (!noAnswer || err.errorClass !== "retryable") return err;
  return new PublishError("unknown_outcome", `${err.message} It may have been published anyway; the next attempt asks first.`, err.opts);
}

/**
 * One Graph host with one token. GETs carry the token as `access_token` in the
 * query; POSTs as a form field (never JSON: `/feed` silently drops
 * `attached_media[*]` from a JSON body, PLATFORMS.md §0).
 */
export class Graph {
  constructor(
    private readonly ctx: Pick<PublishContext, "fetch" | "now" | "config">,
    private readonly base: string,
    private readonly token: string,
    readonly platform: GraphPlatform,
  ) {}

  url(path: string, query: Record<string, string> = {}): string {
    const qs = new URLSearchParams(query).toString();
    return `${this.base}/${this.ctx.config.graphVersion}/${path.replace(/^\/+/, "")}${qs ? `?${qs}` : ""}`;
  }

  get<T>(path: string, query: Record<string, string> = {}): Promise<T> {
    return this.send<T>(this.url(path, { ...query, access_token: this.token }), { method: "GET" });
  }

  /** `fields` are form-encoded in the body; `query` stays in the URL. */
  post<T>(path: string, fields: Record<string, string>): Promise<T> {
    const body = new URLSearchParams({ ...fields, access_token: this.token });
    return this.send<T>(this.url(path), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: body.toString() });
  }

  /** Any request whose failures are classified like Graph's (rupload too). */
  async send<T>(url: string, init: RequestInit): Promise<T> {
    let res: Response;
    let text: string;
    try {
      res = await this.ctx.fetch(url, init);
      text = await res.text();
    } catch (err) {
      throw networkError(this.platform, err, this.token);
    }
    if (!res.ok) throw classifyGraphError(res.status, text, res.headers, this.platform, this.ctx.now());
    const parsed = tryParseJson(text);
    if (parsed === undefined) throw classifyGraphError(res.status >= 500 ? res.status : 502, text, res.headers, this.platform, this.ctx.now());
    if (parsed && typeof parsed === "object" && "error" in parsed) throw classifyGraphError(res.status === 200 ? 400 : res.status, text, res.headers, this.platform, this.ctx.now());
    return parsed as T;
  }
}
