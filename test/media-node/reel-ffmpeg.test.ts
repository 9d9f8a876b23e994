// Every reel the Worker's encoder produces is a valid, streamable H.264 MP4 by
// ffmpeg's judgement: 1080×1920, 30 fps, yuv420p, the expected duration, no
// decode errors, each slide's frame matching its PNG, and the brand's AAC
// music copied in and cut to the video's length.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { reelLayouts, type SlideBrand } from "../../worker/media/layouts";
import { readAacTrack } from "../../worker/media/music";
import { encodeReel, type ReelSlide } from "../../worker/media/reel-video";
import { renderLayout } from "../../worker/media/render-layout";
import { palette } from "../../worker/media/theme";
import { aacTone, boxPaths, decodeErrors, ffprobe, frameAt, packetSizes, pngPixels, psnr, requireFfmpeg, topLevelBoxes } from "./ffmpeg";
import { ensureNodeImageRuntime } from "./node-runtime";

const COLORS = { primary: "#7c3aed", accent: "#f59e0b", light: { bg: "#fffbeb", fg: "#1c1917" }, dark: { bg: "#0f172a", fg: "#f8fafc" } };
const brand: SlideBrand = { name: "Ação Studio", handle: "acao.studio", logo: null };
const SECONDS = 3;
const dir = mkdtempSync(join(tmpdir(), "reel-"));
let slides: ReelSlide[] = [];
const pngFiles: string[] = [];

beforeAll(async () => {
  requireFfmpeg();
  await ensureNodeImageRuntime();
  const p = palette(COLORS, "dark");
  const layouts = reelLayouts(brand, p, "Três ideias para começar 🚀", [
    "Write the first line before you check your email.",
    "Naïve plans beat no plans — ship a draft, then edit ✍️",
  ]);
  for (const [i, layout] of layouts.entries()) {
    const image = await renderLayout(layout);
    pngFiles.push(join(dir, `slide-${i}.png`));
    writeFileSync(pngFiles[i]!, image.png);
    slides.push({ rgba: image.rgba, seconds: SECONDS });
  }
});

async function encodeToFile(name: string, music: Uint8Array | null) {
  const reel = await encodeReel(slides, { width: 1080, height: 1920, fps: 30, music: music ? await readAacTrack(music, 60) : null });
  const file = join(dir, name);
  writeFileSync(file, reel.mp4);
  return { file, reel };
}

function expectStreamableH264(file: string, seconds: number) {
  const probe = ffprobe(file);
  const video = probe.streams.find((s) => s.codec_type === "video")!;
  expect(video.codec_name).toBe("h264");
  expect([video.width, video.height]).toEqual([1080, 1920]);
  expect(video.pix_fmt).toBe("yuv420p");
  expect(video.r_frame_rate).toBe("30/1");
  expect(video.avg_frame_rate).toBe("30/1");
  expect(Number(video.nb_frames)).toBe(seconds * 30);
  expect(Math.abs(Number(video.duration) - seconds)).toBeLessThanOrEqual(0.1);
  expect(Math.abs(Number(probe.format.duration) - seconds)).toBeLessThanOrEqual(0.1);
  expect(decodeErrors(file)).toBe("");
  const boxes = topLevelBoxes(readFileSync(file));
  expect(boxes.indexOf("moov"), `moov before mdat: ${boxes.join(",")}`).toBeLessThan(boxes.indexOf("mdat"));
  // No edit list on any track: players and the platforms' transcoders start every track at zero.
  expect(boxPaths(readFileSync(file)).filter((p) => p.endsWith("/edts"))).toEqual([]);
  for (const stream of probe.streams) expect(Number(stream.start_time), `${stream.codec_type} start`).toBe(0);
  return probe;
}

describe("reel without music", () => {
  it("passes ffprobe and decodes without a single error", async () => {
    const { file, reel } = await encodeToFile("silent.mp4", null);
    const probe = expectStreamableH264(file, 9);
    expect(probe.streams.filter((s) => s.codec_type === "audio")).toHaveLength(0);
    // Residual coding: three slides of text in well under 200 KB (1.1 MB when detail was sent as I_PCM).
    expect(reel.mp4.length).toBeLessThan(200 * 1024);
  });

  it("shows each slide in order: a frame from its time matches the slide's PNG (PSNR ≥ 35 dB)", async () => {
    const file = join(dir, "silent.mp4");
    for (const [i, png] of pngFiles.entries()) {
      const expected = pngPixels(png);
      // The slide's IDR picture and its last repeat.
      for (const at of [i * SECONDS + 0.2, i * SECONDS + SECONDS - 0.2]) {
        const quality = psnr(frameAt(file, at), expected);
        expect(quality, `slide ${i} at ${at}s`).toBeGreaterThanOrEqual(35);
      }
    }
    // And not any slide: slide 0's picture does not match slide 1's time.
    expect(psnr(frameAt(file, SECONDS + 1), pngPixels(pngFiles[0]!))).toBeLessThan(30);
  });
});

describe("reel with the brand's music", () => {
  // Every form of music the upload rule accepts (AAC-LC, ≤ 48 kHz, ≤ 2 channels), in both containers.
  it.each([
    ["m4a, 44.1 kHz stereo", false, 44100, 2],
    ["ADTS, 44.1 kHz stereo", true, 44100, 2],
    ["m4a, 48 kHz mono", false, 48000, 1],
    ["ADTS, 22.05 kHz stereo", true, 22050, 2],
  ])("AAC from %s is copied in, looped and cut to the video's length", async (name, adts, rate, channels) => {
    const source = join(dir, `tone-${name.replace(/\W+/g, "-")}.${adts ? "aac" : "m4a"}`);
    aacTone(source, 4, adts, { rate, channels }); // shorter than the reel: it loops
    const { file } = await encodeToFile(`music-${name.replace(/\W+/g, "-")}.mp4`, readFileSync(source));
    const probe = expectStreamableH264(file, 9);
    const audio = probe.streams.find((s) => s.codec_type === "audio");
    expect(audio?.codec_name).toBe("aac");
    expect(audio?.profile).toBe("LC");
    expect(audio?.sample_rate).toBe(String(rate));
    expect(audio?.channels).toBe(channels);
    expect(Math.abs(Number(audio?.duration) - 9)).toBeLessThanOrEqual(0.1);
  });
});

describe("detail everywhere", () => {
  it("a picture of noise (no flat area, the largest residuals) decodes without errors", async () => {
    const width = 1080;
    const height = 1920;
    const rgba = new Uint8Array(width * height * 4);
    let seed = 12345;
    for (let i = 0; i < rgba.length; i += 4) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      rgba[i] = seed >>> 24;
      rgba[i + 1] = (seed >>> 16) & 255;
      rgba[i + 2] = (seed >>> 8) & 255;
      rgba[i + 3] = 255;
    }
    const reel = await encodeReel([{ rgba, seconds: 1 }], { width, height, fps: 30 });
    const { intra16x16Macroblocks, intra4x4Macroblocks, pcmMacroblocks, qp } = reel.intra[0]!;
    expect(intra16x16Macroblocks + intra4x4Macroblocks + pcmMacroblocks).toBe(68 * 120);
    const file = join(dir, "noise.mp4");
    writeFileSync(file, reel.mp4);
    expectStreamableH264(file, 1);
    // Level 4.2 caps a first picture at 384 · 8160 / MinCR 2 bytes (A.3.1); noise at QP 26 comes out over it, so it is coded coarser.
    expect(qp).toBeGreaterThan(26);
    expect(Math.max(...packetSizes(file))).toBeLessThanOrEqual((384 * 8160) / 2);
  });
});
