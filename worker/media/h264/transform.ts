// The 4×4 integer transforms and quantisation of H.264 (§8.5), for 8-bit
// 4:2:0 with flat scaling lists. The decoder's side (dequantisation, the
// Hadamard inverses, the inverse core transform) is normative and must match
// every decoder sample for sample; the encoder's side (forward transforms,
// quantisation and its rounding) is this encoder's choice.
// Blocks are Int32Array views of 16 values in raster order (4 · row + column).
import { NORM_ADJUST, POSITION_CLASS, QUANT_MF, ZIGZAG_4X4 } from "./tables";

/**
 * Forward core transform W = Cf · X · Cfᵀ, Cf = [1 1 1 1; 2 1 −1 −2; 1 −1 −1 1;
 * 1 −2 2 −1] (the transform §8.5.12.2 inverts), from `src` at `s` (row stride
 * `stride`) into `out` at `o` (16 values).
 */
export function forward4x4(src: Int32Array, s: number, stride: number, out: Int32Array, o: number) {
  for (let i = 0; i < 4; i++) {
    const r = s + i * stride;
    const a = src[r]! + src[r + 3]!;
    const d = src[r]! - src[r + 3]!;
    const b = src[r + 1]! + src[r + 2]!;
    const c = src[r + 1]! - src[r + 2]!;
    out[o + i * 4] = a + b;
    out[o + i * 4 + 1] = 2 * d + c;
    out[o + i * 4 + 2] = a - b;
    out[o + i * 4 + 3] = d - 2 * c;
  }
  for (let j = o; j < o + 4; j++) {
    const a = out[j]! + out[12 + j]!;
    const d = out[j]! - out[12 + j]!;
    const b = out[4 + j]! + out[8 + j]!;
    const c = out[4 + j]! - out[8 + j]!;
    out[j] = a + b;
    out[4 + j] = 2 * d + c;
    out[8 + j] = a - b;
    out[12 + j] = d - 2 * c;
  }
}

/**
 * Inverse core transform (§8.5.12.2): rows, then columns, then (h + 32) >> 6,
 * added to the prediction and clipped (§8.5.14). `d` holds the scaled
 * coefficients (it is overwritten); `pred`/`out` are 8-bit planes.
 */
export function inverse4x4Add(d: Int32Array, pred: Uint8Array, p: number, predStride: number, out: Uint8Array, o: number, outStride: number) {
  for (let i = 0; i < 16; i += 4) {
    const e0 = d[i]! + d[i + 2]!;
    const e1 = d[i]! - d[i + 2]!;
    const e2 = (d[i + 1]! >> 1) - d[i + 3]!;
    const e3 = d[i + 1]! + (d[i + 3]! >> 1);
    d[i] = e0 + e3;
    d[i + 1] = e1 + e2;
    d[i + 2] = e1 - e2;
    d[i + 3] = e0 - e3;
  }
  for (let j = 0; j < 4; j++) {
    const f0 = d[j]!;
    const f1 = d[4 + j]!;
    const f2 = d[8 + j]!;
    const f3 = d[12 + j]!;
    const g0 = f0 + f2;
    const g1 = f0 - f2;
    const g2 = (f1 >> 1) - f3;
    const g3 = f1 + (f3 >> 1);
    out[o + j] = clip255(pred[p + j]! + ((g0 + g3 + 32) >> 6));
    out[o + outStride + j] = clip255(pred[p + predStride + j]! + ((g1 + g2 + 32) >> 6));
    out[o + 2 * outStride + j] = clip255(pred[p + 2 * predStride + j]! + ((g1 - g2 + 32) >> 6));
    out[o + 3 * outStride + j] = clip255(pred[p + 3 * predStride + j]! + ((g0 - g3 + 32) >> 6));
  }
}

const clip255 = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

