// For media.bench.mjs: the bench reel's slides as PNG files, rendered in Node
// by the same layouts and renderer the Worker uses.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderLayout } from "../../worker/media/render-layout";
import { ensureNodeImageRuntime } from "../media-node/node-runtime";
import { benchReelLayouts } from "./media-content";

export async function writeBenchSlides(dir: string): Promise<string[]> {
  await ensureNodeImageRuntime();
  const files: string[] = [];
  for (const [i, layout] of benchReelLayouts().entries()) {
    const file = join(dir, `slide-${i}.png`);
    writeFileSync(file, (await renderLayout(layout)).png);
    files.push(file);
  }
  return files;
}

export { BENCH_SECONDS_PER_SLIDE } from "./media-content";
