// The fonts the media Worker loads on demand: Noto Sans SC/TC/JP/KR for CJK
// and the monochrome Noto Emoji for symbols, split into @fontsource's
// unicode-range chunks (fonts/ondemand.json, made by scripts/ondemand-fonts.mjs)
// and served from the media Worker's static assets, so a slide fetches only the
// chunks its characters fall in (a few tens of KB each) and the bundle holds
// none of them.
import data from "./fonts/ondemand.json";

/** Per family: its name, weight, and chunks as [file, "4e00-4e3f,…" code point ranges in hex]. */
const manifest = data as unknown as Record<"noto-sans-sc" | "noto-sans-tc" | "noto-sans-jp" | "noto-sans-kr" | "noto-emoji", { name: string; weight: number; chunks: Array<[string, string]> }>;

export type OnDemandFamily = keyof typeof manifest;

export interface FontChunk {
  family: OnDemandFamily;
  /** The font's name for satori: one per chunk, since satori keeps one font per name and weight. */
  name: string;
  weight: 400 | 800;
  /** Asset path under the media Worker's assets. */
  path: string;
}

interface Index {
  starts: Uint32Array;
  ends: Uint32Array;
  chunk: Uint16Array;
}

const indexes = new Map<OnDemandFamily, Index>();

/** Sorted code point ranges of a family's chunks, built once per isolate. */
function index(family: OnDemandFamily): Index {
  let ix = indexes.get(family);
  if (ix) return ix;
  const ranges: Array<[number, number, number]> = [];
  manifest[family].chunks.forEach(([, spec], i) => {
    for (const part of spec.split(",")) {
      const [lo = "", hi = lo] = part.split("-");
      ranges.push([Number.parseInt(lo, 16), Number.parseInt(hi, 16), i]);
    }
  });
  ranges.sort((a, b) => a[0] - b[0]);
  ix = { starts: Uint32Array.from(ranges, (r) => r[0]), ends: Uint32Array.from(ranges, (r) => r[1]), chunk: Uint16Array.from(ranges, (r) => r[2]) };
  indexes.set(family, ix);
  return ix;
}

/** The chunk of the family that holds the code point, or null. */
export function chunkFor(family: OnDemandFamily, codePoint: number): FontChunk | null {
  const { starts, ends, chunk } = index(family);
  let lo = 0;
  let hi = starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! > codePoint) hi = mid - 1;
    else if (ends[mid]! < codePoint) lo = mid + 1;
    else {
      const [file] = manifest[family].chunks[chunk[mid]!]!;
      const m = manifest[family];
      return { family, name: `${m.name} ${chunk[mid]}`, weight: m.weight as 400 | 800, path: `fonts/${family}/${file}` };
    }
  }
  return null;
}
