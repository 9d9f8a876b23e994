// Scripts and emoji on slides, measured inside workerd: what a slide costs
// when its characters need on-demand font chunks or Twemoji pictures, cold
// (fetched from the media Worker's assets and parsed) and warm (kept parsed
// in the isolate), against a Latin slide of the same layout in the same run.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { additionalAssetStats, resetAdditionalAssets } from "../../worker/media/additional-assets";
import { reelSlide, type SlideBrand } from "../../worker/media/layouts";
import { renderLayout } from "../../worker/media/render-layout";
import { ensureImageRuntime } from "../../worker/media/runtime-workerd";
import { palette } from "../../worker/media/theme";
import { BENCH_COLORS } from "./media-content";

const brand: SlideBrand = { name: "Daily Habits", handle: "dailyhabits", logo: null };
const p = palette(BENCH_COLORS, "dark");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time(text: string, language: string, runs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await renderLayout(reelSlide(brand, p, text, 1, 5), { language });
    out.push(performance.now() - t);
  }
  return out;
}

describe("scripts bench", () => {
  it("CJK and emoji slides, cold and warm", async () => {
    await ensureImageRuntime(env.MEDIA_ASSETS);
    await time("Warm up the runtime.", "en", 1);
    const latin = median(await time("Write down the one task that would make today a win, then do it first.", "en", 5));
    resetAdditionalAssets();
    const ja = "今日を勝ちにするたった一つのタスクを書き出して、最初に片付けよう";
    const [jaCold] = await time(ja, "ja", 1);
    const jaWarm = median(await time(ja, "ja", 5));
    const jaBytes = additionalAssetStats().fontSets.reduce((n, s) => n + s.bytes, 0);
    const emoji = "Ship it 🚀 👩🏽‍💻 ✅ 🇵🇹";
    resetAdditionalAssets();
    const [emojiCold] = await time(emoji, "en", 1);
    const emojiWarm = median(await time(emoji, "en", 5));
    expect(jaWarm).toBeGreaterThan(0);
    console.log(
      `BENCH ${JSON.stringify({
        slide_render_latin_ms: Math.round(latin),
        slide_render_cjk_cold_ms: Math.round(jaCold!),
        slide_render_cjk_warm_ms: Math.round(jaWarm),
        slide_cjk_chunk_kb: Math.round(jaBytes / 1024),
        slide_render_emoji_cold_ms: Math.round(emojiCold!),
        slide_render_emoji_warm_ms: Math.round(emojiWarm),
        cjk_warm_vs_latin: Math.round((jaWarm / latin) * 100) / 100,
      })}`,
    );
  });
});
