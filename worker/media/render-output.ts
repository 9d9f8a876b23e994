// An output's media, rendered and stored in R2. It runs in the media Worker
// (worker/media-worker.ts), which the API Worker calls over its MEDIA_RENDERER
// binding (renderer.ts); the API Worker never imports this file.
//  - reels (variants light, dark): the title card (also the reel thumbnail,
//    and as JPEG the reel cover), one card per slide text, encoded as a 30 fps
//    H.264 MP4 with the brand's music; a YouTube thumbnail.
//  - posts: a cover and carousel slides (1080×1350), the cover being the first
//    of at most 10, each also as JPEG; a YouTube thumbnail.
// PNG is what the app shows; JPEG is what Instagram takes (PLATFORMS.md §1.6),
// so the publish keys are JPEG. Deleting the previous render's media needs D1
// and is the caller's step (media-step.ts), so this code needs only R2.
// Failures throw a MediaRenderError whose message says what went wrong; the
// consumer records it on the output.
import type { BrandColors } from "../contract/schemas";
import { probeImage, toDataUrl } from "./image-probe";
import { encodeJpeg } from "./jpeg";
import { carouselLayouts, reelLayouts, SIZES, youtubeThumbnail, type SlideBrand } from "./layouts";
import { readAacTrack } from "./music";
import { renderLayout } from "./render-layout";
import { unsupportedScriptProblem } from "./scripts";
import { encodeReel, type ReelSlide } from "./reel-video";
import { ensureImageRuntime } from "./runtime-workerd";
import { getMediaBytes, putMedia } from "./storage";
import { palette } from "./theme";

export const REEL_FPS = 30;
export const SECONDS_PER_SLIDE = 3;
/** Instagram carousels hold at most 10 items; the cover is one of them. */
export const MAX_CAROUSEL = 10;
/** The title card plus at most 9 slide texts: a reel of at most 30 s. */
export const MAX_REEL_SLIDES = 10;

export interface RenderOutputInput {
  workspaceId: string;
  outputId: string;
  variant: "light" | "dark" | "post";
  brand: { name: string; handle: string | null; colors: BrandColors; logoKey: string | null; musicKey: string | null; language?: string | null };
  title: string;
  slideTexts: string[];
  caption?: string;
}

/** What rendering needs: the media bucket, and the media Worker's assets (emoji pictures, CJK font chunks). */
export interface MediaEnv {
  MEDIA: R2Bucket;
  MEDIA_ASSETS?: Fetcher;
}

export interface RenderedOutputKeys {
  thumbnailKey: string;
  ytThumbnailKey: string;
  videoKey?: string;
  coverKey?: string;
  slideKeys?: string[];
  /** JPEG, what Instagram takes: the reel cover (1080×1920) or the post cover (1080×1350). */
  publishCoverKey: string;
  /** Posts only: every carousel image as JPEG (1080×1350), the cover first. */
  publishSlideKeys?: string[];
}

export class MediaRenderError extends Error {
  override name = "MediaRenderError";
}

