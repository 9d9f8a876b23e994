// The residual coding of the H.264 intra coder, piece by piece: its tables
// against the spec's, the transforms against their matrix definitions, the
// quantiser against the step sizes it should have, and CAVLC against a
// published example and a reader written from §9.2. Whole pictures decoded by
// ffmpeg are in test/media-node/h264-ffmpeg.test.ts.
import { describe, expect, it } from "vitest";
import { BitWriter } from "../../worker/media/h264/bit-writer";
import { NC_CHROMA_DC, writeResidualBlock } from "../../worker/media/h264/cavlc";
import {
  ALPHA,
  BETA,
  chromaQp,
  COEFF_TOKEN,
  COEFF_TOKEN_CHROMA_DC,
  coeffTokenFixed,
  CODENUM_BY_INTRA_CBP,
  INTRA_CBP_BY_CODENUM,
  NORM_ADJUST,
  RUN_BEFORE,
  TC0,
  TOTAL_ZEROS,
  TOTAL_ZEROS_CHROMA_DC,
  ZIGZAG_4X4,
  type Vlc,
} from "../../worker/media/h264/tables";
import {
  dequantize4x4,
  forward4x4,
  hadamard4x4,
  inverse4x4Add,
  inverseChromaDc,
  inverseLumaDc,
  quantiser,
  quantize4x4,
} from "../../worker/media/h264/transform";

const bitString = (v: Vlc | null | undefined) => (v ? v.code.toString(2).padStart(v.len, "0") : null);

function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
}

