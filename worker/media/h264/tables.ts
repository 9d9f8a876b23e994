// Code and scale tables of ITU-T H.264, as the spec prints them (VLCs as bit
// strings, most significant bit first, a space every 4 bits). Tests compare
// entries with the spec (test/media/h264-residual.test.ts), and every stream
// the encoder writes is decoded by ffmpeg (test/media-node/h264-ffmpeg.test.ts).

/** A variable-length code: `len` bits of `code`, most significant first. */
export interface Vlc {
  len: number;
  code: number;
}

const vlc = (bits: string): Vlc => {
  const b = bits.replace(/ /g, "");
  return { len: b.length, code: parseInt(b, 2) };
};
const table = (rows: (string | null)[][]): (Vlc | null)[][] => rows.map((r) => r.map((b) => (b === null ? null : vlc(b))));

/**
 * Table 9-5, coeff_token by [TotalCoeff][TrailingOnes], one table for each
 * range of nC: 0 ≤ nC < 2, 2 ≤ nC < 4, 4 ≤ nC < 8. For 8 ≤ nC the code has a
 * fixed length (coeffTokenFixed); nC = −1 (chroma DC of 4:2:0) has its own.
 */
export const COEFF_TOKEN = [
  [
    ["1", null, null, null], // TotalCoeff 0
    ["0001 01", "01", null, null], // TotalCoeff 1
    ["0000 0111", "0001 00", "001", null], // TotalCoeff 2
    ["0000 0011 1", "0000 0110", "0000 101", "0001 1"], // TotalCoeff 3
    ["0000 0001 11", "0000 0011 0", "0000 0101", "0000 11"], // TotalCoeff 4
    ["0000 0000 111", "0000 0001 10", "0000 0010 1", "0000 100"], // TotalCoeff 5
    ["0000 0000 0111 1", "0000 0000 110", "0000 0001 01", "0000 0100"], // TotalCoeff 6
    ["0000 0000 0101 1", "0000 0000 0111 0", "0000 0000 101", "0000 0010 0"], // TotalCoeff 7
    ["0000 0000 0100 0", "0000 0000 0101 0", "0000 0000 0110 1", "0000 0001 00"], // TotalCoeff 8
    ["0000 0000 0011 11", "0000 0000 0011 10", "0000 0000 0100 1", "0000 0000 100"], // TotalCoeff 9
    ["0000 0000 0010 11", "0000 0000 0010 10", "0000 0000 0011 01", "0000 0000 0110 0"], // TotalCoeff 10
    ["0000 0000 0001 111", "0000 0000 0001 110", "0000 0000 0010 01", "0000 0000 0011 00"], // TotalCoeff 11
    ["0000 0000 0001 011", "0000 0000 0001 010", "0000 0000 0001 101", "0000 0000 0010 00"], // TotalCoeff 12
    ["0000 0000 0000 1111", "0000 0000 0000 001", "0000 0000 0001 001", "0000 0000 0001 100"], // TotalCoeff 13
    ["0000 0000 0000 1011", "0000 0000 0000 1110", "0000 0000 0000 1101", "0000 0000 0001 000"], // TotalCoeff 14
    ["0000 0000 0000 0111", "0000 0000 0000 1010", "0000 0000 0000 1001", "0000 0000 0000 1100"], // TotalCoeff 15
    ["0000 0000 0000 0100", "0000 0000 0000 0110", "0000 0000 0000 0101", "0000 0000 0000 1000"], // TotalCoeff 16
  ],
  [
    ["11", null, null, null], // TotalCoeff 0
    ["0010 11", "10", null, null], // TotalCoeff 1
    ["0001 11", "0011 1", "011", null], // TotalCoeff 2
    ["0000 111", "0010 10", "0010 01", "0101"], // TotalCoeff 3
    ["0000 0111", "0001 10", "0001 01", "0100"], // TotalCoeff 4
    ["0000 0100", "0000 110", "0000 101", "0011 0"], // TotalCoeff 5
    ["0000 0011 1", "0000 0110", "0000 0101", "0010 00"], // TotalCoeff 6
    ["0000 0001 111", "0000 0011 0", "0000 0010 1", "0001 00"], // TotalCoeff 7
    ["0000 0001 011", "0000 0001 110", "0000 0001 101", "0000 100"], // TotalCoeff 8
    ["0000 0000 1111", "0000 0001 010", "0000 0001 001", "0000 0010 0"], // TotalCoeff 9
    ["0000 0000 1011", "0000 0000 1110", "0000 0000 1101", "0000 0001 100"], // TotalCoeff 10
    ["0000 0000 1000", "0000 0000 1010", "0000 0000 1001", "0000 0001 000"], // TotalCoeff 11
    ["0000 0000 0111 1", "0000 0000 0111 0", "0000 0000 0110 1", "0000 0000 1100"], // TotalCoeff 12
    ["0000 0000 0101 1", "0000 0000 0101 0", "0000 0000 0100 1", "0000 0000 0110 0"], // TotalCoeff 13
    ["0000 0000 0011 1", "0000 0000 0010 11", "0000 0000 0011 0", "0000 0000 0100 0"], // TotalCoeff 14
    ["0000 0000 0010 01", "0000 0000 0010 00", "0000 0000 0010 10", "0000 0000 0000 1"], // TotalCoeff 15
    ["0000 0000 0001 11", "0000 0000 0001 10", "0000 0000 0001 01", "0000 0000 0001 00"], // TotalCoeff 16
  ],
  [
    ["1111", null, null, null], // TotalCoeff 0
    ["0011 11", "1110", null, null], // TotalCoeff 1
    ["0010 11", "0111 1", "1101", null], // TotalCoeff 2
    ["0010 00", "0110 0", "0111 0", "1100"], // TotalCoeff 3
    ["0001 111", "0101 0", "0101 1", "1011"], // TotalCoeff 4
    ["0001 011", "0100 0", "0100 1", "1010"], // TotalCoeff 5
    ["0001 001", "0011 10", "0011 01", "1001"], // TotalCoeff 6
    ["0001 000", "0010 10", "0010 01", "1000"], // TotalCoeff 7
    ["0000 1111", "0001 110", "0001 101", "0110 1"], // TotalCoeff 8
    ["0000 1011", "0000 1110", "0001 010", "0011 00"], // TotalCoeff 9
    ["0000 0111 1", "0000 1010", "0000 1101", "0001 100"], // TotalCoeff 10
    ["0000 0101 1", "0000 0111 0", "0000 1001", "0000 1100"], // TotalCoeff 11
    ["0000 0100 0", "0000 0101 0", "0000 0110 1", "0000 1000"], // TotalCoeff 12
    ["0000 0011 01", "0000 0011 1", "0000 0100 1", "0000 0110 0"], // TotalCoeff 13
    ["0000 0010 01", "0000 0011 00", "0000 0010 11", "0000 0010 10"], // TotalCoeff 14
    ["0000 0001 01", "0000 0010 00", "0000 0001 11", "0000 0001 10"], // TotalCoeff 15
    ["0000 0000 01", "0000 0001 00", "0000 0000 11", "0000 0000 10"], // TotalCoeff 16
  ],
].map(table);

