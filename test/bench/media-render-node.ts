// For media.bench.mjs: the bench reel's slides rendered in Node by the same
// layouts and renderer the Worker uses, as PNG files (ffmpeg's input) and as
// the reel our encoder makes of them, with the luma each slide should decode to.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { codedSize } from "../../worker/media/h264/parameter-sets";
import { rgbaToYuv420 } from "../../worker/media/h264/yuv";
import { encodeReel } from "../../worker/media/reel-video";
import { renderLayout } from "../../worker/media/render-layout";
import { ensureNodeImageRuntime } from "../media-node/node-runtime";
import { BENCH_SECONDS_PER_SLIDE, benchReelLayouts } from "./media-content";

export interface BenchStills {
  pngs: string[];
  width: number;
  height: number;
  /** Each slide's Y plane (width × height) as our encoder converts it (BT.709, yuv.ts). */
  luma: Uint8Array[];
  rgba: Uint8Array[];
}

export async function writeBenchSlides(dir: string): Promise<BenchStills> {
  await ensureNodeImageRuntime();
  const stills: BenchStills = { pngs: [], width: 0, height: 0, luma: [], rgba: [] };
  for (const [i, layout] of benchReelLayouts().entries()) {
    const file = join(dir, `slide-${i}.png`);
    const image = await renderLayout(layout);
    writeFileSync(file, image.png);
    const { width, height } = image;
    const { codedWidth, codedHeight } = codedSize({ width, height, fps: 30 });
    const y = rgbaToYuv420(image.rgba, width, height, codedWidth, codedHeight).y;
    const luma = new Uint8Array(width * height);
    for (let row = 0; row < height; row++) luma.set(y.subarray(row * codedWidth, row * codedWidth + width), row * width);
    Object.assign(stills, { width, height });
    stills.pngs.push(file);
    stills.luma.push(luma);
    stills.rgba.push(image.rgba);
  }
  return stills;
}

/** Our reel of the stills (as render-output.ts makes it), written to `file`. */
export async function writeOurReel(stills: BenchStills, file: string): Promise<{ bytes: number; encodeMs: number; pcmMacroblocks: number }> {
  const t = performance.now();
  const reel = await encodeReel(
    stills.rgba.map((rgba) => ({ rgba, seconds: BENCH_SECONDS_PER_SLIDE })),
    { width: stills.width, height: stills.height, fps: 30 },
  );
  const encodeMs = performance.now() - t;
  writeFileSync(file, reel.mp4);
  return { bytes: reel.mp4.length, encodeMs, pcmMacroblocks: reel.intra.reduce((s, x) => s + x.pcmMacroblocks, 0) };
}

export { BENCH_SECONDS_PER_SLIDE } from "./media-content";
