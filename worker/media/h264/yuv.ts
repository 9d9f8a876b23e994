// RGBA (sRGB, opaque) to planar YUV 4:2:0, BT.709 limited range (Rec. ITU-R
// BT.709 item 3.2–3.5: Y in 16–235, Cb/Cr in 16–240), as the SPS's VUI declares.
// The planes are padded to whole macroblocks by repeating the last column/row.

export interface Yuv420 {
  width: number; // padded (coded) width
  height: number; // padded (coded) height
  y: Uint8Array;
  cb: Uint8Array;
  cr: Uint8Array;
}

// Fixed-point (×65536) BT.709 coefficients: Kr = 0.2126, Kb = 0.0722.
const KR = 0.2126;
const KB = 0.0722;
const KG = 1 - KR - KB;
const S = 65536;
const YR = Math.round((219 / 255) * KR * S);
const YG = Math.round((219 / 255) * KG * S);
const YB = Math.round((219 / 255) * KB * S);
const CB_R = Math.round((224 / 255) * (-KR / (2 * (1 - KB))) * S);
const CB_G = Math.round((224 / 255) * (-KG / (2 * (1 - KB))) * S);
const CB_B = Math.round((224 / 255) * 0.5 * S);
const CR_R = Math.round((224 / 255) * 0.5 * S);
const CR_G = Math.round((224 / 255) * (-KG / (2 * (1 - KR))) * S);
const CR_B = Math.round((224 / 255) * (-KB / (2 * (1 - KR))) * S);
const HALF = S >> 1;

export function rgbaToYuv420(rgba: Uint8Array, width: number, height: number, codedWidth: number, codedHeight: number): Yuv420 {
  if (rgba.length < width * height * 4) throw new Error("RGBA buffer is smaller than the frame.");
  const y = new Uint8Array(codedWidth * codedHeight);
  const cw = codedWidth >> 1;
  const ch = codedHeight >> 1;
  const cb = new Uint8Array(cw * ch);
  const cr = new Uint8Array(cw * ch);
  for (let row = 0; row < codedHeight; row++) {
    const src = Math.min(row, height - 1) * width * 4;
    const dst = row * codedWidth;
    for (let col = 0; col < codedWidth; col++) {
      const p = src + Math.min(col, width - 1) * 4;
      y[dst + col] = 16 + ((YR * rgba[p]! + YG * rgba[p + 1]! + YB * rgba[p + 2]! + HALF) >> 16);
    }
  }
  // Chroma from the mean colour of each 2×2 block.
  for (let row = 0; row < ch; row++) {
    const r0 = Math.min(2 * row, height - 1) * width * 4;
    const r1 = Math.min(2 * row + 1, height - 1) * width * 4;
    for (let col = 0; col < cw; col++) {
      const c0 = Math.min(2 * col, width - 1) * 4;
      const c1 = Math.min(2 * col + 1, width - 1) * 4;
      const a = r0 + c0;
      const b1 = r0 + c1;
      const c = r1 + c0;
      const d = r1 + c1;
      const r = rgba[a]! + rgba[b1]! + rgba[c]! + rgba[d]!;
      const g = rgba[a + 1]! + rgba[b1 + 1]! + rgba[c + 1]! + rgba[d + 1]!;
      const b = rgba[a + 2]! + rgba[b1 + 2]! + rgba[c + 2]! + rgba[d + 2]!;
      // r, g, b are sums of four samples: shift by 18 instead of 16.
      cb[row * cw + col] = 128 + ((CB_R * r + CB_G * g + CB_B * b + 2 * S) >> 18);
      cr[row * cw + col] = 128 + ((CR_R * r + CR_G * g + CR_B * b + 2 * S) >> 18);
    }
  }
  return { width: codedWidth, height: codedHeight, y, cb, cr };
}
