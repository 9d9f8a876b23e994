// Signed, expiring URLs for an output's media (DESIGN.md §6). Keys absent
// means no media yet: the field is left out, never faked.
import type { Env } from "../env";
import type { Media } from "../contract/schemas";

export interface MediaKeys {
  thumbnail_key: string | null;
  yt_thumbnail_key: string | null;
  video_key: string | null;
  cover_key: string | null;
  slide_keys: string | null;
}

export type UrlSigner = (env: Env, key: string, origin: string) => Promise<string>;

let signer: UrlSigner | null = null;

/** The media module registers its signer at import time; until then no URLs are produced. */
export function registerMediaSigner(fn: UrlSigner) {
  signer = fn;
}

export async function mediaUrls(env: Env, keys: MediaKeys, origin: string): Promise<Media> {
  const sign = signer;
  if (!sign) return {};
  const out: Media = {};
  if (keys.thumbnail_key) out.thumbnailUrl = await sign(env, keys.thumbnail_key, origin);
  if (keys.yt_thumbnail_key) out.ytThumbnailUrl = await sign(env, keys.yt_thumbnail_key, origin);
  if (keys.video_key) out.videoUrl = await sign(env, keys.video_key, origin);
  if (keys.cover_key) out.coverUrl = await sign(env, keys.cover_key, origin);
  if (keys.slide_keys) out.slideUrls = await Promise.all((JSON.parse(keys.slide_keys) as string[]).map((k) => sign(env, k, origin)));
  return out;
}
