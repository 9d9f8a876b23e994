// GET|HEAD /media/:key?exp=&sig=: an object from R2 through a signed,
// expiring URL (signed-url.ts), with byte ranges for video players and
// platform fetchers, and ETag revalidation. Bad or expired signatures are
// 403; unknown keys 404, after the signature check so nothing leaks.
import { Hono } from "hono";
import type { AppEnv } from "../auth/context";
import { ApiError, forbidden, notFound } from "../errors";
import { parseRange } from "../media/range";
import { verifyMediaSignature } from "../media/signed-url";
import { contentTypeOfKey, isMediaKey } from "../media/storage";

/** Shared caches may keep a response this long at most, and never past the URL's expiry. */
const MAX_CACHE_SECONDS = 24 * 60 * 60;

function etagMatches(header: string, etag: string): boolean {
  const bare = (t: string) => t.trim().replace(/^W\//, "");
  return header.split(",").some((t) => t.trim() === "*" || bare(t) === bare(etag));
}

export const mediaRoutes = new Hono<AppEnv>().on(["GET", "HEAD"], "/:key{.+}", async (c) => {
  const key = c.req.param("key");
  const check = await verifyMediaSignature(c.env, key, c.req.query("exp"), c.req.query("sig"));
  if (!check.ok) throw forbidden(check.reason === "expired" ? "This media link has expired." : "This media link is not valid.");
  if (!isMediaKey(key)) throw notFound("Media");
  const head = await c.env.MEDIA.head(key);
  if (!head) throw notFound("Media");

  const remaining = check.exp - Math.floor(Date.now() / 1000);
  const headers = new Headers({
    "Accept-Ranges": "bytes",
    ETag: head.httpEtag,
    "Last-Modified": head.uploaded.toUTCString(),
    // Keys are content hashes: the bytes behind a URL never change.
    "Cache-Control": `public, max-age=${Math.max(0, Math.min(remaining, MAX_CACHE_SECONDS))}, immutable`,
    "X-Content-Type-Options": "nosniff",
  });
  const ifNoneMatch = c.req.header("if-none-match");
  if (ifNoneMatch && etagMatches(ifNoneMatch, head.httpEtag)) return new Response(null, { status: 304, headers });

  headers.set("Content-Type", head.httpMetadata?.contentType ?? contentTypeOfKey(key));
  const ifRange = c.req.header("if-range");
  const range = ifRange && !etagMatches(ifRange, head.httpEtag) ? { kind: "whole" as const } : parseRange(c.req.header("range"), head.size);
  if (range.kind === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${head.size}`);
    return new Response(null, { status: 416, headers });
  }
  const part = range.kind === "part" ? range : null;
  headers.set("Content-Length", String(part ? part.length : head.size));
  if (part) headers.set("Content-Range", `bytes ${part.offset}-${part.offset + part.length - 1}/${head.size}`);
  const status = part ? 206 : 200;
  if (c.req.method === "HEAD") return new Response(null, { status, headers });

  const object = await c.env.MEDIA.get(key, part ? { range: { offset: part.offset, length: part.length } } : {});
  if (!object) throw notFound("Media");
  // The object changed between head and get (a delete): never send a body that disagrees with the headers.
  if (object.httpEtag !== head.httpEtag) throw new ApiError(409, "conflict", "The media changed; try again.");
  return new Response(object.body, { status, headers });
});
