// The Facebook Pages client against the fake Graph + rupload (PLATFORMS.md §2,
// §5, §6.2): every request of reels, photos and multi-photo posts checked
// against the protocol, and each fault in §6.2's list ending in the right
// outcome, never a duplicate post.
import { describe, expect, it } from "vitest";
import { fakeAdmin, type LoggedRequest } from "../fakes/admin";
import { facebookClient, UPLOAD_WAIT_CAP_SECONDS } from "../../worker/publishing/facebook";
import { PublishError, type PublishContent, type PublishOutcome } from "../../worker/publishing/types";
import { attempt, patternBytes, publishContext, putMedia, testDelivery, type TestDelivery } from "./context";
import { expectGraphGet, expectGraphPost, GRAPH_VERSION } from "./graph-requests";

const fb = fakeAdmin("facebook");
let n = 0;
const uid = () => `${Date.now() % 1e9}${String(n++).padStart(3, "0")}`;
const mediaUrl = (key: string) => `http://app.test/media/${encodeURIComponent(key)}`;

interface Page {
  pageId: string;
  token: string;
  delivery: () => TestDelivery;
}

async function page(extra: Record<string, unknown> = {}): Promise<Page> {
  const pageId = `1${uid()}`;
  const token = `EAAPage-${pageId}`;
  await fb.seed({ pages: [{ id: pageId, name: `Brand ${pageId}`, token, ...extra }] });
  return { pageId, token, delivery: () => testDelivery("facebook", { externalId: pageId, accessToken: token, loginVia: null }) };
}

async function reel(videoName = "reel", caption = `Reel ${uid()}`): Promise<PublishContent> {
  const video = await putMedia(patternBytes(3000), "video/mp4", videoName);
  return { kind: "reel", caption, title: "t", ytTitle: "t", media: { video } };
}

async function post(slides: number, caption = `Post ${uid()}`): Promise<PublishContent> {
  const refs = [];
  for (let i = 0; i < slides; i++) refs.push(await putMedia(patternBytes(200, i + 3), "image/jpeg", "slide"));
  return { kind: "post", caption, title: "t", ytTitle: "t", media: { cover: refs[0], slides: refs } };
}

/** This Page's requests in order: the token as a parameter, or in rupload's `Authorization: OAuth` header. */
async function requestsOf(token: string): Promise<LoggedRequest[]> {
  return (await fb.requests()).filter((r) => r.query.access_token === token || r.form?.access_token === token || r.headers.authorization === `OAuth ${token}`);
}

async function failure(p: Promise<unknown>): Promise<PublishError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PublishError);
  return err as PublishError;
}

interface FbState {
  videos: Record<string, { pageId: string; publishing: { status: string }; description: string }>;
  posts: Record<string, { pageId: string; message: string; attached: string[] }>;
  photos: Record<string, { pageId: string; published: boolean }>;
}
const state = () => fb.state<FbState>();
const publishedReels = async (pageId: string) => Object.values((await state()).videos).filter((v) => v.pageId === pageId && v.publishing.status === "complete");
const postsOf = async (pageId: string) => Object.values((await state()).posts).filter((p) => p.pageId === pageId);

const ruploadBuc = (pageId: string, minutes: number) => ({ "x-business-use-case-usage": JSON.stringify({ [pageId]: [{ type: "pages", call_count: 100, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: minutes }] }) });

