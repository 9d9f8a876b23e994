// The images of DESIGN.md §6, rendered in workerd: the right sizes, brand
// themes that differ between light and dark, text that always stays inside
// its box, and glyphs for accents and emoji.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { carouselSlide, postCover, reelSlide, reelTitle, youtubeThumbnail, type SlideBrand } from "../../worker/media/layouts";
import { renderLayout } from "../../worker/media/render-layout";
import { ensureImageRuntime } from "../../worker/media/runtime-workerd";
import { palette } from "../../worker/media/theme";
import { COLORS, countColour, differingFraction, expectOnlyBackground, expectOpaque, pngSize } from "./helpers";

const brand: SlideBrand = { name: "Café Lisboa", handle: "cafelisboa", logo: null };
const light = palette(COLORS, "light");
const dark = palette(COLORS, "dark");
const TOO_LONG = "Cinco hábitos simples para começar o dia com energia ☕ e foco, mesmo quando a semana parece não acabar. ".repeat(30);
const ONE_LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis".repeat(12);

beforeAll(async () => {
  await ensureImageRuntime(env.MEDIA_ASSETS);
});

describe("image sizes", () => {
  it.each([
    ["reel thumbnail", 1080, 1920, () => reelTitle(brand, light, "Five habits")],
    ["reel slide", 1080, 1920, () => reelSlide(brand, dark, "Drink water first.", 1, 5)],
    ["post cover", 1080, 1350, () => postCover(brand, light, "Five habits", 4)],
    ["carousel slide", 1080, 1350, () => carouselSlide(brand, light, "Drink water first.", 1, 4)],
    ["YouTube thumbnail", 1280, 720, () => youtubeThumbnail(brand, dark, "Five habits")],
  ])("%s is a %i×%i PNG", async (_name, width, height, layout) => {
    const image = await renderLayout(layout());
    expect(pngSize(image.png)).toEqual({ width, height });
    expect([image.width, image.height]).toEqual([width, height]);
    expectOpaque(image);
  });
});

describe("brand themes", () => {
  it("light and dark variants differ and paint the brand's background", async () => {
    const a = await renderLayout(reelTitle(brand, light, "Five habits that stick"));
    const b = await renderLayout(reelTitle(brand, dark, "Five habits that stick"));
    expect(differingFraction(a, b)).toBeGreaterThan(0.5);
    expectOnlyBackground(a, { x: 0, y: 1800, width: 1080, height: 120 }, COLORS.light.bg);
    expectOnlyBackground(b, { x: 0, y: 1800, width: 1080, height: 120 }, COLORS.dark.bg);
    // The title is drawn in the theme's text colour.
    expect(countColour(a, COLORS.light.fg, { x: 96, y: 600, width: 888, height: 900 })).toBeGreaterThan(5_000);
    expect(countColour(b, COLORS.dark.fg, { x: 96, y: 600, width: 888, height: 900 })).toBeGreaterThan(5_000);
  });
});

describe("text that is too long still fits", () => {
  it.each([
    ["many words", TOO_LONG],
    ["one endless word", ONE_LONG_WORD],
  ])("reel slide: %s", async (_name, text) => {
    const image = await renderLayout(reelSlide(brand, light, text, 2, 5));
    expectOpaque(image);
    // Side margins, the top above the brand row, and the bottom below the progress bar stay empty.
    expectOnlyBackground(image, { x: 0, y: 0, width: 90, height: 1920 }, COLORS.light.bg);
    expectOnlyBackground(image, { x: 990, y: 0, width: 90, height: 1920 }, COLORS.light.bg);
    expectOnlyBackground(image, { x: 0, y: 0, width: 1080, height: 210 }, COLORS.light.bg);
    expectOnlyBackground(image, { x: 0, y: 1590, width: 1080, height: 330 }, COLORS.light.bg);
    expect(countColour(image, COLORS.light.fg, { x: 96, y: 400, width: 888, height: 1100 })).toBeGreaterThan(20_000);
  });

  it.each([
    ["many words", TOO_LONG],
    ["one endless word", ONE_LONG_WORD],
  ])("carousel slide: %s", async (_name, text) => {
    const image = await renderLayout(carouselSlide(brand, dark, text, 3, 6));
    expectOnlyBackground(image, { x: 0, y: 0, width: 80, height: 1350 }, COLORS.dark.bg);
    expectOnlyBackground(image, { x: 1000, y: 0, width: 80, height: 1350 }, COLORS.dark.bg);
    expectOnlyBackground(image, { x: 0, y: 0, width: 1080, height: 80 }, COLORS.dark.bg);
    expectOnlyBackground(image, { x: 0, y: 1270, width: 1080, height: 80 }, COLORS.dark.bg);
  });

  it("post cover and YouTube thumbnail titles", async () => {
    const cover = await renderLayout(postCover(brand, light, TOO_LONG, 5));
    expectOnlyBackground(cover, { x: 0, y: 400, width: 80, height: 950 }, COLORS.light.bg);
    expectOnlyBackground(cover, { x: 0, y: 1270, width: 1080, height: 80 }, COLORS.light.bg);
    const yt = await renderLayout(youtubeThumbnail(brand, dark, TOO_LONG));
    // Between the title column and the brand panel, and above and below the text.
    expectOnlyBackground(yt, { x: 845, y: 0, width: 34, height: 720 }, COLORS.dark.bg);
    expectOnlyBackground(yt, { x: 30, y: 0, width: 840, height: 70 }, COLORS.dark.bg);
    expectOnlyBackground(yt, { x: 30, y: 660, width: 840, height: 60 }, COLORS.dark.bg);
  });
});

describe("glyphs", () => {
  // A missing glyph draws the same empty box for every character, so two
  // different characters rendering identically would mean both are missing.
  it.each([
    ["accents", "é", "è"],
    ["Latin Extended", "Ł", "Ź"],
    ["emoji", "🚀", "☕"],
  ])("%s have their own glyphs", async (_name, a, b) => {
    const one = await renderLayout(reelSlide(brand, light, `${a}${a}${a}`, 0, 2));
    const two = await renderLayout(reelSlide(brand, light, `${b}${b}${b}`, 0, 2));
    expect(differingFraction(one, two)).toBeGreaterThan(0);
  });
});
