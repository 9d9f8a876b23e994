// JPEG variants for Instagram (PLATFORMS.md §1.6): what encodeJpeg makes of a
// rendered slide, checked by decoding it again.
import { env } from "cloudflare:workers";
import { decode } from "jpeg-js";
import { beforeAll, describe, expect, it } from "vitest";
import { h } from "../../worker/media/element";
import { renderImage, type RenderedImage } from "../../worker/media/image-runtime";
import { probeImage } from "../../worker/media/image-probe";
import { encodeJpeg, MAX_JPEG_BYTES } from "../../worker/media/jpeg";
import { ensureImageRuntime } from "../../worker/media/runtime-workerd";

/** Peak signal-to-noise ratio over R, G and B, in dB. */
function psnr(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const d = a[i + c]! - b[i + c]!;
      sum += d * d;
      n++;
    }
  }
  return 10 * Math.log10((255 * 255) / (sum / n));
}

let slide: RenderedImage;

beforeAll(async () => {
  await ensureImageRuntime(env.MEDIA_ASSETS);
  slide = await renderImage(
    h("div", { width: 1080, height: 1350, display: "flex", flexDirection: "column", justifyContent: "center", padding: 80, backgroundColor: "#f7f4ee", color: "#151515" },
      h("div", { fontSize: 96, fontWeight: 800 }, "Five habits that stick"),
      h("div", { fontSize: 48, color: "#2f5bea" }, "Drink water first. Walk ten minutes. 🌱"),
    ),
    1080,
    1350,
  );
});

describe("encodeJpeg", () => {
  it("keeps the slide's size and looks like the PNG (PSNR ≥ 32 dB)", () => {
    const jpeg = encodeJpeg(slide);
    expect(probeImage(jpeg)).toMatchObject({ type: "jpeg", width: 1080, height: 1350 });
    const decoded = decode(jpeg, { useTArray: true, formatAsRGBA: true });
    expect([decoded.width, decoded.height]).toEqual([1080, 1350]);
    expect(psnr(slide.rgba, decoded.data)).toBeGreaterThanOrEqual(32);
    expect(jpeg.byteLength).toBeLessThan(MAX_JPEG_BYTES / 8);
  });

  it("steps the quality down when an image would exceed the limit, and says so when it cannot", () => {
    const full = encodeJpeg(slide);
    const capped = encodeJpeg(slide, Math.floor(full.byteLength * 0.8));
    expect(capped.byteLength).toBeLessThanOrEqual(Math.floor(full.byteLength * 0.8));
    expect(psnr(slide.rgba, decode(capped, { useTArray: true, formatAsRGBA: true }).data)).toBeGreaterThan(25);
    expect(() => encodeJpeg(slide, 1000)).toThrow(/over the 1000-byte limit/);
  });
});