describe("Facebook reels (three phases)", () => {
  it("start → transfer to upload_url with the OAuth header → status → finish, once", async () => {
    const pg = await page();
    const content = await reel();
    const delivery = pg.delivery();
    const outcome = await attempt(facebookClient, delivery, { content });
    expect(outcome.kind).toBe("published");
    const videoId = delivery.state.uploadSession!;
    expect(outcome).toEqual({ kind: "published", publishedId: videoId, permalink: `https://www.facebook.com/reel/${videoId}` });

    const reqs = await requestsOf(pg.token);
    expectGraphPost(reqs[0]!, `${pg.pageId}/video_reels`, { upload_phase: "start" }, pg.token);
    expectGraphGet(reqs[1]!, videoId, { fields: "status" }, pg.token);
    const upload = reqs[2]!;
    expect(upload.method).toBe("POST");
    expect(upload.path).toBe(`/video-upload/${GRAPH_VERSION}/${videoId}`);
    expect(upload.query).toEqual({});
    expect(upload.headers).toMatchObject({ authorization: `OAuth ${pg.token}`, file_url: mediaUrl(content.media.video!.key), offset: "0", file_size: "3000" });
    expect(upload.bodyLength).toBe(0);
    expectGraphGet(reqs[3]!, videoId, { fields: "status" }, pg.token);
    expectGraphPost(reqs[4]!, `${pg.pageId}/video_reels`, { upload_phase: "finish", video_id: videoId, video_state: "PUBLISHED", description: content.caption }, pg.token);
    expect(reqs).toHaveLength(5);

    // video_id saved the moment it existed; the finish start saved before the finish.
    expect(delivery.patches[0]).toMatchObject({ uploadSession: videoId });
    const reels = await publishedReels(pg.pageId);
    expect(reels).toHaveLength(1);
    expect(reels[0]!.description).toBe(content.caption);
  });

  it("dropAfterCommit on finish: the next attempt sees publishing complete and never finishes or starts again", async () => {
    const pg = await page();
    const content = await reel();
    const delivery = pg.delivery();
    await fb.fault({ match: { method: "POST", path: `^/${GRAPH_VERSION}/${pg.pageId}/video_reels$`, nth: 2 }, action: { dropAfterCommit: true } });
    expect((await failure(attempt(facebookClient, delivery, { content }))).errorClass).toBe("unknown_outcome");
    expect(delivery.state.publishStartedAt).toBeTypeOf("number");
    const outcome = await attempt(facebookClient, delivery, { content });
    expect(outcome).toMatchObject({ kind: "published", publishedId: delivery.state.uploadSession });
    const reqs = await requestsOf(pg.token);
    expect(reqs.filter((r) => r.form?.upload_phase === "start")).toHaveLength(1);
    expect(reqs.filter((r) => r.form?.upload_phase === "finish")).toHaveLength(1);
    expect(await publishedReels(pg.pageId)).toHaveLength(1);
  });

  it("a hang on finish: unknown outcome, then the status shows it did not publish and finish runs once more", async () => {
    const pg = await page();
    const content = await reel();
    const delivery = pg.delivery();
    await fb.fault({ match: { method: "POST", path: `^/${GRAPH_VERSION}/${pg.pageId}/video_reels$`, nth: 2 }, action: { hang: true } });
    expect((await failure(attempt(facebookClient, delivery, { content, requestTimeoutMs: 800 }))).errorClass).toBe("unknown_outcome");
    expect((await attempt(facebookClient, delivery, { content })).kind).toBe("published");
    const reqs = await requestsOf(pg.token);
    expect(reqs.filter((r) => r.form?.upload_phase === "start")).toHaveLength(1);
    expect(await publishedReels(pg.pageId)).toHaveLength(1);
  });

  it("rupload 5xx and debug_info.retriable are retried with the same video_id", async () => {
    const pg = await page();
    const content = await reel();
    const delivery = pg.delivery();
    await fb.fault({ match: { path: "^/video-upload/" }, action: { status: 503, body: { debug_info: { type: "ServiceUnavailable", message: "try later", retriable: true } } } });
    const err = await failure(attempt(facebookClient, delivery, { content }));
    expect(err.errorClass).toBe("retryable");
    const videoId = delivery.state.uploadSession;
    await fb.fault({ match: { path: "^/video-upload/" }, action: { status: 400, body: { debug_info: { type: "ProcessingFailedError", message: "processing failed", retriable: false } } } });
    expect((await failure(attempt(facebookClient, delivery, { content }))).errorClass).toBe("retryable");
    expect((await attempt(facebookClient, delivery, { content })).kind).toBe("published");
    expect(delivery.state.uploadSession).toBe(videoId);
    expect((await requestsOf(pg.token)).filter((r) => r.form?.upload_phase === "start")).toHaveLength(1);
    expect(await publishedReels(pg.pageId)).toHaveLength(1);
  });

  it("rupload refusing the hosted form: the bytes go instead, and a cut upload resumes from bytes_transferred", async () => {
    const pg = await page();
    const content = await reel();
    const delivery = pg.delivery();
    await fb.fault([
      { match: { path: "^/video-upload/" }, action: { status: 400, body: { debug_info: { type: "ParameterValidationError", message: "HeaderValuePredicate: Header Offset not convertable to unsigned long", retriable: false } } } },
      { match: { path: "^/video-upload/" }, action: { truncate: 1000 } },
    ]);
    expect((await failure(attempt(facebookClient, delivery, { content }))).errorClass).toBe("retryable");
    expect((await attempt(facebookClient, delivery, { content })).kind).toBe("published");
    const uploads = (await requestsOf(pg.token)).filter((r) => r.path.startsWith("/video-upload/"));
    expect(uploads.map((r) => [r.headers.offset, r.headers.file_size, r.headers.file_url ? "url" : r.bodyLength])).toEqual([
      ["0", "3000", "url"],
      ["0", "3000", 3000],
      ["1000", "3000", 2000],
    ]);
    const video = (await fb.state()).videos[delivery.state.uploadSession!];
    // Every byte exactly once: 1,000 before the cut, the other 2,000 after it.
    expect(video.bytes).toBe(3000);
    expect(await publishedReels(pg.pageId)).toHaveLength(1);
  });

  it("the bytes of a video larger than 8 MiB go in one request from offset 0, not in partial bodies (rupload is non-chunking)", async () => {
    const pg = await page();
    const size = 9 * 1024 * 1024 + 123;
    const video = await putMedia(patternBytes(size, 5), "video/mp4", "big");
    const content: PublishContent = { kind: "reel", caption: `Big ${uid()}`, title: "t", ytTitle: "t", media: { video } };
    const delivery = pg.delivery();
    await fb.fault({ match: { path: "^/video-upload/" }, action: { status: 400, body: { debug_info: { type: "ParameterValidationError", message: "HeaderValuePredicate: Header Offset not convertable to unsigned long", retriable: false } } } });
    expect((await attempt(facebookClient, delivery, { content })).kind).toBe("published");
    const uploads = (await requestsOf(pg.token)).filter((r) => r.path.startsWith("/video-upload/"));
    expect(uploads.map((r) => [r.headers.offset, r.headers.file_size, r.headers.file_url ? "url" : r.bodyLength])).toEqual([
      ["0", String(size), "url"],
      ["0", String(size), size],
    ]);
    expect((await fb.state()).videos[delivery.state.uploadSession!].bytes).toBe(size);
  });

  it("uploading stuck at in_progress: waits without sleeping up to the cap, then fails; never finishes an empty session", async () => {
    const pg = await page();
    const name = `stuck${uid()}`;
    await fb.seed({ media: { [`http://app.test/media/test%2F${name}`]: { uploadStuck: true, sizeBytes: 3000 } } });
    const content = await reel(name);
    const delivery = pg.delivery();
    let waited = 0;
    let last: PublishOutcome | PublishError | undefined;
    for (let i = 0; i < 100; i++) {
      last = await attempt(facebookClient, delivery, { content }).catch((e: PublishError) => e);
      if (last instanceof PublishError) break;
      expect(last.kind).toBe("waiting");
      if (last.kind === "waiting") waited += last.delaySeconds;
    }
    expect(last).toBeInstanceOf(PublishError);
    expect((last as PublishError).errorClass).toBe("permanent");
    expect(waited).toBeGreaterThanOrEqual(UPLOAD_WAIT_CAP_SECONDS);
    const reqs = await requestsOf(pg.token);
    expect(reqs.filter((r) => r.form?.upload_phase === "finish")).toHaveLength(0);
    expect(reqs.filter((r) => r.path.startsWith("/video-upload/"))).toHaveLength(1);
  });

  it("a processing_phase error fails permanently with Facebook's message", async () => {
    const pg = await page();
    const name = `bad${uid()}`;
    await fb.seed({ media: { [`http://app.test/media/test%2F${name}`]: { processingError: "The video file you selected is in a format that we don't support." } } });
    const err = await failure(attempt(facebookClient, pg.delivery(), { content: await reel(name) }));
    expect(err.errorClass).toBe("permanent");
    expect(err.message).toMatch(/format that we don't support/);
  });

  it("an upload_url on another host is refused: the token is never sent there", async () => {
    const pg = await page();
    await fb.fault({ match: { path: `^/${GRAPH_VERSION}/${pg.pageId}/video_reels$` }, action: { status: 200, body: { video_id: "123", upload_url: "https://evil.example/video-upload/v25.0/123" } } });
    const err = await failure(attempt(facebookClient, pg.delivery(), { content: await reel() }));
    expect(err.errorClass).toBe("permanent");
    expect(err.message).toMatch(/unexpected host/);
    expect(await requestsOf(pg.token)).toHaveLength(1);
  });

  it("the 30-reels window: retryable after the advertised BUC wait", async () => {
    const now = Date.now();
    await fetch(`${fb.url}/__admin/clock`, { method: "POST", body: JSON.stringify({ now }) });
    const pg = await page({ reelsCap: 2, reelsPublishedAt: [now - 23 * 3600_000, now - 3600_000] });
    const err = await failure(attempt(facebookClient, pg.delivery(), { content: await reel() }));
    expect(err.errorClass).toBe("retryable");
    // The oldest reel leaves the window in about an hour.
    expect(err.opts.retryAfterSeconds).toBeGreaterThan(50 * 60);
    expect(err.opts.retryAfterSeconds).toBeLessThanOrEqual(61 * 60);
    expect(await publishedReels(pg.pageId)).toHaveLength(0);
  });
});

describe("Facebook photos", () => {
  it("a single photo: /photos with url, message and published=true; the post id and its URL", async () => {
    const pg = await page();
    const content = await post(1);
    const delivery = pg.delivery();
    const outcome = await attempt(facebookClient, delivery, { content });
    const reqs = await requestsOf(pg.token);
    expect(reqs).toHaveLength(1);
    expectGraphPost(reqs[0]!, `${pg.pageId}/photos`, { url: mediaUrl(content.media.slides![0]!.key), message: content.caption, published: "true" }, pg.token);
    const posts = await postsOf(pg.pageId);
    expect(posts).toHaveLength(1);
    const postId = Object.entries((await state()).posts).find(([, p]) => p.pageId === pg.pageId)![0];
    expect(outcome).toEqual({ kind: "published", publishedId: postId, permalink: `https://www.facebook.com/${postId}` });
  });

  it("a multi-photo post: unpublished photos, then /feed with attached_media[i] form fields", async () => {
    const pg = await page();
    const content = await post(3);
    const delivery = pg.delivery();
    const outcome = await attempt(facebookClient, delivery, { content });
    expect(outcome.kind).toBe("published");
    const reqs = await requestsOf(pg.token);
    const photos = delivery.state.checkpoint.photos as string[];
    expect(photos).toHaveLength(3);
    content.media.slides!.forEach((s, i) => expectGraphPost(reqs[i]!, `${pg.pageId}/photos`, { url: mediaUrl(s.key), published: "false" }, pg.token));
    expectGraphPost(reqs[3]!, `${pg.pageId}/feed`, { message: content.caption, ...Object.fromEntries(photos.map((id, i) => [`attached_media[${i}]`, JSON.stringify({ media_fbid: id })])) }, pg.token);
    expect(reqs).toHaveLength(4);
    const posts = await postsOf(pg.pageId);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.attached).toEqual(photos);
  });

  it("dropAfterCommit on /feed: the next attempt finds the post by message and posts nothing more", async () => {
    const pg = await page();
    const content = await post(2);
    const delivery = pg.delivery();
    await fb.fault({ match: { method: "POST", path: `^/${GRAPH_VERSION}/${pg.pageId}/feed$` }, action: { dropAfterCommit: true } });
    expect((await failure(attempt(facebookClient, delivery, { content }))).errorClass).toBe("unknown_outcome");
    const outcome = await attempt(facebookClient, delivery, { content });
    expect(outcome.kind).toBe("published");
    const reqs = await requestsOf(pg.token);
    expect(reqs.filter((r) => r.path.endsWith("/feed") && r.method === "POST")).toHaveLength(1);
    expect(reqs.filter((r) => r.path.endsWith("/photos"))).toHaveLength(2);
    const lookup = reqs.find((r) => r.method === "GET" && r.path === `/${GRAPH_VERSION}/${pg.pageId}/posts`)!;
    expect(lookup.query).toMatchObject({ fields: "id,message,created_time", since: String(Math.floor(delivery.state.publishStartedAt! / 1000)) });
    expect(await postsOf(pg.pageId)).toHaveLength(1);
  });

  it("dropAfterCommit on a single published photo is recovered the same way", async () => {
    const pg = await page();
    const content = await post(1);
    const delivery = pg.delivery();
    await fb.fault({ match: { method: "POST", path: `^/${GRAPH_VERSION}/${pg.pageId}/photos$` }, action: { dropAfterCommit: true } });
    expect((await failure(attempt(facebookClient, delivery, { content }))).errorClass).toBe("unknown_outcome");
    expect((await attempt(facebookClient, delivery, { content })).kind).toBe("published");
    expect(await postsOf(pg.pageId)).toHaveLength(1);
  });

  it("a lost /feed that did not commit (500) is posted again, once", async () => {
    const pg = await page();
    const content = await post(2);
    const delivery = pg.delivery();
    await fb.fault({ match: { method: "POST", path: `^/${GRAPH_VERSION}/${pg.pageId}/feed$` }, action: { status: 500 } });
    expect((await failure(attempt(facebookClient, delivery, { content }))).errorClass).toBe("unknown_outcome");
    expect((await attempt(facebookClient, delivery, { content })).kind).toBe("published");
    expect(await postsOf(pg.pageId)).toHaveLength(1);
  });

  it("506 duplicate means verify, never retry: with no post of ours it fails with the reason", async () => {
    const pg = await page();
    await fb.fault({ match: { method: "POST", path: `^/${GRAPH_VERSION}/${pg.pageId}/feed$` }, action: { status: 400, body: { error: { message: "(#506) Duplicate status message", code: 506 } } } });
    const err = await failure(attempt(facebookClient, pg.delivery(), { content: await post(2) }));
    expect(err.errorClass).toBe("permanent");
    expect(err.message).toMatch(/duplicate/);
    expect((await requestsOf(pg.token)).filter((r) => r.path.endsWith("/feed") && r.method === "POST")).toHaveLength(1);
  });
});

