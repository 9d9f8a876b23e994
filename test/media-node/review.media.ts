// A look at what users see (issue 19 item 5): for each demo brand, a reel
// (light and dark) and a carousel and a YouTube thumbnail with long titles in
// Latin, Cyrillic, Japanese, Chinese and Korean, written to $MEDIA_REVIEW_DIR
// (default /tmp/brandcast-review) as MP4s, PNGs and contact sheets of frames
// ffmpeg extracts from the encoded reels. Not a test: nothing is asserted. Run
//   npx vitest run --project media-review        (ONLY=cjk for one script)
// and open the PNGs.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { it } from "vitest";
import { carouselLayouts, reelLayouts, youtubeThumbnail, type SlideBrand } from "../../worker/media/layouts";
import { encodeReel } from "../../worker/media/reel-video";
import { renderLayout } from "../../worker/media/render-layout";
import { palette } from "../../worker/media/theme";
import { ensureNodeImageRuntime } from "./node-runtime";

const OUT = process.env.MEDIA_REVIEW_DIR ?? "/tmp/brandcast-review";
const brands = [
  { slug: "daily-habits", name: "Daily Habits", primary: "#2563eb", accent: "#f59e0b" },
  { slug: "money-minute", name: "Money Minute", primary: "#059669", accent: "#a3e635" },
  { slug: "quick-kitchen", name: "Quick Kitchen", primary: "#db2777", accent: "#fde047" },
];
const scripts: Record<string, { lang: string; title: string; slides: string[] }> = {
  latin: { lang: "en", title: "Seven tiny morning habits that quietly changed how productive and calm my whole week feels 🚀☕", slides: ["Drink a full glass of water before you even look at your phone 💧", "Write down the one task that would make today a win, then do it first ✅"] },
  cyrillic: { lang: "ru", title: "Семь маленьких утренних привычек, которые незаметно изменили всю мою неделю 🚀", slides: ["Выпейте стакан воды, прежде чем смотреть в телефон 💧", "Запишите одну задачу, которая сделает день удачным, и начните с неё ✅"] },
  zh: { lang: "zh-Hans", title: "每天早上的七个小习惯，悄悄改变了我整整一周的状态 🚀", slides: ["看手机之前，先喝一整杯水 💧", "写下让今天成功的那一件事，然后先把它做完 ✅"] },
  ko: { lang: "ko", title: "나의 일주일을 조용히 바꿔 놓은 일곱 가지 작은 아침 습관 🚀", slides: ["휴대폰을 보기 전에 물 한 잔을 먼저 마시세요 💧", "오늘을 성공으로 만들 단 하나의 일을 적고 가장 먼저 끝내세요 ✅"] },
  cjk: { lang: "ja", title: "毎朝の小さな七つの習慣が、私の一週間をまるごと静かに変えてくれた話 🚀", slides: ["スマホを見る前に、まずコップ一杯の水を飲もう 💧", "今日を勝ちにするたった一つのタスクを書き出して、最初に片付けよう ✅"] },
};
it("review", { timeout: 900_000 }, async () => {
  await ensureNodeImageRuntime();
  mkdirSync(OUT, { recursive: true });
  for (const b of brands) {
    const colors = { primary: b.primary, accent: b.accent, light: { bg: "#ffffff", fg: "#111827" }, dark: { bg: "#0b1020", fg: "#f9fafb" } };
    const brand = (language: string): SlideBrand => ({ name: b.name, handle: b.slug.replace("-", ""), logo: null, language });
    for (const [script, s] of Object.entries(scripts).filter(([k]) => !process.env.ONLY || k === process.env.ONLY)) {
      for (const theme of ["light", "dark"] as const) {
        const p = palette(colors, theme);
        const opts = { language: s.lang };
        const reel = await Promise.all(reelLayouts(brand(s.lang), p, s.title, s.slides).map((l) => renderLayout(l, opts)));
        const video = await encodeReel(reel.map((r) => ({ rgba: r.rgba, seconds: 1 })), { width: 1080, height: 1920, fps: 30 });
        const mp4 = `${OUT}/${b.slug}-${script}-${theme}.mp4`;
        writeFileSync(mp4, video.mp4);
        execFileSync("ffmpeg", ["-v", "error", "-y", "-i", mp4, "-vf", "select='eq(n\\,0)+eq(n\\,30)+eq(n\\,60)',scale=360:640,tile=3x1", "-frames:v", "1", `${OUT}/reel-${b.slug}-${script}-${theme}.png`]);
      }
      const p = palette(colors, "light");
      const post = await Promise.all(carouselLayouts(brand(s.lang), p, s.title, s.slides).map((l) => renderLayout(l, { language: s.lang })));
      post.forEach((img, i) => writeFileSync(`${OUT}/post-${b.slug}-${script}-${i}.png`, img.png));
      execFileSync("ffmpeg", ["-v", "error", "-y", ...post.flatMap((_, i) => ["-i", `${OUT}/post-${b.slug}-${script}-${i}.png`]), "-filter_complex", "[0][1][2]hstack=inputs=3,scale=1200:-1", `${OUT}/carousel-${b.slug}-${script}.png`]);
      const yt = await renderLayout(youtubeThumbnail(brand(s.lang), palette(colors, "dark"), s.title), { language: s.lang });
      writeFileSync(`${OUT}/yt-${b.slug}-${script}.png`, yt.png);
    }
  }
});
