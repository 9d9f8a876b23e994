// A brand's music, made into what the upload accepts before it leaves the
// browser: AAC-LC at 44.1 or 48 kHz, mono or stereo, in an .m4a whose moov
// comes first (worker/media/aac-config.ts is the server's rule, run here too),
// at about −14 LUFS with true peaks at most −1 dBTP (loudness.ts). mediabunny
// demuxes and decodes any format the browser can, and its Conversion encodes
// AAC through WebCodecs, or, where the browser has no AAC encoder (Chromium on
// Linux, Firefox), through FFmpeg's AAC encoder compiled to WebAssembly
// (@mediabunny/aac-encoder, run in a Web Worker); the gain is applied to each
// decoded sample on the way. Loaded on demand (dynamic import), so only people
// uploading music download it, and the WASM encoder only where it is needed.
import { ALL_FORMATS, AudioSample, AudioSampleSink, BlobSource, BufferTarget, canEncodeAudio, Conversion, Input, Mp4OutputFormat, Output } from "mediabunny";
import { inspectMusic } from "../../../worker/media/aac-config";
import { LoudnessMeter, normalisationGain, TARGET_DBTP, TARGET_LUFS, TruePeakMeter } from "./loudness";

export interface PreparedMusic {
  bytes: Uint8Array;
  /** What the track measured before, and the gain applied. */
  lufs: number;
  dbtp: number;
  gainDb: number;
  limitedByPeak: boolean;
  /** False when the file was already AAC-LC at the target loudness and is uploaded as it was. */
  converted: boolean;
  /** What a converted track became (a 96 kHz 5.1 file comes out 48 kHz stereo). */
  format?: { sampleRate: number; channels: number };
  /** True when it was AAC-LC but off the target loudness, and this browser cannot encode AAC to level it. */
  unlevelled?: boolean;
}

export class MusicPrepError extends Error {
  override name = "MusicPrepError";
}

/** Loudness within this of the target is left alone when the file is already AAC-LC. */
const CLOSE_ENOUGH_LU = 1;
const BITRATE = 192_000;

function planes(sample: AudioSample): Float32Array[] {
  return Array.from({ length: sample.numberOfChannels }, (_, planeIndex) => {
    const plane = new Float32Array(sample.numberOfFrames);
    sample.copyTo(plane, { planeIndex, format: "f32-planar" });
    return plane;
  });
}

/**
 * More than two channels, brought to stereo the way mediabunny's Conversion
 * will (its AudioResampler's channel mixer, after the Web Audio API's rules):
 * the gain is applied after that downmix, so loudness and peaks are measured
 * on it too (a 5.1 track measured as six channels can end up LUs off the
 * target: 1.7 LU for test/e2e/music.e2e.ts's tones).
 */
export function downmixedAsEncoded(p: Float32Array[]): Float32Array[] {
  if (p.length <= 2) return p;
  const n = p[0]!.length;
  const mix = (f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));
  if (p.length === 6) {
    const [l, r, c, , sl, sr] = p as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    return [mix((i) => l[i]! + Math.SQRT1_2 * (c[i]! + sl[i]!)), mix((i) => r[i]! + Math.SQRT1_2 * (c[i]! + sr[i]!))];
  }
  if (p.length === 4) {
    const [l, r, sl, sr] = p as [Float32Array, Float32Array, Float32Array, Float32Array];
    return [mix((i) => 0.5 * (l[i]! + sl[i]!)), mix((i) => 0.5 * (r[i]! + sr[i]!))];
  }
  // Any other layout: mediabunny keeps the first two channels.
  return p.slice(0, 2);
}

async function measure(file: Blob): Promise<{ lufs: number; dbtp: number; sampleRate: number; channels: number }> {
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryAudioTrack().catch(() => null);
    if (!track) throw new MusicPrepError("This file has no audio this browser can read.");
    if (!(await track.canDecode())) throw new MusicPrepError(`This browser cannot decode ${track.codec ?? "this file's audio"}. Export it as AAC (.m4a) and upload that.`);
    const channels = Math.min(2, track.numberOfChannels);
    const loudness = new LoudnessMeter(track.sampleRate, channels);
    const peak = new TruePeakMeter(channels);
    for await (const sample of new AudioSampleSink(track).samples()) {
      const p = downmixedAsEncoded(planes(sample));
      loudness.push(p);
      peak.push(p);
      sample.close();
    }
    return { lufs: loudness.integrated(), dbtp: peak.dbtp(), sampleRate: track.sampleRate, channels: track.numberOfChannels };
  } finally {
    input.dispose();
  }
}

/**
 * Whether AAC can be encoded here: by the browser's own WebCodecs encoder, else
 * by registering mediabunny's WASM one (its own chunk, fetched only now;
 * registering clears mediabunny's memo of the first answer).
 */
async function canEncodeAac(config: { numberOfChannels: number; sampleRate: number; bitrate: number }): Promise<boolean> {
  if (await canEncodeAudio("aac", config)) return true;
  const { registerAacEncoder } = await import("@mediabunny/aac-encoder");
  registerAacEncoder();
  return canEncodeAudio("aac", config);
}

/**
 * The WASM encoder runs in a Worker started from a blob: URL. Where a Content
 * Security Policy refuses that Worker, mediabunny waits for it forever; the
 * refusal is reported to the document, so the wait ends there with a message.
 */
