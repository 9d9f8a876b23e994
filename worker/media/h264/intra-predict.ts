// Intra prediction (§8.3) from the reconstructed, not yet deblocked samples
// of the current picture: Intra_4x4 (§8.3.1.2), Intra_16x16 (§8.3.3) and
// chroma (§8.3.4, 4:2:0). Each returns false when its mode needs a neighbour
// that is not available (outside the picture; one slice per picture, so
// every macroblock before the current one is available).
import { copyBlock, fillBlock } from "./samples";

/** Intra16x16PredMode (Table 8-4). */
export const I16_V = 0;
export const I16_H = 1;
export const I16_DC = 2;
export const I16_PLANE = 3;

/** intra_chroma_pred_mode (Table 7-16). */
export const CHROMA_DC = 0;
export const CHROMA_H = 1;
export const CHROMA_V = 2;
export const CHROMA_PLANE = 3;

/** Intra4x4PredMode (Table 8-2). */
export const I4_V = 0;
export const I4_H = 1;
export const I4_DC = 2;
export const I4_DDL = 3;
export const I4_DDR = 4;
export const I4_VR = 5;
export const I4_HD = 6;
export const I4_VL = 7;
export const I4_HU = 8;

const clip255 = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

/**
 * Intra_16x16 prediction of the macroblock at (x0, y0) of `rec` into `out`
 * (16×16). Plane needs the top, left and top-left neighbours.
 */
export function predict16x16(mode: number, rec: Uint8Array, stride: number, x0: number, y0: number, left: boolean, top: boolean, out: Uint8Array): boolean {
  const t = (y0 - 1) * stride + x0;
  const l = y0 * stride + x0 - 1;
  switch (mode) {
    case I16_V:
      if (!top) return false;
      vertical(rec, t, 16, out);
      return true;
    case I16_H:
      if (!left) return false;
      horizontal(rec, l, stride, 16, out);
      return true;
    case I16_DC: {
      let sum = 0;
      if (top) for (let x = 0; x < 16; x++) sum += rec[t + x]!;
      if (left) for (let y = 0; y < 16; y++) sum += rec[l + y * stride]!;
      out.fill(top && left ? (sum + 16) >> 5 : top || left ? (sum + 8) >> 4 : 128);
      return true;
    }
    default:
      if (!top || !left) return false;
      plane(rec, stride, t, l, 16, out);
      return true;
  }
}

/** Chroma prediction of an 8×8 block (4:2:0) at (x0, y0) into `out` (8×8). DC is per 4×4 block (§8.3.4.1–3). */
export function predictChroma(mode: number, rec: Uint8Array, stride: number, x0: number, y0: number, left: boolean, top: boolean, out: Uint8Array): boolean {
  const t = (y0 - 1) * stride + x0;
  const l = y0 * stride + x0 - 1;
  switch (mode) {
    case CHROMA_V:
      if (!top) return false;
      vertical(rec, t, 8, out);
      return true;
    case CHROMA_H:
      if (!left) return false;
      horizontal(rec, l, stride, 8, out);
      return true;
    case CHROMA_DC: {
      for (let blk = 0; blk < 4; blk++) {
        const xO = (blk & 1) * 4;
        const yO = (blk >> 1) * 4;
        let sumTop = 0;
        let sumLeft = 0;
        if (top) for (let i = 0; i < 4; i++) sumTop += rec[t + xO + i]!;
        if (left) for (let i = 0; i < 4; i++) sumLeft += rec[l + (yO + i) * stride]!;
        let dc = 128;
        if (blk === 0 || blk === 3) {
          if (top && left) dc = (sumTop + sumLeft + 4) >> 3;
          else if (left) dc = (sumLeft + 2) >> 2;
          else if (top) dc = (sumTop + 2) >> 2;
        } else if (blk === 1) {
          // The top-right block prefers the samples above it, the bottom-left one those to its left.
          if (top) dc = (sumTop + 2) >> 2;
          else if (left) dc = (sumLeft + 2) >> 2;
        } else if (left) dc = (sumLeft + 2) >> 2;
        else if (top) dc = (sumTop + 2) >> 2;
        fillBlock(out, yO * 8 + xO, 8, 4, 4, dc);
      }
      return true;
    }
    default:
      if (!top || !left) return false;
      plane(rec, stride, t, l, 8, out);
      return true;
  }
}

