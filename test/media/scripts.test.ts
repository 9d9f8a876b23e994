// Scripts and emoji on slides, in workerd through the media Worker's assets
// binding: CJK glyphs come from on-demand chunks in the brand's Han font,
// colour emoji are Twemoji pictures (ZWJ sequences and skin tones as one
// picture), and text in a script slides cannot draw fails the output with a
// message before anything is rendered or stored.
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { additionalAssetStats, resetAdditionalAssets, setFontBudget, twemojiNames } from "../../worker/media/additional-assets";
import { reelSlide, swipeHint, type SlideBrand } from "../../worker/media/layouts";
import { MediaRenderError, renderOutputMedia } from "../../worker/media/render-output";
import { renderMedia } from "../../worker/media/renderer";
import { renderLayout } from "../../worker/media/render-layout";
import { ensureImageRuntime } from "../../worker/media/runtime-workerd";
import { hanFamilyFor, unsupportedScript, unsupportedScriptProblem } from "../../worker/media/scripts";
import { palette } from "../../worker/media/theme";
import { COLORS, countColour, differingFraction } from "./helpers";

const brand: SlideBrand = { name: "Brand", handle: "brand", logo: null };
const light = palette(COLORS, "light");
const slide = (text: string, language?: string) => renderLayout(reelSlide(brand, light, text, 0, 2), { language });

beforeAll(async () => {
  await ensureImageRuntime(env.MEDIA_ASSETS);
});

describe("which scripts slides draw", () => {
  it.each([
    ["Latin with accents", "Ação, naïve, Łódź"],
    ["Vietnamese", "Năm thói quen mỗi ngày"],
    ["Cyrillic", "Пять привычек"],
    ["Greek", "Πέντε συνήθειες"],
    ["Chinese", "养成五个好习惯"],
    ["Japanese", "毎日の習慣をはじめよう"],
    ["Korean", "다섯 가지 습관"],
    ["emoji and symbols", "🚀 👩🏽‍💻 → © ½ №"],
  ])("%s is drawn", (_name, text) => {
    expect(unsupportedScript(text)).toBeNull();
  });

  it.each([
    ["Arabic", "خمس عادات"],
    ["Hebrew", "חמישה הרגלים"],
    ["Devanagari", "पाँच आदतें"],
    ["Bengali", "পাঁচটি অভ্যাস"],
    ["Tamil", "ஐந்து பழக்கங்கள்"],
    ["Thai", "ห้านิสัย"],
  ])("%s is named as not supported yet", (script, text) => {
    expect(unsupportedScript(`Five ${text}`)).toBe(script);
    expect(unsupportedScriptProblem([{ what: "Slide 2", text }])).toBe(
      `Slide 2 is in ${script} script, which is not supported on slides yet: slides render Latin, Cyrillic, Greek, Chinese, Japanese and Korean text.`,
    );
  });

  it("an output with Arabic text fails over RPC with that message and stores nothing", async () => {
    const ws = `w${crypto.randomUUID().slice(0, 8)}`;
    const input = {
      workspaceId: ws,
      outputId: "out-ar",
      variant: "light" as const,
      brand: { name: "Brand", handle: null, colors: COLORS, logoKey: null, musicKey: null, language: "en" },
      title: "Five habits",
      slideTexts: ["Drink water first.", "خمس عادات بسيطة"],
    };
    await expect(renderOutputMedia(env, input)).rejects.toThrow(MediaRenderError);
    // The media Worker's RPC as the generate consumer calls it: the message is what the output shows.
    await expect(renderMedia(env, input)).rejects.toThrow(/^Slide 2 is in Arabic script, which is not supported on slides yet/);
    expect((await env.MEDIA.list({ prefix: `ws/${ws}/` })).objects).toEqual([]);
  });
});

describe("the words a layout writes itself", () => {
  it("are in the brand's language", () => {
    expect([swipeHint("en"), swipeHint("pt-BR"), swipeHint("ru"), swipeHint("ja"), swipeHint("zh-TW"), swipeHint(null)]).toEqual([
      "Swipe ›",
      "Deslize ›",
      "Листайте ›",
      "スワイプ ›",
      "滑動查看 ›",
      "Swipe ›",
    ]);
  });
});

