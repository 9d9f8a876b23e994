// JPEG variants for platforms that take JPEG only: Instagram's image
// containers and reel covers (PLATFORMS.md §1.6: "JPEG is the only format
// officially supported", at most 8 MB, error 2207004 above it). Encoded from
// the renderer's RGBA with jpeg-js (baseline DCT, 4:4:4, pure JavaScript: no
// WebAssembly to compile, so it runs as-is in workerd and Node).
import encode from "jpeg-js/lib/encoder.js";

/** Instagram's ceiling for images and reel covers (PLATFORMS.md §1.6). */
export const MAX_JPEG_BYTES = 8 * 1024 * 1024;
/** Text on flat colour: 88 keeps edges clean at a few hundred KB per 1080×1920 frame. */
export const JPEG_QUALITY = 88;
const MIN_QUALITY = 40;

export interface JpegSource {
  width: number;
  height: number;
  /** Straight RGBA, opaque (the layouts paint their background). */
  rgba: Uint8Array;
}

/**
 * Encodes at JPEG_QUALITY and, should a busy image still exceed the limit,
 * steps the quality down until it fits: a cover that a platform refuses is
 * worse than a softer one.
 */
export function encodeJpeg(image: JpegSource, maxBytes = MAX_JPEG_BYTES): Uint8Array {
  for (let quality = JPEG_QUALITY; ; quality -= 12) {
    const { data } = encode({ width: image.width, height: image.height, data: image.rgba }, quality);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (bytes.byteLength <= maxBytes) return bytes;
    if (quality - 12 < MIN_QUALITY) throw new Error(`The JPEG is ${bytes.byteLength} bytes even at quality ${quality}, over the ${maxBytes}-byte limit.`);
  }
}
