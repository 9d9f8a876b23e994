// A brand's music, made into what the upload accepts before it leaves the
// browser: AAC-LC at 44.1 or 48 kHz, mono or stereo, in an .m4a whose moov
// comes first (worker/media/aac-config.ts is the server's rule, run here too),
// at about −14 LUFS with true peaks at most −1 dBTP (loudness.ts). mediabunny
// demuxes and decodes any format the browser can, and its Conversion encodes
// AAC through WebCodecs; the gain is applied to each decoded sample on the way.
// Loaded on demand (dynamic import), so only people uploading music download it.
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

async function measure(file: Blob): Promise<{ lufs: number; dbtp: number; sampleRate: number; channels: number }> {
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryAudioTrack().catch(() => null);
    if (!track) throw new MusicPrepError("This file has no audio this browser can read.");
    if (!(await track.canDecode())) throw new MusicPrepError(`This browser cannot decode ${track.codec ?? "this file's audio"}. Export it as AAC (.m4a) and upload that.`);
    const loudness = new LoudnessMeter(track.sampleRate, track.numberOfChannels);
    const peak = new TruePeakMeter(track.numberOfChannels);
    for await (const sample of new AudioSampleSink(track).samples()) {
      const p = planes(sample);
      loudness.push(p);
      peak.push(p);
      sample.close();
    }
    return { lufs: loudness.integrated(), dbtp: peak.dbtp(), sampleRate: track.sampleRate, channels: track.numberOfChannels };
  } finally {
    input.dispose();
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
  if (!(await canEncodeAudio("aac", { numberOfChannels: Math.min(2, m.channels), sampleRate: 48000, bitrate: BITRATE }))) {
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
        numberOfChannels: Math.min(2, m.channels),
        // The platforms' own rates; anything above 48 kHz comes down.
        sampleRate: m.sampleRate === 44100 ? 44100 : 48000,
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
    await conversion.execute();
    const bytes = new Uint8Array((output.target as BufferTarget).buffer!);
    // The server's rule, checked here too: a browser whose encoder made something else says so now.
    const check = inspectMusic(bytes);
    if (!check.ok) throw new MusicPrepError(`The converted file is not what the platforms take: ${check.problem}`);
    return { bytes, lufs: m.lufs, dbtp: m.dbtp, gainDb, limitedByPeak, converted: true };
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
  return p.limitedByPeak
    ? `Converted to AAC at ${lufs(after)} (kept below ${lufs(TARGET_LUFS)} so its peaks stay under ${String(TARGET_DBTP).replace("-", "−")} dBTP; it was ${lufs(p.lufs)}).`
    : `Converted to AAC and levelled from ${lufs(p.lufs)} to ${lufs(after)}.`;
}