describe("CJK from on-demand font chunks", () => {
  afterEach(() => setFontBudget(null));

  it("Han, kana and Hangul get real glyphs: different characters draw differently and fill the text box", async () => {
    const fg = COLORS.light.fg;
    for (const [a, b, language] of [["你你你", "好好好", "zh-Hans"], ["あああ", "ははは", "ja"], ["한한한", "국국국", "ko"]] as const) {
      const one = await slide(a, language);
      const two = await slide(b, language);
      expect(differingFraction(one, two), `${a} vs ${b}`).toBeGreaterThan(0.005);
      expect(countColour(one, fg, { x: 96, y: 500, width: 888, height: 1000 }), a).toBeGreaterThan(10_000);
    }
  });

  it("the Han font follows the brand's language: 直 is drawn in Chinese and Japanese shapes", async () => {
    expect([hanFamilyFor("zh-Hans"), hanFamilyFor("zh-TW"), hanFamilyFor("ja"), hanFamilyFor("ko"), hanFamilyFor("en")]).toEqual([
      "noto-sans-sc",
      "noto-sans-tc",
      "noto-sans-jp",
      "noto-sans-kr",
      "noto-sans-sc",
    ]);
    const zh = await slide("直骨", "zh-Hans");
    const ja = await slide("直骨", "ja");
    const zhAgain = await slide("直骨", "zh-Hans");
    expect(differingFraction(zh, zhAgain)).toBe(0);
    expect(differingFraction(zh, ja)).toBeGreaterThan(0.0005);
  });

  it("the per-isolate cache of loaded chunks stays within its budget", async () => {
    resetAdditionalAssets();
    setFontBudget(400 * 1024);
    await slide("养成五个好习惯，让每一天都更有活力", "zh-Hans");
    await slide("毎日を元気にする五つの習慣をはじめよう", "ja");
    await slide("매일을 활기차게 만드는 다섯 가지 습관", "ko");
    await slide("養成五個好習慣，讓每一天都更有活力", "zh-Hant");
    const { fontSets } = additionalAssetStats();
    const total = fontSets.reduce((n, s) => n + s.bytes, 0);
    expect(total).toBeLessThanOrEqual(400 * 1024);
    expect(fontSets.length).toBeLessThan(4);
    // What was dropped is loaded again when needed, and draws the same.
    const again = await slide("养成五个好习惯", "zh-Hans");
    resetAdditionalAssets();
    setFontBudget(null);
    expect(differingFraction(again, await slide("养成五个好习惯", "zh-Hans"))).toBe(0);
  });
});

describe("colour emoji", () => {
  it("map to Twemoji's file names: FE0F dropped unless the sequence has a ZWJ", () => {
    expect(twemojiNames("🚀")).toEqual(["1f680"]);
    expect(twemojiNames("❤️")).toEqual(["2764"]);
    expect(twemojiNames("1️⃣")).toEqual(["31-20e3"]);
    expect(twemojiNames("👍🏽")).toEqual(["1f44d-1f3fd"]);
    expect(twemojiNames("👩🏽‍💻")).toEqual(["1f469-1f3fd-200d-1f4bb"]);
    expect(twemojiNames("🏳️‍🌈")).toEqual(["1f3f3-fe0f-200d-1f308", "1f3f3-200d-1f308"]);
    expect(twemojiNames("🇵🇹")).toEqual(["1f1f5-1f1f9"]);
  });

  it.each([
    ["a ZWJ sequence is one picture, not its parts", "👩‍💻", "👩💻"],
    ["a skin tone changes the picture", "👍🏽", "👍"],
    ["a flag is one picture", "🇵🇹", "🇧🇷"],
  ])("%s", async (_name, a, b) => {
    const one = await slide(`${a}${a}`);
    const two = await slide(`${b}${b}`);
    expect(differingFraction(one, two)).toBeGreaterThan(0.001);
  });

  it("are in colour: the rocket draws Twemoji's red, which no theme colour is", async () => {
    const image = await slide("🚀🚀🚀");
    expect(countColour(image, "#a0041e", { x: 96, y: 400, width: 888, height: 1100 })).toBeGreaterThan(500);
  });
});
