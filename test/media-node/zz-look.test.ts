import { mkdirSync, writeFileSync } from "node:fs";
import { it } from "vitest";
import { reelTitle, carouselSlide, type SlideBrand } from "../../worker/media/layouts";
import { renderLayout } from "../../worker/media/render-layout";
import { palette } from "../../worker/media/theme";
import { ensureNodeImageRuntime } from "./node-runtime";

const COLORS = { primary: "#7c3aed", accent: "#f59e0b", light: { bg: "#fffbeb", fg: "#1c1917" }, dark: { bg: "#0f172a", fg: "#f8fafc" } };
const cases: Array<[string, string, string]> = [
  ["latin", "en", "Five habits that stick 🚀 👩🏽‍💻 👨‍👩‍👧 🏳️‍🌈 1️⃣"],
  ["cyrillic", "ru", "Пять привычек, которые остаются с вами"],
  ["greek", "el", "Πέντε συνήθειες που μένουν"],
  ["vietnamese", "vi", "Năm thói quen giúp bạn khỏe mạnh hơn mỗi ngày"],
  ["sc", "zh-Hans", "养成五个好习惯，让每一天都更有活力"],
  ["tc", "zh-Hant", "養成五個好習慣，讓每一天都更有活力"],
  ["ja", "ja", "毎日を元気にする五つの習慣をはじめよう"],
  ["ko", "ko", "매일을 활기차게 만드는 다섯 가지 습관"],
];
it("look", async () => {
  await ensureNodeImageRuntime();
  mkdirSync("/tmp/ms/look", { recursive: true });
  for (const [name, lang, text] of cases) {
    const brand: SlideBrand = { name: "Brand", handle: "brand", logo: null };
    const t0 = Date.now();
    const img = await renderLayout(reelTitle(brand, palette(COLORS, "dark"), text), { language: lang });
    console.log(name, Date.now() - t0, "ms");
    writeFileSync(`/tmp/ms/look/${name}.png`, img.png);
  }
});