/** Table 9-5, 8 ≤ nC: xxxxyy with xxxx = TotalCoeff − 1 and yy = TrailingOnes; 0000 11 for no coefficients. */
export function coeffTokenFixed(totalCoeff: number, trailingOnes: number): Vlc {
  return { len: 6, code: totalCoeff === 0 ? 0b000011 : ((totalCoeff - 1) << 2) | trailingOnes };
}

/** Table 9-5, nC = −1: chroma DC of 4:2:0, by [TotalCoeff][TrailingOnes]. */
export const COEFF_TOKEN_CHROMA_DC = table([
  ["01", null, null, null], // TotalCoeff 0
  ["0001 11", "1", null, null], // TotalCoeff 1
  ["0001 00", "0001 10", "001", null], // TotalCoeff 2
  ["0000 11", "0000 011", "0000 010", "0001 01"], // TotalCoeff 3
  ["0000 10", "0000 0011", "0000 0010", "0000 000"], // TotalCoeff 4
]);

/** Tables 9-7 and 9-8: total_zeros of 4×4 blocks by [tzVlcIndex − 1][total_zeros], tzVlcIndex = TotalCoeff. */
export const TOTAL_ZEROS = table([
  ["1", "011", "010", "0011", "0010", "0001 1", "0001 0", "0000 11", "0000 10", "0000 011", "0000 010", "0000 0011", "0000 0010", "0000 0001 1", "0000 0001 0", "0000 0000 1"], // tzVlcIndex 1
  ["111", "110", "101", "100", "011", "0101", "0100", "0011", "0010", "0001 1", "0001 0", "0000 11", "0000 10", "0000 01", "0000 00"], // tzVlcIndex 2
  ["0101", "111", "110", "101", "0100", "0011", "100", "011", "0010", "0001 1", "0001 0", "0000 01", "0000 1", "0000 00"], // tzVlcIndex 3
  ["0001 1", "111", "0101", "0100", "110", "101", "100", "0011", "011", "0010", "0001 0", "0000 1", "0000 0"], // tzVlcIndex 4
  ["0101", "0100", "0011", "111", "110", "101", "100", "011", "0010", "0000 1", "0001", "0000 0"], // tzVlcIndex 5
  ["0000 01", "0000 1", "111", "110", "101", "100", "011", "010", "0001", "001", "0000 00"], // tzVlcIndex 6
  ["0000 01", "0000 1", "101", "100", "011", "11", "010", "0001", "001", "0000 00"], // tzVlcIndex 7
  ["0000 01", "0001", "0000 1", "011", "11", "10", "010", "001", "0000 00"], // tzVlcIndex 8
  ["0000 01", "0000 00", "0001", "11", "10", "001", "01", "0000 1"], // tzVlcIndex 9
  ["0000 1", "0000 0", "001", "11", "10", "01", "0001"], // tzVlcIndex 10
  ["0000", "0001", "001", "010", "1", "011"], // tzVlcIndex 11
  ["0000", "0001", "01", "1", "001"], // tzVlcIndex 12
  ["000", "001", "1", "01"], // tzVlcIndex 13
  ["00", "01", "1"], // tzVlcIndex 14
  ["0", "1"], // tzVlcIndex 15
]);

