// The IDR picture of a still: one I slice (H.264 §7.3.3, §7.3.4) whose
// macroblocks are either
//  - I_16x16 with no residual (§7.3.5, mb_type 1–4 with CodedBlockPattern 0):
//    a few bits, used where intra prediction from already-coded neighbours
//    (§8.3.3 luma, §8.3.4 chroma) reproduces the source within a small
//    tolerance: flat backgrounds, bars, edges that continue; or
//  - I_PCM (mb_type 25): the 384 samples verbatim, used everywhere else (text,
//    logos, anti-aliased edges).
// The encoder keeps the decoder's reconstruction, so predictions are computed
// from exactly what a decoder will have, and errors cannot accumulate.
import { BitWriter, NAL, nalUnit } from "./bit-writer";
import { LOG2_MAX_FRAME_NUM } from "./parameter-sets";
import type { Yuv420 } from "./yuv";

/** Largest per-sample error accepted for a predicted macroblock (8-bit levels). */
export const PREDICTION_TOLERANCE = 1;

const MB_TYPE_I_PCM = 25; // Table 7-11
const LUMA_V = 0; // Intra16x16PredMode, Table 8-4
const LUMA_H = 1;
const LUMA_DC = 2;
const CHROMA_DC = 0; // intra_chroma_pred_mode, Table 7-16
const CHROMA_H = 1;
const CHROMA_V = 2;

export interface IntraPictureStats {
  pcmMacroblocks: number;
  predictedMacroblocks: number;
}

interface Plane {
  data: Uint8Array;
  stride: number;
}

/** Fills `out` (size×size) with the prediction; false when the mode needs a missing neighbour. */
function predictLuma(mode: number, rec: Plane, x0: number, y0: number, left: boolean, top: boolean, out: Uint8Array): boolean {
  const { data, stride } = rec;
  if (mode === LUMA_V) {
    if (!top) return false;
    const t = (y0 - 1) * stride + x0;
    for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) out[y * 16 + x] = data[t + x]!;
    return true;
  }
  if (mode === LUMA_H) {
    if (!left) return false;
    for (let y = 0; y < 16; y++) out.fill(data[(y0 + y) * stride + x0 - 1]!, y * 16, y * 16 + 16);
    return true;
  }
  // DC (§8.3.3.3): mean of the available neighbours, 128 when none.
  let sum = 0;
  if (top) for (let x = 0; x < 16; x++) sum += data[(y0 - 1) * stride + x0 + x]!;
  if (left) for (let y = 0; y < 16; y++) sum += data[(y0 + y) * stride + x0 - 1]!;
  const dc = top && left ? (sum + 16) >> 5 : top || left ? (sum + 8) >> 4 : 128;
  out.fill(dc, 0, 256);
  return true;
}

/** Chroma prediction for an 8×8 block (§8.3.4; DC is per 4×4 block, §8.3.4.1–8.3.4.3). */
function predictChroma(mode: number, rec: Plane, x0: number, y0: number, left: boolean, top: boolean, out: Uint8Array): boolean {
  const { data, stride } = rec;
  if (mode === CHROMA_V) {
    if (!top) return false;
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) out[y * 8 + x] = data[(y0 - 1) * stride + x0 + x]!;
    return true;
  }
  if (mode === CHROMA_H) {
    if (!left) return false;
    for (let y = 0; y < 8; y++) out.fill(data[(y0 + y) * stride + x0 - 1]!, y * 8, y * 8 + 8);
    return true;
  }
  const topSum = (xO: number) => {
    let s = 0;
    for (let x = 0; x < 4; x++) s += data[(y0 - 1) * stride + x0 + xO + x]!;
    return s;
  };
  const leftSum = (yO: number) => {
    let s = 0;
    for (let y = 0; y < 4; y++) s += data[(y0 + yO + y) * stride + x0 - 1]!;
    return s;
  };
  for (const [xO, yO] of [[0, 0], [4, 0], [0, 4], [4, 4]] as const) {
    let dc = 128;
    if ((xO === 0 && yO === 0) || (xO > 0 && yO > 0)) {
      if (top && left) dc = (topSum(xO) + leftSum(yO) + 4) >> 3;
      else if (left) dc = (leftSum(yO) + 2) >> 2;
      else if (top) dc = (topSum(xO) + 2) >> 2;
    } else if (xO > 0) {
      // Top-right block prefers the samples above it.
      if (top) dc = (topSum(xO) + 2) >> 2;
      else if (left) dc = (leftSum(yO) + 2) >> 2;
    } else {
      // Bottom-left block prefers the samples to its left.
      if (left) dc = (leftSum(yO) + 2) >> 2;
      else if (top) dc = (topSum(xO) + 2) >> 2;
    }
    for (let y = 0; y < 4; y++) out.fill(dc, (yO + y) * 8 + xO, (yO + y) * 8 + xO + 4);
  }
  return true;
}

