// Brand-themed layouts for every image an output needs. Flat colours only:
// the video coder predicts flat areas for a few bits (h264/intra-picture.ts),
// and a flat design reads best at phone size anyway.
import { briefLanguage } from "../contract/languages";
import { FONT_FAMILY } from "./fonts";
import { h, img, keyed, type Element } from "./element";
import type { Layout } from "./render-layout";
import { boxFor } from "./text-fit";
import type { Palette } from "./theme";

/** Handles are stored with or without the leading "@"; show exactly one. */
const atHandle = (handle: string) => `@${handle.replace(/^@+/, "")}`;
const HANGUL = /\p{Script=Hangul}/u;
const HAN_OR_KANA = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

export interface LogoImage {
  /** data: URL of the brand's PNG or JPEG logo. */
  src: string;
  width: number;
  height: number;
}

export interface SlideBrand {
  name: string;
  handle: string | null;
  logo: LogoImage | null;
  /** The brief's language: the few words a layout writes itself ("Swipe") are in it. */
  language?: string | null;
}

/** The cover's "swipe" hint in the brand's language; an arrow alone where no wording is known. */
const SWIPE: Partial<Record<string, string>> = {
  en: "Swipe", pt: "Deslize", es: "Desliza", fr: "Glissez", de: "Wischen", it: "Scorri", nl: "Swipe", pl: "Przesuń", ro: "Glisează",
  cs: "Posuňte", sv: "Svep", da: "Swipe", nb: "Sveip", fi: "Pyyhkäise", tr: "Kaydır", id: "Geser", vi: "Vuốt", ru: "Листайте",
  uk: "Гортайте", bg: "Плъзнете", el: "Σύρετε", "zh-Hans": "滑动查看", "zh-Hant": "滑動查看", ja: "スワイプ", ko: "넘겨 보세요",
};
export function swipeHint(language: string | null | undefined): string {
  const words = SWIPE[briefLanguage(language ?? "en") ?? "en"];
  return words ? `${words} ›` : "›";
}

export const SIZES = {
  reel: { width: 1080, height: 1920 },
  post: { width: 1080, height: 1350 },
  youtube: { width: 1280, height: 720 },
} as const;

const base = (p: Palette, width: number, height: number) => ({
  width,
  height,
  display: "flex",
  flexDirection: "column",
  position: "relative",
  overflow: "hidden",
  backgroundColor: p.bg,
  color: p.fg,
  fontFamily: FONT_FAMILY,
});

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[1]!].map((w) => Array.from(w)[0]) : Array.from(words[0] ?? "?").slice(0, 2);
  return letters.join("").toUpperCase();
}

/** The logo scaled into a square, or a monogram on the brand's primary colour. */
function brandMark(brand: SlideBrand, p: Palette, size: number): Element {
  if (brand.logo) {
    const scale = size / Math.max(brand.logo.width, brand.logo.height);
    return h(
      "div",
      { width: size, height: size, display: "flex", alignItems: "center", justifyContent: "center", borderRadius: size * 0.22, overflow: "hidden" },
      img(brand.logo.src, Math.round(brand.logo.width * scale), Math.round(brand.logo.height * scale)),
    );
  }
  return h(
    "div",
    {
      width: size,
      height: size,
      borderRadius: size / 2,
      backgroundColor: p.panel,
      color: p.onPanel,
      display: "flex",
      alignItems: "center",
      justifyContent: "center",
      fontSize: size * 0.4,
      fontWeight: 800,
    },
    initials(brand.name),
  );
}

function oneLine(text: string, style: Record<string, string | number>): Element {
  return h("div", { display: "flex", whiteSpace: "nowrap", overflow: "hidden", textOverflow: "ellipsis", ...style }, text);
}

function brandRow(brand: SlideBrand, p: Palette, scale: number, maxWidth: number): Element {
  const mark = 88 * scale;
  return h(
    "div",
    { display: "flex", alignItems: "center", width: maxWidth },
    brandMark(brand, p, mark),
    h(
      "div",
      { display: "flex", flexDirection: "column", marginLeft: 24 * scale, width: maxWidth - mark - 24 * scale },
      oneLine(brand.name, { fontSize: 38 * scale, fontWeight: 800, lineHeight: 1.2 }),
      brand.handle ? oneLine(atHandle(brand.handle), { fontSize: 30 * scale, fontWeight: 400, color: p.muted, lineHeight: 1.25 }) : null,
    ),
  );
}

/** A text box of fixed size that clips, holding the keyed text at its natural height. */
function fittedText(key: string, text: string, size: number, box: { width: number; height: number; lineHeight: number }, style: Record<string, string | number> = {}): Element {
  return h(
    "div",
    { display: "flex", flexDirection: "column", justifyContent: "center", width: box.width, height: box.height, overflow: "hidden", flexShrink: 0 },
    keyed(
      key,
      h("div", { display: "flex", width: box.width, flexShrink: 0, fontSize: size, lineHeight: box.lineHeight, fontWeight: 800, wordBreak: wordBreakFor(text), ...style }, text),
    ),
  );
}

