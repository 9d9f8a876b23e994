// The deblocking filter (§8.7) of a picture whose macroblocks are all intra
// and use 4×4 transforms: every macroblock edge has bS = 4, every internal
// 4×4 edge bS = 3 (§8.7.2.1). The decoder runs it; the encoder needs it only
// to know the picture a decoder shows (tests, quality figures), since intra
// prediction reads the samples before filtering.
import { ALPHA, BETA, chromaQp, TC0 } from "./tables";

export interface DeblockPlanes {
  y: Uint8Array;
  cb: Uint8Array;
  cr: Uint8Array;
  /** Luma width in samples (a multiple of 16); chroma is half. */
  width: number;
}

const clip255 = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);
const clip3 = (lo: number, hi: number, v: number) => (v < lo ? lo : v > hi ? hi : v);

/**
 * Filters one edge of `length` lines in place (§8.7.2.3–4). `at` is q0 of the
 * first line, `step` goes from p0 to q0 across the edge, `next` from one line
 * to the next along it.
 */
function filterEdge(s: Uint8Array, at: number, step: number, next: number, length: number, bS: number, qPav: number, chroma: boolean) {
  const indexA = clip3(0, 51, qPav); // FilterOffsetA = FilterOffsetB = 0
  const alpha = ALPHA[indexA]!;
  const beta = BETA[indexA]!;
  if (alpha === 0 || beta === 0) return;
  const tc0 = bS < 4 ? TC0[indexA]![bS - 1]! : 0;
  for (let n = 0; n < length; n++, at += next) {
    const p0 = s[at - step]!;
    const p1 = s[at - 2 * step]!;
    const q0 = s[at]!;
    const q1 = s[at + step]!;
    if (Math.abs(p0 - q0) >= alpha || Math.abs(p1 - p0) >= beta || Math.abs(q1 - q0) >= beta) continue;
    if (chroma) {
      if (bS < 4) {
        const tc = tc0 + 1;
        const delta = clip3(-tc, tc, (((q0 - p0) << 2) + (p1 - q1) + 4) >> 3);
        s[at - step] = clip255(p0 + delta);
        s[at] = clip255(q0 - delta);
      } else {
        s[at - step] = (2 * p1 + p0 + q1 + 2) >> 2;
        s[at] = (2 * q1 + q0 + p1 + 2) >> 2;
      }
      continue;
    }
    const p2 = s[at - 3 * step]!;
    const q2 = s[at + 2 * step]!;
    const ap = Math.abs(p2 - p0);
    const aq = Math.abs(q2 - q0);
    if (bS < 4) {
      const tc = tc0 + (ap < beta ? 1 : 0) + (aq < beta ? 1 : 0);
      const delta = clip3(-tc, tc, (((q0 - p0) << 2) + (p1 - q1) + 4) >> 3);
      s[at - step] = clip255(p0 + delta);
      s[at] = clip255(q0 - delta);
      if (ap < beta) s[at - 2 * step] = p1 + clip3(-tc0, tc0, (p2 + ((p0 + q0 + 1) >> 1) - (p1 << 1)) >> 1);
      if (aq < beta) s[at + step] = q1 + clip3(-tc0, tc0, (q2 + ((p0 + q0 + 1) >> 1) - (q1 << 1)) >> 1);
      continue;
    }
    const strong = Math.abs(p0 - q0) < (alpha >> 2) + 2;
    if (strong && ap < beta) {
      const p3 = s[at - 4 * step]!;
      s[at - step] = (p2 + 2 * p1 + 2 * p0 + 2 * q0 + q1 + 4) >> 3;
      s[at - 2 * step] = (p2 + p1 + p0 + q0 + 2) >> 2;
      s[at - 3 * step] = (2 * p3 + 3 * p2 + p1 + p0 + q0 + 4) >> 3;
    } else {
      s[at - step] = (2 * p1 + p0 + q1 + 2) >> 2;
    }
    if (strong && aq < beta) {
      const q3 = s[at + 3 * step]!;
      s[at] = (p1 + 2 * p0 + 2 * q0 + 2 * q1 + q2 + 4) >> 3;
      s[at + step] = (p0 + q0 + q1 + q2 + 2) >> 2;
      s[at + 2 * step] = (2 * q3 + 3 * q2 + q1 + q0 + p0 + 4) >> 3;
    } else {
      s[at] = (2 * q1 + q0 + p1 + 2) >> 2;
    }
  }
}

/**
 * Deblocks the planes in place, macroblock by macroblock in raster order
 * (§8.7: luma vertical edges left to right, then horizontal edges top to
 * bottom, then chroma likewise). `qp` holds each macroblock's QPY, 0 for
 * I_PCM (§8.7.2.2); chroma_qp_index_offset is 0. With `rowStep` > 1 only
 * every rowStep-th row of macroblocks is filtered: a sample of what the
 * filter would do, not a decodable picture.
 */
export function deblockIntraPicture(planes: DeblockPlanes, mbWidth: number, mbHeight: number, qp: Uint8Array, rowStep = 1) {
  const ls = planes.width;
  const cs = ls >> 1;
  for (let mbY = 0; mbY < mbHeight; mbY += rowStep) {
    for (let mbX = 0; mbX < mbWidth; mbX++) {
      const mb = mbY * mbWidth + mbX;
      const q = qp[mb]!;
      const qc = chromaQp(q);
      const qLeft = mbX > 0 ? qp[mb - 1]! : 0;
      const qTop = mbY > 0 ? qp[mb - mbWidth]! : 0;
      const y0 = mbY * 16 * ls + mbX * 16;
      for (let e = mbX > 0 ? 0 : 1; e < 4; e++) {
        filterEdge(planes.y, y0 + 4 * e, 1, ls, 16, e ? 3 : 4, e ? q : (q + qLeft + 1) >> 1, false);
      }
      for (let e = mbY > 0 ? 0 : 1; e < 4; e++) {
        filterEdge(planes.y, y0 + 4 * e * ls, ls, 1, 16, e ? 3 : 4, e ? q : (q + qTop + 1) >> 1, false);
      }
      const c0 = mbY * 8 * cs + mbX * 8;
      const qcLeft = (qc + chromaQp(qLeft) + 1) >> 1;
      const qcTop = (qc + chromaQp(qTop) + 1) >> 1;
      for (const plane of [planes.cb, planes.cr]) {
        // Chroma edges 0 and 4 lie on luma edges 0 and 8, and take their bS.
        if (mbX > 0) filterEdge(plane, c0, 1, cs, 8, 4, qcLeft, true);
        filterEdge(plane, c0 + 4, 1, cs, 8, 3, qc, true);
        if (mbY > 0) filterEdge(plane, c0, cs, 1, 8, 4, qcTop, true);
        filterEdge(plane, c0 + 4 * cs, cs, 1, 8, 3, qc, true);
      }
    }
  }
}
