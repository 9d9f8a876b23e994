// The Google fake keeps YouTube's rules (PLATFORMS.md §6.3), so a client that
// breaks them fails here and in every test that uses the fake.
import { beforeEach, describe, expect, it } from "vitest";
import { fakeAdmin } from "../fakes/admin";

const yt = fakeAdmin("youtube");
const CHANNEL = "UCfakeRulesChannel000001";
const TOKEN = "ya29.fake-rules";
const KiB256 = 262_144;
const upload = `${yt.url}/upload/youtube/v3`;
const api = `${yt.url}/youtube/v3`;
const auth = { authorization: `Bearer ${TOKEN}` };
const resource = (over: Record<string, unknown> = {}) => ({ snippet: { title: "A title", description: "d", tags: ["a"], categoryId: "22" }, status: { privacyStatus: "public", selfDeclaredMadeForKids: false }, ...over });

beforeEach(async () => {
  await yt.reset();
  await yt.seed({ channels: [{ id: CHANNEL, title: "Rules", accessToken: TOKEN, refreshToken: "1//rules" }] });
});

async function startSession(total: number, body: unknown = resource()): Promise<Response> {
  return fetch(`${upload}/videos?uploadType=resumable&part=snippet,status`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json; charset=UTF-8", "x-upload-content-length": String(total), "x-upload-content-type": "video/mp4" },
    body: JSON.stringify(body),
  });
}

async function session(total: number): Promise<string> {
  const res = await startSession(total);
  expect(res.status).toBe(200);
  expect(await res.text()).toBe("");
  return res.headers.get("location")!;
}

const put = (uri: string, range: string | null, body: Uint8Array) =>
  fetch(uri, { method: "PUT", redirect: "manual", headers: { ...auth, "content-type": "video/mp4", ...(range ? { "content-range": range } : {}) }, body });

describe("Google fake: resumable videos.insert", () => {
  it("answers a probe with 308 without Range, then with the bytes stored, then 201 with the video", async () => {
    const total = KiB256 + 10;
    const uri = await session(total);
    expect(uri).toMatch(/\/upload\/youtube\/v3\/videos\?uploadType=resumable&upload_id=/);
    const probe0 = await put(uri, `bytes */${total}`, new Uint8Array(0));
    expect(probe0.status).toBe(308);
    expect(probe0.headers.get("range")).toBeNull();
    const first = await put(uri, `bytes 0-${KiB256 - 1}/${total}`, new Uint8Array(KiB256));
    expect(first.status).toBe(308);
    expect(first.headers.get("range")).toBe(`bytes=0-${KiB256 - 1}`);
    const last = await put(uri, `bytes ${KiB256}-${total - 1}/${total}`, new Uint8Array(10));
    expect(last.status).toBe(201);
    const video = (await last.json()) as { id: string; status: { uploadStatus: string; privacyStatus: string } };
    expect(video.id).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(video.status).toMatchObject({ uploadStatus: "uploaded", privacyStatus: "public" });
    const again = await put(uri, `bytes */${total}`, new Uint8Array(0));
    expect(again.status).toBe(201);
    expect(((await again.json()) as { id: string }).id).toBe(video.id);
    expect(Object.keys((await yt.state()).videos)).toEqual([video.id]);
  });

  it("refuses a non-final chunk that is not a multiple of 256 KiB, and a chunk that does not start at the received count", async () => {
    const total = 3 * KiB256;
    const uri = await session(total);
    expect((await put(uri, `bytes 0-99999/${total}`, new Uint8Array(100_000))).status).toBe(400);
    expect((await put(uri, `bytes 10-${KiB256 + 9}/${total}`, new Uint8Array(KiB256))).status).toBe(400);
    expect((await put(uri, `bytes 0-${KiB256 - 1}/${total}`, new Uint8Array(KiB256 - 1))).status).toBe(400);
    expect((await put(uri, `bytes 0-${KiB256 - 1}/${total}`, new Uint8Array(KiB256))).status).toBe(308);
  });

  it("takes a whole file in one PUT without Content-Range", async () => {
    const uri = await session(1000);
    expect((await put(uri, null, new Uint8Array(1000))).status).toBe(201);
  });

  it("expires a session after a week: 404", async () => {
    const uri = await session(1000);
    await yt.advance(7 * 86_400_000 + 1000);
    expect((await put(uri, `bytes */1000`, new Uint8Array(0))).status).toBe(404);
  });

  it("validates the resource: title, description, publishAt only when private and in the future", async () => {
    const reason = async (res: Response) => ((await res.json()) as { error: { errors: Array<{ reason: string }> } }).error.errors[0]!.reason;
    expect(await reason(await startSession(10, resource({ snippet: { title: "" } })))).toBe("invalidTitle");
    expect(await reason(await startSession(10, resource({ snippet: { title: "x".repeat(101) } })))).toBe("invalidTitle");
    expect(await reason(await startSession(10, resource({ snippet: { title: "a <b>" } })))).toBe("invalidTitle");
    expect(await reason(await startSession(10, resource({ snippet: { title: "t", description: "é".repeat(2501) } })))).toBe("invalidDescription");
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect(await reason(await startSession(10, resource({ status: { privacyStatus: "public", publishAt: future } })))).toBe("invalidPublishAt");
    expect((await startSession(10, resource({ status: { privacyStatus: "private", publishAt: future } }))).status).toBe(200);
    const noLength = await fetch(`${upload}/videos?uploadType=resumable&part=snippet,status`, { method: "POST", headers: auth, body: JSON.stringify(resource()) });
    expect(noLength.status).toBe(400);
    const noAuth = await fetch(`${upload}/videos?uploadType=resumable&part=snippet,status`, { method: "POST", headers: { "x-upload-content-length": "10" }, body: "{}" });
    expect(await reason(noAuth)).toBe("authError");
  });

  it("locks uploads to private for an unverified project", async () => {
    await yt.seed({ config: { unverifiedProject: true } });
    const uri = await session(10);
    const video = (await (await put(uri, null, new Uint8Array(10))).json()) as { status: { privacyStatus: string } };
    expect(video.status.privacyStatus).toBe("private");
  });

  it("charges quota in both models: 1,600 units per insert, or one call in the insert bucket", async () => {
    await put(await session(10), null, new Uint8Array(10));
    let state = await yt.state();
    expect(Object.values(state.quota)).toEqual([{ units: 1600, insertCalls: 0 }]);
    await yt.reset();
    await yt.seed({ channels: [{ id: CHANNEL, title: "Rules", accessToken: TOKEN }], config: { quotaModel: "bucket100" } });
    await put(await session(10), null, new Uint8Array(10));
    state = await yt.state();
    expect(Object.values(state.quota)).toEqual([{ units: 0, insertCalls: 1 }]);
  });
});