/**
 * Korean sets words apart with spaces and keeps them whole (keep-all: 활기차게 is not split).
 * Chinese and Japanese break between any two characters, as their typesetting does, with
 * UAX #14 keeping 、and 。 off the start of a line; everything else wraps at spaces and
 * breaks a word only when it is longer than the line.
 */
function wordBreakFor(text: string): string {
  return HANGUL.test(text) && !HAN_OR_KANA.test(text) ? "keep-all" : "break-word";
}

function accentBar(p: Palette, width: number, height: number): Element {
  return h("div", { width, height, borderRadius: height / 2, backgroundColor: p.accent, flexShrink: 0 });
}

/**
 * A tip's text without the number it opens with when that is the card's own
 * ("2. …", "2) …", "2 – …", "2、…": the writers number their tips), since the
 * counter shows it. Any other opening stays: "1.5 kg of flour", or "3. …" on
 * the first card.
 */
export function withoutOwnNumber(text: string, tip: number): string {
  const own = new RegExp(`^\\s*#?0*${tip + 1}(?:[.):]\\s+|\\s+[-–—]\\s+|\\s*[、．：]\\s*)`, "u");
  const rest = text.replace(own, "");
  return rest.trim() ? rest : text;
}

function progress(p: Palette, index: number, count: number, width: number): Element {
  const gap = 12;
  const seg = (width - gap * (count - 1)) / count;
  return h(
    "div",
    { display: "flex", width, height: 10, flexShrink: 0 },
    ...Array.from({ length: count }, (_, i) =>
      h("div", { width: seg, height: 10, borderRadius: 5, marginLeft: i ? gap : 0, backgroundColor: i <= index ? p.accent : p.muted, opacity: i <= index ? 1 : 0.3 }),
    ),
  );
}

/** A large soft disc in a corner: the one decorative shape, in the brand's colour. */
function disc(p: Palette, size: number, top: number, right: number): Element {
  return h("div", { position: "absolute", top, right, width: size, height: size, borderRadius: size / 2, backgroundColor: p.panel, opacity: 0.14 });
}

// ---- reels (1080×1920) -------------------------------------------------------
// Instagram and TikTok draw their own UI over the top ~200 px and bottom ~330 px,
// so text stays in between.
const REEL_PAD = 96;
const REEL_TEXT_W = SIZES.reel.width - 2 * REEL_PAD;

export function reelTitle(brand: SlideBrand, p: Palette, title: string): Layout {
  const box = boxFor(title, { width: REEL_TEXT_W, height: 860, lineHeight: 1.1, minSize: 56, maxSize: 136 });
  return {
    ...SIZES.reel,
    texts: { title: { text: title, box } },
    build: (t) =>
      h(
        "div",
        { ...base(p, SIZES.reel.width, SIZES.reel.height), padding: `220px ${REEL_PAD}px 340px` },
        disc(p, 640, -220, -240),
        brandRow(brand, p, 1.2, REEL_TEXT_W),
        h("div", { display: "flex", flexGrow: 1 }),
        accentBar(p, 160, 18),
        h("div", { display: "flex", height: 48 }),
        fittedText("title", t.title!.text, t.title!.size, box, { letterSpacing: -1 }),
        h("div", { display: "flex", flexGrow: 1 }),
      ),
  };
}

/**
 * A tip card of a reel: the counter counts tips, not the title card, so the
 * first tip is 01 (tip is 0-based, of `tips`). One tip alone has no counter.
 */
export function reelSlide(brand: SlideBrand, p: Palette, text: string, tip: number, tips: number): Layout {
  const body = withoutOwnNumber(text, tip);
  const box = boxFor(body, { width: REEL_TEXT_W, height: 900, lineHeight: 1.2, minSize: 48, maxSize: 100 });
  const two = (n: number) => String(n).padStart(2, "0");
  return {
    ...SIZES.reel,
    texts: { body: { text: body, box } },
    build: (t) =>
      h(
        "div",
        { ...base(p, SIZES.reel.width, SIZES.reel.height), padding: `220px ${REEL_PAD}px 340px` },
        brandRow(brand, p, 0.9, REEL_TEXT_W),
        h("div", { display: "flex", flexGrow: 1 }),
        tips > 1
          ? h(
              "div",
              { display: "flex", alignItems: "baseline", marginBottom: 40 },
              h("div", { fontSize: 96, fontWeight: 800, color: p.accent, lineHeight: 1 }, two(tip + 1)),
              h("div", { fontSize: 40, fontWeight: 400, color: p.muted, marginLeft: 16 }, `/ ${two(tips)}`),
            )
          : null,
        fittedText("body", t.body!.text, t.body!.size, box),
        h("div", { display: "flex", flexGrow: 1 }),
        tips > 1 ? progress(p, tip, tips, REEL_TEXT_W) : null,
      ),
  };
}