/** Each row of the size×size block repeats the row above it (at `t`). */
function vertical(rec: Uint8Array, t: number, size: number, out: Uint8Array) {
  for (let y = 0; y < size; y++) copyBlock(rec, t, 0, out, y * size, size, size, 1);
}

/** Each row of the size×size block repeats the sample left of it (column at `l`). */
function horizontal(rec: Uint8Array, l: number, stride: number, size: number, out: Uint8Array) {
  for (let y = 0; y < size; y++) fillBlock(out, y * size, size, size, 1, rec[l + y * stride]!);
}

/**
 * Plane prediction: Intra_16x16 (§8.3.3.4) for size 16, chroma of 4:2:0
 * (§8.3.4.4, xCF = yCF = 0) for size 8. `t` is p[0, −1] and `l` is p[−1, 0];
 * p[−1, −1] enters H and V at their last term.
 */
function plane(rec: Uint8Array, stride: number, t: number, l: number, size: number, out: Uint8Array) {
  const half = size >> 1;
  let h = 0;
  let v = 0;
  for (let i = 0; i < half; i++) {
    h += (i + 1) * (rec[t + half + i]! - rec[t + half - 2 - i]!);
    v += (i + 1) * (rec[l + (half + i) * stride]! - rec[l + (half - 2 - i) * stride]!);
  }
  const a = 16 * (rec[l + (size - 1) * stride]! + rec[t + size - 1]!);
  const scale = size === 16 ? 5 : 34;
  const b = (scale * h + 32) >> 6;
  const c = (scale * v + 32) >> 6;
  const centre = half - 1;
  for (let y = 0; y < size; y++) {
    const base = a + c * (y - centre) + 16;
    for (let x = 0; x < size; x++) out[y * size + x] = clip255((base + b * (x - centre)) >> 5);
  }
}

/**
 * The neighbours of a 4×4 block, gathered for Intra_4x4 prediction: edge[3 − y]
 * = p[−1, y] (y = 0..3), edge[4] = p[−1, −1], edge[5 + x] = p[x, −1] (x = 0..7),
 * so p[−1, −1] is both "p[x, −1] at x = −1" and "p[−1, y] at y = −1".
 */
export interface Edge4x4 {
  p: Int32Array;
  left: boolean;
  top: boolean;
  topLeft: boolean;
}

/** Fills an Edge4x4 from `rec` for the block at (x0, y0); p[4..7, −1] are p[3, −1] when the top-right is not available (§8.3.1.2). */
export function gatherEdge(rec: Uint8Array, stride: number, x0: number, y0: number, left: boolean, top: boolean, topLeft: boolean, topRight: boolean, edge: Edge4x4) {
  const p = edge.p;
  edge.left = left;
  edge.top = top;
  edge.topLeft = topLeft;
  if (left) for (let y = 0; y < 4; y++) p[3 - y] = rec[(y0 + y) * stride + x0 - 1]!;
  if (topLeft) p[4] = rec[(y0 - 1) * stride + x0 - 1]!;
  if (top) {
    const t = (y0 - 1) * stride + x0;
    for (let x = 0; x < 4; x++) p[5 + x] = rec[t + x]!;
    if (topRight) for (let x = 4; x < 8; x++) p[5 + x] = rec[t + x]!;
    else for (let x = 4; x < 8; x++) p[5 + x] = p[8]!;
  }
}

