// The Workers test pool's main module: the API Worker as deployed, plus the
// media Worker's entrypoint, which the pool's MEDIA_RENDERER binding points at
// (vitest.config.ts). Tests so exercise the real RPC path in one isolate.
export { default, BrandScheduler } from "../../worker/index";
export { default as MediaRenderer } from "../../worker/media-worker";
