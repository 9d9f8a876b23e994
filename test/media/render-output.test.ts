// renderOutputMedia: an output's media rendered in workerd, stored in R2 under
// content-addressed keys, and the previous render's keys cleaned up.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { generateOutput } from "../../worker/generation/generate-output";
import { renderImage } from "../../worker/media/image-runtime";
import { h } from "../../worker/media/element";
import { ALL_FORMATS, BufferSource, Input } from "../../worker/media/mediabunny";
import { MediaRenderError, renderMediaStep, renderOutputMedia, type RenderOutputInput } from "../../worker/media/render-output";
import { ensureImageRuntime } from "../../worker/media/runtime-workerd";
import { putMedia } from "../../worker/media/storage";
import { createBrand, json, signup, type Session } from "../support/fixtures";
import { TONE_M4A } from "./fixtures/audio";
import { COLORS, pngSize } from "./helpers";
import { topLevelBoxes } from "./mp4-boxes";

let logoPng: Uint8Array;

beforeAll(async () => {
  await ensureImageRuntime();
  logoPng = (await renderImage(h("div", { width: 300, height: 200, display: "flex", backgroundColor: "#e11d48" }), 300, 200)).png;
});

async function objectBytes(key: string): Promise<Uint8Array> {
  const obj = await env.MEDIA.get(key);
  expect(obj, `R2 object ${key}`).not.toBeNull();
  return new Uint8Array(await obj!.arrayBuffer());
}


function input(workspaceId: string, over: Partial<RenderOutputInput> = {}): RenderOutputInput {
  return {
    workspaceId,
    outputId: `out-${crypto.randomUUID()}`,
    variant: "dark",
    brand: { name: "Café Lisboa", handle: "cafelisboa", colors: COLORS, logoKey: null, musicKey: null },
    title: "Five habits that stick",
    slideTexts: ["Drink water first.", "Walk ten minutes."],
    previousKeys: [],
    ...over,
  };
}

describe("reels", () => {
  it("thumbnail, YouTube thumbnail and an MP4 with the brand's logo and music, stored under ws/<id>/<sha256>", async () => {
    const ws = `w${crypto.randomUUID().slice(0, 8)}`;
    const logoKey = await putMedia(env.MEDIA, ws, logoPng, "png");
    const musicKey = await putMedia(env.MEDIA, ws, TONE_M4A, "m4a");
    const keys = await renderOutputMedia(env, input(ws, { brand: { ...input(ws).brand, logoKey, musicKey } }));

    for (const key of [keys.thumbnailKey, keys.ytThumbnailKey, keys.videoKey!]) expect(key).toMatch(new RegExp(`^ws/${ws}/[0-9a-f]{64}\\.(png|mp4)$`));
    expect(pngSize(await objectBytes(keys.thumbnailKey))).toEqual({ width: 1080, height: 1920 });
    expect(pngSize(await objectBytes(keys.ytThumbnailKey))).toEqual({ width: 1280, height: 720 });
    expect((await env.MEDIA.head(keys.videoKey!))?.httpMetadata?.contentType).toBe("video/mp4");

    const mp4 = await objectBytes(keys.videoKey!);
    const boxes = topLevelBoxes(mp4);
    expect(boxes.indexOf("moov"), boxes.join(",")).toBeLessThan(boxes.indexOf("mdat"));
    const file = new Input({ source: new BufferSource(mp4), formats: ALL_FORMATS });
    const video = (await file.getPrimaryVideoTrack())!;
    expect(video.codec).toBe("avc");
    expect([video.displayWidth, video.displayHeight]).toEqual([1080, 1920]);
    expect(await video.computeDuration()).toBeCloseTo(9, 1); // title + 2 slides × 3 s
    const audio = (await file.getPrimaryAudioTrack())!;
    expect(audio.codec).toBe("aac");
    // The 1.5 s tone is looped to the video's length, and cut there.
    expect(Math.abs((await audio.computeDuration()) - 9)).toBeLessThan(0.1);
    expect(keys.coverKey).toBeUndefined();
  });

  it("a reel without music has no audio track", async () => {
    const keys = await renderOutputMedia(env, input(`w${crypto.randomUUID().slice(0, 8)}`, { variant: "light", slideTexts: [] }));
    const file = new Input({ source: new BufferSource(await objectBytes(keys.videoKey!)), formats: ALL_FORMATS });
    expect(await file.getPrimaryAudioTrack()).toBeNull();
    expect(await (await file.getPrimaryVideoTrack())!.computeDuration()).toBeCloseTo(3, 1);
  });
});