describe("Facebook errors from the API", () => {
  it("a revoked Page token (190/460) asks for a refresh; a failed refresh is reconnect", async () => {
    const pg = await page({ revokedSubcode: 460 });
    const err = await failure(
      attempt(facebookClient, pg.delivery(), {
        content: await post(1),
        refresh: async () => {
          throw new PublishError("reconnect", "Facebook refused the token; reconnect the Page.");
        },
      }),
    );
    expect(err.errorClass).toBe("reconnect");
    const first = (await requestsOf(pg.token))[0]!;
    expect(first.status).toBe(400);
  });

  it("190/467 from the API is reconnect with tokenRejected", async () => {
    const pg = await page({ revokedSubcode: 467 });
    const delivery = pg.delivery();
    const err = await failure(facebookClient.publish(publishContext(delivery, { content: await post(1) })));
    expect(err.errorClass).toBe("reconnect");
    expect(err.opts).toMatchObject({ tokenRejected: true, code: 190, subcode: 467 });
  });

  it("BUC 80001 and Page throttling 32 wait for the advertised time; 368 waits hours", async () => {
    const pg = await page();
    const content = await post(1);
    await fb.fault({ match: { path: `^/${GRAPH_VERSION}/${pg.pageId}/photos$` }, action: { status: 400, headers: ruploadBuc(pg.pageId, 9), body: { error: { message: "(#80001) There have been too many calls to this Page account.", code: 80001 } } } });
    const e1 = await failure(attempt(facebookClient, pg.delivery(), { content }));
    expect([e1.errorClass, e1.opts.retryAfterSeconds]).toEqual(["retryable", 540]);
    await fb.fault({ match: { path: `^/${GRAPH_VERSION}/${pg.pageId}/photos$` }, action: { status: 400, headers: { "retry-after": "90" }, body: { error: { message: "(#32) Page request limit reached", code: 32 } } } });
    const e2 = await failure(attempt(facebookClient, pg.delivery(), { content }));
    expect([e2.errorClass, e2.opts.retryAfterSeconds]).toEqual(["retryable", 90]);
    await fb.fault({ match: { path: `^/${GRAPH_VERSION}/${pg.pageId}/photos$` }, action: { status: 400, body: { error: { message: "You're temporarily blocked from posting", code: 368 } } } });
    const e3 = await failure(attempt(facebookClient, pg.delivery(), { content }));
    expect(e3.errorClass).toBe("retryable");
    expect(e3.opts.retryAfterSeconds).toBeGreaterThanOrEqual(3600);
  });

  it("a failed unpublished photo is retried without re-uploading the ones saved", async () => {
    const pg = await page();
    const content = await post(3);
    const delivery = pg.delivery();
    await fb.fault({ match: { method: "POST", path: `^/${GRAPH_VERSION}/${pg.pageId}/photos$`, nth: 3 }, action: { status: 502, body: "<html>Bad Gateway</html>" } });
    expect((await failure(attempt(facebookClient, delivery, { content }))).errorClass).toBe("retryable");
    expect(delivery.state.checkpoint.photos).toHaveLength(2);
    expect((await attempt(facebookClient, delivery, { content })).kind).toBe("published");
    expect((await requestsOf(pg.token)).filter((r) => r.path.endsWith("/photos"))).toHaveLength(4);
    expect(await postsOf(pg.pageId)).toHaveLength(1);
  });
});

