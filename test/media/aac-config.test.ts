// The music rule read from the stream's own headers: AudioSpecificConfig bit
// strings (ISO/IEC 14496-3 §1.6.2.1) with each signalling form, and real files
// ffmpeg made (test/media/fixtures/audio.ts), each refused with a message that
// says what it is and what to upload instead.
import { describe, expect, it } from "vitest";
import { aacConfigProblem, inspectMusic, parseAudioSpecificConfig, readAacConfig } from "../../worker/media/aac-config";
import { ALAC_M4A, HI_RATE_M4A, LIMIT_ADTS, MAIN_ADTS, SURROUND_M4A, TONE_ADTS, TONE_M4A, TONE_MP3 } from "./fixtures/audio";

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => Number.parseInt(b, 16)));

/** An AudioSpecificConfig written field by field, so each test says what it holds. */
function asc(fields: Array<[value: number, bits: number]>): Uint8Array {
  const bits = fields.flatMap(([v, n]) => Array.from({ length: n }, (_, i) => (v >> (n - 1 - i)) & 1));
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((b, i) => (out[i >> 3]! |= b << (7 - (i & 7))));
  return out;
}

describe("AudioSpecificConfig", () => {
  it.each([
    ["AAC-LC 44.1 kHz stereo", "1210", { objectType: 2, sbr: false, ps: false, sampleRate: 44100, channels: 2 }],
    ["AAC-LC 48 kHz mono", "1188", { objectType: 2, sbr: false, ps: false, sampleRate: 48000, channels: 1 }],
    // Backward-compatible SBR: LC core at 22.05 kHz, then syncExtensionType 0x2b7, AOT 5, sbrPresentFlag, 44.1 kHz.
    ["HE-AAC, backward-compatible signalling", "139056e5a0", { objectType: 2, sbr: true, ps: false, sampleRate: 22050, channels: 2 }],
    // Explicit: AOT 29 (PS), core 22.05 kHz, one channel, extension 44.1 kHz, core AOT 2.
    ["HE-AAC v2, explicit signalling", "eb8a0800", { objectType: 2, sbr: true, ps: true, sampleRate: 22050, channels: 1 }],
  ])("%s", (_name, bytes, expected) => {
    expect(parseAudioSpecificConfig(hex(bytes))).toEqual(expected);
  });

  it("the escape forms: a 6-bit object type after 31 and a 24-bit explicit sample rate", () => {
    const config = parseAudioSpecificConfig(asc([[31, 5], [42 - 32, 6], [0xf, 4], [37800, 24], [2, 4]]));
    expect(config).toMatchObject({ objectType: 42, sampleRate: 37800, channels: 2 });
    expect(aacConfigProblem({ container: "mp4", ...config })).toMatch(/^The music is xHE-AAC \(USAC\), 37\.8 kHz, stereo: not AAC-LC\./);
    expect(parseAudioSpecificConfig(asc([[2, 5], [0xf, 4], [96000, 24], [1, 4], [0, 3]]))).toMatchObject({ objectType: 2, sampleRate: 96000, channels: 1 });
  });

  it("a truncated or reserved configuration is an error, not a guess", () => {
    expect(() => parseAudioSpecificConfig(hex("12"))).toThrow(/truncated/);
    expect(() => parseAudioSpecificConfig(asc([[2, 5], [13, 4], [2, 4], [0, 3]]))).toThrow(/reserved sampling frequency/);
  });
});

describe("files made by ffmpeg", () => {
  it.each([
    ["M4A, AAC-LC 22.05 kHz mono", TONE_M4A, { container: "mp4", objectType: 2, sampleRate: 22050, channels: 1 }],
    ["ADTS, AAC-LC 22.05 kHz mono", TONE_ADTS, { container: "adts", objectType: 2, sampleRate: 22050, channels: 1 }],
    ["ADTS, AAC-LC 48 kHz stereo (the limit)", LIMIT_ADTS, { container: "adts", objectType: 2, sampleRate: 48000, channels: 2 }],
  ])("%s is accepted", (_name, bytes, expected) => {
    const result = inspectMusic(bytes);
    expect(result.ok).toBe(true);
    expect(result.ok && result.config).toMatchObject(expected);
  });

  it.each([
    ["AAC-LC at 96 kHz", HI_RATE_M4A, /AAC-LC, 96 kHz, stereo: above 48 kHz\. Upload AAC-LC audio at 48 kHz or less, mono or stereo/],
    ["AAC-LC 5.1", SURROUND_M4A, /AAC-LC, 22\.05 kHz, 6 channels: more than two channels\./],
    ["AAC Main profile", MAIN_ADTS, /AAC Main, 22\.05 kHz, mono: not AAC-LC\./],
    ["Apple Lossless", ALAC_M4A, /Apple Lossless \(ALAC\), not AAC\. Upload AAC-LC/],
    ["MP3", TONE_MP3, /must be AAC audio in an \.m4a\/MP4 file or an ADTS \(\.aac\) stream\. Upload AAC-LC/],
  ])("%s is refused with what it is and what to upload", (_name, bytes, message) => {
    const result = inspectMusic(bytes);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(message);
  });

  it("an ADTS stream that changes format midway is refused (its packets could not be copied as one track)", () => {
    const mixed = new Uint8Array([...TONE_ADTS, ...LIMIT_ADTS]);
    expect(() => readAacConfig(mixed)).toThrow(/changes format at frame \d+ \(AAC-LC, 22\.05 kHz, mono, then AAC-LC, 48 kHz, stereo\)/);
  });

  it("a cut MP4 box is an error, never a crash", () => {
    const cut = TONE_M4A.slice(0, TONE_M4A.length - 200);
    const result = inspectMusic(cut);
    expect(result.ok).toBe(false);
  });
});
