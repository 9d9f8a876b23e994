// Layout to SVG (satori) and SVG to pixels (resvg), both WebAssembly. The
// runtime is initialised once per isolate from modules the caller supplies:
// workerd gets compiled modules from the bundle (runtime-workerd.ts), Node
// tests get file bytes, so the rendering code is the same in both.
import satori, { init as initSatori } from "satori/wasm";
import initYoga from "yoga-wasm-web";
import { initWasm as initResvg, Resvg } from "@resvg/resvg-wasm";
import { additionalAssetLoader, fontSetFor, knownEmoji, type AssetSource, type SatoriFont } from "./additional-assets";
import { FONT_FILES } from "./fonts";
import type { Element } from "./element";
import { hanFamilyFor, satoriLocale } from "./scripts";

export interface ImageRuntimeSources {
  yogaWasm: WebAssembly.Module | BufferSource;
  resvgWasm: WebAssembly.Module | BufferSource;
  /** File name (FONT_FILES) → WOFF bytes. */
  fonts: Record<string, ArrayBuffer>;
}

/** A rendered image: PNG for storage, straight RGBA (opaque) for the video encoder. */
export interface RenderedImage {
  width: number;
  height: number;
  png: Uint8Array;
  rgba: Uint8Array;
}

let ready: Promise<SatoriFont[]> | null = null;
let assetSource: AssetSource | null = null;

/** Where emoji pictures and on-demand font chunks are read from (the media Worker's assets; files in Node). */
export function setAssetSource(source: AssetSource | null) {
  assetSource = source;
}

export function initImageRuntime(sources: ImageRuntimeSources): Promise<void> {
  ready ??= (async () => {
    initSatori(await initYoga(sources.yogaWasm));
    await initResvg(sources.resvgWasm);
    return FONT_FILES.map((f) => {
      const data = sources.fonts[f.file];
      if (!data) throw new Error(`Bundled font ${f.file} is missing.`);
      return { name: f.name, data, weight: f.weight, style: "normal" as const };
    });
  })();
  // A failed start-up must not stick: the next call tries again.
  ready.catch(() => (ready = null));
  return ready.then(() => undefined);
}

async function fonts(): Promise<SatoriFont[]> {
  if (!ready) throw new Error("The image runtime is not initialised (call initImageRuntime first).");
  return ready;
}

export interface LaidOutNode {
  key?: string | number;
  width: number;
  height: number;
}

export interface SvgOptions {
  /** The brand's language (a brief language tag): picks the Han font and satori's line-breaking locale. */
  language?: string | null;
  /** Sees every element's computed box. */
  onNode?: (node: LaidOutNode) => void;
}

/** Lays the element out as SVG; characters the bundled fonts lack are loaded on demand (additional-assets.ts). */
export async function renderSvg(element: Element, width: number, height: number, opts: SvgOptions = {}): Promise<string> {
  // The same array per Han font every call: satori caches parsed fonts per array and keeps what it loads into it.
  const set = fontSetFor(hanFamilyFor(opts.language), await fonts());
  const locale = satoriLocale(opts.language);
  const root = locale ? { ...element, props: { ...element.props, lang: locale } } : element;
  return satori(root as never, {
    width,
    height,
    fonts: set.fonts,
    graphemeImages: knownEmoji(),
    loadAdditionalAsset: additionalAssetLoader({ source: assetSource, set }) as never,
    ...(opts.onNode ? { onNodeDetected: opts.onNode } : {}),
  });
}

export function rasterize(svg: string): RenderedImage {
  const resvg = new Resvg(svg, { fitTo: { mode: "original" }, font: { loadSystemFonts: false } });
  try {
    const image = resvg.render();
    try {
      // Layouts paint an opaque background, so resvg's premultiplied RGBA equals straight RGBA.
      return { width: image.width, height: image.height, png: image.asPng(), rgba: image.pixels };
    } finally {
      image.free();
    }
  } finally {
    // WebAssembly memory is not garbage-collected: free it, the isolate has 128 MB.
    resvg.free();
  }
}

export async function renderImage(element: Element, width: number, height: number, opts: SvgOptions = {}): Promise<RenderedImage> {
  return rasterize(await renderSvg(element, width, height, opts));
}
