// Loudness and true peak of PCM audio, per ITU-R BS.1770-4: K-weighting (a
// high-shelf pre-filter and the RLB high-pass, §2.1, with the coefficients
// derived for any sample rate the way libebur128 does), mean square over
// 400 ms blocks stepped by 100 ms, the absolute gate at −70 LUFS and the
// relative gate 10 LU below (§2.3, Annex 1), channel weights 1.0 for front and
// 1.41 for surround channels (LFE left out); true peak by 4× oversampling with
// a windowed-sinc interpolator (Annex 2). Pure functions over Float32Array
// channels, so they are tested against the EBU Tech 3341 signals.

export interface Biquad {
  b: [number, number, number];
  a: [number, number, number];
}

/** The two K-weighting stages for a sample rate. */
export function kWeighting(sampleRate: number): [Biquad, Biquad] {
  // Stage 1: high shelf, +4 dB above ~1.7 kHz (head as a rigid sphere).
  let f0 = 1681.974450955533;
  const G = 3.999843853973347;
  let Q = 0.7071752369554196;
  let K = Math.tan((Math.PI * f0) / sampleRate);
  const Vh = 10 ** (G / 20);
  const Vb = Vh ** 0.4996667741545416;
  let a0 = 1 + K / Q + K * K;
  const shelf: Biquad = {
    b: [(Vh + (Vb * K) / Q + K * K) / a0, (2 * (K * K - Vh)) / a0, (Vh - (Vb * K) / Q + K * K) / a0],
    a: [1, (2 * (K * K - 1)) / a0, (1 - K / Q + K * K) / a0],
  };
  // Stage 2: the RLB high-pass at ~38 Hz.
  f0 = 38.13547087602444;
  Q = 0.5003270373238773;
  K = Math.tan((Math.PI * f0) / sampleRate);
  a0 = 1 + K / Q + K * K;
  const highPass: Biquad = { b: [1, -2, 1], a: [1, (2 * (K * K - 1)) / a0, (1 - K / Q + K * K) / a0] };
  return [shelf, highPass];
}

/** BS.1770 channel weights by channel count (WAVE/SMPTE order: L R C LFE Ls Rs). */
export function channelWeights(channels: number): number[] {
  if (channels <= 2) return Array(channels).fill(1);
  if (channels === 6) return [1, 1, 1, 0, 1.41, 1.41];
  if (channels === 5) return [1, 1, 1, 1.41, 1.41];
  return Array(channels).fill(1);
}

const BLOCK_SECONDS = 0.4;
const STEP_SECONDS = 0.1;
const ABSOLUTE_GATE = -70;

/**
 * Streaming integrated loudness: push planar chunks of any length, read the
 * gated loudness at the end. Keeps one K-filter state per channel and the
 * mean square of every 100 ms step, so memory grows by a few numbers a second.
 */
export class LoudnessMeter {
  private readonly filters: Array<[Biquad, Biquad]>;
  private readonly state: Float64Array[];
  private readonly weights: number[];
  private readonly stepLength: number;
  private readonly steps: number[] = [];
  private readonly partial: Float64Array;
  private filled = 0;

  constructor(
    readonly sampleRate: number,
    readonly channels: number,
  ) {
    this.filters = Array.from({ length: channels }, () => kWeighting(sampleRate));
    this.state = Array.from({ length: channels }, () => new Float64Array(4));
    this.weights = channelWeights(channels);
    this.stepLength = Math.round(sampleRate * STEP_SECONDS);
    this.partial = new Float64Array(channels);
  }

  push(planar: Float32Array[]): void {
    const length = planar[0]?.length ?? 0;
    let at = 0;
    while (at < length) {
      const n = Math.min(length - at, this.stepLength - this.filled);
      for (let c = 0; c < this.channels; c++) this.partial[c]! += this.filterSquares(c, planar[c]!, at, n);
      this.filled += n;
      at += n;
      if (this.filled === this.stepLength) {
        let sum = 0;
        for (let c = 0; c < this.channels; c++) sum += this.weights[c]! * (this.partial[c]! / this.stepLength);
        this.steps.push(sum);
        this.partial.fill(0);
        this.filled = 0;
      }
    }
  }

  /** Runs both K-weighting stages over x[from, from+n) and returns the sum of squares. */
  private filterSquares(channel: number, x: Float32Array, from: number, n: number): number {
    const [s1, s2] = this.filters[channel]!;
    const st = this.state[channel]!;
    // Direct form II, stage by stage; the state is [z1, z2] of stage 1 and [w1, w2] of stage 2.
    let z1 = st[0]!;
    let z2 = st[1]!;
    let w1 = st[2]!;
    let w2 = st[3]!;
    let squares = 0;
    for (let i = from; i < from + n; i++) {
      const v = x[i]! - s1.a[1] * z1 - s1.a[2] * z2;
      const y = s1.b[0] * v + s1.b[1] * z1 + s1.b[2] * z2;
      z2 = z1;
      z1 = v;
      const u = y - s2.a[1] * w1 - s2.a[2] * w2;
      const out = s2.b[0] * u + s2.b[1] * w1 + s2.b[2] * w2;
      w2 = w1;
      w1 = u;
      squares += out * out;
    }
    st[0] = z1;
    st[1] = z2;
    st[2] = w1;
    st[3] = w2;
    return squares;
  }

