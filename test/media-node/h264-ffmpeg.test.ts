// The intra coder's reconstruction is what a real decoder shows, sample for
// sample: each picture is written as a raw H.264 stream (SPS, PPS, IDR),
// decoded by ffmpeg, and every luma and chroma sample compared with the
// encoder's own decoded picture. Pictures: slides of text (dark and light), a
// slide with a logo, smooth gradients and a photograph-like picture (fractal
// detail and grain), at the reel's QP and across QPs, with and without the
// deblocking filter.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { IntraPictureCoder, type IntraCoding } from "../../worker/media/h264/intra-picture";
import { codedSize, pictureParameterSet, sequenceParameterSet } from "../../worker/media/h264/parameter-sets";
import { rgbaToYuv420, type Yuv420 } from "../../worker/media/h264/yuv";
import { reelSlide, reelTitle, type SlideBrand } from "../../worker/media/layouts";
import { renderLayout } from "../../worker/media/render-layout";
import { palette } from "../../worker/media/theme";
import { requireFfmpeg } from "./ffmpeg";
import { ensureNodeImageRuntime } from "./node-runtime";

const dir = mkdtempSync(join(tmpdir(), "h264-"));
const COLORS = { primary: "#0f766e", accent: "#f97316", light: { bg: "#f8fafc", fg: "#0f172a" }, dark: { bg: "#0b1120", fg: "#e2e8f0" } };

interface Picture {
  rgba: Uint8Array;
  width: number;
  height: number;
}