describe("the fake Facebook Graph + rupload follows PLATFORMS.md §6.2", () => {
  const call = async (method: string, path: string, fields: Record<string, string>, headers: Record<string, string> = {}, body?: Uint8Array) => {
    const qs = new URLSearchParams(fields).toString();
    const res =
      method === "GET" ? await fetch(`${fb.url}${path}?${qs}`) : await fetch(`${fb.url}${path}`, { method, headers: body ? headers : { "content-type": "application/x-www-form-urlencoded", ...headers }, body: body ?? qs });
    return { status: res.status, body: (await res.json()) as any };
  };
  const v = (p: string) => `/${GRAPH_VERSION}/${p}`;

  it("reels: finish before the upload is 6000, rupload wants the OAuth header and the right offset, a second finish is refused", async () => {
    const { pageId, token: access_token } = await page();
    const start = (await call("POST", v(`${pageId}/video_reels`), { upload_phase: "start", access_token })).body;
    expect(start.upload_url).toBe(`${fb.url}/video-upload/${GRAPH_VERSION}/${start.video_id}`);
    expect((await call("POST", v(`${pageId}/video_reels`), { upload_phase: "finish", video_id: start.video_id, access_token })).body.error.code).toBe(6000);
    const uploadPath = `/video-upload/${GRAPH_VERSION}/${start.video_id}`;
    expect((await call("POST", uploadPath, {}, { file_url: "http://x/v.mp4" }, new Uint8Array())).status).toBe(401);
    const wrong = await call("POST", uploadPath, {}, { authorization: `OAuth ${access_token}`, offset: "5", file_size: "10" }, new Uint8Array(5));
    expect([wrong.status, wrong.body.debug_info.type]).toEqual([400, "InvalidOffsetError"]);
    // Non-chunking: a body that is not the rest of the file is refused and changes nothing.
    const partial = await call("POST", uploadPath, {}, { authorization: `OAuth ${access_token}`, offset: "0", file_size: "10" }, new Uint8Array(6));
    expect([partial.status, partial.body.debug_info.type]).toEqual([400, "ParameterValidationError"]);
    expect((await call("GET", v(start.video_id), { fields: "status", access_token })).body.status.uploading_phase).toEqual({ status: "not_started", bytes_transferred: 0 });
    // The hosted form without offset and file_size is refused too.
    const bare = await call("POST", uploadPath, {}, { authorization: `OAuth ${access_token}`, file_url: "http://app.test/v.mp4" }, new Uint8Array());
    expect([bare.status, bare.body.debug_info.message]).toEqual([400, "HeaderValuePredicate: Header Offset not convertable to unsigned long"]);
    await call("POST", uploadPath, {}, { authorization: `OAuth ${access_token}`, offset: "0", file_size: "10" }, new Uint8Array(10));
    expect((await call("GET", v(start.video_id), { fields: "status", access_token })).body.status.uploading_phase.status).toBe("complete");
    expect((await call("POST", v(`${pageId}/video_reels`), { upload_phase: "finish", video_id: start.video_id, video_state: "PUBLISHED", description: "d", access_token })).body).toEqual({ success: true });
    const status = (await call("GET", v(start.video_id), { fields: "status", access_token })).body.status;
    expect(status.publishing_phase).toMatchObject({ status: "complete", publish_status: "published" });
    expect((await call("POST", v(`${pageId}/video_reels`), { upload_phase: "finish", video_id: start.video_id, video_state: "PUBLISHED", access_token })).status).toBe(400);
  });

  it("feed takes only this Page's unpublished, unattached photos; posts list by since", async () => {
    const a = await page();
    const b = await page();
    const photo = (await call("POST", v(`${a.pageId}/photos`), { url: "http://x/p.png", published: "false", access_token: a.token })).body.id;
    expect((await call("POST", v(`${b.pageId}/feed`), { message: "m", "attached_media[0]": JSON.stringify({ media_fbid: photo }), access_token: b.token })).body.error.code).toBe(100);
    const made = await call("POST", v(`${a.pageId}/feed`), { message: "m", "attached_media[0]": JSON.stringify({ media_fbid: photo }), access_token: a.token });
    expect(made.body.id).toMatch(new RegExp(`^${a.pageId}_\\d+$`));
    expect((await call("POST", v(`${a.pageId}/feed`), { message: "m2", "attached_media[0]": JSON.stringify({ media_fbid: photo }), access_token: a.token })).body.error.code).toBe(100);
    const posts = (await call("GET", v(`${a.pageId}/posts`), { fields: "id,message,created_time", since: String(Math.floor(Date.now() / 1000) - 60), access_token: a.token })).body.data;
    expect(posts).toEqual([{ id: made.body.id, message: "m", created_time: expect.stringMatching(/\+0000$/) }]);
    const future = Math.floor((await fb.advance(0) as unknown as { now: number }).now / 1000) + 3600;
    expect((await call("GET", v(`${a.pageId}/posts`), { since: String(future), access_token: a.token })).body.data).toEqual([]);
    // Another Page's token cannot post here.
    expect((await call("POST", v(`${a.pageId}/photos`), { url: "http://x/p.jpg", access_token: b.token })).body.error.code).toBe(200);
  });

  it("Page tokens from /me/accounts and /{page}?fields=access_token; large photos refused with 1366046", async () => {
    const userId = `u${uid()}`;
    const userToken = `EAAUser-${userId}`;
    const pageId = `1${uid()}`;
    await fb.seed({ users: [{ id: userId, token: userToken }], pages: [{ id: pageId, name: "Mine", token: `EAAPage-${pageId}`, userId, igUserId: `8${uid()}` }] });
    const accounts = (await call("GET", v("me/accounts"), { fields: "id,name,access_token", access_token: userToken })).body.data;
    expect(accounts).toContainEqual(expect.objectContaining({ id: pageId, name: "Mine", access_token: `EAAPage-${pageId}` }));
    const page1 = await call("GET", v(pageId), { fields: "access_token", access_token: userToken });
    expect(page1.body).toEqual({ id: pageId, access_token: `EAAPage-${pageId}` });
    const big = `http://x/big${uid()}.jpg`;
    await fb.seed({ media: { [big]: { format: "jpeg", sizeBytes: 5 * 1024 * 1024 } } });
    expect((await call("POST", v(`${pageId}/photos`), { url: big, access_token: `EAAPage-${pageId}` })).body.error.code).toBe(1366046);
  });
});
