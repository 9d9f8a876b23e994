// The Workers test pool's main module (vitest.config.ts): the API Worker as
// deployed (every export, so classes added to worker/index.ts need nothing
// here), plus the media Worker's entrypoint, which the pool's MEDIA_RENDERER
// binding points at. Tests so exercise the real RPC path, in one isolate.
//
// One difference: messages the Worker sends to its own queues are not
// consumed in the background. The pool merges wrangler.toml's consumers into
// its options (an empty `queueConsumers` override removes none of them), so
// miniflare would otherwise deliver every `generate` message to this entry,
// rendering media behind a test's back and racing the test's own delivery.
// Tests deliver batches themselves (createMessageBatch, worker/index's queue()).
import worker from "../../worker/index";

export * from "../../worker/index";
export default {
  ...worker,
  /** Received and dropped (acked): a test decides when, and whether, a message is consumed. */
  async queue() {},
} satisfies typeof worker;
export { default as MediaRenderer } from "../../worker/media-worker";