/** Intra_4x4 prediction (§8.3.1.2.1–9) into `out` (4×4, row stride 4). */
export function predict4x4(mode: number, edge: Edge4x4, out: Uint8Array): boolean {
  // The spec's p[x, −1] is p[5 + x] and its p[−1, y] is p[3 − y]; both are p[4] at −1, the top-left sample.
  const p = edge.p;
  switch (mode) {
    case I4_V:
      if (!edge.top) return false;
      for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) out[y * 4 + x] = p[5 + x]!;
      return true;
    case I4_H:
      if (!edge.left) return false;
      for (let y = 0; y < 4; y++) fillBlock(out, y * 4, 4, 4, 1, p[3 - y]!);
      return true;
    case I4_DC: {
      let dc = 128;
      if (edge.top && edge.left) dc = (p[5]! + p[6]! + p[7]! + p[8]! + p[3]! + p[2]! + p[1]! + p[0]! + 4) >> 3;
      else if (edge.left) dc = (p[3]! + p[2]! + p[1]! + p[0]! + 2) >> 2;
      else if (edge.top) dc = (p[5]! + p[6]! + p[7]! + p[8]! + 2) >> 2;
      out.fill(dc, 0, 16);
      return true;
    }
    case I4_DDL:
      if (!edge.top) return false;
      for (let y = 0; y < 4; y++)
        for (let x = 0; x < 4; x++)
          out[y * 4 + x] = x === 3 && y === 3 ? (p[11]! + 3 * p[12]! + 2) >> 2 : (p[5 + x + y]! + 2 * p[5 + x + y + 1]! + p[5 + x + y + 2]! + 2) >> 2;
      return true;
    case I4_DDR:
      if (!edge.top || !edge.left || !edge.topLeft) return false;
      for (let y = 0; y < 4; y++)
        for (let x = 0; x < 4; x++)
          out[y * 4 + x] =
            x > y
              ? (p[5 + x - y - 2]! + 2 * p[5 + x - y - 1]! + p[5 + x - y]! + 2) >> 2
              : x < y
                ? (p[3 - (y - x - 2)]! + 2 * p[3 - (y - x - 1)]! + p[3 - (y - x)]! + 2) >> 2
                : (p[5]! + 2 * p[4]! + p[3]! + 2) >> 2;
      return true;
    case I4_VR:
      if (!edge.top || !edge.left || !edge.topLeft) return false;
      for (let y = 0; y < 4; y++)
        for (let x = 0; x < 4; x++) {
          const z = 2 * x - y;
          const xs = x - (y >> 1);
          out[y * 4 + x] =
            z >= 0 && (z & 1) === 0
              ? (p[5 + xs - 1]! + p[5 + xs]! + 1) >> 1
              : z > 0
                ? (p[5 + xs - 2]! + 2 * p[5 + xs - 1]! + p[5 + xs]! + 2) >> 2
                : z === -1
                  ? (p[3]! + 2 * p[4]! + p[5]! + 2) >> 2
                  : (p[3 - (y - 1)]! + 2 * p[3 - (y - 2)]! + p[3 - (y - 3)]! + 2) >> 2;
        }
      return true;
    case I4_HD:
      if (!edge.top || !edge.left || !edge.topLeft) return false;
      for (let y = 0; y < 4; y++)
        for (let x = 0; x < 4; x++) {
          const z = 2 * y - x;
          const ys = y - (x >> 1);
          out[y * 4 + x] =
            z >= 0 && (z & 1) === 0
              ? (p[3 - (ys - 1)]! + p[3 - ys]! + 1) >> 1
              : z > 0
                ? (p[3 - (ys - 2)]! + 2 * p[3 - (ys - 1)]! + p[3 - ys]! + 2) >> 2
                : z === -1
                  ? (p[3]! + 2 * p[4]! + p[5]! + 2) >> 2
                  : (p[5 + x - 1]! + 2 * p[5 + x - 2]! + p[5 + x - 3]! + 2) >> 2;
        }
      return true;
    case I4_VL:
      if (!edge.top) return false;
      for (let y = 0; y < 4; y++)
        for (let x = 0; x < 4; x++) {
          const i = x + (y >> 1);
          out[y * 4 + x] = (y & 1) === 0 ? (p[5 + i]! + p[5 + i + 1]! + 1) >> 1 : (p[5 + i]! + 2 * p[5 + i + 1]! + p[5 + i + 2]! + 2) >> 2;
        }
      return true;
    default: // I4_HU
      if (!edge.left) return false;
      for (let y = 0; y < 4; y++)
        for (let x = 0; x < 4; x++) {
          const z = x + 2 * y;
          const i = y + (x >> 1);
          out[y * 4 + x] =
            z > 5 ? p[0]! : z === 5 ? (p[1]! + 3 * p[0]! + 2) >> 2 : (z & 1) === 0 ? (p[3 - i]! + p[3 - (i + 1)]! + 1) >> 1 : (p[3 - i]! + 2 * p[3 - (i + 1)]! + p[3 - (i + 2)]! + 2) >> 2;
        }
      return true;
  }
}
