// GET /sandbox/:deliveryId: the page of a post the `sandbox` platform
// "published" (worker/publishing/sandbox.ts). Public like a real permalink:
// the delivery id is unguessable, and the media are served through signed,
// expiring URLs.
import { Hono } from "hono";
import type { AppEnv } from "../auth/context";
import { signMediaUrl } from "../media/signed-url";

interface SandboxPostRow {
  kind: "reel" | "post";
  caption: string;
  title: string;
  video_key: string | null;
  cover_key: string | null;
  slide_keys: string | null;
  created_at: number;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

const HEADERS = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy": "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'",
};

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;background:#f4f4f5;color:#18181b}
main{max-width:420px;margin:2rem auto;background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002;overflow:hidden}
video,img{display:block;width:100%;background:#000}
.slides{display:flex;overflow-x:auto;scroll-snap-type:x mandatory}.slides img{flex:0 0 100%;scroll-snap-align:start}
.text{padding:1rem}.text h1{font-size:1.05rem;margin:0 0 .5rem}.text p{white-space:pre-wrap;margin:0 0 .75rem}
.meta{font-size:.8rem;color:#71717a}
</style></head><body><main>${body}</main></body></html>`;
}

export const sandboxRoutes = new Hono<AppEnv>().get("/:deliveryId", async (c) => {
  const deliveryId = c.req.param("deliveryId");
  const post = /^[A-Za-z0-9_-]{1,80}$/.test(deliveryId)
    ? await c.env.DB.prepare("SELECT kind, caption, title, video_key, cover_key, slide_keys, created_at FROM sandbox_posts WHERE delivery_id = ?")
        .bind(deliveryId)
        .first<SandboxPostRow>()
    : null;
  if (!post) {
    const body = `<div class="text"><h1>Post not found</h1><p>Nothing was published to the sandbox under this link.</p></div>`;
    return c.body(page("Post not found · Brandcast sandbox", body), 404, HEADERS);
  }
  // Same origin as this page: the browser fetches the media from here.
  const origin = new URL(c.req.url).origin;
  const sign = (key: string) => signMediaUrl(c.env, key, { origin });
  let media: string;
  if (post.kind === "reel" && post.video_key) {
    const poster = post.cover_key ? ` poster="${escapeHtml(await sign(post.cover_key))}"` : "";
    media = `<video controls playsinline preload="metadata"${poster} src="${escapeHtml(await sign(post.video_key))}"></video>`;
  } else {
    const keys = post.slide_keys ? (JSON.parse(post.slide_keys) as string[]) : post.cover_key ? [post.cover_key] : [];
    const images = await Promise.all(keys.map(async (k, i) => `<img src="${escapeHtml(await sign(k))}" alt="Slide ${i + 1} of ${keys.length}">`));
    media = `<div class="slides">${images.join("")}</div>`;
  }
  const when = new Date(post.created_at).toISOString().replace("T", " ").slice(0, 16);
  const body = `${media}<div class="text"><h1>${escapeHtml(post.title || "Untitled")}</h1><p>${escapeHtml(post.caption)}</p>
<div class="meta">Published to the Brandcast sandbox on ${when} UTC</div></div>`;
  return c.body(page(`${post.title || "Post"} · Brandcast sandbox`, body), 200, HEADERS);
});
