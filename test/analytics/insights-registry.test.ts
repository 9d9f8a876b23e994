// The metric registry and the refusal classification, pure (DESIGN.md §10,
// PLATFORMS.md §8): no version this product can be configured with ever asks
// for a retired metric, every platform's numbers land on the API's metrics,
// and a Graph error is read as the right per-post or whole-call refusal.
import { describe, expect, it } from "vitest";
import { graphPostRefusal, insightsErrorFrom, RATE_LIMIT_DEFAULT_SECONDS } from "../../worker/analytics/insights/errors";
import { blamedMetric, existsAt, METRICS, metricsFor, parseGraphVersion, retiredNames, sumOf, toCount, type Surface } from "../../worker/analytics/insights/registry";
import { PublishError } from "../../worker/publishing/types";

/** Every Graph version from the oldest still callable to the newest (PLATFORMS.md §0: v25.0 default, v26.0 newest), and some to come. */
const VERSIONS = Array.from({ length: 13 }, (_, i) => `v${18 + i}.0`);
const GRAPH_SURFACES: Surface[] = ["instagram_media", "instagram_account", "facebook_post", "facebook_reel", "facebook_page"];

const graphError = (code: number, message: string, extra: { subcode?: number; tokenRejected?: boolean } = {}) =>
  new PublishError(code === 190 ? "reconnect" : "permanent", "refused", { code, platformMessage: message, subcode: extra.subcode, tokenRejected: extra.tokenRejected, httpStatus: 400 });

describe("the metric registry", () => {
  it("never yields a retired metric, at any version, content type or fallback", () => {
    const retired = new Set(METRICS.filter((d) => d.retired).map((d) => `${d.surface}:${d.name}`));
    expect(retired.size).toBeGreaterThanOrEqual(9);
    for (const version of VERSIONS) {
      for (const surface of GRAPH_SURFACES) {
        for (const contentType of ["reel", "post", undefined] as const) {
          for (const fallback of [false, true]) {
            for (const def of metricsFor(surface, version, { contentType, fallback })) expect(retired.has(`${surface}:${def.name}`), `${version} ${surface} ${def.name}`).toBe(false);
          }
        }
      }
    }
  });

  it("lists the names PLATFORMS.md §8 says are gone", () => {
    expect(retiredNames("instagram_media")).toEqual(expect.arrayContaining(["impressions", "plays", "clips_replays_count", "ig_reels_aggregated_all_plays_count", "video_views"]));
    expect(retiredNames("facebook_page")).toContain("page_fans");
    expect(retiredNames("facebook_post")).toContain("post_impressions");
  });

  it("respects version ranges: Instagram's likes, comments and shares exist from v18.0", () => {
    const at = (v: string) => metricsFor("instagram_media", v).map((d) => d.name);
    expect(at("v17.0")).toEqual(["views", "reach", "saved"]);
    expect(at("v25.0")).toEqual(["views", "reach", "likes", "comments", "shares", "saved"]);
    const impressions = METRICS.find((d) => d.surface === "instagram_media" && d.name === "impressions")!;
    expect(existsAt(impressions, "v21.0")).toBe(false); // before its `until`, yet retired for every version since April 2025
  });

  it("maps every platform onto the API's metrics (PLATFORMS.md §8)", () => {
    const targets = (surface: Surface, contentType?: "reel" | "post", version: string | null = "v25.0") =>
      [...new Set(metricsFor(surface, version, { contentType }).flatMap((d) => Object.keys(d.yields)))].sort();
    expect(targets("instagram_media", "reel")).toEqual(["comments", "likes", "reach", "saves", "shares", "views"]);
    expect(targets("instagram_media", "post")).toEqual(["comments", "likes", "reach", "saves", "shares", "views"]);
    expect(targets("facebook_post")).toEqual(["comments", "likes", "reach", "shares", "views"]);
    expect(targets("facebook_reel")).toEqual(["comments", "likes", "reach", "shares", "views"]);
    expect(targets("youtube_video", undefined, null)).toEqual(["comments", "likes", "views"]);
    for (const s of ["instagram_account", "facebook_page"] as const) expect(targets(s)).toEqual(["followers"]);
    expect(targets("youtube_channel", undefined, null)).toEqual(["followers"]);
  });

  it("reads numbers as platforms send them", () => {
    expect(toCount("1234")).toBe(1234); // YouTube statistics are strings
    expect(toCount(12)).toBe(12);
    expect(toCount(undefined)).toBeNull();
    expect(toCount(-1)).toBeNull();
    expect(toCount("n/a")).toBeNull();
    expect(sumOf({ like: 3, love: 2, wow: 1 })).toBe(6);
    expect(sumOf({ like: 3, love: "x" })).toBeNull();
    const social = METRICS.find((d) => d.name === "post_video_social_actions")!;
    expect(social.yields.comments!({ COMMENT: 4, SHARE: 2 })).toBe(4);
    expect(social.yields.shares!({ COMMENT: 4, SHARE: 2 })).toBe(2);
    expect(social.yields.shares!({ COMMENT: 4 })).toBe(0);
    const shares = METRICS.find((d) => d.surface === "facebook_post" && d.name === "shares")!;
    expect(shares.yields.shares!(undefined)).toBe(0);
    expect(shares.yields.shares!({ count: 9 })).toBe(9);
  });

  it("parses Graph versions", () => {
    expect(parseGraphVersion("v25.0")).toEqual([25, 0]);
    expect(parseGraphVersion("25.0")).toBeNull();
    expect(() => existsAt(METRICS.find((d) => d.since)!, "latest")).toThrow(/not a Graph API version/);
  });
});

