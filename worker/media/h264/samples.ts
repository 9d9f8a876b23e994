// Block copies between 8-bit planes with plain loops: typed-array subarray()
// views would allocate an object per row in the encoder's innermost paths.

/** Copies a w×h block from `src` (offset s, row stride ss) to `dst` (offset d, row stride ds). */
export function copyBlock(src: Uint8Array, s: number, ss: number, dst: Uint8Array, d: number, ds: number, w: number, h: number) {
  for (let y = 0; y < h; y++, s += ss, d += ds) for (let x = 0; x < w; x++) dst[d + x] = src[s + x]!;
}

/** Sets a w×h block of `dst` (offset d, row stride ds) to `value`. */
export function fillBlock(dst: Uint8Array, d: number, ds: number, w: number, h: number, value: number) {
  for (let y = 0; y < h; y++, d += ds) for (let x = 0; x < w; x++) dst[d + x] = value;
}
