// The API Worker's bundle holds no renderer: rendering lives in the media
// Worker (wrangler.media.toml), so an import of the render code from anything
// the API entry reaches would put seconds of CPU back in the API's isolate
// (and 5 MB back in its bundle). Bundled by wrangler exactly as deployed.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");
const dirs: string[] = [];

function dryRun(config: string): { files: string[]; code: string } {
  const out = mkdtempSync(join(tmpdir(), "brandcast-bundle-"));
  dirs.push(out);
  execFileSync(WRANGLER, ["deploy", "-c", config, "--dry-run", "--outdir", out], { cwd: ROOT, stdio: "pipe", env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" } });
  const files = readdirSync(out);
  // The entry is named after `main` (index.js, media-worker.js).
  const entry = files.find((f) => f.endsWith(".js"));
  if (!entry) throw new Error(`no bundle in ${files.join(", ")}`);
  return { files, code: readFileSync(join(out, entry), "utf8") };
}

const RENDERER_MARKERS = [/node_modules\/satori\//, /node_modules\/mediabunny\//, /node_modules\/@resvg\//, /node_modules\/jpeg-js\//, /worker\/media\/h264\//, /worker\/media\/render-output\.ts/, /worker\/media\/fonts\/ondemand\.json/, /worker\/media\/additional-assets\.ts/];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("bundles", () => {
  it("the API Worker holds no renderer: no WebAssembly, no fonts, none of the media code", () => {
    const api = dryRun("wrangler.toml");
    expect(api.files.filter((f) => /\.(wasm|woff)$/.test(f))).toEqual([]);
    for (const marker of RENDERER_MARKERS) expect(api.code, String(marker)).not.toMatch(marker);
    expect(Buffer.byteLength(api.code)).toBeLessThan(2_000_000);
  });

  it("the media Worker holds all of it", () => {
    const media = dryRun("wrangler.media.toml");
    expect(media.files.filter((f) => f.endsWith(".wasm"))).toHaveLength(2); // yoga, resvg
    for (const marker of RENDERER_MARKERS) expect(media.code, String(marker)).toMatch(marker);
  });
});
