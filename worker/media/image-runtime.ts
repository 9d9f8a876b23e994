// Layout to SVG (satori) and SVG to pixels (resvg), both WebAssembly. The
// runtime is initialised once per isolate from modules the caller supplies:
// workerd gets compiled modules from the bundle (runtime-workerd.ts), Node
// tests get file bytes, so the rendering code is the same in both.
import satori, { init as initSatori } from "satori/wasm";
import initYoga from "yoga-wasm-web";
import { initWasm as initResvg, Resvg } from "@resvg/resvg-wasm";
import { FONT_FILES } from "./fonts";
import type { Element } from "./element";

export interface ImageRuntimeSources {
  yogaWasm: WebAssembly.Module | BufferSource;
  resvgWasm: WebAssembly.Module | BufferSource;
  /** File name (FONT_FILES) → WOFF bytes. */
  fonts: Record<string, ArrayBuffer>;
}

interface SatoriFont {
  name: string;
  data: ArrayBuffer;
  weight: 400 | 800;
  style: "normal";
}

/** A rendered image: PNG for storage, straight RGBA (opaque) for the video encoder. */
export interface RenderedImage {
  width: number;
  height: number;
  png: Uint8Array;
  rgba: Uint8Array;
}

let ready: Promise<SatoriFont[]> | null = null;

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

/** Lays the element out as SVG; `onNode` sees every element's computed box. */
export async function renderSvg(element: Element, width: number, height: number, onNode?: (node: LaidOutNode) => void): Promise<string> {
  // The same fonts array every call: satori caches parsed fonts per array.
  return satori(element as never, { width, height, fonts: await fonts(), ...(onNode ? { onNodeDetected: onNode } : {}) });
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

export async function renderImage(element: Element, width: number, height: number): Promise<RenderedImage> {
  return rasterize(await renderSvg(element, width, height));
}