/** Table 9-9 (a): total_zeros of 2×2 chroma DC (4:2:0) by [tzVlcIndex − 1][total_zeros]. */
export const TOTAL_ZEROS_CHROMA_DC = table([
  ["1", "01", "001", "000"],
  ["1", "01", "00"],
  ["1", "0"],
]);

/** Table 9-10: run_before by [Min(zerosLeft, 7) − 1][run_before]. */
export const RUN_BEFORE = table([
  ["1", "0"], // zerosLeft 1
  ["1", "01", "00"], // zerosLeft 2
  ["11", "10", "01", "00"], // zerosLeft 3
  ["11", "10", "01", "001", "000"], // zerosLeft 4
  ["11", "10", "011", "010", "001", "000"], // zerosLeft 5
  ["11", "000", "001", "011", "010", "101", "100"], // zerosLeft 6
  ["111", "110", "101", "100", "011", "010", "001", "0001", "0000 1", "0000 01", "0000 001", "0000 0001", "0000 0000 1", "0000 0000 01", "0000 0000 001"], // zerosLeft 7
]);

/** Table 9-4, coded_block_pattern of Intra_4x4 macroblocks (chroma_format_idc 1 or 2) by codeNum of me(v). */
export const INTRA_CBP_BY_CODENUM = [
  47, 31, 15, 0, 23, 27, 29, 30, 7, 11, 13, 14, 39, 43, 45, 46, 16, 3, 5, 10, 12, 19, 21, 26, 28, 35, 37, 42, 44, 1, 2, 4, 8, 17, 18, 20, 24,
  6, 9, 22, 25, 32, 33, 34, 36, 40, 38, 41,
];
/** The inverse of Table 9-4: codeNum by coded_block_pattern. */
export const CODENUM_BY_INTRA_CBP = (() => {
  const out = new Uint8Array(48);
  INTRA_CBP_BY_CODENUM.forEach((cbp, codeNum) => (out[cbp] = codeNum));
  return out;
})();

