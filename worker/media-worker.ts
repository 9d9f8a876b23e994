// brandcast-media: the second Worker, which renders media (satori, resvg, the
// H.264 encoder, JPEG) so that a reel's seconds of CPU never run in the
// isolate serving the API. The API Worker calls it over its MEDIA_RENDERER
// service binding (RPC); it needs only the media bucket (wrangler.media.toml).
import { WorkerEntrypoint } from "cloudflare:workers";
import { musicProblem } from "./media/music";
import { renderOutputMedia, type MediaEnv, type RenderedOutputKeys, type RenderOutputInput } from "./media/render-output";

export default class MediaRenderer extends WorkerEntrypoint<MediaEnv> {
  /** Renders an output's media into R2 and returns its keys; a MediaRenderError's message says what failed. */
  async render(input: RenderOutputInput): Promise<RenderedOutputKeys> {
    return renderOutputMedia(this.env, input);
  }

  /** Why an uploaded music file cannot be a reel's music (null: it can); the API Worker checks uploads with it. */
  async checkMusic(bytes: Uint8Array): Promise<string | null> {
    return musicProblem(bytes);
  }

  /** No HTTP API: only a health answer, so scripts can wait for it to be up. */
  override async fetch(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === "/health") return Response.json({ ok: true, worker: "brandcast-media" });
    return Response.json({ error: { code: "not_found", message: "brandcast-media is called over its service binding (RPC)." } }, { status: 404 });
  }
}
