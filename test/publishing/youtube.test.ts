// The YouTube client against the Google fake (PLATFORMS.md §3, §5, §6.3,
// §6.4): every request of the resumable protocol, resuming exactly from the
// reported Range after each kind of interruption, exactly one video under
// every "answer lost" fault, and errors classified with their delays.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { toLocal } from "../../worker/scheduling/zoned-time";
import { PublishError, type PublishAccount, type PublishContent } from "../../worker/publishing/types";
import { CHUNK_GRANULARITY, YouTubeClient } from "../../worker/publishing/youtube";
import { fakeAdmin, type LoggedRequest } from "../fakes/admin";
import { json } from "../support/fixtures";
import { attempt, patternBytes, publishContext, putMedia, sha256Hex, testDelivery, type TestDelivery } from "./context";
import { connect, deliver, newBrand, seedDelivery, workspace } from "./support";

const yt = fakeAdmin("youtube");
const MiB = 1024 * 1024;
/** Four chunks of 1 MiB (4 × 256 KiB): three full, the last one short. */
const VIDEO_SIZE = 3 * MiB + 12_345;
const CHANNEL = "UCbrandcastTestChannel01";
const REFRESH_TOKEN = "1//brandcast-refresh";
const SESSION_PATH = "/upload/youtube/v3/videos";

const client = new YouTubeClient({ chunkSize: MiB, backoffMs: 1, maxResumes: 3 });
/** Gives up at the first interruption: leaves the attempt's state for the next delivery to resolve. */
const impatient = new YouTubeClient({ chunkSize: MiB, backoffMs: 1, maxResumes: 0 });

let accessToken = "";
let tokenSeq = 0;

beforeEach(async () => {
  await yt.reset();
  accessToken = `ya29.test-${tokenSeq++}`;
  await yt.seed({ channels: [{ id: CHANNEL, title: "Brandcast Test", accessToken, refreshToken: REFRESH_TOKEN }] });
});

const jpeg = (size: number) => {
  const b = patternBytes(size, 3);
  b.set([0xff, 0xd8, 0xff, 0xe0], 0);
  b.set([0xff, 0xd9], size - 2);
  return b;
};

interface Setup {
  delivery: TestDelivery;
  content: PublishContent;
  bytes: Uint8Array;
}

async function setup(overrides: { ytTitle?: string; caption?: string; thumbnailSize?: number } = {}): Promise<Setup> {
  const bytes = patternBytes(VIDEO_SIZE, 11 + tokenSeq);
  const video = await putMedia(bytes, "video/mp4", "reel");
  const ytThumbnail = await putMedia(jpeg(overrides.thumbnailSize ?? 40_000), "image/jpeg", "thumb");
  const content: PublishContent = {
    kind: "reel",
    caption: overrides.caption ?? "Three habits that save an hour a day. #productivity #habits <not html>",
    title: "Save an hour",
    ytTitle: overrides.ytTitle ?? "3 habits that save an hour a day",
    media: { video, ytThumbnail },
  };
  const account: Omit<PublishAccount, "id"> = { externalId: CHANNEL, accessToken, loginVia: null };
  return { delivery: testDelivery("youtube", account), content, bytes };
}

