// The Workers test pool's main module (vitest.config.ts): the API Worker as
// deployed (every export, so classes added to worker/index.ts need nothing
// here), plus the media Worker's entrypoint, which the pool's MEDIA_RENDERER
// binding points at. Tests so exercise the real RPC path, in one isolate.
export * from "../../worker/index";
export { default } from "../../worker/index";
export { default as MediaRenderer } from "../../worker/media-worker";
