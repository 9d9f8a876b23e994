// classifyGraphError over every row of PLATFORMS.md §0 "Codes that matter" and
// §1.7 "IG error subcodes", plus the envelopes that are not Graph's own.
import { MAX_FAILED_ATTEMPTS } from "../../worker/publishing/delivery-machine";
import { describe, expect, it } from "vitest";
import { retryAfterSeconds } from "../../worker/lib/reply";
import { asUnknownOutcome, classifyGraphError, FILE_PROBLEM_RETRIES, usageBackoffSeconds } from "../../worker/publishing/graph";
import { containerErrorSubcode } from "../../worker/publishing/instagram";
import { PublishError, type ErrorClass } from "../../worker/publishing/types";

const envelope = (code: number, subcode?: number, message = "platform words", extra: Record<string, unknown> = {}) =>
  JSON.stringify({ error: { message, type: "OAuthException", code, ...(subcode === undefined ? {} : { error_subcode: subcode }), fbtrace_id: "A1", ...extra } });

const classify = (code: number, subcode?: number, status = 400, headers: Record<string, string> = {}) => classifyGraphError(status, envelope(code, subcode), headers, "Instagram", 0);

describe("classifyGraphError: Graph codes (PLATFORMS.md §0)", () => {
  const rows: Array<[string, number, number | undefined, ErrorClass]> = [
    ["1 API unknown", 1, undefined, "retryable"],
    ["2 API service", 2, undefined, "retryable"],
    ["4 app rate limit", 4, undefined, "retryable"],
    ["17 user rate limit", 17, undefined, "retryable"],
    ["32 Page throttling", 32, undefined, "retryable"],
    ["613 custom rate limit", 613, undefined, "retryable"],
    ["341 application limit", 341, undefined, "retryable"],
    ["80001 BUC Pages", 80001, undefined, "retryable"],
    ["80002 BUC Instagram", 80002, undefined, "retryable"],
    ["80005 BUC", 80005, undefined, "retryable"],
    ["368 policy block", 368, undefined, "retryable"],
    ["10 permission denied", 10, undefined, "reconnect"],
    ["200 permission", 200, undefined, "reconnect"],
    ["299 permission", 299, undefined, "reconnect"],
    ["100 invalid parameter", 100, undefined, "permanent"],
    ["100/33 missing object", 100, 33, "permanent"],
    ["102 session", 102, undefined, "reconnect"],
    ["190/458 app not installed", 190, 458, "reconnect"],
    ["190/460 password changed", 190, 460, "reconnect"],
    ["190/463 expired", 190, 463, "reconnect"],
    ["190/467 invalid", 190, 467, "reconnect"],
    ["190 without subcode", 190, undefined, "reconnect"],
    ["506 duplicate", 506, undefined, "unknown_outcome"],
    ["9/2207042 daily cap", 9, 2207042, "retryable"],
  ];
  it.each(rows)("%s → %s", (_name, code, subcode, expected) => {
    const err = classify(code, subcode);
    expect(err).toBeInstanceOf(PublishError);
    expect(err.errorClass).toBe(expected);
    expect(err.opts.code).toBe(code);
    expect(err.opts.platformMessage).toBe("platform words");
    // Words for a person, with the platform's own message after them.
    expect(err.message).toMatch(/^[A-Z].*\. Instagram said: platform words$/);
  });

  it("only 190 and 102 ask for a token refresh", () => {
    expect(classify(190, 463).opts.tokenRejected).toBe(true);
    expect(classify(190, 460).opts.tokenRejected).toBe(true);
    expect(classify(102).opts.tokenRejected).toBe(true);
    for (const code of [10, 200, 4, 100, 368]) expect(classify(code).opts.tokenRejected).toBeUndefined();
  });

  it("says which token problem it was", () => {
    expect(classify(190, 463).message).toMatch(/expired/);
    expect(classify(190, 460).message).toMatch(/password/);
  });

  it("defers a policy block for hours", () => {
    expect(classify(368).opts.retryAfterSeconds).toBeGreaterThanOrEqual(3600);
  });

  it("an unknown code: 4xx permanent, 5xx retryable, is_transient retryable", () => {
    expect(classify(12345, undefined, 400).errorClass).toBe("permanent");
    expect(classify(12345, undefined, 500).errorClass).toBe("retryable");
    expect(classifyGraphError(400, envelope(12345, undefined, "x", { is_transient: true }), {}).errorClass).toBe("retryable");
    expect(classifyGraphError(400, envelope(12345, undefined, "An unknown error occurred"), {}).errorClass).toBe("retryable");
  });
});