describe("tables (ITU-T H.264)", () => {
  it("coeff_token, Table 9-5: entries as printed in the spec", () => {
    // [nC table, TotalCoeff, TrailingOnes, code]
    const entries: [number, number, number, string][] = [
      [0, 0, 0, "1"],
      [0, 1, 0, "000101"],
      [0, 1, 1, "01"],
      [0, 2, 2, "001"],
      [0, 3, 3, "00011"],
      [0, 5, 3, "0000100"],
      [0, 8, 0, "0000000001000"],
      [0, 16, 0, "0000000000000100"],
      [0, 16, 3, "0000000000001000"],
      [1, 0, 0, "11"],
      [1, 1, 0, "001011"],
      [1, 1, 1, "10"],
      [1, 4, 3, "0100"],
      [1, 15, 3, "0000000000001"],
      [1, 16, 0, "00000000000111"],
      [2, 0, 0, "1111"],
      [2, 1, 1, "1110"],
      [2, 3, 3, "1100"],
      [2, 10, 0, "000001111"],
      [2, 16, 3, "0000000010"],
    ];
    for (const [table, total, ones, code] of entries) expect(bitString(COEFF_TOKEN[table]![total]![ones]), `nC table ${table}, ${total}/${ones}`).toBe(code);
    expect(bitString(COEFF_TOKEN_CHROMA_DC[0]![0])).toBe("01");
    expect(bitString(COEFF_TOKEN_CHROMA_DC[1]![1])).toBe("1");
    expect(bitString(COEFF_TOKEN_CHROMA_DC[4]![0])).toBe("000010");
    expect(bitString(COEFF_TOKEN_CHROMA_DC[4]![3])).toBe("0000000");
    // 8 ≤ nC: 6-bit fixed length.
    expect(bitString(coeffTokenFixed(0, 0))).toBe("000011");
    expect(bitString(coeffTokenFixed(1, 0))).toBe("000000");
    expect(bitString(coeffTokenFixed(16, 3))).toBe("111111");
  });

  it("total_zeros (Tables 9-7, 9-8, 9-9a) and run_before (Table 9-10): entries as printed", () => {
    expect(TOTAL_ZEROS[0]!.slice(0, 4).map(bitString)).toEqual(["1", "011", "010", "0011"]);
    expect(bitString(TOTAL_ZEROS[0]![15])).toBe("000000001");
    expect(TOTAL_ZEROS[6]!.map(bitString)).toEqual(["000001", "00001", "101", "100", "011", "11", "010", "0001", "001", "000000"]);
    expect(TOTAL_ZEROS[14]!.map(bitString)).toEqual(["0", "1"]);
    expect(TOTAL_ZEROS_CHROMA_DC.map((row) => row.map(bitString))).toEqual([
      ["1", "01", "001", "000"],
      ["1", "01", "00"],
      ["1", "0"],
    ]);
    expect(RUN_BEFORE[0]!.map(bitString)).toEqual(["1", "0"]);
    expect(RUN_BEFORE[5]!.map(bitString)).toEqual(["11", "000", "001", "011", "010", "101", "100"]);
    expect(bitString(RUN_BEFORE[6]![14])).toBe("00000000001");
  });

  it("every code table is prefix-free, so a transcription slip cannot hide", () => {
    const tables: (Vlc | null)[][] = [
      ...COEFF_TOKEN.map((t) => t.flat()),
      COEFF_TOKEN_CHROMA_DC.flat(),
      ...TOTAL_ZEROS,
      ...TOTAL_ZEROS_CHROMA_DC,
      ...RUN_BEFORE,
    ];
    for (const [i, table] of tables.entries()) {
      const codes = table.map(bitString).filter((c): c is string => c !== null);
      for (const a of codes) for (const b of codes) if (a !== b) expect(b.startsWith(a), `table ${i}: ${a} prefixes ${b}`).toBe(false);
      expect(new Set(codes).size, `table ${i}`).toBe(codes.length);
    }
  });

  it("coded_block_pattern of Intra_4x4 (Table 9-4) is a permutation of 0–47", () => {
    expect(INTRA_CBP_BY_CODENUM.slice(0, 4)).toEqual([47, 31, 15, 0]);
    expect(INTRA_CBP_BY_CODENUM[47]).toBe(41);
    expect([...INTRA_CBP_BY_CODENUM].sort((a, b) => a - b)).toEqual(Array.from({ length: 48 }, (_, i) => i));
    for (let cbp = 0; cbp < 48; cbp++) expect(INTRA_CBP_BY_CODENUM[CODENUM_BY_INTRA_CBP[cbp]!]).toBe(cbp);
  });

  it("QPc (Table 8-15), normAdjust (Eq. 8-315), α, β (Table 8-16) and tC0 (Table 8-17)", () => {
    expect([0, 29, 30, 31, 34, 35, 39, 43, 51].map((q) => chromaQp(q))).toEqual([0, 29, 29, 30, 32, 33, 35, 37, 39]);
    expect(NORM_ADJUST[0]).toEqual([10, 16, 13]);
    expect(NORM_ADJUST[5]).toEqual([18, 29, 23]);
    expect([ALPHA[15], ALPHA[16], ALPHA[26], ALPHA[51]]).toEqual([0, 4, 15, 255]);
    expect([BETA[15], BETA[16], BETA[26], BETA[51]]).toEqual([0, 2, 6, 18]);
    expect(ALPHA.length).toBe(52);
    expect(BETA.length).toBe(52);
    expect(TC0.length).toBe(52);
    expect([TC0[16], TC0[17], TC0[23], TC0[51]]).toEqual([
      [0, 0, 0],
      [0, 0, 1],
      [1, 1, 1],
      [13, 17, 25],
    ]);
  });

  it("zig-zag scan (Table 8-13) visits every position once", () => {
    expect([...ZIGZAG_4X4].sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect([...ZIGZAG_4X4.slice(0, 6)]).toEqual([0, 1, 4, 8, 5, 2]);
  });
});

describe("transforms (§8.5)", () => {
  const CF = [
    [1, 1, 1, 1],
    [2, 1, -1, -2],
    [1, -1, -1, 1],
    [1, -2, 2, -1],
  ];

  it("the forward core transform is Cf · X · Cfᵀ", () => {
    const next = random(3);
    const x = new Int32Array(16);
    const w = new Int32Array(16);
    for (let t = 0; t < 50; t++) {
      for (let i = 0; i < 16; i++) x[i] = Math.floor(next() * 511) - 255;
      forward4x4(x, 0, 4, w, 0);
      for (let i = 0; i < 4; i++)
        for (let j = 0; j < 4; j++) {
          let v = 0;
          for (let k = 0; k < 4; k++) for (let l = 0; l < 4; l++) v += CF[i]![k]! * x[k * 4 + l]! * CF[j]![l]!;
          expect(w[i * 4 + j]).toBe(v);
        }
    }
  });

  it("the inverse transform turns a DC of 64·k into k added to every sample, and clips to 0–255", () => {
    const pred = new Uint8Array(16).fill(100);
    const out = new Uint8Array(16);
    const d = new Int32Array(16);
    d[0] = 64 * 7;
    inverse4x4Add(d, pred, 0, 4, out, 0, 4);
    expect([...out]).toEqual(new Array(16).fill(107));
    d.fill(0);
    d[0] = -64 * 200;
    inverse4x4Add(d, pred, 0, 4, out, 0, 4);
    expect([...out]).toEqual(new Array(16).fill(0));
  });

  it("forward, quantise, scale and inverse return the residual within the quantiser's step (RMS ≈ step/√12)", () => {
    const next = random(11);
    const x = new Int32Array(16);
    const w = new Int32Array(16);
    const levels = new Int32Array(16);
    const d = new Int32Array(16);
    const pred = new Uint8Array(16).fill(128);
    const out = new Uint8Array(16);
    for (const qp of [0, 4, 16, 28, 40]) {
      const q = quantiser(qp, 0.5);
      let se = 0;
      let worst = 0;
      for (let t = 0; t < 2000; t++) {
        for (let i = 0; i < 16; i++) x[i] = Math.floor(next() * 255) - 127;
        forward4x4(x, 0, 4, w, 0);
        quantize4x4(w, 0, q, levels, 0, 0);
        dequantize4x4(levels, 0, q, 0, 0, d);
        inverse4x4Add(d, pred, 0, 4, out, 0, 4);
        for (let i = 0; i < 16; i++) {
          const e = out[i]! - 128 - x[i]!;
          se += e * e;
          worst = Math.max(worst, Math.abs(e));
        }
      }
      const rms = Math.sqrt(se / 32000);
      const step = 0.625 * 2 ** (qp / 6); // Qstep doubles every 6 QP, 0.625 at QP 0
      if (qp === 0) expect(worst).toBeLessThanOrEqual(1);
      else expect(rms / (step / Math.sqrt(12)), `QP ${qp}`).toBeGreaterThan(0.85);
      expect(rms / (step / Math.sqrt(12)), `QP ${qp}`).toBeLessThan(1.15);
    }
  });

  it("the 4×4 Hadamard is its own inverse up to 16", () => {
    const next = random(5);
    const x = Int32Array.from({ length: 16 }, () => Math.floor(next() * 2000) - 1000);
    const y = x.slice();
    hadamard4x4(y);
    hadamard4x4(y);
    expect([...y]).toEqual([...x].map((v) => 16 * v));
  });

  it("DC scaling follows §8.5.10 and §8.5.11.2 on both sides of QP 36 and with the chroma shift", () => {
    const c = new Int32Array(16);
    c[0] = 1;
    inverseLumaDc(c, quantiser(28, 0.5)); // (f · LevelScale(4,0,0) + 2^(5−4)) >> (6 − 4), f = 1 everywhere
    expect([...c]).toEqual(new Array(16).fill((256 + 2) >> 2));
    c.fill(0);
    c[0] = 1;
    inverseLumaDc(c, quantiser(40, 0.5)); // (f · LevelScale(4,0,0)) << (6 − 6)
    expect([...c]).toEqual(new Array(16).fill(256));
    c.fill(0);
    c[0] = 3;
    inverseLumaDc(c, quantiser(7, 0.5)); // (3 · 16 · 11 + 2^(5−1)) >> (6 − 1)
    expect(c[0]).toBe((3 * 176 + 16) >> 5);
    const dc = new Int32Array(4);
    inverseChromaDc(Int32Array.of(1, 0, 0, -1), 0, quantiser(28, 0.5), dc); // f = [0 2; 2 0]: ((f · 256) << 4) >> 5
    expect([...dc]).toEqual([0, 256, 256, 0]);
  });
});

/** A reader for residual_block_cavlc written from §9.2 (the coder's tables, the spec's parsing rules). */
function readResidualBlock(bits: string, count: number, nC: number): { coeffs: number[]; used: number } {
  let pos = 0;
  const take = (n: number) => {
    const v = n ? parseInt(bits.slice(pos, pos + n), 2) : 0;
    pos += n;
    return v;
  };
  const match = (codes: (Vlc | null)[]) => {
    const i = codes.findIndex((c) => c && bits.startsWith(bitString(c)!, pos));
    if (i < 0) throw new Error(`no code at ${pos}`);
    pos += codes[i]!.len;
    return i;
  };
  let total: number;
  let ones: number;
  if (nC >= 8) {
    const v = take(6);
    [total, ones] = v === 3 ? [0, 0] : [(v >> 2) + 1, v & 3];
  } else {
    const table = nC === -1 ? COEFF_TOKEN_CHROMA_DC : COEFF_TOKEN[nC < 2 ? 0 : nC < 4 ? 1 : 2]!;
    const k = match(table.flat());
    [total, ones] = [Math.floor(k / 4), k % 4];
  }
  const coeffs = new Array<number>(count).fill(0);
  if (total === 0) return { coeffs, used: pos };
  const levels: number[] = [];
  let suffixLength = total > 10 && ones < 3 ? 1 : 0;
  for (let i = 0; i < total; i++) {
    if (i < ones) {
      levels.push(take(1) ? -1 : 1);
      continue;
    }
    let prefix = 0;
    while (take(1) === 0) prefix++;
    let levelCode = (Math.min(15, prefix) << suffixLength) + take(prefix === 14 && suffixLength === 0 ? 4 : prefix >= 15 ? prefix - 3 : suffixLength);
    if (prefix >= 15 && suffixLength === 0) levelCode += 15;
    if (prefix >= 16) levelCode += (1 << (prefix - 3)) - 4096;
    if (i === ones && ones < 3) levelCode += 2;
    const level = levelCode % 2 === 0 ? (levelCode + 2) >> 1 : (-levelCode - 1) >> 1;
    levels.push(level);
    if (suffixLength === 0) suffixLength = 1;
    if (Math.abs(level) > 3 << (suffixLength - 1) && suffixLength < 6) suffixLength++;
  }
  let zerosLeft = total < count ? match((count === 4 ? TOTAL_ZEROS_CHROMA_DC : TOTAL_ZEROS)[total - 1]!) : 0;
  let at = total + zerosLeft - 1;
  for (let i = 0; i < total; i++) {
    coeffs[at] = levels[i]!;
    const run = i < total - 1 && zerosLeft > 0 ? match(RUN_BEFORE[Math.min(zerosLeft, 7) - 1]!) : i === total - 1 ? zerosLeft : 0;
    zerosLeft -= run;
    at -= run + 1;
  }
  return { coeffs, used: pos };
}

function written(coeffs: number[], nC: number) {
  const w = new BitWriter();
  const total = writeResidualBlock(w, Int32Array.from(coeffs), 0, coeffs.length, nC);
  const length = w.bitLength;
  const bits = Array.from(w.alignWithZeros().finish(), (b) => b.toString(2).padStart(8, "0")).join("").slice(0, length);
  return { bits, total };
}

describe("CAVLC residual blocks (§9.2)", () => {
  it("writes the textbook example bit for bit", () => {
    // Richardson, "H.264 and MPEG-4 Video Compression", §6.4.13.3 example 1: zig-zag 0, 3, 0, 1, −1, −1, 0, 1, 0…, nC 0.
    const coeffs = [0, 3, 0, 1, -1, -1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    expect(written(coeffs, 0)).toEqual({ bits: "000010001110010111101101", total: 5 });
  });

  it("a block of zeros is just its coeff_token; chroma DC uses nC = −1", () => {
    expect(written(new Array(16).fill(0), 0).bits).toBe("1");
    expect(written(new Array(16).fill(0), 9).bits).toBe("000011");
    expect(written([0, 0, 0, 0], NC_CHROMA_DC).bits).toBe("01");
    // coeff_token 2/1 (000110), sign +, level −2 coded as levelCode 3 − 2 (01), total_zeros 1 (01), run_before 1 (0).
    expect(written([-2, 0, 1, 0], NC_CHROMA_DC)).toEqual({ bits: "000110" + "0" + "01" + "01" + "0", total: 2 });
  });

  it("reads back what it writes: random blocks of every size and nC, small levels and escapes", () => {
    const next = random(17);
    for (let t = 0; t < 3000; t++) {
      const count = [16, 15, 4][t % 3]!;
      const nC = count === 4 ? NC_CHROMA_DC : [0, 1, 2, 3, 4, 7, 8, 16][Math.floor(next() * 8)]!;
      const density = next();
      const big = next() < 0.2;
      const coeffs = Array.from({ length: count }, () => {
        if (next() > density) return 0;
        const magnitude = big ? 1 + Math.floor(next() * 2000) : 1 + Math.floor(next() * next() * 20);
        return next() < 0.5 ? -magnitude : magnitude;
      });
      const { bits, total } = written(coeffs, nC);
      const read = readResidualBlock(bits, count, nC);
      expect(read.coeffs, `block ${t}: ${coeffs.join(",")} nC ${nC}`).toEqual(coeffs);
      expect(read.used).toBe(bits.length);
      expect(total).toBe(coeffs.filter((c) => c !== 0).length);
    }
  });

  it("refuses a level beyond Baseline's level_prefix 15 instead of writing a stream decoders reject", () => {
    expect(() => written([5000, ...new Array(15).fill(0)], 0)).toThrow(/level_prefix/);
  });
});
