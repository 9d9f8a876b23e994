// What satori asks for when a text has characters its fonts lack
// (`loadAdditionalAsset`, satori 0.15): colour emoji as Twemoji SVGs, CJK
// characters and symbols as on-demand font chunks (ondemand-fonts.ts), all
// read from the media Worker's static assets (scripts/media-assets.mjs).
//
// Per isolate, bounded:
//  - satori parses a font array once and keeps what loadAdditionalAsset adds to
//    it, so each Han font (chosen from the brand's language) gets an array of
//    its own and the chunks it has loaded stay parsed; past FONT_BUDGET bytes
//    of chunks over all arrays, the least recently used array is dropped (and
//    its chunks fetched again when needed);
//  - emoji pictures are kept by grapheme, at most EMOJI_LIMIT of them.
import { chunkFor, type FontChunk, type OnDemandFamily } from "./ondemand-fonts";
import type { HanFamily } from "./scripts";

/** Reads a media asset ("emoji/1f680.svg"); null when there is no such file. */
export type AssetSource = (path: string) => Promise<ArrayBuffer | null>;

export interface SatoriFont {
  name: string;
  data: ArrayBuffer;
  weight: 400 | 800;
  style: "normal";
}

export const FONT_BUDGET = 16 * 1024 * 1024;
let fontBudget = FONT_BUDGET;

/** For tests: a smaller budget (null: the default). */
export function setFontBudget(bytes: number | null) {
  fontBudget = bytes ?? FONT_BUDGET;
}
export const EMOJI_LIMIT = 600;

export interface FontSet {
  han: HanFamily;
  fonts: SatoriFont[];
  /** Chunk paths satori has been given for this array. */
  added: Set<string>;
  bytes: number;
}

const fontSets = new Map<HanFamily, FontSet>();
const emoji = new Map<string, string | null>();

/** The font array for a brand's Han font: the bundled fonts plus the chunks loaded into it so far. */
export function fontSetFor(han: HanFamily, bundled: readonly SatoriFont[]): FontSet {
  let set = fontSets.get(han);
  if (!set) fontSets.set(han, (set = { han, fonts: [...bundled], added: new Set(), bytes: 0 }));
  else {
    // Most recently used last.
    fontSets.delete(han);
    fontSets.set(han, set);
  }
  return set;
}

function evictOver(budget: number, keep: HanFamily) {
  let total = 0;
  for (const s of fontSets.values()) total += s.bytes;
  for (const [han, s] of fontSets) {
    if (total <= budget) break;
    if (han === keep) continue;
    fontSets.delete(han);
    total -= s.bytes;
  }
  const current = fontSets.get(keep);
  // The current array alone is over budget: start it again (satori re-parses the bundled fonts once).
  if (current && total > budget) fontSets.delete(keep);
}

export interface AssetLoaderOptions {
  source: AssetSource | null;
  /** The font array satori renders with (fontSetFor): chunks are added to it. */
  set: FontSet;
}

const isHangul = (ch: string) => /\p{Script=Hangul}/u.test(ch);
const isKana = (ch: string) => /[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(ch);

/** The on-demand families to look in for a character, best first. */
function familiesFor(ch: string, han: HanFamily): OnDemandFamily[] {
  if (isHangul(ch)) return ["noto-sans-kr"];
  if (isKana(ch)) return han === "noto-sans-jp" ? [han] : ["noto-sans-jp"];
  return [han, "noto-emoji"];
}

/** Twemoji's file name for a grapheme: code points in hex, FE0F dropped unless the sequence has a ZWJ (twemoji's own rule). */
export function twemojiNames(grapheme: string): string[] {
  const cps = Array.from(grapheme, (c) => c.codePointAt(0)!.toString(16));
  const hasZwj = cps.includes("200d");
  const primary = (hasZwj ? cps : cps.filter((c) => c !== "fe0f")).join("-");
  const bare = cps.filter((c) => c !== "fe0f").join("-");
  return primary === bare ? [primary] : [primary, bare];
}

function need(source: AssetSource | null): AssetSource {
  if (!source) throw new Error("the media Worker's assets (MEDIA_ASSETS: emoji and CJK fonts) are not bound; run `npm run build` and check wrangler.media.toml");
  return source;
}

function toBase64(bytes: ArrayBuffer): string {
  const u8 = new Uint8Array(bytes);
  let s = "";
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
  return btoa(s);
}

async function emojiImage(source: AssetSource, grapheme: string): Promise<string | null> {
  if (emoji.has(grapheme)) {
    const hit = emoji.get(grapheme)!;
    emoji.delete(grapheme);
    emoji.set(grapheme, hit);
    return hit;
  }
  let uri: string | null = null;
  for (const name of twemojiNames(grapheme)) {
    const svg = await source(`emoji/${name}.svg`);
    if (svg) {
      uri = `data:image/svg+xml;base64,${toBase64(svg)}`;
      break;
    }
  }
  emoji.set(grapheme, uri);
  if (emoji.size > EMOJI_LIMIT) emoji.delete(emoji.keys().next().value!);
  return uri;
}

/** Emoji already fetched, handed to satori as `graphemeImages` so it does not ask again. */
export function knownEmoji(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [g, uri] of emoji) if (uri) out[g] = uri;
  return out;
}

async function fontChunks(source: AssetSource, set: FontSet, text: string): Promise<SatoriFont[]> {
  const { han } = set;
  const wanted = new Map<string, FontChunk>();
  for (const ch of new Set(Array.from(text))) {
    for (const family of familiesFor(ch, han)) {
      const chunk = chunkFor(family, ch.codePointAt(0)!);
      if (!chunk) continue;
      if (!set.added.has(chunk.path)) wanted.set(chunk.path, chunk);
      break;
    }
  }
  const loaded = await Promise.all(
    Array.from(wanted.values(), async (chunk) => {
      const data = await source(chunk.path);
      if (!data) throw new Error(`the font chunk ${chunk.path} is missing from the media Worker's assets`);
      return { chunk, data };
    }),
  );
  const fonts: SatoriFont[] = [];
  for (const { chunk, data } of loaded) {
    if (set.added.has(chunk.path)) continue; // a concurrent render added it meanwhile
    set.added.add(chunk.path);
    set.bytes += data.byteLength;
    fonts.push({ name: chunk.name, data, weight: chunk.weight, style: "normal" });
  }
  evictOver(fontBudget, han);
  return fonts;
}

/**
 * satori's loadAdditionalAsset for one render: `code` is satori's guess at the
 * segment's script ("emoji", "ja-JP|zh-CN|…", "symbol", "unknown"), `segment`
 * the characters no loaded font has (for emoji, one grapheme).
 */
export function additionalAssetLoader({ source, set }: AssetLoaderOptions) {
  return async (code: string, segment: string): Promise<string | SatoriFont[]> => {
    const assets = need(source);
    if (code === "emoji") {
      const uri = await emojiImage(assets, segment);
      // An emoji Twemoji has no picture for: the monochrome font's glyph, if it has one.
      return uri ?? fontChunks(assets, set, segment);
    }
    return fontChunks(assets, set, segment);
  };
}

/** For tests: forget every cached font array and emoji picture. */
export function resetAdditionalAssets() {
  fontSets.clear();
  emoji.clear();
}

/** For tests and benches: what the caches hold. */
export function additionalAssetStats() {
  return { fontSets: Array.from(fontSets, ([han, s]) => ({ han, chunks: s.added.size, bytes: s.bytes })), emoji: emoji.size };
}
