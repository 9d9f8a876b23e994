// The IDR picture of a still: one I slice (H.264 §7.3.3, §7.3.4) whose
// macroblocks are each the cheapest of
//  - Intra_16x16 (§8.3.3) with its DC Hadamard and AC residual (§8.5.10),
//  - Intra_4x4 (§8.3.1) with 4×4 residual blocks (§8.5.12), and
//  - I_PCM, the 384 samples verbatim,
// by rate and distortion (J = SSD + λ · bits), with chroma (§8.3.4, §8.5.11)
// shared by the first two. Residuals are CAVLC (§9.2, cavlc.ts).
// The encoder keeps the decoder's reconstruction, so predictions come from
// exactly what a decoder will have and errors cannot accumulate.
import { BitWriter, NAL, nalUnit } from "./bit-writer";
import { NC_CHROMA_DC, predictNc, writeResidualBlock } from "./cavlc";
import { deblockIntraPicture } from "./deblock";
import { CHROMA_DC, CHROMA_H, CHROMA_V, gatherEdge, I16_DC, I16_H, I16_V, I4_DC, predict16x16, predict4x4, predictChroma, type Edge4x4 } from "./intra-predict";
import { LOG2_MAX_FRAME_NUM, PIC_INIT_QP } from "./parameter-sets";
import { copyBlock, fillBlock } from "./samples";
import { chromaQp, CODENUM_BY_INTRA_CBP, ZIGZAG_4X4 } from "./tables";
import {
  dequantize4x4,
  forward4x4,
  inverse4x4Add,
  inverseChromaDc,
  inverseLumaDc,
  quantiser,
  quantize4x4,
  quantizeChromaDc,
  quantizeLumaDc,
  satd4x4,
  type Quantiser,
} from "./transform";
import type { Yuv420 } from "./yuv";

export interface IntraCoding {
  /** QPY of every macroblock (10–51; the level escapes of Baseline CAVLC bound how low it may go). */
  qp: number;
  /**
   * Whether decoders deblock the picture (disable_deblocking_filter_idc 0,
   * else 1). "auto" deblocks a picture when that brings it closer to the
   * source: on photographs and gradients it does (+0.1 to +0.8 dB), on slides
   * of flat colour and text it does not (−3 dB at QP 26, the same bits): the
   * residual leaves no block edges there, and the filter softens glyph edges.
   */
  deblock: boolean | "auto";
  /** Whether Intra_4x4 is tried (else Intra_16x16 and I_PCM only). */
  intra4x4: boolean;
  /** The quantiser's rounding offset, as a fraction of a step (0.5 rounds to nearest; less zeroes more small coefficients). */
  deadzone: number;
}

export const DEFAULT_INTRA_CODING: IntraCoding = { qp: 26, deblock: "auto", intra4x4: true, deadzone: 1 / 3 };

export interface IntraPictureStats {
  /** The QP the picture was coded at. */
  qp: number;
  pcmMacroblocks: number;
  intra16x16Macroblocks: number;
  intra4x4Macroblocks: number;
}

/** disable_deblocking_filter_idc = 1; and 0 with both offsets 0 (§7.3.3): 3 bits each. */
const DEBLOCKING_OFF = 0b010;
const DEBLOCKING_ON = 0b111;
/** "auto" deblocking judges the filter on every 4th row of macroblocks: a quarter of its cost. */
const DEBLOCK_SAMPLE_ROWS = 4;
const MB_TYPE_I_NXN = 0; // Table 7-11
const MB_TYPE_I_16X16 = 1; // the first of 1–24 (prediction mode × CBPs)
const MB_TYPE_I_PCM = 25;
/** luma4x4BlkIdx → position in 4×4 blocks (§6.4.3, 8×8 quadrants in zig-zag, then 4×4 within each). */
const BLK_X = Uint8Array.of(0, 1, 0, 1, 2, 3, 2, 3, 0, 1, 0, 1, 2, 3, 2, 3);
const BLK_Y = Uint8Array.of(0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3);
/** Whether a 4×4 block's top-right neighbour inside its own macroblock is decoded before it (§6.4.11.4). */
const TOP_RIGHT_INSIDE = [false, false, true, false, false, false, true, false, true, true, true, false, true, false, true, false];
/** Predictions tried first for an exact match, cheapest code first (mb_type, intra_chroma_pred_mode). */
const EXACT_LUMA_MODES = [I16_V, I16_H, I16_DC];
const EXACT_CHROMA_MODES = [CHROMA_DC, CHROMA_H, CHROMA_V];
/** Smallest ue(v) length for each value up to 25. */
const ueBits = (v: number) => 2 * (31 - Math.clz32(v + 1)) + 1;