describe("Google fake: token endpoint, thumbnails and lists", () => {
  const token = (form: Record<string, string>) =>
    fetch(`${yt.url}/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form) });

  it("refreshes, rotates the refresh token on demand, and refuses a revoked one with invalid_grant", async () => {
    const ok = (await (await token({ grant_type: "refresh_token", refresh_token: "1//rules" })).json()) as Record<string, unknown>;
    expect(ok).toMatchObject({ expires_in: 3599, token_type: "Bearer" });
    const fresh = ok.access_token as string;
    expect((await fetch(`${api}/channels?mine=true&part=contentDetails`, { headers: { authorization: `Bearer ${fresh}` } })).status).toBe(200);

    await yt.seed({ rotateRefreshTokens: 1 });
    const rotated = (await (await token({ grant_type: "refresh_token", refresh_token: "1//rules" })).json()) as Record<string, string>;
    expect(rotated.refresh_token).toBeDefined();
    const old = await token({ grant_type: "refresh_token", refresh_token: "1//rules" });
    expect(old.status).toBe(400);
    expect(await old.json()).toEqual({ error: "invalid_grant", error_description: "Token has been expired or revoked." });
    expect((await token({ grant_type: "refresh_token", refresh_token: rotated.refresh_token! })).status).toBe(200);
  });

  it("thumbnails.set: 404 for an unknown video, refuses non-images and images over 2 MB, sets a JPEG", async () => {
    const video = (await (await put(await session(10), null, new Uint8Array(10))).json()) as { id: string };
    const set = (id: string, body: Uint8Array, type = "image/jpeg") => fetch(`${upload}/thumbnails/set?videoId=${id}`, { method: "POST", headers: { ...auth, "content-type": type }, body });
    const jpeg = new Uint8Array(1000);
    jpeg.set([0xff, 0xd8, 0xff]);
    expect((await set("nope", jpeg)).status).toBe(404);
    expect((await set(video.id, new Uint8Array(1000))).status).toBe(400);
    const big = new Uint8Array(2 * 1024 * 1024 + 1);
    big.set([0xff, 0xd8, 0xff]);
    expect((await set(video.id, big)).status).toBe(400);
    const ok = await set(video.id, jpeg);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ kind: "youtube#thumbnailSetResponse" });
  });

  it("lists the channel's uploads newest first and the videos by id", async () => {
    const a = (await (await put(await session(10), null, new Uint8Array(10))).json()) as { id: string };
    await yt.advance(1000);
    const b = (await (await put(await session(10), null, new Uint8Array(10))).json()) as { id: string };
    const ch = (await (await fetch(`${api}/channels?mine=true&part=contentDetails`, { headers: auth })).json()) as { items: Array<{ contentDetails: { relatedPlaylists: { uploads: string } } }> };
    const uploads = ch.items[0]!.contentDetails.relatedPlaylists.uploads;
    const list = (await (await fetch(`${api}/playlistItems?playlistId=${uploads}&part=snippet`, { headers: auth })).json()) as { items: Array<{ snippet: { title: string; resourceId: { videoId: string } } }> };
    expect(list.items.map((i) => i.snippet.resourceId.videoId)).toEqual([b.id, a.id]);
    expect(list.items[0]!.snippet.title).toBe("A title");
    const vids = (await (await fetch(`${api}/videos?id=${a.id},${b.id}&part=status,snippet`, { headers: auth })).json()) as { items: unknown[] };
    expect(vids.items).toHaveLength(2);
  });
});
