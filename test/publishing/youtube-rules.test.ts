// The pure parts of the YouTube client: the video resource's limits (§3.3,
// §3.4) and the error table (§3.7).
import { describe, expect, it } from "vitest";
import { toLocal } from "../../worker/scheduling/zoned-time";
import { retryAfterSeconds } from "../../worker/lib/reply";
import { classifyYouTubeError, secondsUntilPacificMidnight } from "../../worker/publishing/youtube-errors";
import { videoDescription, videoResource, videoTags, videoTitle } from "../../worker/publishing/youtube-metadata";
import type { PublishContent } from "../../worker/publishing/types";

const content = (over: Partial<PublishContent> = {}): PublishContent => ({ kind: "reel", caption: "", title: "", ytTitle: "", media: {}, ...over });
const chars = (s: string) => [...s].length;
const bytes = (s: string) => new TextEncoder().encode(s).length;

describe("the YouTube title", () => {
  it("adds the #Shorts hint when it fits", () => {
    expect(videoTitle({ ytTitle: "Five pasta shapes", title: "x" })).toBe("Five pasta shapes #Shorts");
  });

  it("keeps a title that already says #shorts, in any case", () => {
    expect(videoTitle({ ytTitle: "Pasta #shorts", title: "" })).toBe("Pasta #shorts");
  });

  it("falls back to the output's title and stays within 100 characters, counting emoji as one", () => {
    const long = "🍝".repeat(60) + " and a very long tail of words that goes on";
    const t = videoTitle({ ytTitle: "", title: long });
    expect(chars(t)).toBeLessThanOrEqual(100);
    expect(t.startsWith("🍝".repeat(60))).toBe(true);
    expect(t).not.toContain("#Shorts");
  });

  it("never sends < or > (invalidTitle) and collapses whitespace", () => {
    expect(videoTitle({ ytTitle: " a <b>  bold \t move ", title: "" })).toBe("a ‹b› bold move #Shorts");
  });

  it("is a permanent error when empty", () => {
    expect(() => videoTitle({ ytTitle: " ", title: "" })).toThrowError(/no title/);
  });
});

describe("the YouTube description and tags", () => {
  it("cuts the description to 5,000 UTF-8 bytes on a character boundary", () => {
    const d = videoDescription("é".repeat(3000));
    expect(bytes(d)).toBe(5000);
    expect(d).toBe("é".repeat(2500));
    expect(videoDescription("x > y")).toBe("x › y");
  });

  it("takes the caption's hashtags once each, within 500 characters with commas", () => {
    expect(videoTags("Go #Pasta #pasta #food_love #Shorts")).toEqual(["Pasta", "food_love"]);
    const many = Array.from({ length: 80 }, (_, i) => `#tag${String(i).padStart(4, "0")}`).join(" ");
    const tags = videoTags(many);
    const cost = tags.reduce((n, t) => n + t.length, 0) + tags.length - 1;
    expect(cost).toBeLessThanOrEqual(500);
    expect(cost).toBeGreaterThan(490);
  });

  it("builds the whole resource: category 22, public, not made for kids", () => {
    expect(videoResource(content({ ytTitle: "T", caption: "c #x" }))).toEqual({
      snippet: { title: "T #Shorts", description: "c #x", tags: ["x"], categoryId: "22" },
      status: { privacyStatus: "public", selfDeclaredMadeForKids: false },
    });
  });
});

describe("YouTube errors (§3.7)", () => {
  const now = Date.parse("2026-11-26T05:00:00Z");
  const envelope = (code: number, reason: string, message = `${reason} words`) => ({ error: { code, message, errors: [{ reason, message }] } });
  const classify = (status: number, body: unknown, retryAfter: string | null = null) => classifyYouTubeError({ status, body: body as never, retryAfter }, "testing", now);

  it.each([
    [401, "authError", "reconnect"],
    [403, "quotaExceeded", "retryable"],
    [400, "uploadLimitExceeded", "retryable"],
    [403, "rateLimitExceeded", "retryable"],
    [403, "userRateLimitExceeded", "retryable"],
    [429, "rateLimitExceeded", "retryable"],
    [500, "backendError", "retryable"],
    [503, "backendError", "retryable"],
    [400, "invalidTitle", "permanent"],
    [400, "invalidDescription", "permanent"],
    [400, "invalidTags", "permanent"],
    [400, "invalidCategoryId", "permanent"],
    [400, "invalidPublishAt", "permanent"],
    [400, "mediaBodyRequired", "permanent"],
    [403, "forbidden", "permanent"],
    [403, "forbiddenPrivacySetting", "permanent"],
    [403, "insufficientPermissions", "reconnect"],
  ])("HTTP %i %s is %s", (status, reason, errorClass) => {
    const err = classify(status, envelope(status, reason));
    expect(err.errorClass).toBe(errorClass);
    expect(err.opts).toMatchObject({ code: reason, httpStatus: status, platformMessage: `${reason} words` });
    expect(err.message).not.toMatch(/undefined|\[object/);
  });

  it("only a 401 asks the consumer to refresh the token", () => {
    expect(classify(401, envelope(401, "authError")).opts.tokenRejected).toBe(true);
    expect(classify(403, envelope(403, "insufficientPermissions")).opts.tokenRejected).toBeUndefined();
  });

  it("quota waits until just after midnight Pacific, the channel limit 24 hours, rate limits their Retry-After", () => {
    const quota = classify(403, envelope(403, "quotaExceeded")).opts.retryAfterSeconds!;
    // 05:00Z on 26 Nov is 21:00 PST on the 25th: three hours to midnight, plus a minute's margin.
    expect(quota).toBe(3 * 3600 + 60);
    expect(classify(400, envelope(400, "uploadLimitExceeded")).opts.retryAfterSeconds).toBe(86_400);
    expect(classify(429, envelope(429, "rateLimitExceeded"), "30").opts.retryAfterSeconds).toBe(30);
    expect(classify(503, null, "Thu, 26 Nov 2026 05:00:10 GMT").opts.retryAfterSeconds).toBe(10);
  });

  it("midnight Pacific is found across the DST changes", () => {
    for (const at of ["2026-03-08T07:30:00Z", "2026-03-08T12:00:00Z", "2026-11-01T06:30:00Z", "2026-11-01T09:30:00Z", "2026-07-01T23:59:59Z"]) {
      const t = Date.parse(at);
      const s = secondsUntilPacificMidnight(t);
      const local = toLocal(t + s * 1000, "America/Los_Angeles");
      expect([local.hour, local.minute], at).toEqual([0, 0]);
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThanOrEqual(25 * 3600);
    }
  });

  it("reads Retry-After as seconds or a date, and ignores nonsense", () => {
    expect(retryAfterSeconds("12", now)).toBe(12);
    expect(retryAfterSeconds(null, now)).toBeUndefined();
    expect(retryAfterSeconds("soon", now)).toBeUndefined();
  });

  it("puts a non-JSON answer into words too", () => {
    const err = classify(502, null);
    expect(err).toMatchObject({ errorClass: "retryable", opts: { platformMessage: "HTTP 502" } });
  });
});