/**
 * Codes intra pictures of one size. Its buffers (the reconstruction, the
 * neighbours' coefficient counts and modes, scratch blocks) are reused from
 * picture to picture, so a reel allocates them once.
 */
export class IntraPictureCoder {
  readonly qp: number;
  readonly mbWidth: number;
  readonly mbHeight: number;
  private readonly width: number;
  private readonly coding: IntraCoding;
  private readonly q: Quantiser;
  private readonly qc: Quantiser;
  private readonly lambda: number;
  private readonly lambdaMode: number;

  // The decoder's picture before deblocking, and what neighbours need.
  private readonly recY: Uint8Array;
  private readonly recCb: Uint8Array;
  private readonly recCr: Uint8Array;
  /** TotalCoeff of every 4×4 block (luma; chroma per component), for nC (§9.2.1); I_PCM counts 16. */
  private readonly nzY: Uint8Array;
  private readonly nzCb: Uint8Array;
  private readonly nzCr: Uint8Array;
  /** Intra4x4PredMode of every 4×4 block; 2 (DC) in other macroblocks (§8.3.1.1). */
  private readonly modes: Uint8Array;
  /** QPY per macroblock for the deblocking filter, 0 for I_PCM. */
  private readonly mbQp: Uint8Array;
  /** The last picture as decoders show it, when it is deblocked. */
  private deblocked: Yuv420 | null = null;
  private lastDeblocked = false;

  // Scratch.
  // Intra_16x16's candidate and best predictions (swapped, not copied) and its reconstruction:
  // its own buffer, or the best prediction itself when that is exact.
  private pred16 = new Uint8Array(256);
  private best16 = new Uint8Array(256);
  private readonly reconstruction16 = new Uint8Array(256);
  private rec16 = this.reconstruction16;
  private readonly resid = new Int32Array(256);
  private readonly coef = new Int32Array(256);
  private readonly dc = new Int32Array(16);
  private readonly dcLevels = new Int32Array(16);
  private readonly levels16 = new Int32Array(256);
  private readonly levels4 = new Int32Array(256);
  private readonly nz16 = new Uint8Array(16);
  private readonly nz4 = new Uint8Array(16);
  private readonly modes4 = new Uint8Array(16);
  private readonly predModes4 = new Uint8Array(16);
  private readonly pred4 = new Uint8Array(16);
  private readonly best4 = new Uint8Array(16);
  private readonly block = new Int32Array(16);
  private readonly d = new Int32Array(16);
  private readonly tmp = new Int32Array(16);
  private readonly edge: Edge4x4 = { p: new Int32Array(13), left: false, top: false, topLeft: false };
  private readonly predC = [new Uint8Array(64), new Uint8Array(64)];
  private readonly bestC = [new Uint8Array(64), new Uint8Array(64)];
  private readonly dcC = new Int32Array(8);
  private readonly dcLevelsC = new Int32Array(8);
  private readonly levelsC = new Int32Array(128);
  private readonly w16 = new BitWriter(1024);
  private readonly w4 = new BitWriter(1024);
  private readonly wC = new BitWriter(512);
  private readonly pcm = new Uint8Array(384);

  constructor(codedWidth: number, codedHeight: number, coding: Partial<IntraCoding> = {}) {
    this.coding = { ...DEFAULT_INTRA_CODING, ...coding };
    const { qp } = this.coding;
    if (!Number.isInteger(qp) || qp < 10 || qp > 51) throw new Error(`QP ${qp} is outside 10–51.`);
    this.qp = qp;
    this.mbWidth = codedWidth >> 4;
    this.mbHeight = codedHeight >> 4;
    this.width = codedWidth;
    this.q = quantiser(qp, this.coding.deadzone);
    this.qc = quantiser(chromaQp(qp), this.coding.deadzone);
    // The usual intra Lagrangian for SSD, and its square root for SATD-based mode choices.
    this.lambda = 0.85 * 2 ** ((qp - 12) / 3);
    this.lambdaMode = Math.sqrt(this.lambda);
    const size = codedWidth * codedHeight;
    this.recY = new Uint8Array(size);
    this.recCb = new Uint8Array(size >> 2);
    this.recCr = new Uint8Array(size >> 2);
    this.nzY = new Uint8Array(size >> 4);
    this.nzCb = new Uint8Array(size >> 6);
    this.nzCr = new Uint8Array(size >> 6);
    this.modes = new Uint8Array(size >> 4);
    this.mbQp = new Uint8Array(this.mbWidth * this.mbHeight);
  }

