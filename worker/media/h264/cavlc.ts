// residual_block_cavlc (§7.3.5.3.2) written per §9.2: coeff_token,
// trailing_ones_sign_flag, level_prefix/level_suffix, total_zeros and
// run_before, for a block's levels in scan order.
import type { BitWriter } from "./bit-writer";
import { COEFF_TOKEN, COEFF_TOKEN_CHROMA_DC, coeffTokenFixed, RUN_BEFORE, TOTAL_ZEROS, TOTAL_ZEROS_CHROMA_DC, type Vlc } from "./tables";

/** nC for chroma DC of 4:2:0 (§9.2.1). */
export const NC_CHROMA_DC = -1;

/** nC from the neighbouring blocks' TotalCoeff (§9.2.1): the rounded mean of those available. */
export function predictNc(nA: number, availableA: boolean, nB: number, availableB: boolean): number {
  if (availableA && availableB) return (nA + nB + 1) >> 1;
  return availableA ? nA : availableB ? nB : 0;
}

function coeffToken(nC: number, totalCoeff: number, trailingOnes: number): Vlc {
  const code =
    nC === NC_CHROMA_DC
      ? COEFF_TOKEN_CHROMA_DC[totalCoeff]![trailingOnes]
      : nC >= 8
        ? coeffTokenFixed(totalCoeff, trailingOnes)
        : COEFF_TOKEN[nC < 2 ? 0 : nC < 4 ? 1 : 2]![totalCoeff]![trailingOnes];
  if (!code) throw new Error(`No coeff_token for TotalCoeff ${totalCoeff}, TrailingOnes ${trailingOnes}.`);
  return code;
}

const put = (w: BitWriter, code: Vlc) => w.u(code.len, code.code);

// Per-call scratch: the non-zero levels from the highest frequency down, and the zeros below each.
const levels = new Int32Array(16);
const runs = new Int32Array(16);

/**
 * Writes residual_block_cavlc for `count` levels (maxNumCoeff: 16, 15 for AC
 * blocks, 4 for chroma DC) at `coeffs[at..at+count)` in scan order. Returns
 * TotalCoeff, which neighbouring blocks' nC depends on.
 */
export function writeResidualBlock(w: BitWriter, coeffs: Int32Array, at: number, count: number, nC: number): number {
  let total = 0;
  let last = -1;
  for (let i = count - 1; i >= 0; i--) {
    const v = coeffs[at + i]!;
    if (v !== 0) {
      if (last < 0) last = i;
      levels[total] = v;
      runs[total] = 0;
      total++;
    } else if (total > 0) {
      runs[total - 1]!++;
    }
  }
  let trailingOnes = 0;
  while (trailingOnes < total && trailingOnes < 3 && (levels[trailingOnes] === 1 || levels[trailingOnes] === -1)) trailingOnes++;
  put(w, coeffToken(nC, total, trailingOnes));
  if (total === 0) return 0;

  for (let i = 0; i < trailingOnes; i++) w.u(1, levels[i]! < 0 ? 1 : 0); // trailing_ones_sign_flag
  let suffixLength = total > 10 && trailingOnes < 3 ? 1 : 0;
  for (let i = trailingOnes; i < total; i++) {
    const level = levels[i]!;
    // levelCode (§9.2.2.1) inverted; the first level after fewer than 3 trailing ones cannot be ±1, so it is coded 2 smaller.
    let levelCode = level > 0 ? 2 * level - 2 : -2 * level - 1;
    if (i === trailingOnes && trailingOnes < 3) levelCode -= 2;
    writeLevel(w, levelCode, suffixLength);
    if (suffixLength === 0) suffixLength = 1;
    if ((level < 0 ? -level : level) > 3 << (suffixLength - 1) && suffixLength < 6) suffixLength++;
  }

  const totalZeros = last + 1 - total;
  if (total < count) {
    const table = count === 4 ? TOTAL_ZEROS_CHROMA_DC : TOTAL_ZEROS;
    put(w, table[total - 1]![totalZeros]!);
  }
  let zerosLeft = totalZeros;
  for (let i = 0; i < total - 1 && zerosLeft > 0; i++) {
    put(w, RUN_BEFORE[Math.min(zerosLeft, 7) - 1]![runs[i]!]!);
    zerosLeft -= runs[i]!;
  }
  return total;
}

/**
 * level_prefix (unary: that many zeros, then a one) and level_suffix
 * (§9.2.2.1). Escapes stop at level_prefix 15: Baseline, Main and Extended
 * streams may not use 16 or more, which bounds a level's size.
 */
function writeLevel(w: BitWriter, levelCode: number, suffixLength: number) {
  if (suffixLength === 0) {
    if (levelCode < 14) {
      w.u(levelCode + 1, 1);
    } else if (levelCode < 30) {
      w.u(15, 1).u(4, levelCode - 14);
    } else {
      escape(w, levelCode - 30);
    }
    return;
  }
  if (levelCode < 15 << suffixLength) {
    w.u((levelCode >> suffixLength) + 1, 1).u(suffixLength, levelCode & ((1 << suffixLength) - 1));
  } else {
    escape(w, levelCode - (15 << suffixLength));
  }
}

function escape(w: BitWriter, suffix: number) {
  if (suffix >= 4096) throw new Error("Level too large for level_prefix 15: use a higher QP.");
  w.u(16, 1).u(12, suffix);
}