/** A reel's cards: the title card, then one card per tip. */
export function reelLayouts(brand: SlideBrand, p: Palette, title: string, tips: string[]): Layout[] {
  return [reelTitle(brand, p, title), ...tips.map((text, i) => reelSlide(brand, p, text, i, tips.length))];
}

// ---- posts (1080×1350) ---------------------------------------------------------
const POST_PAD = 88;
const POST_TEXT_W = SIZES.post.width - 2 * POST_PAD;

export function postCover(brand: SlideBrand, p: Palette, title: string, slideCount: number): Layout {
  const box = boxFor(title, { width: POST_TEXT_W, height: 700, lineHeight: 1.1, minSize: 52, maxSize: 124 });
  return {
    ...SIZES.post,
    texts: { title: { text: title, box } },
    build: (t) =>
      h(
        "div",
        { ...base(p, SIZES.post.width, SIZES.post.height), padding: POST_PAD },
        disc(p, 560, -200, -220),
        brandRow(brand, p, 1, POST_TEXT_W),
        h("div", { display: "flex", flexGrow: 1 }),
        accentBar(p, 140, 16),
        h("div", { display: "flex", height: 40 }),
        fittedText("title", t.title!.text, t.title!.size, box, { letterSpacing: -1 }),
        h("div", { display: "flex", flexGrow: 1 }),
        slideCount > 1
          ? h("div", { display: "flex", justifyContent: "flex-end", fontSize: 34, fontWeight: 800, color: p.accent }, swipeHint(brand.language))
          : null,
      ),
  };
}

/** A tip card of a carousel: "1/5" counts tips, not the cover (tip is 0-based, of `tips`). One tip alone has no counter. */
export function carouselSlide(brand: SlideBrand, p: Palette, text: string, tip: number, tips: number): Layout {
  const body = withoutOwnNumber(text, tip);
  const box = boxFor(body, { width: POST_TEXT_W, height: 820, lineHeight: 1.22, minSize: 40, maxSize: 88 });
  return {
    ...SIZES.post,
    texts: { body: { text: body, box } },
    build: (t) =>
      h(
        "div",
        { ...base(p, SIZES.post.width, SIZES.post.height), padding: POST_PAD },
        h(
          "div",
          { display: "flex", justifyContent: "space-between", alignItems: "center", width: POST_TEXT_W },
          brandRow(brand, p, 0.8, POST_TEXT_W - 200),
          tips > 1 ? h("div", { fontSize: 40, fontWeight: 800, color: p.accent }, `${tip + 1}/${tips}`) : null,
        ),
        h("div", { display: "flex", flexGrow: 1 }),
        fittedText("body", t.body!.text, t.body!.size, box),
        h("div", { display: "flex", flexGrow: 1 }),
        tips > 1 ? progress(p, tip, tips, POST_TEXT_W) : null,
      ),
  };
}

/** A carousel's images: the cover, then one card per tip. */
export function carouselLayouts(brand: SlideBrand, p: Palette, title: string, tips: string[]): Layout[] {
  return [postCover(brand, p, title, tips.length + 1), ...tips.map((text, i) => carouselSlide(brand, p, text, i, tips.length))];
}

// ---- YouTube thumbnail (1280×720) ---------------------------------------------
export function youtubeThumbnail(brand: SlideBrand, p: Palette, title: string): Layout {
  const panelW = 400;
  const pad = 64;
  const box = boxFor(title, { width: SIZES.youtube.width - panelW - 2 * pad, height: 470, lineHeight: 1.08, minSize: 44, maxSize: 112 });
  return {
    ...SIZES.youtube,
    texts: { title: { text: title, box } },
    build: (t) =>
      h(
        "div",
        { ...base(p, SIZES.youtube.width, SIZES.youtube.height), flexDirection: "row" },
        h("div", { width: 24, height: SIZES.youtube.height, backgroundColor: p.accent, flexShrink: 0 }),
        h(
          "div",
          { display: "flex", flexDirection: "column", justifyContent: "center", width: SIZES.youtube.width - panelW - 24, padding: `0 ${pad - 24}px 0 ${pad}px` },
          fittedText("title", t.title!.text, t.title!.size, box, { letterSpacing: -1 }),
          h("div", { display: "flex", height: 32 }),
          oneLine(brand.handle ? atHandle(brand.handle) : brand.name, { fontSize: 36, fontWeight: 800, color: p.accent }),
        ),
        h(
          "div",
          { display: "flex", width: panelW, height: SIZES.youtube.height, backgroundColor: p.panel, alignItems: "center", justifyContent: "center" },
          brandMark(brand, { ...p, panel: p.bg, onPanel: p.fg }, 220),
        ),
      ),
  };
}
