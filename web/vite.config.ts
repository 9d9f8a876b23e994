import preact from "@preact/preset-vite";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { defineConfig, type Plugin } from "vite";
import { checkChunks } from "./chunk-budget";

// Built into web/dist, which wrangler.toml serves as static assets with an SPA
// fallback; /api/* and /media/* reach the Worker. `npm run build` runs this
// from the repository root, so paths are resolved from this file.
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Fails the build when chart pages reach the main chunk or outgrow their budget (chunk-budget.ts). */
function chunkBudget(): Plugin {
  return {
    name: "brandcast-chunk-budget",
    apply: "build",
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).flatMap((o) =>
        o.type === "chunk" ? [{ fileName: o.fileName, isEntry: o.isEntry, isDynamicEntry: o.isDynamicEntry, moduleIds: o.moduleIds, imports: o.imports, code: o.code }] : [],
      );
      const report = checkChunks(chunks, (code) => gzipSync(code, { level: 9 }).length);
      if (report.errors.length) this.error(report.errors.join("\n"));
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      this.info(`main chunk ${kb(report.mainGzip)} gzipped; Analytics route ${kb(report.analyticsGzip)} gzipped (${report.analyticsFiles.join(", ")})`);
    },
  };
}

export default defineConfig({
  root: here("."),
  plugins: [preact({ devToolsInProd: false, prefreshEnabled: false }), chunkBudget()],
  build: {
    outDir: here("./dist"),
    emptyOutDir: true,
    target: "es2022",
    rollupOptions: {
      input: {
        main: here("./index.html"),
      },
    },
  },
  server: {
    // `vite --config web/vite.config.ts` during development: the API comes from `wrangler dev`.
    proxy: { "/api": "http://127.0.0.1:8787", "/media": "http://127.0.0.1:8787" },
  },
});
