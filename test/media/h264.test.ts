// The H.264 bitstream pieces, checked against the spec's own examples and by
// reading the syntax back; decoding with a real decoder is in
// test/media-node/reel-ffmpeg.test.ts.
import { describe, expect, it } from "vitest";
import { BitWriter, lengthPrefixed, nalUnit } from "../../worker/media/h264/bit-writer";
import { IntraPictureCoder, repeatPicture } from "../../worker/media/h264/intra-picture";
import { avcDecoderConfig, codecString, pictureParameterSet, sequenceParameterSet } from "../../worker/media/h264/parameter-sets";
import { rgbaToYuv420 } from "../../worker/media/h264/yuv";

const bits = (w: BitWriter) =>
  Array.from(w.trailingBits().finish(), (b) => b.toString(2).padStart(8, "0"))
    .join("")
    .replace(/10*$/, "");

/** Reads Exp-Golomb syntax back (§9.1), after removing emulation prevention bytes. */
class BitReader {
  private pos = 0;
  private readonly data: Uint8Array;
  constructor(nal: Uint8Array) {
    const out: number[] = [];
    for (let i = 1; i < nal.length; i++) {
      if (i >= 3 && nal[i] === 3 && nal[i - 1] === 0 && nal[i - 2] === 0) continue;
      out.push(nal[i]!);
    }
    this.data = Uint8Array.from(out);
  }
  u(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++, this.pos++) v = v * 2 + ((this.data[this.pos >> 3]! >> (7 - (this.pos & 7))) & 1);
    return v;
  }
  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) zeros++;
    return 2 ** zeros - 1 + this.u(zeros);
  }
}

describe("Exp-Golomb codes (§9.1, Table 9-2)", () => {
  it.each([
    [0, "1"],
    [1, "010"],
    [2, "011"],
    [3, "00100"],
    [8, "0001001"],
  ])("ue(%i) is %s", (v, code) => expect(bits(new BitWriter().ue(v))).toBe(code));

  it.each([
    [1, "010"],
    [-1, "011"],
    [2, "00100"],
    [-2, "00101"],
    [0, "1"],
  ])("se(%i) is %s (Table 9-3)", (v, code) => expect(bits(new BitWriter().se(v))).toBe(code));

  it("appends another writer bit for bit, aligned or not, and patches flushed bits", () => {
    const other = new BitWriter().u(5, 0b10110).u(16, 0xbeef);
    expect(bits(new BitWriter().append(other))).toBe("10110" + "1011111011101111");
    expect(bits(new BitWriter().u(3, 0b011).append(other))).toBe("011" + "10110" + "1011111011101111");
    const w = new BitWriter().u(6, 0).u(3, 0b010).u(16, 0xffff).patch(6, 3, 0b111);
    expect(w.bitLength).toBe(25);
    expect(bits(w)).toBe("000000" + "111" + "1".repeat(16));
    expect(() => new BitWriter().u(3, 0).patch(0, 3, 1)).toThrow();
  });

  it("writes 32-bit fields", () => {
    const out = new BitWriter().u(32, 0x89abcdef).finish();
    expect(Array.from(out)).toEqual([0x89, 0xab, 0xcd, 0xef]);
  });
});

describe("NAL units (§7.4.1)", () => {
  it("inserts emulation prevention bytes so no start code appears", () => {
    const nal = nalUnit(3, 5, Uint8Array.from([0, 0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 3, 0, 0, 4]));
    expect(Array.from(nal)).toEqual([0x65, 0, 0, 3, 1, 0, 0, 3, 0, 0, 3, 0, 2, 0, 0, 3, 3, 0, 0, 4]);
  });

  it("never ends on a zero byte", () => {
    expect(Array.from(nalUnit(0, 1, Uint8Array.from([5, 0])))).toEqual([1, 5, 0, 3]);
  });

  it("length-prefixes samples for MP4 (ISO/IEC 14496-15)", () => {
    expect(Array.from(lengthPrefixed([Uint8Array.from([9, 8]), Uint8Array.from([7])]))).toEqual([0, 0, 0, 2, 9, 8, 0, 0, 0, 1, 7]);
  });
});

