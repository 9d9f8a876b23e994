// Media in R2 under content-addressed keys, ws/<workspaceId>/<sha256>.<ext>:
// the same bytes always get the same key, so re-rendering is idempotent, and a
// key names its workspace. Keys that a re-render no longer uses are deleted
// unless another row of the workspace still points at them.
import type { Env } from "../env";

export const MEDIA_TYPES = {
  png: "image/png",
  jpg: "image/jpeg",
  mp4: "video/mp4",
  m4a: "audio/mp4",
  aac: "audio/aac",
} as const;

export type MediaExtension = keyof typeof MEDIA_TYPES;

const KEY_PATTERN = /^ws\/[A-Za-z0-9_-]{1,64}\/[0-9a-f]{64}\.(png|jpg|mp4|m4a|aac)$/;

export function isMediaKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

export function contentTypeOfKey(key: string): string {
  const ext = key.slice(key.lastIndexOf(".") + 1) as MediaExtension;
  return MEDIA_TYPES[ext] ?? "application/octet-stream";
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Stores the bytes (a no-op rewrite when the key exists) and returns the key. */
export async function putMedia(bucket: R2Bucket, workspaceId: string, bytes: Uint8Array, ext: MediaExtension): Promise<string> {
  const key = `ws/${workspaceId}/${await sha256Hex(bytes)}.${ext}`;
  await bucket.put(key, bytes, { httpMetadata: { contentType: MEDIA_TYPES[ext] } });
  return key;
}

/** The object's bytes; a missing object is an explicit failure with a reason (REGRESSIONS #9). */
export async function getMediaBytes(bucket: R2Bucket, key: string, what: string): Promise<Uint8Array> {
  const object = await bucket.get(key);
  if (!object) throw new Error(`${what} (${key}) is missing from media storage.`);
  return new Uint8Array(await object.arrayBuffer());
}

/**
 * Deletes those keys that no output (other than `exceptOutputId`, whose row
 * still holds its old keys) and no brand of the workspace refers to.
 */
export async function deleteUnreferenced(env: Env, workspaceId: string, keys: string[], exceptOutputId: string | null = null): Promise<string[]> {
  const candidates = [...new Set(keys)].filter((k) => k.startsWith(`ws/${workspaceId}/`));
  const deleted: string[] = [];
  for (const key of candidates) {
    const used = await env.DB.prepare(
      `SELECT 1 FROM job_outputs
         WHERE workspace_id = ?1 AND id IS NOT ?2
           AND (thumbnail_key = ?3 OR yt_thumbnail_key = ?3 OR video_key = ?3 OR cover_key = ?3 OR publish_cover_key = ?3
                OR EXISTS (SELECT 1 FROM json_each(coalesce(slide_keys, '[]')) WHERE value = ?3)
                OR EXISTS (SELECT 1 FROM json_each(coalesce(publish_slide_keys, '[]')) WHERE value = ?3))
       UNION ALL
       SELECT 1 FROM brands WHERE workspace_id = ?1 AND (logo_key = ?3 OR music_key = ?3)
       LIMIT 1`,
    )
      .bind(workspaceId, exceptOutputId, key)
      .first();
    if (!used) deleted.push(key);
  }
  if (deleted.length) await env.MEDIA.delete(deleted);
  return deleted;
}
