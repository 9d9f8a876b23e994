// The media Worker's static assets (wrangler.media.toml [assets], binding
// MEDIA_ASSETS): what it loads on demand, kept out of its bundle.
//   emoji/<code points>.svg  Twemoji 16 (@discordapp/twemoji, graphics CC-BY 4.0), colour emoji
//   fonts/<family>/<chunk>.woff  CJK and monochrome-emoji font chunks (worker/media/fonts/ondemand)
// `npm run build` writes them to .wrangler/media-assets, which `npm start`,
// `npm test` and `npm run deploy` all build first; the Workers test pool and
// the Node media tests read the same files through mediaAssetFile().
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./local-env.mjs";

export const MEDIA_ASSETS_DIR = join(ROOT, ".wrangler/media-assets");
const TWEMOJI_SVG = join(ROOT, "node_modules/@discordapp/twemoji/dist/svg");
const ONDEMAND_FONTS = join(ROOT, "worker/media/fonts/ondemand");

/** The file behind an asset path ("emoji/1f680.svg", "fonts/noto-sans-sc/…woff"), or null. */
export function mediaAssetFile(path) {
  const clean = path.replace(/^\/+/, "");
  if (clean.includes("..")) return null;
  const [top, ...rest] = clean.split("/");
  const file = top === "emoji" ? join(TWEMOJI_SVG, ...rest) : top === "fonts" ? join(ONDEMAND_FONTS, ...rest) : null;
  return file && existsSync(file) ? file : null;
}

export function buildMediaAssets() {
  rmSync(MEDIA_ASSETS_DIR, { recursive: true, force: true });
  mkdirSync(MEDIA_ASSETS_DIR, { recursive: true });
  cpSync(TWEMOJI_SVG, join(MEDIA_ASSETS_DIR, "emoji"), { recursive: true });
  cpSync(ONDEMAND_FONTS, join(MEDIA_ASSETS_DIR, "fonts"), { recursive: true, filter: (src) => !src.endsWith("LICENSE") });
  // wrangler uploads every file under the directory; nothing else belongs there.
  return readdirSync(join(MEDIA_ASSETS_DIR, "emoji")).length;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const emoji = buildMediaAssets();
  console.log(`media assets: ${emoji} emoji, fonts from worker/media/fonts/ondemand → .wrangler/media-assets`);
}