describe("classifyGraphError: Instagram subcodes (PLATFORMS.md §1.7)", () => {
  const rows: Array<[number, number, ErrorClass]> = [
    [-2, 2207003, "retryable"],
    [-2, 2207020, "retryable"],
    [-1, 2207001, "retryable"],
    [-1, 2207032, "retryable"],
    [-1, 2207053, "retryable"],
    [1, 2207057, "permanent"],
    [4, 2207051, "permanent"],
    [9, 2207042, "retryable"],
    [24, 2207006, "retryable"],
    [24, 2207008, "retryable"],
    [25, 2207050, "permanent"],
    [100, 2207023, "permanent"],
    [100, 2207028, "permanent"],
    [352, 2207026, "permanent"],
    [9004, 2207052, "retryable"],
    [9007, 2207027, "retryable"],
    [36000, 2207004, "permanent"],
    [36001, 2207005, "permanent"],
    [36003, 2207009, "permanent"],
    [36004, 2207010, "permanent"],
    [100, 2207081, "permanent"],
    [1, 2207082, "retryable"],
  ];
  it.each(rows)("%i/%i → %s", (code, subcode, expected) => {
    const err = classify(code, subcode);
    expect(err.errorClass).toBe(expected);
    expect(err.opts.subcode).toBe(subcode);
  });

  it("the subcode wins over its code (4/2207051 is spam, not a rate limit)", () => {
    expect(classify(4, 2207051).message).toMatch(/spam/);
    expect(classify(36001, 2207005).message).toMatch(/JPEG/);
    expect(classify(352, 2207026).message).toMatch(/MP4/);
  });

  it("reads the 2207xxx reason out of an ERROR container's status", () => {
    expect(containerErrorSubcode("Error: Media upload has failed with error code 2207026")).toBe(2207026);
    expect(containerErrorSubcode("2207053")).toBe(2207053);
    expect(containerErrorSubcode("Error: something else")).toBeUndefined();
  });
});

describe("classifyGraphError: Facebook photo and video codes (PLATFORMS.md §2.3, §2.4)", () => {
  it.each([
    [1363019, "retryable"],
    [1363030, "retryable"],
    [1363041, "retryable"],
    [1363022, "permanent"],
    [1363026, "permanent"],
    [1363032, "permanent"],
    [1366046, "permanent"],
    [1390008, "retryable"],
    [1346003, "permanent"],
    [1404078, "permanent"],
    [6000, "permanent"],
  ] as Array<[number, ErrorClass]>)("%i → %s", (code, expected) => {
    expect(classifyGraphError(400, envelope(code), {}, "Facebook").errorClass).toBe(expected);
    // Facebook puts some of these in the subcode.
    expect(classifyGraphError(400, envelope(100, code), {}, "Facebook").errorClass).toBe(expected);
  });
});

describe("classifyGraphError: Facebook 6000 with a 1363xxx subcode (issue 16 item 2)", () => {
  it("reads the subcode before the code: an upload problem under 6000 is retryable a few times, a format problem is permanent", () => {
    const retry = classifyGraphError(400, envelope(6000, 1363030), {}, "Facebook");
    expect(retry.errorClass).toBe("retryable");
    expect(retry.opts.maxFailures).toBe(FILE_PROBLEM_RETRIES);
    expect(FILE_PROBLEM_RETRIES).toBeLessThan(MAX_FAILED_ATTEMPTS);
    expect(classifyGraphError(400, envelope(6000, 1363024), {}, "Facebook").errorClass).toBe("permanent");
    expect(classifyGraphError(400, envelope(6000), {}, "Facebook").errorClass).toBe("permanent");
    // A retryable subcode under another code keeps the usual limit.
    expect(classifyGraphError(400, envelope(100, 1363019), {}, "Facebook").opts.maxFailures).toBeUndefined();
  });
});

