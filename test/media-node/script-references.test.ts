// One slide per script, compared with a committed reference picture: Latin
// with colour emoji, Vietnamese, Cyrillic, Greek, Simplified and Traditional
// Chinese, Japanese and Korean. A font that went missing (boxes instead of
// glyphs), a wrong Han font, emoji drawn in monochrome or text that wraps
// differently all change many pixels; antialiasing noise does not.
//
// References are the slide scaled down 4× (270×480, box filter) as PNG, in
// test/media-node/references/. After a deliberate change to the layouts or
// fonts, look at the new pictures, then regenerate them with:
//   UPDATE_REFERENCES=1 npx vitest run --project media-node test/media-node/script-references.test.ts
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { reelTitle, type SlideBrand } from "../../worker/media/layouts";
import { renderLayout } from "../../worker/media/render-layout";
import { palette } from "../../worker/media/theme";
import { pngPixels, requireFfmpeg } from "./ffmpeg";
import { ensureNodeImageRuntime } from "./node-runtime";

const DIR = join(import.meta.dirname, "references");
const SCALE = 4;
const W = 1080 / SCALE;
const H = 1920 / SCALE;
/** A pixel differs when a channel moves by more than this (of 255)… */
const PIXEL_TOLERANCE = 40;
/** …and a slide matches when at most this share of its drawn pixels (not background in either picture) differ. */
const MAX_DIFFERING = 0.005;

const COLORS = { primary: "#7c3aed", accent: "#f59e0b", light: { bg: "#fffbeb", fg: "#1c1917" }, dark: { bg: "#0f172a", fg: "#f8fafc" } };
const brand: SlideBrand = { name: "Brandcast", handle: "brandcast", logo: null };

export const SCRIPT_SLIDES: Array<{ name: string; language: string; title: string }> = [
  { name: "latin-emoji", language: "en", title: "Five habits that stick 🚀 👩🏽‍💻 👨‍👩‍👧 🇵🇹 1️⃣" },
  { name: "vietnamese", language: "vi", title: "Năm thói quen giúp bạn khỏe mạnh hơn" },
  { name: "cyrillic", language: "ru", title: "Пять привычек, которые остаются" },
  { name: "greek", language: "el", title: "Πέντε συνήθειες που μένουν" },
  { name: "chinese-simplified", language: "zh-Hans", title: "养成五个好习惯，让每一天都更有活力" },
  { name: "chinese-traditional", language: "zh-Hant", title: "養成五個好習慣，讓每一天都更有活力" },
  { name: "japanese", language: "ja", title: "毎日を元気にする五つの習慣をはじめよう" },
  { name: "korean", language: "ko", title: "매일을 활기차게 만드는 다섯 가지 습관" },
];

/** The slide's RGB scaled down by SCALE with a box filter. */
function downscale(rgba: Uint8Array): Uint8Array {
  const out = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = 0; dy < SCALE; dy++) for (let dx = 0; dx < SCALE; dx++) sum += rgba[((y * SCALE + dy) * 1080 + x * SCALE + dx) * 4 + c]!;
        out[(y * W + x) * 3 + c] = Math.round(sum / (SCALE * SCALE));
      }
    }
  }
  return out;
}

const far = (a: Uint8Array, i: number, b: Uint8Array, j: number) =>
  Math.abs(a[i]! - b[j]!) > PIXEL_TOLERANCE || Math.abs(a[i + 1]! - b[j + 1]!) > PIXEL_TOLERANCE || Math.abs(a[i + 2]! - b[j + 2]!) > PIXEL_TOLERANCE;

/** The share of drawn pixels that differ: text is a small part of a slide, so the background does not dilute a change. */
function differing(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  const bottom = (H - 1) * W * 3; // the bottom-left pixel is background on every slide
  let drawn = 0;
  let n = 0;
  for (let i = 0; i < a.length; i += 3) {
    if (!far(a, i, a, bottom) && !far(b, i, b, bottom)) continue;
    drawn++;
    if (far(a, i, b, i)) n++;
  }
  return n / Math.max(1, drawn);
}

function writePng(file: string, rgb: Uint8Array) {
  execFileSync("ffmpeg", ["-v", "error", "-nostdin", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", `${W}x${H}`, "-i", "-", "-frames:v", "1", file], { input: rgb });
}

const rendered = new Map<string, Uint8Array>();

async function render(language: string, title: string): Promise<Uint8Array> {
  const image = await renderLayout(reelTitle(brand, palette(COLORS, "dark"), title), { language });
  return downscale(image.rgba);
}

beforeAll(async () => {
  requireFfmpeg();
  await ensureNodeImageRuntime();
  for (const s of SCRIPT_SLIDES) rendered.set(s.name, await render(s.language, s.title));
});

describe("one slide per script matches its reference picture", () => {
  it.each(SCRIPT_SLIDES.map((s) => [s.name, s] as const))("%s", (name) => {
    const file = join(DIR, `${name}.png`);
    const got = rendered.get(name)!;
    if (process.env.UPDATE_REFERENCES === "1") writePng(file, got);
    expect(existsSync(file), `${file} is missing: see this file's header to regenerate`).toBe(true);
    expect(differing(got, new Uint8Array(pngPixels(file)))).toBeLessThanOrEqual(MAX_DIFFERING);
  });

  it("the comparison notices a wrong Han font and a missing emoji set", async () => {
    // Japanese text in the Chinese font: same characters, other shapes and wrapping.
    const ja = SCRIPT_SLIDES.find((s) => s.name === "japanese")!;
    expect(differing(await render("zh-Hans", ja.title), new Uint8Array(pngPixels(join(DIR, "japanese.png"))))).toBeGreaterThan(MAX_DIFFERING);
    // The same Latin slide without its emoji.
    const latin = SCRIPT_SLIDES[0]!;
    const bare = await render("en", latin.title.replace(/\s*\p{Extended_Pictographic}.*$/u, ""));
    expect(differing(bare, new Uint8Array(pngPixels(join(DIR, "latin-emoji.png"))))).toBeGreaterThan(MAX_DIFFERING);
  });
});
