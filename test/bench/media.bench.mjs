#!/usr/bin/env node
// The baseline for the Worker's reel encoder: the same 5 slide PNGs made into
// the same 15-second 30 fps reel by the ffmpeg CLI (libx264, -preset veryfast).
// The slides are rendered by the Worker's own layouts, loaded through Vite
// (the bench runs as plain Node, the layouts are TypeScript).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runnerImport } from "vite";

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "media-bench-"));
try {
  const { module } = await runnerImport(join(here, "media-render-node.ts"), { logLevel: "error", configFile: false });
  const pngs = await module.writeBenchSlides(dir);
  const seconds = module.BENCH_SECONDS_PER_SLIDE;
  const out = join(dir, "ffmpeg-reel.mp4");
  const args = ["-v", "error", "-nostdin", "-y"];
  for (const png of pngs) args.push("-framerate", "30", "-loop", "1", "-t", String(seconds), "-i", png);
  const inputs = pngs.map((_, i) => `[${i}:v]`).join("");
  args.push(
    "-filter_complex", `${inputs}concat=n=${pngs.length}:v=1:a=0,format=yuv420p[v]`,
    "-map", "[v]", "-r", "30", "-c:v", "libx264", "-preset", "veryfast", "-movflags", "+faststart", out,
  );
  const t = performance.now();
  const run = spawnSync("ffmpeg", args, { encoding: "utf8" });
  const ms = performance.now() - t;
  if (run.status !== 0) throw new Error(`ffmpeg failed (${run.error?.message ?? run.status}): ${run.stderr}`);
  console.log(`BENCH ${JSON.stringify({ ffmpeg_reel_ms: Math.round(ms), ffmpeg_reel_bytes: statSync(out).size })}`);
} catch (err) {
  console.log(`BENCH ${JSON.stringify({ errors: [`media.bench.mjs: ${err instanceof Error ? err.message : String(err)}`] })}`);
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
