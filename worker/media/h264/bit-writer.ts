// Bit-level writing of H.264 syntax elements (ITU-T H.264 §7.2 descriptors)
// and the NAL unit wrapping of an RBSP (§7.3.1, §7.4.1).

export class BitWriter {
  private buf: Uint8Array;
  private length = 0;
  /** Bits not yet flushed to `buf`, most significant first. */
  private acc = 0;
  private accBits = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  private reserve(bytes: number) {
    if (this.length + bytes <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + bytes));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  /** u(n): n-bit unsigned, n ≤ 32. */
  u(bits: number, value: number): this {
    if (bits > 24) {
      this.u(bits - 16, Math.floor(value / 65536));
      return this.u(16, value & 0xffff);
    }
    this.acc = (this.acc << bits) | (value & ((1 << bits) - 1));
    this.accBits += bits;
    while (this.accBits >= 8) {
      this.reserve(1);
      this.accBits -= 8;
      this.buf[this.length++] = (this.acc >>> this.accBits) & 0xff;
    }
    this.acc &= (1 << this.accBits) - 1;
    return this;
  }

  flag(on: boolean): this {
    return this.u(1, on ? 1 : 0);
  }

  /** ue(v): unsigned Exp-Golomb (§9.1). */
  ue(value: number): this {
    const code = value + 1;
    const len = 31 - Math.clz32(code);
    this.u(len, 0);
    return this.u(len + 1, code);
  }

  /** se(v): signed Exp-Golomb, k > 0 ↦ 2k − 1, k ≤ 0 ↦ −2k (§9.1.1). */
  se(value: number): this {
    return this.ue(value > 0 ? 2 * value - 1 : -2 * value);
  }

  /** Bits written so far. */
  get bitLength(): number {
    return this.length * 8 + this.accBits;
  }

  /** Empties the writer, keeping its buffer (scratch writers are reused per macroblock). */
  reset(): this {
    this.length = 0;
    this.acc = 0;
    this.accBits = 0;
    return this;
  }

  /** Appends everything another writer holds, bit for bit. */
  append(other: BitWriter): this {
    if (this.accBits === 0) {
      this.reserve(other.length);
      this.buf.set(other.buf.subarray(0, other.length), this.length);
      this.length += other.length;
    } else {
      const b = other.buf;
      let i = 0;
      for (; i + 3 <= other.length; i += 3) this.u(24, (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!);
      for (; i < other.length; i++) this.u(8, b[i]!);
    }
    if (other.accBits) this.u(other.accBits, other.acc);
    return this;
  }

  /**
   * Overwrites `bits` bits at bit position `at` (already written and flushed
   * to whole bytes) with `value`, for a header field decided after the data
   * that follows it, when every choice has the same length.
   */
  patch(at: number, bits: number, value: number): this {
    if (at + bits > this.length * 8) throw new Error("BitWriter.patch reaches past the flushed bytes.");
    for (let i = 0; i < bits; i++) {
      const bit = (value >>> (bits - 1 - i)) & 1;
      const pos = at + i;
      const mask = 0x80 >> (pos & 7);
      this.buf[pos >> 3] = bit ? this.buf[pos >> 3]! | mask : this.buf[pos >> 3]! & ~mask;
    }
    return this;
  }

  get byteAligned(): boolean {
    return this.accBits === 0;
  }

  /** Zero bits up to the next byte boundary (e.g. pcm_alignment_zero_bit, §7.3.5). */
  alignWithZeros(): this {
    if (this.accBits) this.u(8 - this.accBits, 0);
    return this;
  }

  /** Whole bytes at a byte boundary (pcm_sample_luma/chroma are u(8) each at 8-bit depth). */
  bytes(data: Uint8Array): this {
    if (this.accBits) throw new Error("BitWriter.bytes needs byte alignment.");
    this.reserve(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
    return this;
  }

  /** rbsp_trailing_bits (§7.3.2.11): a stop bit, then zeros to the byte boundary. */
  trailingBits(): this {
    this.u(1, 1);
    return this.alignWithZeros();
  }

  finish(): Uint8Array {
    if (this.accBits) throw new Error("RBSP is not byte-aligned; write trailing bits first.");
    return this.buf.slice(0, this.length);
  }
}

export const NAL = { SLICE: 1, IDR: 5, SPS: 7, PPS: 8 } as const;

/**
 * A NAL unit (§7.3.1): the header byte, then the RBSP with emulation
 * prevention (§7.4.1): after two zero bytes, a byte ≤ 0x03 gets 0x03 before it,
 * so no start code prefix (00 00 01) can appear inside the payload.
 */
export function nalUnit(nalRefIdc: number, nalUnitType: number, rbsp: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + rbsp.length + (rbsp.length >> 1) + 1);
  out[0] = (nalRefIdc << 5) | nalUnitType;
  let n = 1;
  let zeros = 0;
  for (let i = 0; i < rbsp.length; i++) {
    const b = rbsp[i]!;
    if (zeros >= 2 && b <= 3) {
      out[n++] = 3;
      zeros = 0;
    }
    out[n++] = b;
    zeros = b === 0 ? zeros + 1 : 0;
  }
  // A NAL unit's last byte must not be zero (cabac_zero_word aside).
  if (rbsp.length && rbsp[rbsp.length - 1] === 0) out[n++] = 3;
  return out.slice(0, n);
}

/** AVCC sample data (ISO/IEC 14496-15 §5.3.2): each NAL unit after a 4-byte big-endian length. */
export function lengthPrefixed(nals: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(nals.reduce((s, n) => s + 4 + n.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const n of nals) {
    view.setUint32(at, n.length);
    out.set(n, at + 4);
    at += 4 + n.length;
  }
  return out;
}