function matches(src: Plane, x0: number, y0: number, size: number, pred: Uint8Array): boolean {
  for (let y = 0; y < size; y++) {
    const row = (y0 + y) * src.stride + x0;
    for (let x = 0; x < size; x++) {
      const d = src.data[row + x]! - pred[y * size + x]!;
      if (d > PREDICTION_TOLERANCE || d < -PREDICTION_TOLERANCE) return false;
    }
  }
  return true;
}

function copyBlock(from: Plane, to: Plane, x0: number, y0: number, size: number) {
  for (let y = 0; y < size; y++) {
    const at = (y0 + y) * from.stride + x0;
    to.data.set(from.data.subarray(at, at + size), at);
  }
}

function storeBlock(pred: Uint8Array, to: Plane, x0: number, y0: number, size: number) {
  for (let y = 0; y < size; y++) to.data.set(pred.subarray(y * size, y * size + size), (y0 + y) * to.stride + x0);
}

/**
 * coeff_token for TotalCoeff = 0, TrailingOnes = 0 (Table 9-5), by nC: the
 * Intra16x16DCLevel block is always coded, even when every level is zero.
 */
function writeNoCoefficients(w: BitWriter, nC: number) {
  if (nC < 2) w.u(1, 0b1);
  else if (nC < 4) w.u(2, 0b11);
  else if (nC < 8) w.u(4, 0b1111);
  else w.u(6, 0b000011);
}

