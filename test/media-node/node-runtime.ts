// The image runtime in Node: the same modules the Worker bundles, read as file
// bytes (Node may compile WebAssembly from bytes; workerd may not), and the
// media Worker's assets (emoji, CJK font chunks) read from the files the build
// copies (scripts/media-assets.mjs).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FONT_FILES } from "../../worker/media/fonts";
import { initImageRuntime, setAssetSource } from "../../worker/media/image-runtime";
// @ts-expect-error plain ESM module without types
import { mediaAssetFile } from "../../scripts/media-assets.mjs";

const require = createRequire(import.meta.url);
const fontsDir = join(dirname(fileURLToPath(import.meta.url)), "../../worker/media/fonts");

function bytes(path: string): ArrayBuffer {
  const b = readFileSync(path);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

export function nodeAssetSource(path: string): Promise<ArrayBuffer | null> {
  const file = mediaAssetFile(path) as string | null;
  return Promise.resolve(file ? bytes(file) : null);
}

export function ensureNodeImageRuntime(): Promise<void> {
  setAssetSource(nodeAssetSource);
  return initImageRuntime({
    yogaWasm: bytes(require.resolve("yoga-wasm-web/dist/yoga.wasm")),
    resvgWasm: bytes(require.resolve("@resvg/resvg-wasm/index_bg.wasm")),
    fonts: Object.fromEntries(FONT_FILES.map((f) => [f.file, bytes(join(fontsDir, f.file))])),
  });
}