describe("posts", () => {
  it("a cover and carousel slides of 1080×1350, at most 10 in all, the cover first", async () => {
    const texts = Array.from({ length: 12 }, (_, i) => `Point number ${i + 1}`);
    const keys = await renderOutputMedia(env, input(`w${crypto.randomUUID().slice(0, 8)}`, { variant: "post", slideTexts: texts }));
    expect(keys.slideKeys).toHaveLength(10);
    expect(keys.slideKeys![0]).toBe(keys.coverKey);
    expect(keys.thumbnailKey).toBe(keys.coverKey);
    expect(keys.videoKey).toBeUndefined();
    expect(new Set(keys.slideKeys).size).toBe(10);
    for (const key of keys.slideKeys!) expect(pngSize(await objectBytes(key))).toEqual({ width: 1080, height: 1350 });
  });
});

describe("re-rendering", () => {
  let s: Session;
  beforeAll(async () => {
    s = await signup();
  });

  async function outputRow(title: string) {
    const brand = await createBrand(s);
    const job = await json<{ jobId: string }>("/api/jobs", { ...s, body: { variant: "post", brands: [brand.id], title, slideTexts: ["One"] } }, 201);
    return env.DB.prepare("SELECT id FROM job_outputs WHERE job_id = ?").bind(Number(job.jobId.slice(4))).first<{ id: string }>();
  }

  it("deletes the previous keys it no longer uses, but not those another output still uses", async () => {
    const mine = (await outputRow("Mine"))!;
    const other = (await outputRow("Other"))!;
    const first = await renderOutputMedia(env, input(s.workspaceId, { outputId: mine.id, variant: "post", slideTexts: ["Shared slide", "Old slide"] }));
    const oldOnly = first.slideKeys![2]!;
    const shared = first.slideKeys![1]!;
    // Another output of the workspace points at one of the same (identical) images.
    await env.DB.prepare("UPDATE job_outputs SET slide_keys = ? WHERE id = ?").bind(JSON.stringify([shared]), other.id).run();

    const second = await renderOutputMedia(
      env,
      input(s.workspaceId, { outputId: mine.id, variant: "post", title: "New title", slideTexts: ["New slide"], previousKeys: [first.coverKey!, ...first.slideKeys!, first.ytThumbnailKey] }),
    );
    expect(await env.MEDIA.head(first.coverKey!)).toBeNull();
    expect(await env.MEDIA.head(oldOnly)).toBeNull();
    expect(await env.MEDIA.head(first.ytThumbnailKey)).toBeNull();
    expect(await env.MEDIA.head(shared)).not.toBeNull();
    for (const key of [second.coverKey!, ...second.slideKeys!, second.ytThumbnailKey]) expect(await env.MEDIA.head(key)).not.toBeNull();
  });

  it("re-rendering the same content keeps the same keys and objects", async () => {
    const one = await renderOutputMedia(env, input(s.workspaceId, { variant: "post", slideTexts: ["Same"] }));
    const two = await renderOutputMedia(env, input(s.workspaceId, { variant: "post", slideTexts: ["Same"], previousKeys: [...one.slideKeys!, one.ytThumbnailKey] }));
    expect(two).toEqual(one);
    for (const key of two.slideKeys!) expect(await env.MEDIA.head(key)).not.toBeNull();
  });

  it("the generate step stores the keys on the output", async () => {
    const row = (await outputRow("Generated"))!;
    expect(await generateOutput(env, row.id, renderMediaStep)).toBe("ready");
    const out = await env.DB.prepare("SELECT thumbnail_key, cover_key, slide_keys, yt_thumbnail_key FROM job_outputs WHERE id = ?")
      .bind(row.id)
      .first<Record<string, string>>();
    expect(out!.cover_key).toMatch(/^ws\/.+\.png$/);
    expect(JSON.parse(out!.slide_keys!)[0]).toBe(out!.cover_key);
    expect(await env.MEDIA.head(out!.yt_thumbnail_key!)).not.toBeNull();
  });
});

describe("failures say why", () => {
  it("a brand logo missing from storage", async () => {
    const ws = `w${crypto.randomUUID().slice(0, 8)}`;
    const missing = `ws/${ws}/${"a".repeat(64)}.png`;
    const run = renderOutputMedia(env, input(ws, { brand: { ...input(ws).brand, logoKey: missing } }));
    await expect(run).rejects.toBeInstanceOf(MediaRenderError);
    await expect(run).rejects.toThrow(/logo.*missing from media storage/);
  });

  it("music that is not AAC", async () => {
    const ws = `w${crypto.randomUUID().slice(0, 8)}`;
    const musicKey = await putMedia(env.MEDIA, ws, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), "aac");
    await expect(renderOutputMedia(env, input(ws, { brand: { ...input(ws).brand, musicKey } }))).rejects.toThrow(/music/i);
  });
});