export function intraPicture(yuv: Yuv420, idrPicId: number): { nal: Uint8Array; stats: IntraPictureStats } {
  const mbWidth = yuv.width >> 4;
  const mbHeight = yuv.height >> 4;
  const srcY: Plane = { data: yuv.y, stride: yuv.width };
  const srcCb: Plane = { data: yuv.cb, stride: yuv.width >> 1 };
  const srcCr: Plane = { data: yuv.cr, stride: yuv.width >> 1 };
  const recY: Plane = { data: new Uint8Array(yuv.y.length), stride: srcY.stride };
  const recCb: Plane = { data: new Uint8Array(yuv.cb.length), stride: srcCb.stride };
  const recCr: Plane = { data: new Uint8Array(yuv.cr.length), stride: srcCr.stride };
  // TotalCoeff of each macroblock's luma 4×4 blocks, for nC (§9.2.1): I_PCM counts as 16.
  const totalCoeff = new Uint8Array(mbWidth * mbHeight);
  const predY = new Uint8Array(256);
  const predCb = new Uint8Array(64);
  const predCr = new Uint8Array(64);
  const pcm = new Uint8Array(384);
  const stats: IntraPictureStats = { pcmMacroblocks: 0, predictedMacroblocks: 0 };

  const w = new BitWriter(64 * 1024);
  // Slice header (§7.3.3) of an IDR I slice.
  w.ue(0); // first_mb_in_slice
  w.ue(7); // slice_type: I, and every slice of the picture is I
  w.ue(0); // pic_parameter_set_id
  w.u(LOG2_MAX_FRAME_NUM, 0); // frame_num is 0 in an IDR picture
  w.ue(idrPicId & 0xffff);
  w.flag(false).flag(false); // dec_ref_pic_marking: no_output_of_prior_pics_flag, long_term_reference_flag
  w.se(0); // slice_qp_delta
  w.ue(1); // disable_deblocking_filter_idc: predicted blocks are exact, nothing to smooth

  for (let mbY = 0; mbY < mbHeight; mbY++) {
    for (let mbX = 0; mbX < mbWidth; mbX++) {
      const left = mbX > 0;
      const top = mbY > 0;
      const lx = mbX * 16;
      const ly = mbY * 16;
      const cx = mbX * 8;
      const cy = mbY * 8;

      let lumaMode = -1;
      for (const mode of [LUMA_V, LUMA_H, LUMA_DC]) {
        if (predictLuma(mode, recY, lx, ly, left, top, predY) && matches(srcY, lx, ly, 16, predY)) {
          lumaMode = mode;
          break;
        }
      }
      let chromaMode = -1;
      if (lumaMode >= 0) {
        for (const mode of [CHROMA_DC, CHROMA_H, CHROMA_V]) {
          if (
            predictChroma(mode, recCb, cx, cy, left, top, predCb) &&
            predictChroma(mode, recCr, cx, cy, left, top, predCr) &&
            matches(srcCb, cx, cy, 8, predCb) &&
            matches(srcCr, cx, cy, 8, predCr)
          ) {
            chromaMode = mode;
            break;
          }
        }
      }

      if (lumaMode >= 0 && chromaMode >= 0) {
        // The loops stopped at the modes that matched, so the buffers hold their predictions.
        storeBlock(predY, recY, lx, ly, 16);
        storeBlock(predCb, recCb, cx, cy, 8);
        storeBlock(predCr, recCr, cx, cy, 8);
        w.ue(1 + lumaMode); // mb_type I_16x16_<mode>_0_0 (Table 7-11)
        w.ue(chromaMode); // intra_chroma_pred_mode (§7.3.5.1)
        w.se(0); // mb_qp_delta: always present for Intra_16x16
        const mbAddr = mbY * mbWidth + mbX;
        const nA = left ? totalCoeff[mbAddr - 1]! : 0;
        const nB = top ? totalCoeff[mbAddr - mbWidth]! : 0;
        const nC = left && top ? (nA + nB + 1) >> 1 : left ? nA : top ? nB : 0;
        writeNoCoefficients(w, nC); // residual_block(i16x16DClevel) with no levels
        stats.predictedMacroblocks++;
      } else {
        copyBlock(srcY, recY, lx, ly, 16);
        copyBlock(srcCb, recCb, cx, cy, 8);
        copyBlock(srcCr, recCr, cx, cy, 8);
        w.ue(MB_TYPE_I_PCM).alignWithZeros(); // pcm_alignment_zero_bit
        for (let y = 0; y < 16; y++) pcm.set(srcY.data.subarray((ly + y) * srcY.stride + lx, (ly + y) * srcY.stride + lx + 16), y * 16);
        for (let y = 0; y < 8; y++) {
          pcm.set(srcCb.data.subarray((cy + y) * srcCb.stride + cx, (cy + y) * srcCb.stride + cx + 8), 256 + y * 8);
          pcm.set(srcCr.data.subarray((cy + y) * srcCr.stride + cx, (cy + y) * srcCr.stride + cx + 8), 320 + y * 8);
        }
        w.bytes(pcm);
        totalCoeff[mbY * mbWidth + mbX] = 16;
        stats.pcmMacroblocks++;
      }
    }
  }
  return { nal: nalUnit(3, NAL.IDR, w.trailingBits().finish()), stats };
}

/**
 * A picture identical to its reference: a P slice (§7.3.3) whose slice data is
 * a single mb_skip_run covering every macroblock (§7.3.4). A P_Skip macroblock
 * whose left neighbour is missing or has motion (0,0) gets motion vector (0,0)
 * (§8.4.1.1), so every macroblock copies the previous frame.
 */
export function repeatPicture(macroblocks: number, frameNum: number): Uint8Array {
  const w = new BitWriter(32);
  w.ue(0); // first_mb_in_slice
  w.ue(5); // slice_type: P, and every slice of the picture is P
  w.ue(0); // pic_parameter_set_id
  w.u(LOG2_MAX_FRAME_NUM, frameNum % (1 << LOG2_MAX_FRAME_NUM));
  w.flag(false); // num_ref_idx_active_override_flag
  w.flag(false); // ref_pic_list_modification_flag_l0
  w.flag(false); // dec_ref_pic_marking: adaptive_ref_pic_marking_mode_flag (sliding window)
  w.se(0); // slice_qp_delta
  w.ue(1); // disable_deblocking_filter_idc
  w.ue(macroblocks); // mb_skip_run
  // A reference picture (nal_ref_idc ≠ 0): POC type 2 forbids consecutive non-reference frames (§8.2.1.3).
  return nalUnit(2, NAL.SLICE, w.trailingBits().finish());
}
