// renderOutputMedia: an output's media rendered in workerd, stored in R2 under
// content-addressed keys, and the previous render's keys cleaned up.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { generateOutput, loadOutputContext } from "../../worker/generation/generate-output";
import { renderImage } from "../../worker/media/image-runtime";
import { h } from "../../worker/media/element";
import { ALL_FORMATS, BufferSource, Input } from "../../worker/media/mediabunny";
import { probeImage } from "../../worker/media/image-probe";
import { MAX_JPEG_BYTES } from "../../worker/media/jpeg";
import { createMediaStep } from "../../worker/media/media-step";
import { MediaRenderError, renderOutputMedia, type RenderedOutputKeys, type RenderOutputInput } from "../../worker/media/render-output";
import { renderMedia } from "../../worker/media/renderer";
import { ensureImageRuntime } from "../../worker/media/runtime-workerd";
import { putMedia } from "../../worker/media/storage";
import { createBrand, json, signup, type Session } from "../support/fixtures";
import { TONE_M4A } from "./fixtures/audio";
import { COLORS, pngSize } from "./helpers";
import { topLevelBoxes } from "./mp4-boxes";

let logoPng: Uint8Array;

beforeAll(async () => {
  await ensureImageRuntime(env.MEDIA_ASSETS);
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
    expect(keys.publishSlideKeys).toBeUndefined();
  });

  it("the reel cover for Instagram: the title card as a 1080×1920 JPEG of at most 8 MB", async () => {
    const ws = `w${crypto.randomUUID().slice(0, 8)}`;
    const keys = await renderOutputMedia(env, input(ws));
    expect(keys.publishCoverKey).toMatch(new RegExp(`^ws/${ws}/[0-9a-f]{64}\\.jpg$`));
    expect((await env.MEDIA.head(keys.publishCoverKey))?.httpMetadata?.contentType).toBe("image/jpeg");
    expectInstagramJpeg(await objectBytes(keys.publishCoverKey), { width: 1080, height: 1920 });
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

  it("every carousel image also as a 4:5 JPEG for Instagram, the cover first, in the PNGs' order", async () => {
    const texts = ["First point", "Second point", "Third point"];
    const keys = await renderOutputMedia(env, input(`w${crypto.randomUUID().slice(0, 8)}`, { variant: "post", slideTexts: texts }));
    expect(keys.publishSlideKeys).toHaveLength(4);
    expect(keys.publishSlideKeys![0]).toBe(keys.publishCoverKey);
    expect(new Set(keys.publishSlideKeys).size).toBe(4);
    for (const key of keys.publishSlideKeys!) {
      expect(key).toMatch(/\.jpg$/);
      expectInstagramJpeg(await objectBytes(key), { width: 1080, height: 1350 });
    }
  });
});