  /** The IDR NAL unit of a picture (the coder's size, padded to whole macroblocks). */
  encode(yuv: Yuv420, idrPicId: number): { nal: Uint8Array; stats: IntraPictureStats; deblocked: boolean } {
    if (yuv.width !== this.width || yuv.height !== this.mbHeight * 16) throw new Error("Picture size differs from the coder's.");
    const stats: IntraPictureStats = { qp: this.coding.qp, pcmMacroblocks: 0, intra16x16Macroblocks: 0, intra4x4Macroblocks: 0 };
    const w = new BitWriter(64 * 1024);
    // Slice header (§7.3.3) of an IDR I slice.
    w.ue(0); // first_mb_in_slice
    w.ue(7); // slice_type: I, and every slice of the picture is I
    w.ue(0); // pic_parameter_set_id
    w.u(LOG2_MAX_FRAME_NUM, 0); // frame_num is 0 in an IDR picture
    w.ue(idrPicId & 0xffff);
    w.flag(false).flag(false); // dec_ref_pic_marking: no_output_of_prior_pics_flag, long_term_reference_flag
    w.se(this.coding.qp - PIC_INIT_QP); // slice_qp_delta
    // disable_deblocking_filter_idc, then (when 0) slice_alpha_c0_offset_div2 and slice_beta_offset_div2:
    // 3 bits either way (ue(1) = 010; ue(0), se(0), se(0) = 111), so "auto" fills them in after the macroblocks.
    const deblockingBits = w.bitLength;
    w.u(3, DEBLOCKING_OFF);

    for (let mbY = 0; mbY < this.mbHeight; mbY++) {
      for (let mbX = 0; mbX < this.mbWidth; mbX++) {
        const kind = this.macroblock(w, yuv, mbX, mbY);
        if (kind === MB_TYPE_I_PCM) stats.pcmMacroblocks++;
        else if (kind === MB_TYPE_I_NXN) stats.intra4x4Macroblocks++;
        else stats.intra16x16Macroblocks++;
      }
    }
    const { deblock } = this.coding;
    this.lastDeblocked = deblock === "auto" ? this.deblockingHelps(yuv) : deblock;
    if (this.lastDeblocked) w.patch(deblockingBits, 3, DEBLOCKING_ON);
    return { nal: nalUnit(3, NAL.IDR, w.trailingBits().finish()), stats, deblocked: this.lastDeblocked };
  }

  /** The picture a decoder outputs for the last encoded one, at the coded size (before cropping). */
  decoded(): Yuv420 {
    const height = this.mbHeight * 16;
    if (!this.lastDeblocked) return { width: this.width, height, y: this.recY.slice(), cb: this.recCb.slice(), cr: this.recCr.slice() };
    const { y, cb, cr } = this.deblock();
    return { width: this.width, height, y: y.slice(), cb: cb.slice(), cr: cr.slice() };
  }

  /** Deblocks a copy of the reconstruction into `deblocked` (every `rowStep`-th row of macroblocks). */
  private deblock(rowStep = 1): Yuv420 {
    this.deblocked ??= { width: this.width, height: this.mbHeight * 16, y: new Uint8Array(this.recY.length), cb: new Uint8Array(this.recCb.length), cr: new Uint8Array(this.recCr.length) };
    const out = this.deblocked;
    out.y.set(this.recY);
    out.cb.set(this.recCb);
    out.cr.set(this.recCr);
    deblockIntraPicture(out, this.mbWidth, this.mbHeight, this.mbQp, rowStep);
    return out;
  }