/** 4×4 Hadamard H · X · H, H = [1 1 1 1; 1 1 −1 −1; 1 −1 −1 1; 1 −1 1 −1], in place (§8.5.10's matrix). */
export function hadamard4x4(x: Int32Array) {
  for (let i = 0; i < 16; i += 4) {
    const a = x[i]! + x[i + 1]!;
    const b = x[i + 2]! + x[i + 3]!;
    const c = x[i]! - x[i + 1]!;
    const d = x[i + 2]! - x[i + 3]!;
    x[i] = a + b;
    x[i + 1] = a - b;
    x[i + 2] = c - d;
    x[i + 3] = c + d;
  }
  for (let j = 0; j < 4; j++) {
    const a = x[j]! + x[4 + j]!;
    const b = x[8 + j]! + x[12 + j]!;
    const c = x[j]! - x[4 + j]!;
    const d = x[8 + j]! - x[12 + j]!;
    x[j] = a + b;
    x[4 + j] = a - b;
    x[8 + j] = c - d;
    x[12 + j] = c + d;
  }
}

/** Quantisation of one qP: the encoder's multipliers and rounding, and the decoder's scales, by zig-zag scan index. */
export interface Quantiser {
  qp: number;
  /** floor(qP / 6) and qP mod 6. */
  q6: number;
  r6: number;
  qbits: number;
  /** Rounding added before the shift: deadzone · 2^qbits. */
  round: number;
  /** QUANT_MF by scan index. */
  mf: Int32Array;
  /** v · 2^(qP/6) by scan index: the scaling of §8.5.12.1 with flat weights. */
  scale: Int32Array;
}

export function quantiser(qp: number, deadzone: number): Quantiser {
  const q6 = Math.floor(qp / 6);
  const r6 = qp % 6;
  const qbits = 15 + q6;
  const mf = new Int32Array(16);
  const scale = new Int32Array(16);
  for (let k = 0; k < 16; k++) {
    const cls = POSITION_CLASS[ZIGZAG_4X4[k]!]!;
    mf[k] = QUANT_MF[r6]![cls]!;
    scale[k] = NORM_ADJUST[r6]![cls]! << q6;
  }
  return { qp, q6, r6, qbits, round: Math.floor(deadzone * 2 ** qbits), mf, scale };
}

/**
 * Quantises a forward-transformed block (at `o` of `w`) into levels in zig-zag order, from scan
 * index `first` (1 for AC-only blocks, whose DC is coded apart). Returns the
 * number of non-zero levels.
 */
export function quantize4x4(w: Int32Array, o: number, q: Quantiser, levels: Int32Array, l: number, first: number): number {
  const { mf, round, qbits } = q;
  let nonZero = 0;
  for (let k = first; k < 16; k++) {
    const c = w[o + ZIGZAG_4X4[k]!]!;
    const level = ((c < 0 ? -c : c) * mf[k]! + round) >> qbits;
    levels[l + k] = c < 0 ? -level : level;
    if (level) nonZero++;
  }
  return nonZero;
}

/**
 * Scaling of a 4×4 block's levels (§8.5.12.1, flat weights): d = c · v · 2^(qP/6)
 * at every position from scan index `first`; position 0 gets `dc` when the DC
 * was coded apart (Intra16x16 and chroma). Writes raster-order `d`.
 */
export function dequantize4x4(levels: Int32Array, l: number, q: Quantiser, first: number, dc: number, d: Int32Array) {
  const { scale } = q;
  if (first) d[0] = dc;
  for (let k = first; k < 16; k++) d[ZIGZAG_4X4[k]!] = levels[l + k]! * scale[k]!;
}

/**
 * Intra16x16 luma DC (§8.5.10): the inverse Hadamard of the 4×4 DC levels
 * (raster order over the macroblock's 4×4 blocks), then their scaling, in place.
 */
export function inverseLumaDc(c: Int32Array, q: Quantiser) {
  hadamard4x4(c);
  const scale = 16 * NORM_ADJUST[q.r6]![0]!; // LevelScale4x4(qP % 6, 0, 0)
  for (let i = 0; i < 16; i++) {
    c[i] = q.qp >= 36 ? (c[i]! * scale) << (q.q6 - 6) : (c[i]! * scale + (1 << (5 - q.q6))) >> (6 - q.q6);
  }
}

/**
 * The encoder's luma DC: the 16 blocks' DC coefficients through the Hadamard,
 * halved, quantised with twice the step of the other coefficients (the
 * inverse scales by v · 2^(qP/6) / 4 where AC gets v · 2^(qP/6)). `dc` is
 * raster order over the blocks; levels come out in zig-zag order. Returns the
 * non-zero count.
 */
