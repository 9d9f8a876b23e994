// The image runtime as the Worker bundles it: WebAssembly as compiled modules
// and fonts as Data modules (wrangler.toml [[rules]]), never bytes compiled at
// run time (workerd forbids that).
import yogaWasm from "yoga-wasm-web/dist/yoga.wasm";
import resvgWasm from "@resvg/resvg-wasm/index_bg.wasm";
import { initImageRuntime } from "./image-runtime";
import interLatin400 from "./fonts/inter-latin-400-normal.woff";
import interLatin800 from "./fonts/inter-latin-800-normal.woff";
import interLatinExt400 from "./fonts/inter-latin-ext-400-normal.woff";
import interLatinExt800 from "./fonts/inter-latin-ext-800-normal.woff";
import emojiE from "./fonts/noto-emoji-emoji-400-normal.woff";
import emoji0 from "./fonts/noto-emoji-0-400-normal.woff";
import emoji1 from "./fonts/noto-emoji-1-400-normal.woff";
import emoji2 from "./fonts/noto-emoji-2-400-normal.woff";
import emoji3 from "./fonts/noto-emoji-3-400-normal.woff";
import emoji4 from "./fonts/noto-emoji-4-400-normal.woff";
import emoji5 from "./fonts/noto-emoji-5-400-normal.woff";
import emoji6 from "./fonts/noto-emoji-6-400-normal.woff";
import emoji7 from "./fonts/noto-emoji-7-400-normal.woff";
import emoji8 from "./fonts/noto-emoji-8-400-normal.woff";
import emoji9 from "./fonts/noto-emoji-9-400-normal.woff";
import emoji10 from "./fonts/noto-emoji-10-400-normal.woff";

export const BUNDLED_FONTS: Record<string, ArrayBuffer> = {
  "inter-latin-400-normal.woff": interLatin400,
  "inter-latin-800-normal.woff": interLatin800,
  "inter-latin-ext-400-normal.woff": interLatinExt400,
  "inter-latin-ext-800-normal.woff": interLatinExt800,
  "noto-emoji-emoji-400-normal.woff": emojiE,
  "noto-emoji-0-400-normal.woff": emoji0,
  "noto-emoji-1-400-normal.woff": emoji1,
  "noto-emoji-2-400-normal.woff": emoji2,
  "noto-emoji-3-400-normal.woff": emoji3,
  "noto-emoji-4-400-normal.woff": emoji4,
  "noto-emoji-5-400-normal.woff": emoji5,
  "noto-emoji-6-400-normal.woff": emoji6,
  "noto-emoji-7-400-normal.woff": emoji7,
  "noto-emoji-8-400-normal.woff": emoji8,
  "noto-emoji-9-400-normal.woff": emoji9,
  "noto-emoji-10-400-normal.woff": emoji10,
};

export function ensureImageRuntime(): Promise<void> {
  return initImageRuntime({ yogaWasm, resvgWasm, fonts: BUNDLED_FONTS });
}