  /** Integrated loudness in LUFS, -Infinity for silence or audio shorter than one block. */
  integrated(): number {
    const per = Math.round(BLOCK_SECONDS / STEP_SECONDS);
    const blocks: number[] = [];
    for (let i = 0; i + per <= this.steps.length; i++) {
      let sum = 0;
      for (let j = i; j < i + per; j++) sum += this.steps[j]!;
      blocks.push(sum / per);
    }
    const lufs = (z: number) => -0.691 + 10 * Math.log10(z);
    const mean = (zs: number[]) => zs.reduce((a, b) => a + b, 0) / zs.length;
    const absolute = blocks.filter((z) => lufs(z) > ABSOLUTE_GATE);
    if (!absolute.length) return -Infinity;
    const relativeGate = lufs(mean(absolute)) - 10;
    const gated = absolute.filter((z) => lufs(z) > relativeGate);
    return lufs(mean(gated));
  }
}

/** Integrated loudness of whole planar channels (LUFS). */
export function integratedLoudness(planar: Float32Array[], sampleRate: number): number {
  const meter = new LoudnessMeter(sampleRate, planar.length);
  meter.push(planar);
  return meter.integrated();
}

// ---- true peak (BS.1770-4 Annex 2) -----------------------------------------------

const OVERSAMPLE = 4;
const TAPS_PER_PHASE = 12;

/** Polyphase windowed-sinc (Hann) interpolation filter: PHASES × TAPS, each phase normalised to unity DC gain. */
const PHASES: Float64Array[] = Array.from({ length: OVERSAMPLE }, (_, p) => {
  const taps = new Float64Array(TAPS_PER_PHASE);
  const half = TAPS_PER_PHASE / 2;
  let sum = 0;
  for (let k = 0; k < TAPS_PER_PHASE; k++) {
    const t = k - half + 1 - p / OVERSAMPLE; // distance in input samples
    const sinc = t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
    const window = 0.5 + 0.5 * Math.cos((Math.PI * t) / (half + 0.5));
    taps[k] = sinc * window;
    sum += taps[k]!;
  }
  for (let k = 0; k < TAPS_PER_PHASE; k++) taps[k]! /= sum;
  return taps;
});

/** Streaming true-peak estimate: the largest absolute value of the 4× oversampled signal, any channel. */
export class TruePeakMeter {
  /** Per channel, the last TAPS samples written twice (a ring buffer read without wrapping). */
  private readonly history: Float64Array[];
  private at = 0;
  private peak = 0;

  constructor(readonly channels: number) {
    this.history = Array.from({ length: channels }, () => new Float64Array(2 * TAPS_PER_PHASE));
  }

  push(planar: Float32Array[]): void {
    const length = planar[0]?.length ?? 0;
    let peak = this.peak;
    let at = this.at;
    for (let i = 0; i < length; i++) {
      at = (at + 1) % TAPS_PER_PHASE;
      for (let c = 0; c < this.channels; c++) {
        const h = this.history[c]!;
        const sample = planar[c]![i]!;
        h[at] = sample;
        h[at + TAPS_PER_PHASE] = sample;
        // h[at + 1 … at + TAPS] holds the window, oldest first.
        for (const taps of PHASES) {
          let v = 0;
          for (let k = 0; k < TAPS_PER_PHASE; k++) v += taps[k]! * h[at + 1 + k]!;
          const a = v < 0 ? -v : v;
          if (a > peak) peak = a;
        }
      }
    }
    this.peak = peak;
    this.at = at;
  }

  /** dBTP (dB relative to full scale of the oversampled signal). */
  dbtp(): number {
    return 20 * Math.log10(this.peak);
  }
}

export function truePeak(planar: Float32Array[]): number {
  const meter = new TruePeakMeter(planar.length);
  meter.push(planar);
  return meter.dbtp();
}

export const TARGET_LUFS = -14;
export const TARGET_DBTP = -1;

/**
 * The gain (dB) that brings the track to TARGET_LUFS without its true peak
 * passing TARGET_DBTP: a plain gain, so when the peak limit wins the track
 * ends up quieter than the target rather than clipped or squashed.
 */
export function normalisationGain(lufs: number, dbtp: number): { gainDb: number; limitedByPeak: boolean } {
  if (!Number.isFinite(lufs)) return { gainDb: 0, limitedByPeak: false };
  const toTarget = TARGET_LUFS - lufs;
  const toPeak = TARGET_DBTP - dbtp;
  return toTarget <= toPeak ? { gainDb: toTarget, limitedByPeak: false } : { gainDb: toPeak, limitedByPeak: true };
}