describe("classifyGraphError: waits the platform advertises", () => {
  it("Retry-After in seconds and as a date", () => {
    expect(classify(4, undefined, 429, { "Retry-After": "120" }).opts.retryAfterSeconds).toBe(120);
    expect(retryAfterSeconds(new Date(90_000).toUTCString(), 0)).toBe(90);
    expect(retryAfterSeconds("soon", 0)).toBeUndefined();
  });

  it("X-Business-Use-Case-Usage estimated_time_to_regain_access is minutes; the largest wins", () => {
    const buc = JSON.stringify({ "123": [{ type: "pages", call_count: 100, total_cputime: 5, total_time: 5, estimated_time_to_regain_access: 12 }], "456": [{ type: "instagram", estimated_time_to_regain_access: 3 }] });
    const err = classify(80001, undefined, 400, { "x-business-use-case-usage": buc });
    expect(err.errorClass).toBe("retryable");
    expect(err.opts.retryAfterSeconds).toBe(720);
  });

  it("X-App-Usage at 100% backs off; below it asks for nothing", () => {
    expect(usageBackoffSeconds({ "x-app-usage": JSON.stringify({ call_count: 100, total_cputime: 20, total_time: 20 }) })).toBeGreaterThan(0);
    expect(usageBackoffSeconds({ "x-app-usage": JSON.stringify({ call_count: 40, total_cputime: 20, total_time: 20 }) })).toBeUndefined();
    expect(usageBackoffSeconds(new Headers({ "x-app-usage": "not json" }))).toBeUndefined();
  });

  it("Retry-After wins over usage headers", () => {
    const buc = JSON.stringify({ "1": [{ estimated_time_to_regain_access: 60 }] });
    expect(classify(4, undefined, 400, { "retry-after": "30", "x-business-use-case-usage": buc }).opts.retryAfterSeconds).toBe(30);
  });
});

describe("classifyGraphError: bodies that are not Graph's envelope", () => {
  it("an HTML 502 from a proxy is transient, with a short excerpt", () => {
    const err = classifyGraphError(502, "<html><body>Bad Gateway</body></html>", {}, "Facebook");
    expect(err.errorClass).toBe("retryable");
    expect(err.message).toMatch(/Facebook answered HTTP 502/);
    expect(err.opts.httpStatus).toBe(502);
  });

  it("JSON without an error object: 5xx and 429 retryable, 4xx permanent", () => {
    expect(classifyGraphError(503, "{}", {}).errorClass).toBe("retryable");
    expect(classifyGraphError(429, "{}", {}).errorClass).toBe("retryable");
    expect(classifyGraphError(400, "{}", {}).errorClass).toBe("permanent");
  });

  it("rupload debug_info: retriable, ProcessingFailedError and 5xx retry; the rest is permanent", () => {
    const d = (o: object) => JSON.stringify({ debug_info: o });
    expect(classifyGraphError(400, d({ type: "X", message: "m", retriable: true }), {}, "Facebook").errorClass).toBe("retryable");
    expect(classifyGraphError(400, d({ type: "ProcessingFailedError", message: "m" }), {}, "Facebook").errorClass).toBe("retryable");
    expect(classifyGraphError(500, d({ type: "X", message: "m", retriable: false }), {}, "Facebook").errorClass).toBe("retryable");
    const perm = classifyGraphError(400, d({ type: "ParameterValidationError", message: "HeaderValuePredicate: Header Offset not convertable to unsigned long", retriable: false }), {}, "Facebook");
    expect(perm.errorClass).toBe("permanent");
    expect(perm.opts.platformMessage).toMatch(/Header Offset/);
    const auth = classifyGraphError(401, d({ type: "AuthError", message: "bad token" }), {}, "Facebook");
    expect([auth.errorClass, auth.opts.tokenRejected]).toEqual(["reconnect", true]);
  });
});

describe("asUnknownOutcome: the call that makes a post public", () => {
  it("no answer or a 5xx becomes unknown_outcome; a definite refusal stays what it is", () => {
    expect(asUnknownOutcome(new PublishError("retryable", "Instagram did not answer in time.")).errorClass).toBe("unknown_outcome");
    expect(asUnknownOutcome(classifyGraphError(502, "<html>", {})).errorClass).toBe("unknown_outcome");
    expect(asUnknownOutcome(classify(4)).errorClass).toBe("retryable");
    expect(asUnknownOutcome(classify(100)).errorClass).toBe("permanent");
    expect(asUnknownOutcome(classify(190, 460)).errorClass).toBe("reconnect");
  });
});
