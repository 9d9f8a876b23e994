// Media benchmarks inside workerd: a 15-second, 5-slide reel rendered (satori +
// resvg) and encoded (H.264 + MP4) as the generate consumer does, minus R2.
// Timings are wall-clock around pure CPU work, taken inside the Worker: locally
// timers advance during the run, so this is CPU time plus nothing (no I/O is
// awaited in between). In production, workerd freezes timers except across I/O.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { encodeReel, type ReelSlide } from "../../worker/media/reel-video";
import { renderLayout } from "../../worker/media/render-layout";
import { ensureImageRuntime } from "../../worker/media/runtime-workerd";
import { BENCH_SECONDS_PER_SLIDE, benchReelLayouts } from "./media-content";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe("media bench", () => {
  it("renders and encodes a 15-second reel", async () => {
    let t = performance.now();
    await ensureImageRuntime(env.MEDIA_ASSETS);
    await renderLayout(benchReelLayouts()[0]!); // first render parses the fonts
    const warmupMs = performance.now() - t;

    const slideTimes: number[] = [];
    const slides: ReelSlide[] = [];
    for (const layout of benchReelLayouts()) {
      t = performance.now();
      const image = await renderLayout(layout);
      slideTimes.push(performance.now() - t);
      slides.push({ rgba: image.rgba, seconds: BENCH_SECONDS_PER_SLIDE });
    }
    t = performance.now();
    const encoded = await encodeReel(slides, { width: 1080, height: 1920, fps: 30 });
    const encodeMs = performance.now() - t;

    // The whole reel end to end, as render-output.ts does it: render each slide, encode, mux.
    t = performance.now();
    async function* rendered() {
      for (const layout of benchReelLayouts()) yield { rgba: (await renderLayout(layout)).rgba, seconds: BENCH_SECONDS_PER_SLIDE };
    }
    const reel = await encodeReel(rendered(), { width: 1080, height: 1920, fps: 30 });
    const reelMs = performance.now() - t;

    expect(reel.seconds).toBeCloseTo(15, 5);
    console.log(
      `BENCH ${JSON.stringify({
        reel_render_ms: Math.round(reelMs),
        slide_render_ms: Math.round(median(slideTimes)),
        reel_encode_ms: Math.round(encodeMs),
        reel_bytes: reel.mp4.length,
        reel_pcm_macroblocks: encoded.intra.reduce((s, x) => s + x.pcmMacroblocks, 0),
        media_runtime_warmup_ms: Math.round(warmupMs),
      })}`,
    );
  });
});