describe("which metric a code 100 blames", () => {
  const asked = ["views", "reach", "likes", "comments", "shares", "saved"];
  it.each([
    ["(#100) The metric shares is not supported for this media type", "shares"],
    ["(#100) Starting from version v22.0 and above, the plays metric is no longer supported", undefined],
    ["(#100) The Media Insights API does not support the views metric for this media product type.", "views"],
    ["(#100) metric[3] must be one of the following values: views, reach, likes, shares, saved", "comments"],
    ["(#100) The value must be a valid insights metric", undefined],
  ])("%s → %s", (message, blamed) => {
    expect(blamedMetric(message, asked)).toBe(blamed);
  });

  it("prefers the longest name, and reads a field by its root", () => {
    expect(blamedMetric("(#100) post_impressions_unique is deprecated", ["post_impressions", "post_impressions_unique"])).toBe("post_impressions_unique");
    expect(blamedMetric("(#100) Tried accessing nonexisting field (comments) on node type (Photo)", ["comments.summary(true).limit(0)", "shares"])).toBe("comments.summary(true).limit(0)");
  });
});

describe("Graph refusals: one post, or the whole call", () => {
  const asked = ["views", "reach"];
  it("code 10 'not enough viewers' is the post's, code 10 otherwise is the account's permission", () => {
    expect(graphPostRefusal(graphError(10, "(#10) Not enough viewers for the media to show insights"), asked)).toEqual({ kind: "no_insights", why: "code 10, not enough viewers yet" });
    const denied = graphError(10, "(#10) Application does not have permission for this action");
    expect(graphPostRefusal(denied, asked)).toBeNull();
    expect(insightsErrorFrom(new PublishError("reconnect", "x", { code: 10 }), "Instagram").errorClass).toBe("missing_permission");
    expect(insightsErrorFrom(new PublishError("reconnect", "x", { code: 200 }), "Facebook").errorClass).toBe("missing_permission");
  });

  it("media from before the business conversion (subcode 2108006) has no insights", () => {
    expect(graphPostRefusal(graphError(4, "Media Posted Before Business Account Conversion", { subcode: 2108006 }), asked)?.kind).toBe("no_insights");
  });

  it("code 100: one metric, an unnamed metric, a missing object, or something about the post", () => {
    expect(graphPostRefusal(graphError(100, "(#100) The metric reach is not supported"), asked)).toEqual({ kind: "metric", name: "reach" });
    expect(graphPostRefusal(graphError(100, "(#100) The value must be a valid insights metric"), asked)).toEqual({ kind: "unnamed_metric" });
    expect(graphPostRefusal(graphError(100, "Unsupported get request.", { subcode: 33 }), asked)?.kind).toBe("unavailable");
    expect(graphPostRefusal(graphError(100, "(#100) Invalid parameter"), asked)?.kind).toBe("unavailable");
  });

  it("rate limits, tokens and outages fail the whole call with their class", () => {
    expect(graphPostRefusal(graphError(4, "(#4) Application request limit reached"), asked)).toBeNull();
    expect(graphPostRefusal(graphError(190, "expired", { tokenRejected: true }), asked)).toBeNull();
    const limited = insightsErrorFrom(new PublishError("retryable", "x", { code: 17 }), "Instagram");
    expect(limited).toMatchObject({ errorClass: "retryable", opts: { retryAfterSeconds: RATE_LIMIT_DEFAULT_SECONDS } });
    expect(insightsErrorFrom(new PublishError("retryable", "x", { code: 32, retryAfterSeconds: 900 }), "Facebook").opts.retryAfterSeconds).toBe(900);
    expect(insightsErrorFrom(new PublishError("retryable", "x", { httpStatus: 503 }), "Facebook").opts.retryAfterSeconds).toBeUndefined();
    expect(insightsErrorFrom(new PublishError("reconnect", "x", { code: 190, tokenRejected: true }), "Facebook").errorClass).toBe("reconnect");
    expect(insightsErrorFrom(new PublishError("unknown_outcome", "x", { code: 506 }), "Facebook").errorClass).toBe("permanent");
  });
});