export async function renderOutputMedia(env: MediaEnv, input: RenderOutputInput): Promise<RenderedOutputKeys> {
  // Text in a script slides cannot draw fails the output with a message, before any work.
  const scriptProblem = unsupportedScriptProblem([
    { what: "The title", text: input.title },
    ...input.slideTexts.map((text, i) => ({ what: `Slide ${i + 1}`, text })),
    { what: "The brand name", text: input.brand.name },
    { what: "The brand handle", text: input.brand.handle },
  ]);
  if (scriptProblem) throw new MediaRenderError(scriptProblem);
  const step = { name: "starting the image renderer" };
  try {
    await ensureImageRuntime(env.MEDIA_ASSETS);
    step.name = "loading the brand logo";
    const brand: SlideBrand = { name: input.brand.name, handle: input.brand.handle, logo: await loadLogo(env, input.brand.logoKey), language: input.brand.language };
    const main = input.variant === "post" ? await renderPost(env, input, brand, step) : await renderReel(env, input, brand, input.variant, step);

    step.name = "rendering the YouTube thumbnail";
    const ytTheme = input.variant === "post" ? "dark" : input.variant;
    const yt = await renderLayout(youtubeThumbnail(brand, palette(input.brand.colors, ytTheme), input.title), { language: input.brand.language });
    return { ...main, ytThumbnailKey: await putMedia(env.MEDIA, input.workspaceId, yt.png, "png") };
  } catch (err) {
    if (err instanceof MediaRenderError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new MediaRenderError(`Media failed while ${step.name}: ${reason}`);
  }
}

async function loadLogo(env: MediaEnv, key: string | null): Promise<SlideBrand["logo"]> {
  if (!key) return null;
  const bytes = await getMediaBytes(env.MEDIA, key, "The brand logo");
  const info = probeImage(bytes);
  if (!info) throw new Error(`The brand logo (${key}) is not a PNG or JPEG image.`);
  return { src: toDataUrl(bytes, info.contentType), width: info.width, height: info.height };
}

type Keys = Omit<RenderedOutputKeys, "ytThumbnailKey">;

async function renderPost(env: MediaEnv, input: RenderOutputInput, brand: SlideBrand, step: { name: string }): Promise<Keys> {
  const p = palette(input.brand.colors, "light");
  const [coverLayout, ...cards] = carouselLayouts(brand, p, input.title, input.slideTexts.slice(0, MAX_CAROUSEL - 1));
  const count = cards.length + 1;
  step.name = "rendering the post cover";
  const opts = { language: input.brand.language };
  const cover = await renderLayout(coverLayout!, opts);
  const coverKey = await putMedia(env.MEDIA, input.workspaceId, cover.png, "png");
  const publishCoverKey = await putMedia(env.MEDIA, input.workspaceId, encodeJpeg(cover), "jpg");
  const slideKeys = [coverKey];
  const publishSlideKeys = [publishCoverKey];
  for (const [i, card] of cards.entries()) {
    step.name = `rendering carousel slide ${i + 2} of ${count}`;
    const slide = await renderLayout(card, opts);
    slideKeys.push(await putMedia(env.MEDIA, input.workspaceId, slide.png, "png"));
    publishSlideKeys.push(await putMedia(env.MEDIA, input.workspaceId, encodeJpeg(slide), "jpg"));
  }
  return { thumbnailKey: coverKey, coverKey, slideKeys, publishCoverKey, publishSlideKeys };
}

async function renderReel(env: MediaEnv, input: RenderOutputInput, brand: SlideBrand, theme: "light" | "dark", step: { name: string }): Promise<Keys> {
  const p = palette(input.brand.colors, theme);
  const layouts = reelLayouts(brand, p, input.title, input.slideTexts.slice(0, MAX_REEL_SLIDES - 1));
  const seconds = layouts.length * SECONDS_PER_SLIDE;

  step.name = "reading the brand music";
  const music = input.brand.musicKey ? await readAacTrack(await getMediaBytes(env.MEDIA, input.brand.musicKey, "The brand music"), seconds + 1) : null;

  let thumbnailKey = "";
  let publishCoverKey = "";
  // Slides are rendered as the encoder asks for them: one slide's pixels in memory at a time.
  async function* slides(): AsyncGenerator<ReelSlide> {
    for (const [i, layout] of layouts.entries()) {
      step.name = `rendering reel slide ${i + 1} of ${layouts.length}`;
      const image = await renderLayout(layout, { language: input.brand.language });
      if (i === 0) {
        thumbnailKey = await putMedia(env.MEDIA, input.workspaceId, image.png, "png");
        publishCoverKey = await putMedia(env.MEDIA, input.workspaceId, encodeJpeg(image), "jpg");
      }
      step.name = `encoding reel slide ${i + 1} of ${layouts.length}`;
      yield { rgba: image.rgba, seconds: SECONDS_PER_SLIDE };
    }
  }
  const reel = await encodeReel(slides(), { ...SIZES.reel, fps: REEL_FPS, music });
  step.name = "storing the reel";
  const videoKey = await putMedia(env.MEDIA, input.workspaceId, reel.mp4, "mp4");
  return { thumbnailKey, videoKey, publishCoverKey };
}