async function untilRefused<T>(work: Promise<T>): Promise<T> {
  let onViolation = (_e: SecurityPolicyViolationEvent) => {};
  const refused = new Promise<never>((_, reject) => {
    onViolation = (e) => {
      if (e.blockedURI.startsWith("blob")) reject(new MusicPrepError(`This page's security policy stopped the AAC encoder from starting (${e.effectiveDirective}). Export the track as AAC-LC (.m4a), 44.1 or 48 kHz, stereo, and upload that.`));
    };
  });
  document.addEventListener("securitypolicyviolation", onViolation);
  work.catch(() => {});
  try {
    return await Promise.race([work, refused]);
  } finally {
    document.removeEventListener("securitypolicyviolation", onViolation);
  }
}

/** Measures the file, then (unless it already fits) converts it to AAC-LC at the target loudness. */
export async function prepareMusic(file: Blob, onStep: (step: string) => void = () => {}): Promise<PreparedMusic> {
  onStep("Measuring loudness…");
  const m = await measure(file);
  const { gainDb, limitedByPeak } = normalisationGain(m.lufs, m.dbtp);
  const original = new Uint8Array(await file.arrayBuffer());
  const fits = inspectMusic(original);
  if (fits.ok && Math.abs(m.lufs - TARGET_LUFS) <= CLOSE_ENOUGH_LU && m.dbtp <= TARGET_DBTP) {
    return { bytes: original, lufs: m.lufs, dbtp: m.dbtp, gainDb: 0, limitedByPeak: false, converted: false };
  }

  onStep("Converting to AAC…");
  const numberOfChannels = Math.min(2, m.channels);
  // The platforms' own rates; anything above 48 kHz comes down.
  const sampleRate = m.sampleRate === 44100 ? 44100 : 48000;
  if (!(await canEncodeAac({ numberOfChannels, sampleRate, bitrate: BITRATE }))) {
    // Already AAC-LC: the platforms take it as it is, only not levelled.
    if (fits.ok) return { bytes: original, lufs: m.lufs, dbtp: m.dbtp, gainDb: 0, limitedByPeak: false, converted: false, unlevelled: true };
    throw new MusicPrepError("This browser cannot encode AAC audio. Export the track as AAC-LC (.m4a), 44.1 or 48 kHz, stereo, and upload that.");
  }
  const factor = 10 ** (gainDb / 20);
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  const output = new Output({ format: new Mp4OutputFormat({ fastStart: "in-memory" }), target: new BufferTarget() });
  try {
    const conversion = await Conversion.init({
      input,
      output,
      video: { discard: true },
      audio: {
        codec: "aac",
        numberOfChannels,
        sampleRate,
        bitrate: BITRATE,
        forceTranscode: true,
        process: (sample) => {
          const scaled = planes(sample).map((plane) => plane.map((v) => v * factor));
          const data = new Float32Array(scaled.reduce((n, p) => n + p.length, 0));
          scaled.forEach((p, i) => data.set(p, i * sample.numberOfFrames));
          const out = new AudioSample({ data, format: "f32-planar", numberOfChannels: sample.numberOfChannels, sampleRate: sample.sampleRate, timestamp: sample.timestamp });
          sample.close();
          return out;
        },
      },
      showWarnings: false,
    });
    if (!conversion.isValid) {
      const reason = conversion.discardedTracks.find((t) => t.track.type === "audio")?.reason ?? "unknown";
      throw new MusicPrepError(`This browser cannot convert the track (${reason.replaceAll("_", " ")}). Export it as AAC-LC (.m4a), 44.1 or 48 kHz, stereo, and upload that.`);
    }
    conversion.onProgress = (done) => onStep(`Converting to AAC… ${Math.round(done * 100)}%`);
    await untilRefused(conversion.execute()).catch((err: unknown) => {
      void conversion.cancel().catch(() => {});
      throw err;
    });
    const bytes = new Uint8Array((output.target as BufferTarget).buffer!);
    // The server's rule, checked here too: a browser whose encoder made something else says so now.
    const check = inspectMusic(bytes);
    if (!check.ok) throw new MusicPrepError(`The converted file is not what the platforms take: ${check.problem}`);
    return { bytes, lufs: m.lufs, dbtp: m.dbtp, gainDb, limitedByPeak, converted: true, format: { sampleRate, channels: numberOfChannels } };
  } finally {
    input.dispose();
  }
}

/** What the page says about a prepared track. */
export function describePrepared(p: PreparedMusic): string {
  const lufs = (v: number) => `${v.toFixed(1).replace("-", "−")} LUFS`;
  if (!Number.isFinite(p.lufs)) return "The track is silent.";
  if (p.unlevelled) return `Uploaded as it is at ${lufs(p.lufs)}: this browser cannot encode AAC, so it could not be levelled to ${lufs(TARGET_LUFS)}.`;
  if (!p.converted) return `Already AAC at ${lufs(p.lufs)}: uploaded as it is.`;
  const after = p.lufs + p.gainDb;
  const aac = p.format ? `AAC (${p.format.sampleRate / 1000} kHz, ${p.format.channels === 1 ? "mono" : "stereo"})` : "AAC";
  return p.limitedByPeak
    ? `Converted to ${aac} at ${lufs(after)} (kept below ${lufs(TARGET_LUFS)} so its peaks stay under ${String(TARGET_DBTP).replace("-", "−")} dBTP; it was ${lufs(p.lufs)}).`
    : `Converted to ${aac} and levelled from ${lufs(p.lufs)} to ${lufs(after)}.`;
}
