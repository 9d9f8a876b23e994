// The image runtime as the Worker bundles it: WebAssembly as compiled modules
// and fonts as Data modules (wrangler.media.toml [[rules]]), never bytes
// compiled at run time (workerd forbids that). Emoji pictures and CJK font
// chunks come from the media Worker's static assets (MEDIA_ASSETS).
import yogaWasm from "yoga-wasm-web/dist/yoga.wasm";
import resvgWasm from "@resvg/resvg-wasm/index_bg.wasm";
import { initImageRuntime, setAssetSource } from "./image-runtime";
import interLatin400 from "./fonts/inter-latin-400-normal.woff";
import interLatin800 from "./fonts/inter-latin-800-normal.woff";
import interLatinExt400 from "./fonts/inter-latin-ext-400-normal.woff";
import interLatinExt800 from "./fonts/inter-latin-ext-800-normal.woff";
import interVietnamese400 from "./fonts/inter-vietnamese-400-normal.woff";
import interVietnamese800 from "./fonts/inter-vietnamese-800-normal.woff";
import interCyrillic400 from "./fonts/inter-cyrillic-400-normal.woff";
import interCyrillic800 from "./fonts/inter-cyrillic-800-normal.woff";
import interCyrillicExt400 from "./fonts/inter-cyrillic-ext-400-normal.woff";
import interCyrillicExt800 from "./fonts/inter-cyrillic-ext-800-normal.woff";
import interGreek400 from "./fonts/inter-greek-400-normal.woff";
import interGreek800 from "./fonts/inter-greek-800-normal.woff";
import interGreekExt400 from "./fonts/inter-greek-ext-400-normal.woff";
import interGreekExt800 from "./fonts/inter-greek-ext-800-normal.woff";

export const BUNDLED_FONTS: Record<string, ArrayBuffer> = {
  "inter-latin-400-normal.woff": interLatin400,
  "inter-latin-800-normal.woff": interLatin800,
  "inter-latin-ext-400-normal.woff": interLatinExt400,
  "inter-latin-ext-800-normal.woff": interLatinExt800,
  "inter-vietnamese-400-normal.woff": interVietnamese400,
  "inter-vietnamese-800-normal.woff": interVietnamese800,
  "inter-cyrillic-400-normal.woff": interCyrillic400,
  "inter-cyrillic-800-normal.woff": interCyrillic800,
  "inter-cyrillic-ext-400-normal.woff": interCyrillicExt400,
  "inter-cyrillic-ext-800-normal.woff": interCyrillicExt800,
  "inter-greek-400-normal.woff": interGreek400,
  "inter-greek-800-normal.woff": interGreek800,
  "inter-greek-ext-400-normal.woff": interGreekExt400,
  "inter-greek-ext-800-normal.woff": interGreekExt800,
};

/** Reads media assets through the media Worker's assets binding (any origin: the binding serves by path). */
export function assetsFrom(binding: Fetcher | undefined) {
  if (!binding) return null;
  return async (path: string): Promise<ArrayBuffer | null> => {
    const res = await binding.fetch(`https://media-assets.invalid/${path}`);
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`the media asset ${path} answered ${res.status}`);
    return res.arrayBuffer();
  };
}

/** Starts the runtime once per isolate; `assets` is the MEDIA_ASSETS binding of the calling Worker. */
export function ensureImageRuntime(assets?: Fetcher): Promise<void> {
  if (assets) setAssetSource(assetsFrom(assets));
  return initImageRuntime({ yogaWasm, resvgWasm, fonts: BUNDLED_FONTS });
}