  /**
   * Whether deblocking brings the picture closer to the source (SSD over all
   * three planes), judged on every DEBLOCK_SAMPLE_ROWS-th row of macroblocks
   * and the samples above each that its top edge filters (3 luma rows, 1 chroma).
   */
  private deblockingHelps(src: Yuv420): boolean {
    const out = this.deblock(DEBLOCK_SAMPLE_ROWS);
    let gain = 0;
    for (const [source, rec, filtered, size] of [
      [src.y, this.recY, out.y, 16],
      [src.cb, this.recCb, out.cb, 8],
      [src.cr, this.recCr, out.cr, 8],
    ] as const) {
      const stride = size === 16 ? this.width : this.width >> 1;
      for (let mbY = 0; mbY < this.mbHeight; mbY += DEBLOCK_SAMPLE_ROWS) {
        const from = Math.max(0, mbY * size - (size === 16 ? 3 : 1)) * stride;
        const to = (mbY + 1) * size * stride;
        for (let i = from; i < to; i++) {
          if (rec[i] === filtered[i]) continue;
          const before = source[i]! - rec[i]!;
          const after = source[i]! - filtered[i]!;
          gain += before * before - after * after;
        }
      }
    }
    return gain > 0;
  }

  /** Codes one macroblock into `w`; returns its kind (MB_TYPE_I_NXN, MB_TYPE_I_16X16 or MB_TYPE_I_PCM). */
  private macroblock(w: BitWriter, src: Yuv420, mbX: number, mbY: number): number {
    const left = mbX > 0;
    const top = mbY > 0;
    const { lambda } = this;
    const mb = mbY * this.mbWidth + mbX;

    const chroma = this.chroma(src, mbX, mbY, left, top);
    const i16 = this.intra16x16(src, mbX, mbY, left, top, chroma.mode, chroma.cbp);
    let j16 = i16.ssd + lambda * this.w16.bitLength;
    let best = MB_TYPE_I_16X16;
    // Intra_4x4 costs at least mb_type, 16 mode flags, the chroma mode and the CBP: no distortion makes up for that.
    if (this.coding.intra4x4 && j16 > lambda * (18 + ueBits(chroma.mode))) {
      const ssd4 = this.intra4x4(src, mbX, mbY, left, top, chroma.mode, chroma.cbp);
      if (ssd4 + lambda * this.w4.bitLength < j16) {
        best = MB_TYPE_I_NXN;
        j16 = ssd4 + lambda * this.w4.bitLength;
      }
    }
    const pcmBits = ueBits(MB_TYPE_I_PCM) + ((8 - ((w.bitLength + ueBits(MB_TYPE_I_PCM)) & 7)) & 7) + 384 * 8;
    if (lambda * pcmBits < j16 + chroma.ssd + lambda * this.wC.bitLength) best = MB_TYPE_I_PCM;

    const x4 = mbX * 4;
    const y4 = mbY * 4;
    const s4 = this.mbWidth * 4;
    if (best === MB_TYPE_I_PCM) {
      this.pcmMacroblock(w, src, mbX, mbY);
      this.mbQp[mb] = 0;
      fillBlock(this.nzY, y4 * s4 + x4, s4, 4, 4, 16);
      fillBlock(this.modes, y4 * s4 + x4, s4, 4, 4, I4_DC);
      const s2 = this.mbWidth * 2;
      fillBlock(this.nzCb, mbY * 2 * s2 + mbX * 2, s2, 2, 2, 16);
      fillBlock(this.nzCr, mbY * 2 * s2 + mbX * 2, s2, 2, 2, 16);
      return MB_TYPE_I_PCM;
    }
    this.mbQp[mb] = this.coding.qp;
    const nz = best === MB_TYPE_I_NXN ? this.nz4 : this.nz16;
    for (let i = 0; i < 16; i++) {
      const at = (y4 + BLK_Y[i]!) * s4 + x4 + BLK_X[i]!;
      this.nzY[at] = nz[i]!;
      this.modes[at] = best === MB_TYPE_I_NXN ? this.modes4[i]! : I4_DC;
    }
    if (best !== MB_TYPE_I_NXN) {
      const ls = this.width;
      copyBlock(this.rec16, 0, 16, this.recY, mbY * 16 * ls + mbX * 16, ls, 16, 16);
    }
    w.append(best === MB_TYPE_I_NXN ? this.w4 : this.w16).append(this.wC);
    return best;
  }