/** Zig-zag scan of a 4×4 frame block (Table 8-13): scan index → raster index (4 · row + column). */
export const ZIGZAG_4X4 = Uint8Array.of(0, 1, 4, 8, 5, 2, 3, 6, 9, 12, 13, 10, 7, 11, 14, 15);

/** Table 8-15: QPc by qPI for qPI ≥ 30 (below 30, QPc = qPI). */
const QPC_FROM_30 = [29, 30, 31, 32, 32, 33, 34, 34, 35, 35, 36, 36, 37, 37, 37, 38, 38, 38, 39, 39, 39, 39];
export function chromaQp(qpY: number, chromaQpIndexOffset = 0): number {
  const qPI = Math.min(51, Math.max(0, qpY + chromaQpIndexOffset));
  return qPI < 30 ? qPI : QPC_FROM_30[qPI - 30]!;
}

/**
 * normAdjust4x4 (§8.5.9, Eq. 8-315): v by qP mod 6, for positions with both
 * coordinates even, both odd, and the others. With flat scaling lists
 * (Flat_4x4_16, no scaling matrices in the SPS/PPS) LevelScale4x4 = 16 · v.
 */
export const NORM_ADJUST = [
  [10, 16, 13],
  [11, 18, 14],
  [13, 20, 16],
  [14, 23, 18],
  [16, 25, 20],
  [18, 29, 23],
] as const;

/** Which column of NORM_ADJUST (and QUANT_MF) each raster position of a 4×4 block uses. */
export const POSITION_CLASS = Uint8Array.of(0, 2, 0, 2, 2, 1, 2, 1, 0, 2, 0, 2, 2, 1, 2, 1);

/**
 * The forward quantisation multipliers of the reference encoder (not
 * normative: an encoder may choose its own), by qP mod 6 and position class.
 * MF · v ≈ 2^17 · 0.8^k, k being how many of the position's coordinates are
 * odd (the forward core transform's odd rows are longer), so that a
 * quantised coefficient dequantises (NORM_ADJUST) back to about its value.
 */
export const QUANT_MF = [
  [13107, 5243, 8066],
  [11916, 4660, 7490],
  [10082, 4194, 6554],
  [9362, 3647, 5825],
  [8192, 3355, 5243],
  [7282, 2893, 4559],
] as const;

/** Table 8-16: α′ by indexA (0 below 16). */
export const ALPHA = Uint8Array.of(
  ...new Array<number>(16).fill(0),
  ...[4, 4, 5, 6, 7, 8, 9, 10, 12, 13, 15, 17, 20, 22, 25, 28, 32, 36, 40, 45, 50, 56, 63, 71, 80, 90, 101, 113, 127, 144, 162, 182, 203, 226, 255, 255],
);
/** Table 8-16: β′ by indexB (0 below 16). */
export const BETA = Uint8Array.of(
  ...new Array<number>(16).fill(0),
  ...[2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15, 16, 16, 17, 17, 18, 18],
);

/** Table 8-17: tC0′ for bS = 1, 2, 3 by indexA (all 0 below 17). */
export const TC0: readonly (readonly [number, number, number])[] = [
  ...new Array<[number, number, number]>(17).fill([0, 0, 0]),
  ...([
    [0, 0, 1], [0, 0, 1], [0, 0, 1], [0, 0, 1], [0, 1, 1], [0, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 2], [1, 1, 2], [1, 1, 2],
    [1, 1, 2], [1, 2, 3], [1, 2, 3], [2, 2, 3], [2, 2, 4], [2, 3, 4], [2, 3, 4], [3, 3, 5], [3, 4, 6], [3, 4, 6], [4, 5, 7], [4, 5, 8], [4, 6, 9],
    [5, 7, 10], [6, 8, 11], [6, 8, 13], [7, 10, 14], [8, 11, 16], [9, 12, 18], [10, 13, 20], [11, 15, 23], [13, 17, 25],
  ] as const),
];
