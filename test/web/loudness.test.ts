// BS.1770 loudness and true peak against signals with known answers: the
// EBU Tech 3341 minimum-requirement tones (1 kHz stereo sines and gated tone
// sequences, each −23.0 ± 0.1 LUFS), other sample rates and channel counts,
// silence, and inter-sample peaks a sample-peak meter misses; and what is
// measured for a surround file: the stereo downmix that will be encoded.
import { describe, expect, it } from "vitest";
import { integratedLoudness, kWeighting, LoudnessMeter, normalisationGain, truePeak } from "../../web/src/audio/loudness";
import { downmixedAsEncoded } from "../../web/src/audio/convert-music";

/** A sine of `dbfs` peak amplitude for `seconds`, per segment, in every channel. */
function tones(segments: Array<[dbfs: number, seconds: number]>, opts: { rate?: number; channels?: number; freq?: number; phase?: number } = {}): Float32Array[] {
  const rate = opts.rate ?? 48000;
  const total = segments.reduce((n, [, s]) => n + Math.round(s * rate), 0);
  const out = new Float32Array(total);
  let i = 0;
  for (const [dbfs, seconds] of segments) {
    const amp = 10 ** (dbfs / 20);
    for (let n = 0; n < Math.round(seconds * rate); n++, i++) out[i] = amp * Math.sin((2 * Math.PI * (opts.freq ?? 1000) * i) / rate + (opts.phase ?? 0));
  }
  return Array.from({ length: opts.channels ?? 2 }, () => out);
}

describe("integrated loudness (EBU Tech 3341 §2.9, tests 1–5)", () => {
  it.each([
    ["1: −23 dBFS, 20 s", [[-23, 20]]],
    ["2: −33 dBFS, 20 s", [[-33, 20]], -33],
    ["3: −36/−23/−36 dBFS (relative gate)", [[-36, 10], [-23, 60], [-36, 10]]],
    ["4: −72/−36/−23/−36/−72 dBFS (both gates)", [[-72, 10], [-36, 10], [-23, 60], [-36, 10], [-72, 10]]],
    ["5: −26/−20/−26 dBFS", [[-26, 20], [-20, 20.1], [-26, 20]]],
  ] as Array<[string, Array<[number, number]>, number?]>)("test %s", (_name, segments, expected = -23) => {
    expect(integratedLoudness(tones(segments), 48000)).toBeCloseTo(expected, 1);
  });

  it("is the same at 44.1 kHz, and in chunks of any size as in one piece", () => {
    expect(integratedLoudness(tones([[-23, 20]], { rate: 44100 }), 44100)).toBeCloseTo(-23, 1);
    const whole = tones([[-36, 5], [-20, 10]]);
    const meter = new LoudnessMeter(48000, 2);
    for (let at = 0; at < whole[0]!.length; at += 1237) meter.push(whole.map((c) => c.subarray(at, at + 1237)));
    expect(meter.integrated()).toBeCloseTo(integratedLoudness(whole, 48000), 6);
  });

  it("one channel of the same tone is 3 LU quieter than two; silence has no loudness", () => {
    expect(integratedLoudness(tones([[-23, 10]], { channels: 1 }), 48000)).toBeCloseTo(-26.01, 1);
    expect(integratedLoudness([new Float32Array(48000 * 5)], 48000)).toBe(-Infinity);
  });

  it("K-weighting: about +0.7 dB at 1 kHz (cancelled by the −0.691 constant), +4 dB of shelf at 10 kHz, low bass cut", () => {
    const gainAt = (freq: number, rate = 48000) => {
      const [s, hp] = kWeighting(rate);
      const w = (2 * Math.PI * freq) / rate;
      const h = (q: { b: number[]; a: number[] }) => {
        const re = (c: number[]) => c[0]! + c[1]! * Math.cos(-w) + c[2]! * Math.cos(-2 * w);
        const im = (c: number[]) => c[1]! * Math.sin(-w) + c[2]! * Math.sin(-2 * w);
        return Math.hypot(re(q.b), im(q.b)) / Math.hypot(re(q.a), im(q.a));
      };
      return 20 * Math.log10(h(s) * h(hp));
    };
    expect(gainAt(997)).toBeCloseTo(0.691, 1);
    expect(gainAt(10000)).toBeGreaterThan(3.5);
    expect(gainAt(20)).toBeLessThan(-5);
  });
});

describe("true peak (4× oversampling)", () => {
  it("finds the peak between samples: a quarter-rate sine sampled at ±45° reads 3 dB low on sample peaks", () => {
    const signal = tones([[-6.02, 1]], { freq: 12000, phase: Math.PI / 4 });
    const samplePeak = 20 * Math.log10(Math.max(...signal[0]!.map(Math.abs)));
    expect(samplePeak).toBeCloseTo(-9.03, 1);
    expect(truePeak(signal)).toBeGreaterThan(-6.5);
    expect(truePeak(signal)).toBeLessThan(-5.7);
  });

  it("a 1 kHz sine peaks at its amplitude", () => {
    expect(truePeak(tones([[-6, 1]]))).toBeCloseTo(-6, 1);
  });
});

describe("the gain towards −14 LUFS, −1 dBTP", () => {
  it("reaches the target when the peaks allow it, and stops at −1 dBTP when they do not", () => {
    expect(normalisationGain(-20, -10)).toEqual({ gainDb: 6, limitedByPeak: false });
    expect(normalisationGain(-8, -0.2)).toEqual({ gainDb: -6, limitedByPeak: false });
    expect(normalisationGain(-20, -3)).toEqual({ gainDb: 2, limitedByPeak: true });
    expect(normalisationGain(-Infinity, -Infinity)).toEqual({ gainDb: 0, limitedByPeak: false });
  });
});

describe("more than two channels are measured as the stereo mediabunny will encode", () => {
  const ch = (...v: number[]) => Float32Array.from(v);
  it("5.1: L + √½(C + Ls), R + √½(C + Rs), LFE left out; quad: halves; other layouts keep L and R", () => {
    const [l, r] = downmixedAsEncoded([ch(1, 0), ch(0, 1), ch(0.5, 0.5), ch(9, 9), ch(0.2, 0), ch(0, 0.2)]);
    expect(Array.from(l!)).toEqual([1 + Math.SQRT1_2 * 0.7, Math.SQRT1_2 * 0.5].map(Math.fround));
    expect(Array.from(r!)).toEqual([Math.SQRT1_2 * 0.5, 1 + Math.SQRT1_2 * 0.7].map(Math.fround));
    expect(downmixedAsEncoded([ch(1), ch(0.5), ch(0.5), ch(0)]).map((c) => c[0])).toEqual([0.75, 0.25]);
    expect(downmixedAsEncoded([ch(1), ch(2), ch(3)]).map((c) => c[0])).toEqual([1, 2]);
    const stereo = [ch(1), ch(2)];
    expect(downmixedAsEncoded(stereo)).toBe(stereo);
  });

  it("a 5.1 tone measured as six channels would miss the downmix's loudness by more than 1.5 LU", () => {
    const six = [440, 550, 330, 60, 660, 770].map((f) => tones([[-26, 5]], { channels: 1, freq: f })[0]!);
    const asSix = integratedLoudness(six, 48000);
    const asEncoded = integratedLoudness(downmixedAsEncoded(six), 48000);
    expect(Math.abs(asEncoded - asSix)).toBeGreaterThan(1.5);
  });
});