  /**
   * Chooses the chroma prediction, codes both components' residual into wC
   * and reconstructs them. Returns the mode, CodedBlockPatternChroma and SSD.
   */
  private chroma(src: Yuv420, mbX: number, mbY: number, left: boolean, top: boolean) {
    const cs = this.width >> 1;
    const cx = mbX * 8;
    const cy = mbY * 8;
    const planes = [src.cb, src.cr] as const;
    const recs = [this.recCb, this.recCr] as const;
    const { resid, tmp } = this;
    // Flat colour: a prediction that is already exact leaves nothing to code.
    for (const mode of EXACT_CHROMA_MODES) {
      if (!predictChroma(mode, this.recCb, cs, cx, cy, left, top, this.predC[0]!) || !this.matches(src.cb, cs, cx, cy, 8, this.predC[0]!)) continue;
      if (!predictChroma(mode, this.recCr, cs, cx, cy, left, top, this.predC[1]!) || !this.matches(src.cr, cs, cx, cy, 8, this.predC[1]!)) continue;
      copyBlock(this.predC[0]!, 0, 8, this.recCb, cy * cs + cx, cs, 8, 8);
      copyBlock(this.predC[1]!, 0, 8, this.recCr, cy * cs + cx, cs, 8, 8);
      const s2 = this.mbWidth * 2;
      fillBlock(this.nzCb, mbY * 2 * s2 + mbX * 2, s2, 2, 2, 0);
      fillBlock(this.nzCr, mbY * 2 * s2 + mbX * 2, s2, 2, 2, 0);
      this.wC.reset();
      return { mode, cbp: 0, ssd: 0 };
    }
    let bestMode = CHROMA_DC;
    let bestCost = Infinity;
    for (let mode = 0; mode < 4; mode++) {
      let cost = this.lambdaMode * ueBits(mode);
      for (let c = 0; c < 2; c++) {
        if (!predictChroma(mode, recs[c]!, cs, cx, cy, left, top, this.predC[c]!)) {
          cost = Infinity;
          break;
        }
        this.difference(planes[c]!, cs, cx, cy, 8, this.predC[c]!);
        for (let b = 0; b < 4; b++) cost += satd4x4(resid, (b >> 1) * 32 + (b & 1) * 4, 8, tmp);
      }
      if (cost < bestCost) {
        bestCost = cost;
        bestMode = mode;
        this.bestC[0]!.set(this.predC[0]!);
        this.bestC[1]!.set(this.predC[1]!);
      }
    }

    const { qc, coef, levelsC, dcC, dcLevelsC, d } = this;
    let anyDc = false;
    let anyAc = false;
    for (let c = 0; c < 2; c++) {
      this.difference(planes[c]!, cs, cx, cy, 8, this.bestC[c]!);
      for (let b = 0; b < 4; b++) {
        forward4x4(resid, (b >> 1) * 32 + (b & 1) * 4, 8, coef, 0);
        dcC[c * 4 + b] = coef[0]!;
        if (quantize4x4(coef, 0, qc, levelsC, (c * 4 + b) * 16, 1)) anyAc = true;
      }
      if (quantizeChromaDc(dcC, c * 4, qc, dcLevelsC, c * 4)) anyDc = true;
    }
    const cbp = anyAc ? 2 : anyDc ? 1 : 0;

    // Reconstruction, as §8.5.11 decodes it.
    let ssd = 0;
    for (let c = 0; c < 2; c++) {
      inverseChromaDc(dcLevelsC, c * 4, qc, dcC);
      const rec = recs[c]!;
      const pred = this.bestC[c]!;
      for (let b = 0; b < 4; b++) {
        const px = (b & 1) * 4;
        const py = (b >> 1) * 4;
        const at = (cy + py) * cs + cx + px;
        if (cbp === 0) {
          copyBlock(pred, py * 8 + px, 8, rec, at, cs, 4, 4);
        } else {
          if (cbp === 1) levelsC.fill(0, (c * 4 + b) * 16, (c * 4 + b) * 16 + 16);
          dequantize4x4(levelsC, (c * 4 + b) * 16, qc, 1, dcC[b]!, d);
          inverse4x4Add(d, pred, py * 8 + px, 8, rec, at, cs);
        }
      }
      ssd += this.ssd(planes[c]!, rec, cs, cx, cy, 8);
    }

    // residual( ) for chroma (§7.3.5.3): both DCs, then both components' AC blocks.
    const wC = this.wC.reset();
    const s2 = this.mbWidth * 2;
    const counts = [this.nzCb, this.nzCr] as const;
    if (cbp > 0) for (let c = 0; c < 2; c++) writeResidualBlock(wC, dcLevelsC, c * 4, 4, NC_CHROMA_DC);
    for (let c = 0; c < 2; c++) {
      const nz = counts[c]!;
      for (let b = 0; b < 4; b++) {
        const x = mbX * 2 + (b & 1);
        const y = mbY * 2 + (b >> 1);
        if (cbp < 2) {
          nz[y * s2 + x] = 0;
          continue;
        }
        const nC = predictNc(x > 0 ? nz[y * s2 + x - 1]! : 0, x > 0, y > 0 ? nz[(y - 1) * s2 + x]! : 0, y > 0);
        nz[y * s2 + x] = writeResidualBlock(wC, levelsC, (c * 4 + b) * 16 + 1, 15, nC);
      }
    }
    return { mode: bestMode, cbp, ssd };
  }

