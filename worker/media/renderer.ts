// Where media work runs: in the media Worker (worker/media-worker.ts, its own
// isolate and, locally, its own process) behind the MEDIA_RENDERER binding, so
// seconds of rendering never stall the isolate that serves the API. The API
// Worker never imports the renderer: its bundle holds no satori, resvg,
// mediabunny or H.264 code (1.1 MB uploaded instead of 6.6 MB).
import type { Env } from "../env";
import type { RenderedOutputKeys, RenderOutputInput } from "./render-output";

export type Renderer = (env: Env, input: RenderOutputInput) => Promise<RenderedOutputKeys>;

function mediaWorker(env: Env): NonNullable<Env["MEDIA_RENDERER"]> {
  if (!env.MEDIA_RENDERER) throw new Error("Media rendering is not available: the MEDIA_RENDERER binding (the brandcast-media Worker) is missing.");
  return env.MEDIA_RENDERER;
}

export const renderMedia: Renderer = async (env, input) => {
  try {
    return (await mediaWorker(env).render(input)) as RenderedOutputKeys;
  } catch (err) {
    throw withoutRpcNamePrefix(err);
  }
};

/**
 * RPC rebuilds a thrown subclass as a plain Error whose message starts with
 * the class name ("MediaRenderError: Media failed while …"). The message is
 * what users read on a failed output, so it loses that prefix again.
 */
function withoutRpcNamePrefix(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const match = /^(?:MediaRenderError|MusicError): /.exec(err.message);
  return match ? new Error(err.message.slice(match[0].length), { cause: err }) : err;
}

/** Reads an uploaded music file as the reel encoder will: null when it is usable AAC, else why not. */
export async function checkMusic(env: Env, bytes: Uint8Array): Promise<string | null> {
  return mediaWorker(env).checkMusic(bytes);
}