/** The token endpoint as the credentials module calls it (§3.1). */
async function refreshFromFake(): Promise<string> {
  const res = await fetch(`${env.GOOGLE_OAUTH_BASE}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: REFRESH_TOKEN, client_id: "cid", client_secret: "secret" }),
  });
  const body = (await res.json()) as { access_token?: string; error?: string };
  if (!res.ok || !body.access_token) throw new PublishError("reconnect", `refresh refused: ${body.error}`);
  return body.access_token;
}

const isProbe = (r: LoggedRequest) => r.method === "PUT" && /^bytes \*\//.test(r.headers["content-range"] ?? "");
const dataPuts = (log: LoggedRequest[]) => log.filter((r) => r.method === "PUT" && r.path === SESSION_PATH && !isProbe(r));
const ranges = (log: LoggedRequest[]) => log.filter((r) => r.method === "PUT").map((r) => r.headers["content-range"]);
const sessionStarts = (log: LoggedRequest[]) => log.filter((r) => r.method === "POST" && r.path === SESSION_PATH);

async function videos(): Promise<Array<{ id: string; sha256: string; snippet: { title: string }; thumbnail: unknown; status: { privacyStatus: string } }>> {
  return Object.values((await yt.state()).videos);
}

/** §6.4: exactly one video on the channel, whole and in order. */
async function expectPublishedOnce(s: Setup, publishedId: string) {
  const all = await videos();
  expect(all).toHaveLength(1);
  expect(all[0]!.id).toBe(publishedId);
  expect(all[0]!.sha256).toBe(await sha256Hex(s.bytes));
  expect(s.delivery.state.publishedId).toBe(publishedId);
}

/** Chunks other than the last are multiples of 256 KiB, each starts where the session said, and their lengths match the range. */
function expectAlignedChunks(log: LoggedRequest[]) {
  for (const r of dataPuts(log)) {
    const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(r.headers["content-range"] ?? "");
    expect(m, r.headers["content-range"]).not.toBeNull();
    const [first, last, total] = [Number(m![1]), Number(m![2]), Number(m![3])];
    expect(r.bodyLength).toBe(last - first + 1);
    if (last !== total - 1) expect((last - first + 1) % CHUNK_GRANULARITY).toBe(0);
  }
}

describe("YouTube publishing: the resumable protocol", () => {
  it("starts a session, probes it, sends 256 KiB-aligned chunks, checkpoints the id, then sets the thumbnail", async () => {
    const s = await setup();
    const out = await attempt(client, s.delivery, { content: s.content });
    expect(out.kind).toBe("published");
    const id = out.kind === "published" ? out.publishedId : "";
    expect(out).toEqual({ kind: "published", publishedId: id, permalink: `https://www.youtube.com/shorts/${id}` });
    await expectPublishedOnce(s, id);

    const log = await yt.requests();
    expect(log.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST ${SESSION_PATH}`,
      ...Array(5).fill(`PUT ${SESSION_PATH}`),
      "POST /upload/youtube/v3/thumbnails/set",
    ]);
    const [start, probe, ...rest] = log;
    expect(start!.query).toEqual({ uploadType: "resumable", part: "snippet,status" });
    expect(start!.headers).toMatchObject({ authorization: `Bearer ${accessToken}`, "x-upload-content-length": String(VIDEO_SIZE), "x-upload-content-type": "video/mp4" });
    expect(start!.headers["content-type"]).toMatch(/^application\/json/);

    // The session URI was checkpointed before any byte went out; the probe comes first.
    const sessionUri = s.delivery.patches[0]!.uploadSession!;
    const uploadId = new URL(sessionUri).searchParams.get("upload_id");
    expect(sessionUri).toContain(`${SESSION_PATH}?uploadType=resumable&upload_id=`);
    expect(probe!.query.upload_id).toBe(uploadId);
    expect(probe!.headers["content-range"]).toBe(`bytes */${VIDEO_SIZE}`);
    expect(probe!.bodyLength).toBe(0);
    expect(probe!.headers["content-length"]).toBe("0");

    const chunks = rest.slice(0, 4);
    expect(chunks.map((r) => r.headers["content-range"])).toEqual([
      `bytes 0-${MiB - 1}/${VIDEO_SIZE}`,
      `bytes ${MiB}-${2 * MiB - 1}/${VIDEO_SIZE}`,
      `bytes ${2 * MiB}-${3 * MiB - 1}/${VIDEO_SIZE}`,
      `bytes ${3 * MiB}-${VIDEO_SIZE - 1}/${VIDEO_SIZE}`,
    ]);
    for (const c of chunks) {
      expect(c.query.upload_id).toBe(uploadId);
      expect(c.headers).toMatchObject({ authorization: `Bearer ${accessToken}`, "content-type": "video/mp4", "content-length": String(c.bodyLength) });
    }
    expect(chunks.map((c) => c.status)).toEqual([308, 308, 308, 201]);
    expectAlignedChunks(log);

    const thumb = rest[4]!;
    expect(thumb.query).toEqual({ videoId: id });
    expect(thumb.headers).toMatchObject({ authorization: `Bearer ${accessToken}`, "content-type": "image/jpeg" });
    expect(thumb.bodyLength).toBe(40_000);
    expect((await videos())[0]!.thumbnail).toMatchObject({ bytes: 40_000, contentType: "image/jpeg" });

    // The video resource as YouTube received it (§3.3, §3.4).
    const session = (await yt.state()).sessions[uploadId!];
    expect(session.meta).toEqual({
      snippet: {
        title: "3 habits that save an hour a day #Shorts",
        description: "Three habits that save an hour a day. #productivity #habits ‹not html›",
        tags: ["productivity", "habits"],
        categoryId: "22",
      },
      status: { privacyStatus: "public", selfDeclaredMadeForKids: false },
    });

    // Checkpoint order: session, then the last chunk's start, then the id, then the thumbnail.
    const order = (pred: (p: (typeof s.delivery.patches)[number]) => boolean) => s.delivery.patches.findIndex(pred);
    expect(order((p) => p.publishStartedAt != null)).toBeGreaterThan(order((p) => p.uploadSession != null));
    expect(order((p) => p.publishedId === id)).toBeGreaterThan(order((p) => p.publishStartedAt != null));
    expect(order((p) => p.checkpoint?.thumbnail === "set")).toBeGreaterThan(order((p) => p.publishedId === id));
    expect(s.delivery.state).toMatchObject({ uploadSession: sessionUri, publishedId: id, permalink: `https://www.youtube.com/shorts/${id}`, step: "published" });
  });

  it("a redelivery after publication calls nothing but returns the recorded id", async () => {
    const s = await setup();
    const first = await attempt(client, s.delivery, { content: s.content });
    await yt.reset();
    const again = await attempt(client, s.delivery, { content: s.content });
    expect(again).toEqual(first);
    expect(await yt.requests()).toEqual([]);
  });
});

