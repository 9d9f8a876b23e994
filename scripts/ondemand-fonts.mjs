// Regenerates the fonts the media Worker loads on demand (worker/media/fonts/ondemand/)
// and their manifest (worker/media/fonts/ondemand.json): which chunk file holds
// which code points. The chunks are @fontsource's unicode-range subsets (the
// numbered "[N]" ones), in WOFF because satori cannot read WOFF2:
//   Noto Sans SC, TC, JP, KR (weight 800, the weight slides draw text in) for Han, kana and Hangul;
//   Noto Emoji (monochrome, 400) for symbols Inter lacks and emoji Twemoji has no picture for.
// They reach the media Worker as static assets (scripts/media-assets.mjs), not in its bundle.
//
// Usage: unpack the packages, then run this with the directory that holds them:
//   mkdir /tmp/fs && cd /tmp/fs && for p in noto-sans-sc noto-sans-tc noto-sans-jp noto-sans-kr; do
//     npm pack @fontsource/$p@5.3.0 && mkdir $p && tar xzf fontsource-$p-5.3.0.tgz -C $p; done
//   npm pack @fontsource/noto-emoji@5.3.2 && mkdir noto-emoji && tar xzf fontsource-noto-emoji-5.3.2.tgz -C noto-emoji
//   node scripts/ondemand-fonts.mjs /tmp/fs
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./local-env.mjs";

export const ONDEMAND_FAMILIES = {
  "noto-sans-sc": { name: "Noto Sans SC", weight: 800, version: "5.3.0" },
  "noto-sans-tc": { name: "Noto Sans TC", weight: 800, version: "5.3.0" },
  "noto-sans-jp": { name: "Noto Sans JP", weight: 800, version: "5.3.0" },
  "noto-sans-kr": { name: "Noto Sans KR", weight: 800, version: "5.3.0" },
  "noto-emoji": { name: "Noto Emoji", weight: 400, version: "5.3.2" },
};

export const ONDEMAND_DIR = join(ROOT, "worker/media/fonts/ondemand");

function main(source) {
  const manifest = {};
  rmSync(ONDEMAND_DIR, { recursive: true, force: true });
  for (const [family, { name, weight, version }] of Object.entries(ONDEMAND_FAMILIES)) {
    const pkg = join(source, family, "package");
    const meta = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
    if (meta.version !== version) throw new Error(`${family}: expected @fontsource/${family}@${version}, found ${meta.version}`);
    const unicode = JSON.parse(readFileSync(join(pkg, "unicode.json"), "utf8"));
    const chunks = [];
    mkdirSync(join(ONDEMAND_DIR, family), { recursive: true });
    for (const [key, ranges] of Object.entries(unicode)) {
      const n = /^\[(\d+)\]$/.exec(key)?.[1];
      if (n === undefined) continue; // the named subsets (latin, cyrillic…) repeat what Inter has
      const file = `${family}-${n}-${weight}-normal.woff`;
      if (!existsSync(join(pkg, "files", file))) throw new Error(`missing ${file}`);
      copyFileSync(join(pkg, "files", file), join(ONDEMAND_DIR, family, file));
      chunks.push([file, ranges.replaceAll("U+", "").toLowerCase()]);
    }
    copyFileSync(join(pkg, "LICENSE"), join(ONDEMAND_DIR, family, "LICENSE"));
    manifest[family] = { name, weight, chunks };
  }
  writeFileSync(join(ROOT, "worker/media/fonts/ondemand.json"), `${JSON.stringify(manifest)}\n`);
  console.log(Object.entries(manifest).map(([f, m]) => `${f}: ${m.chunks.length} chunks`).join("\n"));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!process.argv[2]) throw new Error("usage: node scripts/ondemand-fonts.mjs <directory of unpacked @fontsource packages>");
  main(process.argv[2]);
}