/** One frame of an ffmpeg lavfi source (and filters) as RGBA. */
function lavfi(graph: string, width: number, height: number): Picture {
  const rgba = execFileSync("ffmpeg", ["-v", "error", "-nostdin", "-f", "lavfi", "-i", graph, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgba", "-"], {
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(rgba.length).toBe(width * height * 4);
  return { rgba: new Uint8Array(rgba), width, height };
}

/** Encodes one picture, has ffmpeg decode it, and returns both decoded pictures (cropped to the picture). */
function roundTrip(picture: Picture, coding: Partial<IntraCoding>, name: string) {
  const { width, height } = picture;
  const geometry = { width, height, fps: 30 };
  const { codedWidth, codedHeight } = codedSize(geometry);
  const coder = new IntraPictureCoder(codedWidth, codedHeight, coding);
  const { nal, stats, deblocked } = coder.encode(rgbaToYuv420(picture.rgba, width, height, codedWidth, codedHeight), 0);
  const startCode = (n: Uint8Array) => [Uint8Array.of(0, 0, 0, 1), n];
  const file = join(dir, `${name}.h264`);
  writeFileSync(file, Buffer.concat([...startCode(sequenceParameterSet(geometry)), ...startCode(pictureParameterSet()), ...startCode(nal)]));
  const raw = execFileSync("ffmpeg", ["-v", "error", "-nostdin", "-f", "h264", "-i", file, "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return { ours: crop(coder.decoded(), width, height), ffmpeg: new Uint8Array(raw), stats, deblocked, bytes: nal.length };
}

/** The displayed part of a coded picture as one yuv420p buffer, as ffmpeg writes it. */
function crop(yuv: Yuv420, width: number, height: number): Uint8Array {
  const out = new Uint8Array((width * height * 3) / 2);
  let at = 0;
  for (const [plane, w, h, stride] of [
    [yuv.y, width, height, yuv.width],
    [yuv.cb, width / 2, height / 2, yuv.width / 2],
    [yuv.cr, width / 2, height / 2, yuv.width / 2],
  ] as const) {
    for (let row = 0; row < h; row++, at += w) out.set(plane.subarray(row * stride, row * stride + w), at);
  }
  return out;
}

/** Where two decoded pictures first differ, or null: a readable failure instead of a million-element diff. */
function firstDifference(a: Uint8Array, b: Uint8Array, width: number, height: number): string | null {
  if (a.length !== b.length) return `sizes ${a.length} and ${b.length}`;
  const lumaSize = width * height;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const [plane, at, w] = i < lumaSize ? ["Y", i, width] : i < lumaSize * 1.25 ? ["Cb", i - lumaSize, width / 2] : ["Cr", i - lumaSize * 1.25, width / 2];
    const x = at % w;
    const y = Math.floor(at / w);
    const mb = plane === "Y" ? [x >> 4, y >> 4] : [x >> 3, y >> 3];
    return `${plane} (${x}, ${y}) in macroblock ${mb.join(",")}: ours ${a[i]}, ffmpeg ${b[i]}`;
  }
  return null;
}

function lumaPsnr(decoded: Uint8Array, picture: Picture): number {
  const { width, height } = picture;
  const source = crop(rgbaToYuv420(picture.rgba, width, height, width, height), width, height);
  let se = 0;
  for (let i = 0; i < width * height; i++) se += (decoded[i]! - source[i]!) ** 2;
  return 10 * Math.log10((255 * 255 * width * height) / Math.max(se, 1e-9));
}

const pictures: Record<string, Picture> = {};

beforeAll(async () => {
  requireFfmpeg();
  await ensureNodeImageRuntime();
  const logoFile = join(dir, "logo.png");
  execFileSync("ffmpeg", ["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=s=240x240", "-frames:v", "1", logoFile]);
  const logo = { src: `data:image/png;base64,${readFileSync(logoFile).toString("base64")}`, width: 240, height: 240 };
  const brand: SlideBrand = { name: "Daily Focus", handle: "dailyfocus", logo: null };
  const slides = {
    textDark: reelSlide(brand, palette(COLORS, "dark"), "Batch email twice a day — 11:00 and 16:00 — and close the tab in between.", 2, 5),
    textLight: reelTitle(brand, palette(COLORS, "light"), "Four habits for a calmer, more focused work week"),
    logo: reelTitle({ ...brand, logo }, palette(COLORS, "dark"), "Naïve plans beat no plans"),
  };
  for (const [name, layout] of Object.entries(slides)) pictures[name] = await renderLayout(layout);
  // Not multiples of 16: the coded picture is cropped.
  pictures.gradient = lavfi("gradients=s=1000x600:c0=0x0f766e:c1=0xf97316:c2=0x1e293b:n=3:seed=1", 1000, 600);
  pictures.photo = lavfi("mandelbrot=s=720x400,gblur=sigma=1.2,noise=alls=10:allf=u", 720, 400);
  // A patch of white noise, off the macroblock grid: where the residual costs more than the samples (I_PCM at fine QPs).
  const noisy = { ...pictures.photo, rgba: pictures.photo.rgba.slice() };
  let seed = 99;
  for (let y = 100; y < 196; y++) {
    for (let x = 203; x < 363; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      noisy.rgba.set([seed >>> 24, (seed >>> 16) & 255, (seed >>> 8) & 255], (y * noisy.width + x) * 4);
    }
  }
  pictures.noisyPhoto = noisy;
});

describe("intra pictures decode in ffmpeg exactly as the encoder reconstructs them", () => {
  // The reel's coding deblocks a picture only where that brings it closer to the source: not on text.
  it.each([
    ["textDark", false],
    ["textLight", false],
    ["logo", false],
    ["gradient", true],
    ["photo", true],
  ])("%s at the reel's coding (deblocked: %s)", (name, deblocks) => {
    const picture = pictures[name]!;
    const { ours, ffmpeg, stats, deblocked } = roundTrip(picture, {}, name);
    expect(firstDifference(ours, ffmpeg, picture.width, picture.height)).toBeNull();
    expect(deblocked).toBe(deblocks);
    expect(stats.intra16x16Macroblocks + stats.intra4x4Macroblocks + stats.pcmMacroblocks).toBe(Math.ceil(picture.width / 16) * Math.ceil(picture.height / 16));
    expect(lumaPsnr(ours, picture)).toBeGreaterThan(40);
  });

  it("across QPs (both branches of the luma DC scaling, chroma QP mapping), with and without deblocking, and with every macroblock kind", () => {
    const picture = pictures.noisyPhoto!;
    const seen = { pcmMacroblocks: 0, intra16x16Macroblocks: 0, intra4x4Macroblocks: 0 };
    let previous = Infinity;
    for (const qp of [10, 30, 36, 51]) {
      for (const deblock of [false, true]) {
        const { ours, ffmpeg, stats, bytes } = roundTrip(picture, { qp, deblock }, `photo-${qp}-${deblock}`);
        expect(firstDifference(ours, ffmpeg, picture.width, picture.height), `QP ${qp}, deblocking ${deblock}`).toBeNull();
        for (const key of Object.keys(seen) as (keyof typeof seen)[]) seen[key] += stats[key];
        if (!deblock) {
          // A coarser quantiser spends fewer bits.
          expect(bytes).toBeLessThan(previous);
          previous = bytes;
        }
      }
    }
    expect(seen.pcmMacroblocks).toBeGreaterThan(0);
    expect(seen.intra16x16Macroblocks).toBeGreaterThan(0);
    expect(seen.intra4x4Macroblocks).toBeGreaterThan(0);
  });

  it("text slides and gradients with the deblocking filter forced on match too", () => {
    for (const name of ["textLight", "gradient"]) {
      const picture = pictures[name]!;
      const { ours, ffmpeg } = roundTrip(picture, { deblock: true }, `${name}-deblocked`);
      expect(firstDifference(ours, ffmpeg, picture.width, picture.height), name).toBeNull();
    }
  });

  it("Intra_16x16 alone (no Intra_4x4) and a single macroblock", () => {
    const picture = pictures.gradient!;
    const { ours, ffmpeg, stats } = roundTrip(picture, { intra4x4: false }, "gradient-i16");
    expect(stats.intra4x4Macroblocks).toBe(0);
    expect(firstDifference(ours, ffmpeg, picture.width, picture.height)).toBeNull();

    const tiny = lavfi("mandelbrot=s=16x16", 16, 16);
    const one = roundTrip(tiny, {}, "one-macroblock");
    expect(firstDifference(one.ours, one.ffmpeg, 16, 16)).toBeNull();
  });
});
