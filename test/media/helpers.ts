// Helpers for the media tests: a fetch that reaches the media routers (the real
// app once worker/app.ts mounts them, else the same routers on createApp()), a
// PNG header reader, and pixel assertions named for the rule they check.
import { env, exports } from "cloudflare:workers";
import { Hono } from "hono";
import { expect } from "vitest";
import type { AppEnv } from "../../worker/auth/context";
import { authenticate, withDb } from "../../worker/auth/middleware";
import type { BrandColors } from "../../worker/contract/schemas";
import { ApiError, errorBody } from "../../worker/errors";
import type { RenderedImage } from "../../worker/media/image-runtime";
import { brandAssetRoutes } from "../../worker/routes/brand-assets";
import { mediaRoutes } from "../../worker/routes/media";
import { ORIGIN } from "../support/fixtures";

export const COLORS: BrandColors = {
  primary: "#2f5bea",
  accent: "#ff7a45",
  light: { bg: "#f7f4ee", fg: "#151515" },
  dark: { bg: "#121826", fg: "#f4f4f5" },
};

let mounted: boolean | null = null;
let local: Hono<AppEnv> | null = null;

/**
 * Sends a request to /media or /api: through the Worker itself once
 * worker/app.ts mounts the media routers, until then through the same routers
 * behind the same authentication and error handling.
 */
export async function appFetch(pathOrUrl: string, init: RequestInit = {}): Promise<Response> {
  // An unsigned /media request is 403 from the media router and 404 ("no such route") without it.
  mounted ??= (await exports.default.fetch(`${ORIGIN}/media/ws/probe/probe.png`)).status === 403;
  const req = new Request(pathOrUrl.startsWith("http") ? pathOrUrl : `${ORIGIN}${pathOrUrl}`, init);
  if (mounted) return exports.default.fetch(req);
  if (!local) {
    local = new Hono<AppEnv>();
    local.onError((err, c) => (err instanceof ApiError ? c.json(errorBody(err), err.status) : c.json({ error: { code: "internal", message: String(err) } }, 500)));
    local.use("/api/*", withDb);
    local.route("/media", mediaRoutes);
    local.route("/api/brands", new Hono<AppEnv>().use(authenticate).route("/", brandAssetRoutes));
  }
  return local.fetch(req, env);
}

export function pngSize(png: Uint8Array): { width: number; height: number } {
  expect(Array.from(png.subarray(1, 4)), "PNG signature").toEqual([0x50, 0x4e, 0x47]);
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Every pixel is opaque: nothing of the canvas is left unpainted. */
export function expectOpaque(image: RenderedImage) {
  let transparent = 0;
  for (let i = 3; i < image.rgba.length; i += 4) if (image.rgba[i] !== 255) transparent++;
  expect(transparent, "pixels that are not opaque").toBe(0);
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The region holds only the background colour: no glyph or shape reached it. */
export function expectOnlyBackground(image: RenderedImage, region: Rect, bg: string) {
  const [r, g, b] = rgb(bg);
  let stray = 0;
  for (let y = region.y; y < region.y + region.height; y++) {
    for (let x = region.x; x < region.x + region.width; x++) {
      const i = (y * image.width + x) * 4;
      if (Math.abs(image.rgba[i]! - r) > 2 || Math.abs(image.rgba[i + 1]! - g) > 2 || Math.abs(image.rgba[i + 2]! - b) > 2) stray++;
    }
  }
  expect(stray, `non-background pixels in ${JSON.stringify(region)}`).toBe(0);
}

/** How many pixels are (close to) the colour: used to show text was drawn. */
export function countColour(image: RenderedImage, hex: string, region: Rect = { x: 0, y: 0, width: image.width, height: image.height }): number {
  const [r, g, b] = rgb(hex);
  let n = 0;
  for (let y = region.y; y < region.y + region.height; y++) {
    for (let x = region.x; x < region.x + region.width; x++) {
      const i = (y * image.width + x) * 4;
      if (Math.abs(image.rgba[i]! - r) < 24 && Math.abs(image.rgba[i + 1]! - g) < 24 && Math.abs(image.rgba[i + 2]! - b) < 24) n++;
    }
  }
  return n;
}

/** The fraction of pixels that differ between two same-size images. */
export function differingFraction(a: RenderedImage, b: RenderedImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let n = 0;
  for (let i = 0; i < a.rgba.length; i += 4) {
    if (a.rgba[i] !== b.rgba[i] || a.rgba[i + 1] !== b.rgba[i + 1] || a.rgba[i + 2] !== b.rgba[i + 2]) n++;
  }
  return n / (a.width * a.height);
}