/** PLATFORMS.md §1.6: JPEG (SOI … EOI, a baseline frame header), the given size, at most 8 MB. */
function expectInstagramJpeg(bytes: Uint8Array, size: { width: number; height: number }) {
  expect([bytes[0], bytes[1]], "SOI marker").toEqual([0xff, 0xd8]);
  expect([bytes.at(-2), bytes.at(-1)], "EOI marker").toEqual([0xff, 0xd9]);
  const info = probeImage(bytes);
  expect(info?.type).toBe("jpeg");
  expect({ width: info!.width, height: info!.height }).toEqual(size);
  expect(bytes.byteLength).toBeLessThanOrEqual(MAX_JPEG_BYTES);
  // Flat colour and text at quality 88: far below the limit, and not a degenerate few bytes either.
  expect(bytes.byteLength).toBeGreaterThan(10_000);
}

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

  /** The generate consumer's media step (through the MEDIA_RENDERER binding) for this output, as if its row held `previousKeys`. */
  async function mediaStep(outputId: string, content: { title: string; slideTexts: string[] }, previousKeys: string[]) {
    const ctx = (await loadOutputContext(env.DB, outputId))!;
    return (await createMediaStep(renderMedia)(env, { ...ctx, variant: "post", previousKeys }, { caption: "", ...content })) as RenderedOutputKeys;
  }

  it("deletes the previous keys it no longer uses, but not those another output still uses", async () => {
    const mine = (await outputRow("Mine"))!;
    const other = (await outputRow("Other"))!;
    const first = await mediaStep(mine.id, { title: "Mine", slideTexts: ["Shared slide", "Old slide"] }, []);
    const oldOnly = first.slideKeys![2]!;
    const shared = first.slideKeys![1]!;
    const sharedJpeg = first.publishSlideKeys![1]!;
    const oldJpeg = first.publishSlideKeys![2]!;
    // Another output of the workspace points at some of the same (identical) images.
    await env.DB.prepare("UPDATE job_outputs SET slide_keys = ?, publish_slide_keys = ? WHERE id = ?")
      .bind(JSON.stringify([shared]), JSON.stringify([sharedJpeg]), other.id)
      .run();

    const previous = [first.coverKey!, ...first.slideKeys!, first.ytThumbnailKey, first.publishCoverKey, ...first.publishSlideKeys!];
    const second = await mediaStep(mine.id, { title: "New title", slideTexts: ["New slide"] }, previous);
    for (const gone of [first.coverKey!, oldOnly, first.ytThumbnailKey, first.publishCoverKey, oldJpeg]) expect(await env.MEDIA.head(gone), gone).toBeNull();
    expect(await env.MEDIA.head(shared)).not.toBeNull();
    expect(await env.MEDIA.head(sharedJpeg)).not.toBeNull();
    for (const key of [second.coverKey!, ...second.slideKeys!, second.ytThumbnailKey, ...second.publishSlideKeys!]) expect(await env.MEDIA.head(key)).not.toBeNull();
  });

  it("re-rendering the same content keeps the same keys and objects", async () => {
    const row = (await outputRow("Same"))!;
    const one = await mediaStep(row.id, { title: "Same", slideTexts: ["Same"] }, []);
    const two = await mediaStep(row.id, { title: "Same", slideTexts: ["Same"] }, [...one.slideKeys!, one.ytThumbnailKey, ...one.publishSlideKeys!]);
    expect(two).toEqual(one);
    for (const key of [...two.slideKeys!, ...two.publishSlideKeys!]) expect(await env.MEDIA.head(key)).not.toBeNull();
  });

  it("the generate step stores the keys on the output, JPEG publish keys included", async () => {
    const row = (await outputRow("Generated"))!;
    expect(await generateOutput(env, row.id, createMediaStep(renderMedia))).toBe("ready");
    const out = await env.DB.prepare("SELECT thumbnail_key, cover_key, slide_keys, yt_thumbnail_key, publish_cover_key, publish_slide_keys FROM job_outputs WHERE id = ?")
      .bind(row.id)
      .first<Record<string, string>>();
    expect(out!.cover_key).toMatch(/^ws\/.+\.png$/);
    expect(JSON.parse(out!.slide_keys!)[0]).toBe(out!.cover_key);
    expect(await env.MEDIA.head(out!.yt_thumbnail_key!)).not.toBeNull();
    expect(out!.publish_cover_key).toMatch(/^ws\/.+\.jpg$/);
    const jpegs = JSON.parse(out!.publish_slide_keys!) as string[];
    expect(jpegs).toHaveLength(2);
    expect(jpegs[0]).toBe(out!.publish_cover_key);
    for (const key of jpegs) expect(await env.MEDIA.head(key)).not.toBeNull();
    // A re-render starts from these keys: loadOutputContext lists the JPEGs among the previous keys.
    expect((await loadOutputContext(env.DB, row.id))!.previousKeys).toEqual(expect.arrayContaining(jpegs));
  });

  it("a reel's generate step stores its JPEG cover and no slide JPEGs", async () => {
    const brand = await createBrand(s);
    const job = await json<{ jobId: string }>("/api/jobs", { ...s, body: { variant: "dark", brands: [brand.id], title: "Reel", slideTexts: ["One"] } }, 201);
    const row = (await env.DB.prepare("SELECT id FROM job_outputs WHERE job_id = ?").bind(Number(job.jobId.slice(4))).first<{ id: string }>())!;
    expect(await generateOutput(env, row.id, createMediaStep(renderMedia))).toBe("ready");
    const out = await env.DB.prepare("SELECT publish_cover_key, publish_slide_keys, video_key FROM job_outputs WHERE id = ?").bind(row.id).first<Record<string, string | null>>();
    expect(out!.video_key).toMatch(/\.mp4$/);
    expect(out!.publish_cover_key).toMatch(/\.jpg$/);
    expect(out!.publish_slide_keys).toBeNull();
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

  it("through the media Worker's binding, the reason arrives intact", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const job = await json<{ jobId: string }>("/api/jobs", { ...s, body: { variant: "post", brands: [brand.id], title: "Logo gone", slideTexts: ["One"] } }, 201);
    const row = (await env.DB.prepare("SELECT id FROM job_outputs WHERE job_id = ?").bind(Number(job.jobId.slice(4))).first<{ id: string }>())!;
    const ctx = (await loadOutputContext(env.DB, row.id))!;
    const missing = `ws/${s.workspaceId}/${"b".repeat(64)}.png`;
    const step = createMediaStep(renderMedia)(env, { ...ctx, brand: { ...ctx.brand, logoKey: missing } }, { title: "T", caption: "", slideTexts: ["One"] });
    await expect(step).rejects.toThrow(/^Media failed while loading the brand logo: .*missing from media storage/);
  });

  it("music that is not AAC", async () => {
    const ws = `w${crypto.randomUUID().slice(0, 8)}`;
    const musicKey = await putMedia(env.MEDIA, ws, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), "aac");
    await expect(renderOutputMedia(env, input(ws, { brand: { ...input(ws).brand, musicKey } }))).rejects.toThrow(/music/i);
  });
});