describe("parameter sets", () => {
  it("SPS: Constrained Baseline 4.2, 68×120 macroblocks cropped to 1080×1920, POC type 2", () => {
    const sps = sequenceParameterSet({ width: 1080, height: 1920, fps: 30 });
    expect(sps[0]).toBe(0x67);
    const r = new BitReader(sps);
    expect([r.u(8), r.u(8), r.u(8)]).toEqual([66, 0xc0, 42]);
    expect(r.ue()).toBe(0); // sps id
    expect(r.ue()).toBe(12); // log2_max_frame_num_minus4
    expect(r.ue()).toBe(2); // pic_order_cnt_type
    expect(r.ue()).toBe(1); // max_num_ref_frames
    expect(r.u(1)).toBe(0);
    expect([r.ue() + 1, r.ue() + 1]).toEqual([68, 120]);
    expect([r.u(1), r.u(1), r.u(1)]).toEqual([1, 1, 1]); // frame_mbs_only, direct_8x8, cropping
    expect([r.ue(), r.ue(), r.ue(), r.ue()]).toEqual([0, 4, 0, 0]); // 1088 − 2·4 = 1080
  });

  it("avcC record and codec string", () => {
    const sps = sequenceParameterSet({ width: 1080, height: 1920, fps: 30 });
    const pps = pictureParameterSet();
    const avcc = avcDecoderConfig(sps, pps);
    expect(Array.from(avcc.subarray(0, 6))).toEqual([1, 66, 0xc0, 42, 0xff, 0xe1]);
    expect(avcc.length).toBe(11 + sps.length + pps.length);
    expect(codecString()).toBe("avc1.42C02A");
  });
});

function solid(width: number, height: number, [r, g, b]: [number, number, number]) {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i += 4) rgba.set([r, g, b, 255], i);
  return rgba;
}

describe("intra picture", () => {
  it("codes a flat picture as Intra_16x16 with a few bits a macroblock", () => {
    const yuv = rgbaToYuv420(solid(64, 48, [30, 90, 200]), 64, 48, 64, 48);
    const { nal, stats } = new IntraPictureCoder(64, 48).encode(yuv, 0);
    // The first macroblock has no neighbours (DC predicts 128): a DC residual corrects it; the rest predict exactly.
    expect(stats).toEqual({ qp: 26, pcmMacroblocks: 0, intra16x16Macroblocks: 12, intra4x4Macroblocks: 0 });
    expect(nal.length).toBeLessThan(40);
  });

  it("codes noise at a fine quantiser as I_PCM: its residual would cost more than the samples verbatim", () => {
    const rgba = solid(32, 32, [0, 0, 0]);
    let seed = 7;
    for (let i = 0; i < rgba.length; i += 4) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      rgba.set([seed >>> 24, (seed >>> 16) & 255, (seed >>> 8) & 255], i);
    }
    const yuv = rgbaToYuv420(rgba, 32, 32, 32, 32);
    const coder = new IntraPictureCoder(32, 32, { qp: 12 });
    const { nal, stats } = coder.encode(yuv, 1);
    expect(stats.pcmMacroblocks).toBe(4);
    expect(nal.length).toBeGreaterThanOrEqual(4 * 384);
    expect(coder.decoded().y).toEqual(yuv.y);
    // Limited-range samples are 16–235: PCM bytes never form a start code.
    expect(Math.min(...yuv.y)).toBeGreaterThanOrEqual(16);
    expect(Math.max(...yuv.y)).toBeLessThanOrEqual(235);
  });

  it("repeat pictures are one mb_skip_run over every macroblock", () => {
    const nal = repeatPicture(8160, 7);
    expect(nal[0]).toBe(0x41); // nal_ref_idc 2, non-IDR slice
    const r = new BitReader(nal);
    expect([r.ue(), r.ue(), r.ue(), r.u(16)]).toEqual([0, 5, 0, 7]);
    expect([r.u(1), r.u(1), r.u(1)]).toEqual([0, 0, 0]);
    r.ue(); // slice_qp_delta
    expect(r.ue()).toBe(1); // deblocking off
    expect(r.ue()).toBe(8160);
    expect(nal.length).toBeLessThan(16);
  });
});