describe("YouTube publishing: resuming exactly from the reported Range", () => {
  it("after a 503 that stored part of a chunk, probes and resumes at the first missing byte", async () => {
    const s = await setup();
    await yt.seed({ uploadFaults: [{ skip: 1, storeBytes: 100_000, status: 503 }] });
    const out = await attempt(client, s.delivery, { content: s.content });
    if (out.kind !== "published") throw new Error("not published");
    await expectPublishedOnce(s, out.publishedId);
    const log = await yt.requests();
    expect(ranges(log)).toEqual([
      `bytes */${VIDEO_SIZE}`,
      `bytes 0-${MiB - 1}/${VIDEO_SIZE}`,
      `bytes ${MiB}-${2 * MiB - 1}/${VIDEO_SIZE}`,
      `bytes */${VIDEO_SIZE}`,
      `bytes ${MiB + 100_000}-${2 * MiB + 100_000 - 1}/${VIDEO_SIZE}`,
      `bytes ${2 * MiB + 100_000}-${VIDEO_SIZE - 1}/${VIDEO_SIZE}`,
    ]);
    expect(log.filter((r) => r.method === "PUT").map((r) => r.status)).toEqual([308, 308, 503, 308, 308, 201]);
    expectAlignedChunks(log);
    expect(sessionStarts(log)).toHaveLength(1);
  });

  it("after the connection is cut mid-PUT, resumes from what the session kept", async () => {
    const s = await setup();
    // PUTs: the probe, chunk 1, chunk 2 (cut after 200,000 bytes).
    await yt.fault({ match: { method: "PUT", path: `^${SESSION_PATH}$`, nth: 3 }, action: { truncate: 200_000 } });
    const out = await attempt(client, s.delivery, { content: s.content });
    if (out.kind !== "published") throw new Error("not published");
    await expectPublishedOnce(s, out.publishedId);
    const log = await yt.requests();
    expect(ranges(log).slice(3, 5)).toEqual([`bytes */${VIDEO_SIZE}`, `bytes ${MiB + 200_000}-${2 * MiB + 200_000 - 1}/${VIDEO_SIZE}`]);
    expectAlignedChunks(log);
  });

  it("a chunk that hangs past the request timeout is probed and sent again from the session's offset", async () => {
    const s = await setup();
    // PUTs: the probe, chunk 1 (never answered, never stored).
    await yt.fault({ match: { method: "PUT", path: `^${SESSION_PATH}$`, nth: 2 }, action: { hang: true } });
    const out = await attempt(client, s.delivery, { content: s.content, requestTimeoutMs: 1500 });
    if (out.kind !== "published") throw new Error("not published");
    await expectPublishedOnce(s, out.publishedId);
    expect(ranges(await yt.requests()).slice(0, 4)).toEqual([`bytes */${VIDEO_SIZE}`, `bytes 0-${MiB - 1}/${VIDEO_SIZE}`, `bytes */${VIDEO_SIZE}`, `bytes 0-${MiB - 1}/${VIDEO_SIZE}`]);
  });

  it("a lost answer to the last chunk: the probe finds the video, and there is exactly one", async () => {
    const s = await setup();
    // PUTs: probe, chunks 1–3, the last chunk (committed, answer lost).
    await yt.fault({ match: { method: "PUT", path: `^${SESSION_PATH}$`, nth: 5 }, action: { dropAfterCommit: true } });
    const out = await attempt(client, s.delivery, { content: s.content });
    if (out.kind !== "published") throw new Error("not published");
    await expectPublishedOnce(s, out.publishedId);
    const log = await yt.requests();
    expect(ranges(log).slice(4)).toEqual([`bytes ${3 * MiB}-${VIDEO_SIZE - 1}/${VIDEO_SIZE}`, `bytes */${VIDEO_SIZE}`]);
    expect(log.filter(isProbe).at(-1)!.status).toBe(201);
  });

  it("a lost last answer across a redelivery: the next attempt probes first and sends no byte again", async () => {
    const s = await setup();
    await yt.fault({ match: { method: "PUT", path: `^${SESSION_PATH}$`, nth: 5 }, action: { dropAfterCommit: true } });
    const err = await attempt(impatient, s.delivery, { content: s.content }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect((err as PublishError).errorClass).toBe("unknown_outcome");
    expect(s.delivery.state.publishStartedAt).not.toBeNull();
    const before = (await yt.requests()).length;

    const out = await attempt(client, s.delivery, { content: s.content });
    if (out.kind !== "published") throw new Error("not published");
    await expectPublishedOnce(s, out.publishedId);
    const second = (await yt.requests()).slice(before);
    expect(second.map((r) => `${r.method} ${r.path}`)).toEqual([`PUT ${SESSION_PATH}`, "POST /upload/youtube/v3/thumbnails/set"]);
    expect(isProbe(second[0]!)).toBe(true);
  });

  it("an expired session (404 on the probe) starts a new one and uploads once", async () => {
    const s = await setup();
    await yt.fault({ match: { method: "PUT", path: `^${SESSION_PATH}$`, nth: 3 }, action: { status: 503, body: { error: { code: 503, message: "Backend Error", errors: [{ reason: "backendError" }] } } } });
    const err = await attempt(impatient, s.delivery, { content: s.content }).catch((e: unknown) => e);
    expect((err as PublishError).errorClass).toBe("retryable");
    const firstSession = s.delivery.state.uploadSession;
    expect(firstSession).not.toBeNull();

    await yt.advance(8 * 86_400_000); // Google keeps a session about a week
    const out = await attempt(client, s.delivery, { content: s.content });
    if (out.kind !== "published") throw new Error("not published");
    await expectPublishedOnce(s, out.publishedId);
    const log = await yt.requests();
    expect(sessionStarts(log)).toHaveLength(2);
    const probes = log.filter(isProbe);
    expect(probes.map((p) => p.status)).toEqual([308, 404, 308]);
    expect(s.delivery.state.uploadSession).not.toBe(firstSession);
    expectAlignedChunks(log);
  });

  it("a 401 mid-upload: the token is refreshed once and the same session resumes after a probe", async () => {
    const s = await setup();
    const authError = { error: { code: 401, message: "Request had invalid authentication credentials.", errors: [{ reason: "authError", domain: "global" }], status: "UNAUTHENTICATED" } };
    await yt.fault({ match: { method: "PUT", path: `^${SESSION_PATH}$`, nth: 3 }, action: { status: 401, body: authError } });
    const oldToken = accessToken;
    const out = await attempt(client, s.delivery, { content: s.content, refresh: refreshFromFake });
    if (out.kind !== "published") throw new Error("not published");
    await expectPublishedOnce(s, out.publishedId);

    const log = await yt.requests();
    expect(sessionStarts(log)).toHaveLength(1);
    const refreshAt = log.findIndex((r) => r.path === "/token");
    expect(log[refreshAt]!.form).toMatchObject({ grant_type: "refresh_token", refresh_token: REFRESH_TOKEN });
    expect(log.filter((r) => r.path === "/token")).toHaveLength(1);
    const after = log.slice(refreshAt + 1);
    expect(isProbe(after[0]!)).toBe(true);
    expect(after[1]!.headers["content-range"]).toBe(`bytes ${MiB}-${2 * MiB - 1}/${VIDEO_SIZE}`);
    const newToken = s.delivery.account.accessToken;
    expect(newToken).not.toBe(oldToken);
    for (const r of after.filter((r) => r.path !== "/token")) expect(r.headers.authorization).toBe(`Bearer ${newToken}`);
    // One session: every PUT went to the same upload id.
    expect(new Set(log.filter((r) => r.method === "PUT").map((r) => r.query.upload_id)).size).toBe(1);
  });

  it("the access token expiring on the fake's clock is refused with 401 and ends as tokenRejected", async () => {
    const s = await setup();
    await yt.seed({ channels: [{ id: CHANNEL, title: "Brandcast Test", accessToken, accessTokenExpiresAt: Date.now() + 60_000 }] });
    await yt.advance(120_000);
    const err = await client.publish(publishContext(s.delivery, { content: s.content })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect((err as PublishError).opts).toMatchObject({ tokenRejected: true, httpStatus: 401 });
    expect((err as PublishError).errorClass).toBe("reconnect");
  });

  it("the session URI is lost after the last chunk went out: finds the video in the uploads playlist instead of uploading again", async () => {
    const s = await setup();
    await yt.fault({ match: { method: "PUT", path: `^${SESSION_PATH}$`, nth: 5 }, action: { dropAfterCommit: true } });
    await attempt(impatient, s.delivery, { content: s.content }).catch(() => undefined);
    const [existing] = await videos();
    s.delivery.state = { ...s.delivery.state, uploadSession: null };
    const before = (await yt.requests()).length;

    const out = await attempt(client, s.delivery, { content: s.content });
    expect(out).toMatchObject({ kind: "published", publishedId: existing!.id });
    await expectPublishedOnce(s, existing!.id);
    const second = (await yt.requests()).slice(before);
    // The uploads list has no visibility: the video's status is read (1 unit) so a private upload is not shown as a public Short.
    expect(second.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /youtube/v3/channels", "GET /youtube/v3/playlistItems", "GET /youtube/v3/videos", "POST /upload/youtube/v3/thumbnails/set"]);
    expect(second[0]!.query).toMatchObject({ mine: "true", part: "contentDetails" });
    expect(second[1]!.query).toMatchObject({ playlistId: `UU${CHANNEL.slice(2)}`, part: "snippet" });
    expect(second[2]!.query).toMatchObject({ id: existing!.id, part: "status" });
  });

  it("the session URI is lost and no such video exists: uploads in a new session", async () => {
    const s = await setup();
    s.delivery.state = { ...s.delivery.state, publishStartedAt: Date.now() - 1000 };
    const out = await attempt(client, s.delivery, { content: s.content });
    if (out.kind !== "published") throw new Error("not published");
    await expectPublishedOnce(s, out.publishedId);
    const log = await yt.requests();
    expect(log.slice(0, 3).map((r) => `${r.method} ${r.path}`)).toEqual(["GET /youtube/v3/channels", "GET /youtube/v3/playlistItems", `POST ${SESSION_PATH}`]);
  });
});

describe("YouTube publishing: errors are classified with their delays (§3.7)", () => {
  const googleError = (code: number, reason: string, message = reason) => ({ error: { code, message, errors: [{ message, domain: "youtube.quota", reason }] } });

  async function failure(s: Setup): Promise<PublishError> {
    const err = await attempt(client, s.delivery, { content: s.content }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishError);
    return err as PublishError;
  }

  it("quotaExceeded is retryable after the next midnight Pacific Time, and sends no bytes", async () => {
    const s = await setup();
    await yt.seed({ config: { dailyUnits: 1000 } }); // legacy model: an insert costs 1,600
    const err = await failure(s);
    expect(err).toMatchObject({ errorClass: "retryable", opts: { code: "quotaExceeded", httpStatus: 403 } });
    const wait = err.opts.retryAfterSeconds!;
    expect(wait).toBeGreaterThan(60);
    expect(wait).toBeLessThanOrEqual(25 * 3600 + 60);
    const resetAt = toLocal(Date.now() + (wait - 60) * 1000, "America/Los_Angeles");
    expect(resetAt.hour * 60 + resetAt.minute).toBeLessThanOrEqual(1); // at midnight PT (give or take the test's own second)
    expect((await yt.requests()).map((r) => r.method)).toEqual(["POST"]);
  });

  it("quotaExceeded in the per-call bucket model too", async () => {
    const s = await setup();
    await yt.seed({ config: { quotaModel: "bucket100", dailyInsertCalls: 3 }, quota: { insertCalls: 3 } });
    expect(await failure(s)).toMatchObject({ errorClass: "retryable", opts: { code: "quotaExceeded" } });
  });

  it("the channel's uploadLimitExceeded waits 24 hours", async () => {
    const s = await setup();
    await yt.seed({ config: { channelDailyUploadLimit: 0 } });
    expect(await failure(s)).toMatchObject({ errorClass: "retryable", opts: { code: "uploadLimitExceeded", retryAfterSeconds: 86_400, httpStatus: 400 } });
  });

  it("rateLimitExceeded is retried a bounded number of times, then left to the queue", async () => {
    const s = await setup();
    await yt.fault({ match: { method: "POST", path: `^${SESSION_PATH}$` }, action: { status: 403, body: googleError(403, "rateLimitExceeded") }, times: 10 });
    expect(await failure(s)).toMatchObject({ errorClass: "retryable", opts: { code: "rateLimitExceeded" } });
    expect(sessionStarts(await yt.requests())).toHaveLength(4); // the first try and 3 resumes
  });

  it("429 with a long Retry-After is handed to the queue at once with that delay", async () => {
    const s = await setup();
    await yt.fault({ match: { method: "POST", path: `^${SESSION_PATH}$` }, action: { status: 429, headers: { "retry-after": "120" }, body: googleError(429, "rateLimitExceeded") } });
    expect(await failure(s)).toMatchObject({ errorClass: "retryable", opts: { retryAfterSeconds: 120, httpStatus: 429 } });
    expect(await yt.requests()).toHaveLength(1);
  });

  it("a short Retry-After on a chunk is waited out within the attempt, then the session is probed", async () => {
    const s = await setup();
    await yt.fault({ match: { method: "PUT", path: `^${SESSION_PATH}$`, nth: 3 }, action: { status: 429, headers: { "retry-after": "1" }, body: googleError(429, "rateLimitExceeded") } });
    const out = await attempt(client, s.delivery, { content: s.content });
    if (out.kind !== "published") throw new Error("not published");
    await expectPublishedOnce(s, out.publishedId);
    const puts = (await yt.requests()).filter((r) => r.method === "PUT");
    expect(puts[2]!.status).toBe(429);
    expect(isProbe(puts[3]!)).toBe(true);
    expect(puts[3]!.at - puts[2]!.at).toBeGreaterThanOrEqual(1000);
  });

  it("a 500 on the session start is retried within the attempt", async () => {
    const s = await setup();
    await yt.fault({ match: { method: "POST", path: `^${SESSION_PATH}$` }, action: { status: 500, body: googleError(500, "backendError") } });
    const out = await attempt(client, s.delivery, { content: s.content });
    if (out.kind !== "published") throw new Error("not published");
    await expectPublishedOnce(s, out.publishedId);
  });

  it("invalidTitle from YouTube is permanent, in words, without hammering", async () => {
    const s = await setup();
    await yt.fault({ match: { method: "POST", path: `^${SESSION_PATH}$` }, action: { status: 400, body: googleError(400, "invalidTitle", "The request metadata specifies an invalid or empty video title.") } });
    const err = await failure(s);
    expect(err).toMatchObject({ errorClass: "permanent", message: expect.stringContaining("title"), opts: { code: "invalidTitle", platformMessage: "The request metadata specifies an invalid or empty video title." } });
    expect(await yt.requests()).toHaveLength(1);
  });

  it("an empty title is refused before any request", async () => {
    const s = await setup({ ytTitle: "  " });
    s.content.title = "";
    expect(await failure(s)).toMatchObject({ errorClass: "permanent", opts: { code: "invalidTitle" } });
    expect(await yt.requests()).toHaveLength(0);
  });

  it("a refused refresh after a 401 ends as reconnect", async () => {
    const s = await setup();
    await yt.seed({ revokeRefreshToken: REFRESH_TOKEN });
    await yt.fault({ match: { method: "POST", path: `^${SESSION_PATH}$` }, action: { status: 401, body: googleError(401, "authError") } });
    const err = await attempt(client, s.delivery, { content: s.content, refresh: refreshFromFake }).catch((e: unknown) => e);
    expect(err).toMatchObject({ errorClass: "reconnect" });
    expect(sessionStarts(await yt.requests())).toHaveLength(1);
  });
});

describe("YouTube publishing: the thumbnail never fails the post", () => {
  it("a refused thumbnail is tried twice, noted, and the post stays published", async () => {
    const s = await setup();
    await yt.fault({ match: { path: "^/upload/youtube/v3/thumbnails/set$" }, action: { status: 403, body: { error: { code: 403, message: "forbidden", errors: [{ reason: "forbidden" }] } } }, times: 5 });
    const out = await attempt(client, s.delivery, { content: s.content });
    if (out.kind !== "published") throw new Error("not published");
    await expectPublishedOnce(s, out.publishedId);
    expect((await yt.requests()).filter((r) => r.path.endsWith("/thumbnails/set"))).toHaveLength(2);
    expect(s.delivery.state.checkpoint).toMatchObject({ thumbnail: "failed", thumbnailError: "forbidden" });
  });

  it("a thumbnail over 2 MB is skipped without a request", async () => {
    const s = await setup({ thumbnailSize: 2 * MiB + 1 });
    const out = await attempt(client, s.delivery, { content: s.content });
    expect(out.kind).toBe("published");
    expect((await yt.requests()).filter((r) => r.path.endsWith("/thumbnails/set"))).toHaveLength(0);
    expect(s.delivery.state.checkpoint.thumbnail).toBe("skipped");
  });

  it("a thumbnail that failed is tried again on a later redelivery, without touching the video", async () => {
    const s = await setup();
    await yt.fault({ match: { path: "^/upload/youtube/v3/thumbnails/set$" }, action: { status: 503 }, times: 2 });
    await attempt(client, s.delivery, { content: s.content });
    expect(s.delivery.state.checkpoint.thumbnail).toBe("failed");
    const before = (await yt.requests()).length;
    await attempt(client, s.delivery, { content: s.content });
    const second = (await yt.requests()).slice(before);
    expect(second.map((r) => r.path)).toEqual(["/upload/youtube/v3/thumbnails/set"]);
    expect(s.delivery.state.checkpoint.thumbnail).toBe("set");
  });
});

describe("YouTube hardening (issue 16 items 4, 5)", () => {
  it("an unverified project's upload comes back private: published with a warning and a Studio link, not a public Shorts link", async () => {
    await yt.seed({ config: { unverifiedProject: true } });
    const s = await setup();
    const out = await attempt(client, s.delivery, { content: s.content });
    const id = out.kind === "published" ? out.publishedId : "";
    expect((await videos())[0]!.status.privacyStatus).toBe("private");
    expect(out).toEqual({ kind: "published", publishedId: id, permalink: `https://studio.youtube.com/video/${id}/edit` });
    expect(s.delivery.state).toMatchObject({ publishedId: id, warning: expect.stringMatching(/^Uploaded as private: your Google project is unverified/) });
  });

  it("a public upload carries no warning", async () => {
    const s = await setup();
    const out = await attempt(client, s.delivery, { content: s.content });
    expect(out.kind === "published" && out.permalink).toMatch(/^https:\/\/www\.youtube\.com\/shorts\//);
    expect(s.delivery.patches.find((p) => p.publishedId)?.warning).toBeNull();
  });

  it("through the consumer: the Schedule's delivery is published and shows the warning", async () => {
    await yt.seed({ config: { unverifiedProject: true } });
    const brandId = await newBrand();
    const token = `ya29.consumer-${tokenSeq++}`;
    const channel = `UCconsumerPrivate${tokenSeq}`;
    await yt.seed({ channels: [{ id: channel, title: "Private", accessToken: token, refreshToken: `${token}-refresh` }] });
    const { accountId } = await connect(brandId, "youtube", token, channel);
    const d = await seedDelivery({ platform: "youtube", brandId, accountId });
    expect((await deliver([d.deliveryId])).acked).toEqual([d.deliveryId]);
    const schedule = await json(`/api/schedules/${d.scheduleId}`, await workspace(), 200);
    expect(schedule.deliveries).toEqual([
      expect.objectContaining({ platform: "youtube", status: "published", warning: expect.stringMatching(/^Uploaded as private: your Google project is unverified/) }),
    ]);
  });

  it("a session Location on another host is refused before the bearer token goes there", async () => {
    const s = await setup();
    await yt.fault({ match: { method: "POST", path: `^${SESSION_PATH}$` }, action: { status: 200, body: {}, headers: { location: "https://uploads.attacker.example/upload?upload_id=x" } } });
    const err = await attempt(client, s.delivery, { content: s.content }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect((err as PublishError).errorClass).toBe("permanent");
    expect((err as PublishError).message).toMatch(/unexpected host \(uploads\.attacker\.example\); the token was not sent there/);
    expect(s.delivery.state.uploadSession).toBeNull();
    expect((await yt.requests()).filter((r) => r.method === "PUT")).toEqual([]);
  });

  it("a stored session on another host is refused too, with no request made", async () => {
    const s = await setup();
    s.delivery.state.uploadSession = "https://uploads.attacker.example/upload?upload_id=y";
    const err = await attempt(client, s.delivery, { content: s.content }).catch((e: unknown) => e);
    expect((err as PublishError).message).toMatch(/unexpected host/);
    expect(await yt.requests()).toEqual([]);
  });
});
