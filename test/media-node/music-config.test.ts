// The upload rule's reading of a music file agrees with ffprobe's, on files
// ffmpeg makes in every profile, rate and layout it can encode: what ffprobe
// calls AAC LC at ≤ 48 kHz and ≤ 2 channels is accepted, everything else is
// refused with a message naming what the file is.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { inspectMusic, readAacConfig } from "../../worker/media/aac-config";
import { aacTone, ffprobe, requireFfmpeg } from "./ffmpeg";

const dir = mkdtempSync(join(tmpdir(), "music-"));
beforeAll(() => requireFfmpeg());

const PROFILES: Record<string, number> = { LC: 2, Main: 1, LTP: 4 };

describe("AAC configurations read from the file agree with ffprobe", () => {
  it.each([
    ["LC", 44100, 2, false],
    ["LC", 48000, 1, true],
    ["LC", 8000, 1, false],
    ["LC", 96000, 2, false],
    ["LC", 64000, 2, true],
    ["LC", 22050, 6, false],
    ["LC", 44100, 8, true],
    ["Main", 44100, 2, false],
    ["Main", 22050, 1, true],
  ])("AAC %s, %i Hz, %i channels (ADTS: %s)", (profile, rate, channels, adts) => {
    const file = join(dir, `${profile}-${rate}-${channels}.${adts ? "aac" : "m4a"}`);
    const ffProfile = { LC: "aac_low", Main: "aac_main", LTP: "aac_ltp" }[profile]!;
    aacTone(file, 0.5, adts, { rate, channels, codecArgs: ["-c:a", "aac", "-profile:a", ffProfile, "-b:a", "64k"] });
    const probe = ffprobe(file).streams.find((s) => s.codec_type === "audio")!;
    const bytes = new Uint8Array(readFileSync(file));
    const config = readAacConfig(bytes);
    expect(config).toMatchObject({ container: adts ? "adts" : "mp4", objectType: PROFILES[String(probe.profile)], sampleRate: Number(probe.sample_rate), channels: Number(probe.channels) });
    const accepted = probe.profile === "LC" && Number(probe.sample_rate) <= 48000 && Number(probe.channels) <= 2;
    const result = inspectMusic(bytes);
    expect(result.ok).toBe(accepted);
    if (!result.ok) expect(result.problem).toMatch(/^The music is AAC[ -](LC|Main|LTP), .*Upload AAC-LC audio at 48 kHz or less, mono or stereo/);
  });

  it("three channels, which ADTS can only describe with a program config element, are refused", () => {
    const file = join(dir, "three.aac");
    aacTone(file, 0.5, true, { rate: 44100, channels: 3 });
    expect(ffprobe(file).streams[0]!.channels).toBe(3);
    const result = inspectMusic(new Uint8Array(readFileSync(file)));
    expect(!result.ok && result.problem).toMatch(/a channel layout of its own: more than two channels\./);
  });

  it.each([
    ["Opus in MP4", ["-c:a", "libopus", "-b:a", "32k"], "mp4", /Opus, not AAC/],
    ["FLAC in MP4", ["-c:a", "flac", "-strict", "-2"], "mp4", /FLAC, not AAC/],
    ["MP3 in MP4", ["-c:a", "libmp3lame", "-b:a", "64k"], "mp4", /MP3, not AAC/],
    ["a WAV file", ["-c:a", "pcm_s16le"], "wav", /must be AAC audio in an \.m4a\/MP4 file or an ADTS/],
  ])("%s is refused, named", (_name, codecArgs, ext, message) => {
    const file = join(dir, `other-${ext}-${codecArgs[1]}.${ext}`);
    aacTone(file, 0.5, false, { rate: 48000, channels: 2, codecArgs });
    const result = inspectMusic(new Uint8Array(readFileSync(file)));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(message);
  });
});
