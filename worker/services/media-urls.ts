// Signed, expiring URLs for an output's media (DESIGN.md §6). Keys absent
// means no media yet: the field is left out, never faked.
import type { Env } from "../env";
import type { Media } from "../contract/schemas";
import { HOUR } from "../lib/time";
import { signMediaUrl } from "../media/signed-url";

export interface MediaKeys {
  thumbnail_key: string | null;
  yt_thumbnail_key: string | null;
  video_key: string | null;
  cover_key: string | null;
  slide_keys: string | null;
}

/**
 * Signs as of the start of the hour, so a URL stays the same for an hour and
 * the calendar's polling keeps hitting the browser cache (validity 23–24 h).
 */
export function signForView(env: Env, key: string, origin: string): Promise<string> {
  return signMediaUrl(env, key, { origin, now: Math.floor(Date.now() / HOUR) * HOUR });
}

export async function mediaUrls(env: Env, keys: MediaKeys, origin: string): Promise<Media> {
  const out: Media = {};
  const sign = (k: string) => signForView(env, k, origin);
  if (keys.thumbnail_key) out.thumbnailUrl = await sign(keys.thumbnail_key);
  if (keys.yt_thumbnail_key) out.ytThumbnailUrl = await sign(keys.yt_thumbnail_key);
  if (keys.video_key) out.videoUrl = await sign(keys.video_key);
  if (keys.cover_key) out.coverUrl = await sign(keys.cover_key);
  if (keys.slide_keys) out.slideUrls = await Promise.all((JSON.parse(keys.slide_keys) as string[]).map(sign));
  return out;
}
