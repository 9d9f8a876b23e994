#!/usr/bin/env node
// The Worker's reel encoder against its baseline: the same 5 slide stills made
// into the same 15-second 30 fps reel by our encoder and by the ffmpeg CLI
// (libx264, -preset veryfast). The slides are rendered by the Worker's own
// layouts, loaded through Vite (the bench runs as plain Node, the layouts are
// TypeScript). Figures: each reel's size and time, their size ratio, and each
// reel's Y-PSNR against the stills it was made from, on the middle frame of
// every slide (ours against our BT.709 conversion of the stills, libx264's
// against ffmpeg's own conversion of the PNGs).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runnerImport } from "vite";

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "media-bench-"));
const FPS = 30;

function ffmpeg(args, what) {
  const run = spawnSync("ffmpeg", ["-v", "error", "-nostdin", ...args], { maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`ffmpeg ${what} failed (${run.error?.message ?? run.status}): ${run.stderr}`);
  return run.stdout;
}

/** The Y planes of the given frames of a video, decoded by ffmpeg without conversion. */
function decodedLuma(file, frames, width, height) {
  const select = frames.map((n) => `eq(n\\,${n})`).join("+");
  const raw = ffmpeg(["-i", file, "-vf", `select='${select}'`, "-vsync", "0", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"], "decode");
  const frameBytes = (width * height * 3) / 2;
  if (raw.length !== frameBytes * frames.length) throw new Error(`decoded ${raw.length} bytes, expected ${frameBytes * frames.length}`);
  return frames.map((_, i) => raw.subarray(i * frameBytes, i * frameBytes + width * height));
}

/** PSNR over all the planes' samples together (one MSE), in dB. */
function psnr(actual, expected) {
  let se = 0;
  let n = 0;
  for (const [i, a] of actual.entries()) {
    const b = expected[i];
    for (let j = 0; j < a.length; j++) {
      const d = a[j] - b[j];
      se += d * d;
    }
    n += a.length;
  }
  return se === 0 ? 99 : Math.round(100 * 10 * Math.log10((255 * 255 * n) / se)) / 100;
}

try {
  const { module } = await runnerImport(join(here, "media-render-node.ts"), { logLevel: "error", configFile: false });
  const stills = await module.writeBenchSlides(dir);
  const { pngs, width, height } = stills;
  const seconds = module.BENCH_SECONDS_PER_SLIDE;
  const middles = pngs.map((_, i) => Math.round((i + 0.5) * seconds * FPS));

  const ours = join(dir, "our-reel.mp4");
  const encoded = await module.writeOurReel(stills, ours);
  const ourPsnr = psnr(decodedLuma(ours, middles, width, height), stills.luma);

  const out = join(dir, "ffmpeg-reel.mp4");
  const args = ["-y"];
  for (const png of pngs) args.push("-framerate", String(FPS), "-loop", "1", "-t", String(seconds), "-i", png);
  const inputs = pngs.map((_, i) => `[${i}:v]`).join("");
  args.push(
    "-filter_complex", `${inputs}concat=n=${pngs.length}:v=1:a=0,format=yuv420p[v]`,
    "-map", "[v]", "-r", String(FPS), "-c:v", "libx264", "-preset", "veryfast", "-movflags", "+faststart", out,
  );
  const t = performance.now();
  ffmpeg(args, "libx264");
  const ms = performance.now() - t;
  const ffmpegBytes = statSync(out).size;
  const ffmpegInput = pngs.map((png) => ffmpeg(["-i", png, "-vf", "format=yuv420p", "-f", "rawvideo", "-"], "PNG conversion").subarray(0, width * height));
  const ffmpegPsnr = psnr(decodedLuma(out, middles, width, height), ffmpegInput);

  console.log(
    `BENCH ${JSON.stringify({
      ffmpeg_reel_ms: Math.round(ms),
      ffmpeg_reel_bytes: ffmpegBytes,
      ffmpeg_reel_psnr_db: ffmpegPsnr,
      reel_bytes_vs_ffmpeg: Math.round((100 * encoded.bytes) / ffmpegBytes) / 100,
      reel_psnr_db: ourPsnr,
      reel_encode_node_ms: Math.round(encoded.encodeMs),
    })}`,
  );
} catch (err) {
  console.log(`BENCH ${JSON.stringify({ errors: [`media.bench.mjs: ${err instanceof Error ? err.message : String(err)}`] })}`);
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
