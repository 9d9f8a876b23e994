// An output's media, rendered in the Worker and stored in R2; the generate
// queue consumer calls renderOutputMedia after writing the text.
//  - reels (variants light, dark): the title card (also the reel thumbnail),
//    one card per slide text, encoded as a 30 fps H.264 MP4 with the brand's
//    music; a YouTube thumbnail.
//  - posts: a cover and carousel slides (1080×1350), the cover being the first
//    of at most 10; a YouTube thumbnail.
// Failures throw a MediaRenderError whose message says what went wrong; the
// consumer records it on the output.
import type { BrandColors } from "../contract/schemas";
import type { Env } from "../env";
import type { MediaStep } from "../generation/generate-output";
import { probeImage, toDataUrl } from "./image-probe";
import { carouselSlide, postCover, reelSlide, reelTitle, SIZES, youtubeThumbnail, type SlideBrand } from "./layouts";
import { readAacTrack } from "./music";
import { renderLayout } from "./render-layout";
import { encodeReel, type ReelSlide } from "./reel-video";
import { ensureImageRuntime } from "./runtime-workerd";
import { deleteUnreferenced, getMediaBytes, putMedia } from "./storage";
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
  brand: { name: string; handle: string | null; colors: BrandColors; logoKey: string | null; musicKey: string | null };
  title: string;
  slideTexts: string[];
  caption?: string;
  /** The output's keys from its previous render, deleted when no longer used. */
  previousKeys: string[];
}

export interface RenderedOutputKeys {
  thumbnailKey: string;
  ytThumbnailKey: string;
  videoKey?: string;
  coverKey?: string;
  slideKeys?: string[];
}

export class MediaRenderError extends Error {
  override name = "MediaRenderError";
}

export async function renderOutputMedia(env: Env, input: RenderOutputInput): Promise<RenderedOutputKeys> {
  const step = { name: "starting the image renderer" };
  try {
    await ensureImageRuntime();
    step.name = "loading the brand logo";
    const brand: SlideBrand = { name: input.brand.name, handle: input.brand.handle, logo: await loadLogo(env, input.brand.logoKey) };
    const main = input.variant === "post" ? await renderPost(env, input, brand, step) : await renderReel(env, input, brand, input.variant, step);

    step.name = "rendering the YouTube thumbnail";
    const ytTheme = input.variant === "post" ? "dark" : input.variant;
    const yt = await renderLayout(youtubeThumbnail(brand, palette(input.brand.colors, ytTheme), input.title));
    const keys: RenderedOutputKeys = { ...main, ytThumbnailKey: await putMedia(env.MEDIA, input.workspaceId, yt.png, "png") };

    step.name = "removing the previous render's media";
    const current = new Set([keys.thumbnailKey, keys.ytThumbnailKey, keys.videoKey, keys.coverKey, ...(keys.slideKeys ?? [])]);
    await deleteUnreferenced(
      env,
      input.workspaceId,
      input.previousKeys.filter((k) => !current.has(k)),
      input.outputId,
    );
    return keys;
  } catch (err) {
    if (err instanceof MediaRenderError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new MediaRenderError(`Media failed while ${step.name}: ${reason}`);
  }
}

async function loadLogo(env: Env, key: string | null): Promise<SlideBrand["logo"]> {
  if (!key) return null;
  const bytes = await getMediaBytes(env.MEDIA, key, "The brand logo");
  const info = probeImage(bytes);
  if (!info) throw new Error(`The brand logo (${key}) is not a PNG or JPEG image.`);
  return { src: toDataUrl(bytes, info.contentType), width: info.width, height: info.height };
}

type Keys = Omit<RenderedOutputKeys, "ytThumbnailKey">;

async function renderPost(env: Env, input: RenderOutputInput, brand: SlideBrand, step: { name: string }): Promise<Keys> {
  const p = palette(input.brand.colors, "light");
  const texts = input.slideTexts.slice(0, MAX_CAROUSEL - 1);
  const count = texts.length + 1;
  step.name = "rendering the post cover";
  const cover = await renderLayout(postCover(brand, p, input.title, count));
  const coverKey = await putMedia(env.MEDIA, input.workspaceId, cover.png, "png");
  const slideKeys = [coverKey];
  for (const [i, text] of texts.entries()) {
    step.name = `rendering carousel slide ${i + 2} of ${count}`;
    const slide = await renderLayout(carouselSlide(brand, p, text, i + 1, count));
    slideKeys.push(await putMedia(env.MEDIA, input.workspaceId, slide.png, "png"));
  }
  return { thumbnailKey: coverKey, coverKey, slideKeys };
}

async function renderReel(env: Env, input: RenderOutputInput, brand: SlideBrand, theme: "light" | "dark", step: { name: string }): Promise<Keys> {
  const p = palette(input.brand.colors, theme);
  const texts = input.slideTexts.slice(0, MAX_REEL_SLIDES - 1);
  const layouts = [reelTitle(brand, p, input.title), ...texts.map((t, i) => reelSlide(brand, p, t, i + 1, texts.length + 1))];
  const seconds = layouts.length * SECONDS_PER_SLIDE;

  step.name = "reading the brand music";
  const music = input.brand.musicKey ? await readAacTrack(await getMediaBytes(env.MEDIA, input.brand.musicKey, "The brand music"), seconds + 1) : null;

  let thumbnailKey = "";
  // Slides are rendered as the encoder asks for them: one slide's pixels in memory at a time.
  async function* slides(): AsyncGenerator<ReelSlide> {
    for (const [i, layout] of layouts.entries()) {
      step.name = `rendering reel slide ${i + 1} of ${layouts.length}`;
      const image = await renderLayout(layout);
      if (i === 0) thumbnailKey = await putMedia(env.MEDIA, input.workspaceId, image.png, "png");
      step.name = `encoding reel slide ${i + 1} of ${layouts.length}`;
      yield { rgba: image.rgba, seconds: SECONDS_PER_SLIDE };
    }
  }
  const reel = await encodeReel(slides(), { ...SIZES.reel, fps: REEL_FPS, music });
  step.name = "storing the reel";
  const videoKey = await putMedia(env.MEDIA, input.workspaceId, reel.mp4, "mp4");
  return { thumbnailKey, videoKey };
}

/** renderOutputMedia in the shape the generate consumer injects (worker/generation/generate-output.ts). */
export const renderMediaStep: MediaStep = (env, ctx, content) =>
  renderOutputMedia(env, {
    workspaceId: ctx.workspaceId,
    outputId: ctx.outputId,
    variant: ctx.variant,
    brand: {
      name: ctx.brand.name,
      handle: ctx.brand.handle,
      colors: JSON.parse(ctx.brand.colors) as BrandColors,
      logoKey: ctx.brand.logoKey,
      musicKey: ctx.brand.musicKey,
    },
    title: content.title,
    slideTexts: content.slideTexts,
    caption: content.caption,
    previousKeys: ctx.previousKeys,
  });