  /** Intra_16x16: the best of the four predictions by SATD, coded into w16 and reconstructed into rec16. Returns the luma SSD. */
  private intra16x16(src: Yuv420, mbX: number, mbY: number, left: boolean, top: boolean, chromaMode: number, cbpChroma: number) {
    const ls = this.width;
    const lx = mbX * 16;
    const ly = mbY * 16;
    const { resid, tmp, coef, dc, dcLevels, levels16, q, d } = this;
    let pred = this.pred16;
    let best16 = this.best16;
    let bestMode = 2;
    let bestCost = Infinity;
    for (const mode of EXACT_LUMA_MODES) {
      if (predict16x16(mode, this.recY, ls, lx, ly, left, top, pred) && this.matches(src.y, ls, lx, ly, 16, pred)) {
        bestMode = mode;
        bestCost = 0;
        [pred, best16] = [best16, pred];
        break;
      }
    }
    for (let mode = 0; mode < 4 && bestCost > 0; mode++) {
      if (!predict16x16(mode, this.recY, ls, lx, ly, left, top, pred)) continue;
      this.difference(src.y, ls, lx, ly, 16, pred);
      let cost = 0;
      for (let b = 0; b < 16 && cost < bestCost; b++) cost += satd4x4(resid, (b >> 2) * 64 + (b & 3) * 4, 16, tmp);
      if (cost < bestCost) {
        bestCost = cost;
        bestMode = mode;
        [pred, best16] = [best16, pred];
      }
    }
    this.pred16 = pred;
    this.best16 = best16;

    let cbpLuma = 0;
    if (bestCost === 0) {
      // The prediction is exact: nothing to code, and it is the reconstruction.
      dcLevels.fill(0);
      this.rec16 = best16;
    } else {
      this.rec16 = this.reconstruction16;
      this.difference(src.y, ls, lx, ly, 16, best16);
      for (let b = 0; b < 16; b++) {
        forward4x4(resid, (b >> 2) * 64 + (b & 3) * 4, 16, coef, b * 16);
        dc[b] = coef[b * 16]!;
        if (quantize4x4(coef, b * 16, q, levels16, b * 16, 1)) cbpLuma = 15;
      }
      quantizeLumaDc(dc, q, dcLevels);
      // Reconstruction (§8.5.10, §8.5.12): the DC matrix back in raster order, then each block.
      for (let k = 0; k < 16; k++) dc[ZIGZAG_4X4[k]!] = dcLevels[k]!;
      inverseLumaDc(dc, q);
      for (let b = 0; b < 16; b++) {
        const at = (b >> 2) * 64 + (b & 3) * 4;
        if (!cbpLuma) levels16.fill(0, b * 16, b * 16 + 16);
        dequantize4x4(levels16, b * 16, q, 1, dc[b]!, d);
        inverse4x4Add(d, best16, at, 16, this.rec16, at, 16);
      }
    }
    const ssd = bestCost === 0 ? 0 : this.ssd(src.y, this.rec16, ls, lx, ly, 16, 16);

    const w = this.w16.reset();
    w.ue(1 + bestMode + 4 * cbpChroma + (cbpLuma ? 12 : 0)); // mb_type I_16x16_<mode>_<cbpChroma>_<cbpLuma> (Table 7-11)
    w.ue(chromaMode);
    w.se(0); // mb_qp_delta: always present for Intra_16x16
    const s4 = this.mbWidth * 4;
    const x4 = mbX * 4;
    const y4 = mbY * 4;
    writeResidualBlock(w, dcLevels, 0, 16, this.lumaNc(x4, y4, s4)); // Intra16x16DCLevel, nC of block 0
    for (let i = 0; i < 16; i++) {
      const x = x4 + BLK_X[i]!;
      const y = y4 + BLK_Y[i]!;
      this.nz16[i] = cbpLuma ? writeResidualBlock(w, levels16, (BLK_Y[i]! * 4 + BLK_X[i]!) * 16 + 1, 15, this.lumaNc(x, y, s4)) : 0;
      this.nzY[y * s4 + x] = this.nz16[i]!;
    }
    return { ssd };
  }

