import preact from "@preact/preset-vite";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// Built into web/dist, which wrangler.toml serves as static assets with an SPA
// fallback; /api/* and /media/* reach the Worker. `npm run build` runs this
// from the repository root, so paths are resolved from this file.
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here("."),
  plugins: [preact({ devToolsInProd: false, prefreshEnabled: false })],
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