export function quantizeLumaDc(dc: Int32Array, q: Quantiser, levels: Int32Array): number {
  hadamard4x4(dc);
  const mf = QUANT_MF[q.r6]![0]!;
  let nonZero = 0;
  for (let k = 0; k < 16; k++) {
    const c = dc[ZIGZAG_4X4[k]!]! >> 1;
    const level = ((c < 0 ? -c : c) * mf + 2 * q.round) >> (q.qbits + 1);
    levels[k] = c < 0 ? -level : level;
    if (level) nonZero++;
  }
  return nonZero;
}

/**
 * Chroma DC of 4:2:0 (§8.5.11.2): the 2×2 inverse Hadamard of the levels
 * c = [c0 c1; c2 c3] at `l` of `levels`, scaled, dcC = ((f · LevelScale4x4(qPc % 6, 0, 0)) << (qPc / 6)) >> 5,
 * into `out` (raster order over the four blocks).
 */
export function inverseChromaDc(levels: Int32Array, l: number, q: Quantiser, out: Int32Array) {
  const a = levels[l]! + levels[l + 1]!;
  const b = levels[l]! - levels[l + 1]!;
  const e = levels[l + 2]! + levels[l + 3]!;
  const f = levels[l + 2]! - levels[l + 3]!;
  const scale = 16 * NORM_ADJUST[q.r6]![0]!;
  out[0] = (((a + e) * scale) << q.q6) >> 5;
  out[1] = (((b + f) * scale) << q.q6) >> 5;
  out[2] = (((a - e) * scale) << q.q6) >> 5;
  out[3] = (((b - f) * scale) << q.q6) >> 5;
}

/** The encoder's chroma DC: 2×2 Hadamard of the four blocks' DCs (at `o` of `dc`), quantised with twice the AC step. Returns the non-zero count. */
export function quantizeChromaDc(dc: Int32Array, o: number, q: Quantiser, levels: Int32Array, l: number): number {
  const a = dc[o]! + dc[o + 1]!;
  const b = dc[o]! - dc[o + 1]!;
  const e = dc[o + 2]! + dc[o + 3]!;
  const f = dc[o + 2]! - dc[o + 3]!;
  const mf = QUANT_MF[q.r6]![0]!;
  const shift = q.qbits + 1;
  const round = 2 * q.round;
  const quant = (c: number) => {
    const level = ((c < 0 ? -c : c) * mf + round) >> shift;
    return c < 0 ? -level : level;
  };
  levels[l] = quant(a + e);
  levels[l + 1] = quant(b + f);
  levels[l + 2] = quant(a - e);
  levels[l + 3] = quant(b - f);
  return (levels[l] ? 1 : 0) + (levels[l + 1] ? 1 : 0) + (levels[l + 2] ? 1 : 0) + (levels[l + 3] ? 1 : 0);
}

/** Sum of absolute 4×4 Hadamard coefficients of a difference block, halved: a cost that tracks coded bits better than SAD. */
export function satd4x4(diff: Int32Array, s: number, stride: number, tmp: Int32Array): number {
  for (let i = 0; i < 4; i++) {
    const r = s + i * stride;
    const a = diff[r]! + diff[r + 1]!;
    const b = diff[r + 2]! + diff[r + 3]!;
    const c = diff[r]! - diff[r + 1]!;
    const d = diff[r + 2]! - diff[r + 3]!;
    tmp[i * 4] = a + b;
    tmp[i * 4 + 1] = a - b;
    tmp[i * 4 + 2] = c - d;
    tmp[i * 4 + 3] = c + d;
  }
  let sum = 0;
  for (let j = 0; j < 4; j++) {
    const a = tmp[j]! + tmp[4 + j]!;
    const b = tmp[8 + j]! + tmp[12 + j]!;
    const c = tmp[j]! - tmp[4 + j]!;
    const d = tmp[8 + j]! - tmp[12 + j]!;
    sum += Math.abs(a + b) + Math.abs(a - b) + Math.abs(c - d) + Math.abs(c + d);
  }
  return sum >> 1;
}