  /** Intra_4x4: each block's best prediction by SATD and mode bits, coded into w4 and reconstructed in place. Returns the luma SSD. */
  private intra4x4(src: Yuv420, mbX: number, mbY: number, left: boolean, top: boolean, chromaMode: number, cbpChroma: number): number {
    const ls = this.width;
    const s4 = this.mbWidth * 4;
    const x4 = mbX * 4;
    const y4 = mbY * 4;
    const topRightMb = top && mbX < this.mbWidth - 1;
    const { edge, pred4, best4, block, coef, levels4, q, d, tmp, resid, lambdaMode } = this;
    let cbpLuma = 0;
    for (let i = 0; i < 16; i++) {
      const bx = BLK_X[i]!;
      const by = BLK_Y[i]!;
      const px = mbX * 16 + bx * 4;
      const py = mbY * 16 + by * 4;
      const hasLeft = bx > 0 || left;
      const hasTop = by > 0 || top;
      const topLeft = bx > 0 ? by > 0 || top : by > 0 ? left : left && top;
      const topRight = by === 0 ? (bx === 3 ? topRightMb : top) : TOP_RIGHT_INSIDE[i]!;
      gatherEdge(this.recY, ls, px, py, hasLeft, hasTop, topLeft, topRight, edge);
      // predIntra4x4PredMode (§8.3.1.1): DC when a neighbour is missing, else the smaller neighbouring mode.
      const at = (y4 + by) * s4 + x4 + bx;
      const predMode = hasLeft && hasTop ? Math.min(this.modes[at - 1]!, this.modes[at - s4]!) : I4_DC;
      this.predModes4[i] = predMode;

      for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) block[y * 4 + x] = src.y[(py + y) * ls + px + x]!;
      let bestMode = I4_DC;
      let bestCost = Infinity;
      // An exact prediction by the predicted mode (SATD 0, a 1-bit mode) cannot be beaten: stop there.
      for (let mode = 0; mode < 9 && bestCost > lambdaMode; mode++) {
        if (!predict4x4(mode, edge, pred4)) continue;
        for (let k = 0; k < 16; k++) resid[k] = block[k]! - pred4[k]!;
        const cost = satd4x4(resid, 0, 4, tmp) + lambdaMode * (mode === predMode ? 1 : 4);
        if (cost < bestCost) {
          bestCost = cost;
          bestMode = mode;
          best4.set(pred4);
        }
      }
      this.modes4[i] = bestMode;
      this.modes[at] = bestMode; // later blocks of this macroblock predict their mode from it

      for (let k = 0; k < 16; k++) resid[k] = block[k]! - best4[k]!;
      forward4x4(resid, 0, 4, coef, 0);
      const nz = quantize4x4(coef, 0, q, levels4, i * 16, 0);
      this.nz4[i] = nz;
      if (nz) {
        cbpLuma |= 1 << (i >> 2);
        dequantize4x4(levels4, i * 16, q, 0, 0, d);
        inverse4x4Add(d, best4, 0, 4, this.recY, py * ls + px, ls);
      } else {
        copyBlock(best4, 0, 4, this.recY, py * ls + px, ls, 4, 4);
      }
    }
    const ssd = this.ssd(src.y, this.recY, ls, mbX * 16, mbY * 16, 16);

