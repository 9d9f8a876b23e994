// The ffmpeg CLI as a test oracle: probe, decode, compare. scripts/test.sh runs
// scripts/ensure-system-deps.sh first; when ffmpeg is still missing these
// helpers throw, so the tests fail instead of skipping.
import { execFileSync, spawnSync } from "node:child_process";

export function requireFfmpeg() {
  for (const tool of ["ffmpeg", "ffprobe"]) {
    const r = spawnSync(tool, ["-version"], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${tool} is not installed: run scripts/ensure-system-deps.sh ffmpeg`);
  }
}

export interface Probe {
  streams: Array<Record<string, string | number | undefined>>;
  format: { duration: string; format_name: string };
}

export function ffprobe(file: string): Probe {
  const out = execFileSync("ffprobe", ["-v", "error", "-show_streams", "-show_format", "-of", "json", file], { encoding: "utf8" });
  return JSON.parse(out) as Probe;
}

/** The byte size of every video packet (sample) in a file, in decoding order. */
export function packetSizes(file: string): number[] {
  const out = execFileSync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=size", "-of", "csv=p=0", file], { encoding: "utf8" });
  return out.trim().split("\n").map(Number);
}

/** Everything ffmpeg says while decoding the whole file at -v error (nothing, for a clean file). */
export function decodeErrors(file: string): string {
  const r = spawnSync("ffmpeg", ["-v", "error", "-nostdin", "-i", file, "-f", "null", "-"], { encoding: "utf8" });
  return `${r.stdout}${r.stderr}`.trim() + (r.status === 0 ? "" : ` (exit ${r.status})`);
}

/** Integrated loudness (LUFS) and true peak (dBTP) by ffmpeg's EBU R128 meter, from its closing summary. */
export function ebur128(file: string): { lufs: number; dbtp: number } {
  const r = spawnSync("ffmpeg", ["-hide_banner", "-nostdin", "-i", file, "-af", "ebur128=peak=true", "-f", "null", "-"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  const summary = r.stderr.slice(r.stderr.lastIndexOf("Summary:"));
  return { lufs: Number(/I:\s+(-?[\d.]+) LUFS/.exec(summary)?.[1]), dbtp: Number(/Peak:\s+(-?[\d.]+) dBFS/.exec(summary)?.[1]) };
}

/** One decoded video frame at `seconds`, as packed RGB. */
export function frameAt(file: string, seconds: number): Buffer {
  return execFileSync("ffmpeg", ["-v", "error", "-nostdin", "-ss", String(seconds), "-i", file, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], {
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** A PNG decoded by ffmpeg (not by our renderer) as packed RGB. */
export function pngPixels(file: string): Buffer {
  return execFileSync("ffmpeg", ["-v", "error", "-nostdin", "-i", file, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], { maxBuffer: 64 * 1024 * 1024 });
}

export function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`Frame sizes differ: ${a.length} vs ${b.length} bytes.`);
  let se = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    se += d * d;
  }
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255 * a.length) / se);
}

/** An AAC tone made by ffmpeg, as .m4a or ADTS (44.1 kHz stereo AAC-LC unless told). */
export function aacTone(file: string, seconds: number, adts: boolean, opts: { rate?: number; channels?: number; codecArgs?: string[] } = {}) {
  execFileSync("ffmpeg", [
    "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}`,
    "-ac", String(opts.channels ?? 2), "-ar", String(opts.rate ?? 44100), ...(opts.codecArgs ?? ["-c:a", "aac", "-b:a", "96k"]), ...(adts ? ["-f", "adts"] : []), file,
  ]);
}

export { boxPaths, topLevelBoxes } from "../media/mp4-boxes";