    const w = this.w4.reset();
    w.ue(MB_TYPE_I_NXN);
    for (let i = 0; i < 16; i++) {
      const mode = this.modes4[i]!;
      const predMode = this.predModes4[i]!;
      if (mode === predMode) w.u(1, 1); // prev_intra4x4_pred_mode_flag
      else w.u(1, 0).u(3, mode < predMode ? mode : mode - 1); // rem_intra4x4_pred_mode
    }
    w.ue(chromaMode);
    const cbp = cbpLuma | (cbpChroma << 4);
    w.ue(CODENUM_BY_INTRA_CBP[cbp]!); // coded_block_pattern me(v), Table 9-4
    if (cbp) w.se(0); // mb_qp_delta
    for (let i = 0; i < 16; i++) {
      const x = x4 + BLK_X[i]!;
      const y = y4 + BLK_Y[i]!;
      if (!(cbpLuma & (1 << (i >> 2)))) this.nz4[i] = 0;
      else this.nz4[i] = writeResidualBlock(w, levels4, i * 16, 16, this.lumaNc(x, y, s4));
      this.nzY[y * s4 + x] = this.nz4[i]!;
    }
    return ssd;
  }

  /** nC of the luma 4×4 block at (x, y) in 4×4 units (§9.2.1). */
  private lumaNc(x: number, y: number, s4: number): number {
    return predictNc(x > 0 ? this.nzY[y * s4 + x - 1]! : 0, x > 0, y > 0 ? this.nzY[(y - 1) * s4 + x]! : 0, y > 0);
  }

  private pcmMacroblock(w: BitWriter, src: Yuv420, mbX: number, mbY: number) {
    const ls = this.width;
    const cs = ls >> 1;
    const { pcm } = this;
    const y0 = mbY * 16 * ls + mbX * 16;
    const c0 = mbY * 8 * cs + mbX * 8;
    copyBlock(src.y, y0, ls, pcm, 0, 16, 16, 16);
    copyBlock(src.cb, c0, cs, pcm, 256, 8, 8, 8);
    copyBlock(src.cr, c0, cs, pcm, 320, 8, 8, 8);
    copyBlock(src.y, y0, ls, this.recY, y0, ls, 16, 16);
    copyBlock(src.cb, c0, cs, this.recCb, c0, cs, 8, 8);
    copyBlock(src.cr, c0, cs, this.recCr, c0, cs, 8, 8);
    w.ue(MB_TYPE_I_PCM).alignWithZeros(); // pcm_alignment_zero_bit
    w.bytes(pcm);
  }

  /** Whether a source block equals a prediction (size × size). */
  private matches(plane: Uint8Array, stride: number, x0: number, y0: number, size: number, pred: Uint8Array): boolean {
    for (let y = 0; y < size; y++) {
      const s = (y0 + y) * stride + x0;
      for (let x = 0; x < size; x++) if (plane[s + x] !== pred[y * size + x]) return false;
    }
    return true;
  }

  /** resid (row stride `size`) = source block − prediction. */
  private difference(plane: Uint8Array, stride: number, x0: number, y0: number, size: number, pred: Uint8Array) {
    const { resid } = this;
    for (let y = 0; y < size; y++) {
      const s = (y0 + y) * stride + x0;
      for (let x = 0; x < size; x++) resid[y * size + x] = plane[s + x]! - pred[y * size + x]!;
    }
  }

  /** Sum of squared differences between a source block and a reconstruction (`rec` in the picture's layout, or a size×size block when recStride is given). */
  private ssd(plane: Uint8Array, rec: Uint8Array, stride: number, x0: number, y0: number, size: number, recStride = 0): number {
    let sum = 0;
    for (let y = 0; y < size; y++) {
      const s = (y0 + y) * stride + x0;
      const r = recStride ? y * recStride : s;
      for (let x = 0; x < size; x++) {
        const e = plane[s + x]! - rec[r + x]!;
        sum += e * e;
      }
    }
    return sum;
  }
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
  w.ue(1); // disable_deblocking_filter_idc: skipped blocks copy exactly, nothing to filter (bS would be 0)
  w.ue(macroblocks); // mb_skip_run
  // A reference picture (nal_ref_idc ≠ 0): POC type 2 forbids consecutive non-reference frames (§8.2.1.3).
  return nalUnit(2, NAL.SLICE, w.trailingBits().finish());
}
