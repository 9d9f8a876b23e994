// A brand's uploaded assets: its logo (PNG or JPEG, drawn on every image) and
// its music (AAC-LC, at most 48 kHz and two channels, copied into reels). Checked by content, stored in R2 under a
// content-addressed key, and the key saved on the brand row.
import { assetKind, type AssetKind } from "../contract/schemas";
import { invalid } from "../errors";
import { inspectMusic } from "./aac-config";
import type { Env } from "../env";
import { probeImage } from "./image-probe";
import { checkMusic } from "./renderer";
import { deleteUnreferenced, MEDIA_TYPES, putMedia, type MediaExtension } from "./storage";

export const ASSET_KINDS = assetKind.options;
export type { AssetKind };

export const ASSET_LIMITS: Record<AssetKind, number> = { logo: 2 * 1024 * 1024, music: 15 * 1024 * 1024 };
/** Larger logos cost render time for no gain at 88–220 px. */
export const MAX_LOGO_SIDE = 4096;

const COLUMN: Record<AssetKind, "logo_key" | "music_key"> = { logo: "logo_key", music: "music_key" };

/** Which file this is, or a 400 saying what was expected. */
export async function identifyAsset(env: Env, kind: AssetKind, bytes: Uint8Array): Promise<MediaExtension> {
  if (kind === "logo") {
    const info = probeImage(bytes);
    if (!info) throw invalid("The logo must be a PNG or JPEG image.");
    if (info.width < 1 || info.height < 1 || info.width > MAX_LOGO_SIDE || info.height > MAX_LOGO_SIDE) {
      throw invalid(`The logo must be between 1 and ${MAX_LOGO_SIDE} pixels on each side (it is ${info.width}×${info.height}).`);
    }
    return info.type === "png" ? "png" : "jpg";
  }
  // The stream's own headers first (pure parsing, no renderer): AAC-LC, ≤ 48 kHz, ≤ 2 channels.
  const music = inspectMusic(bytes);
  if (!music.ok) throw invalid(music.problem);
  // Then a full demux, which needs mediabunny, which lives with the renderer (renderer.ts).
  const demuxProblem = await checkMusic(env, bytes);
  if (demuxProblem) throw invalid(demuxProblem);
  return music.config.container === "mp4" ? "m4a" : "aac";
}

/** Stores the asset and points the brand at it; the previous asset goes if nothing else uses it. */
export async function saveBrandAsset(env: Env, workspaceId: string, brandId: string, kind: AssetKind, bytes: Uint8Array) {
  const ext = await identifyAsset(env, kind, bytes);
  const key = await putMedia(env.MEDIA, workspaceId, bytes, ext);
  const previous = await replaceBrandAssetKey(env, workspaceId, brandId, kind, key);
  if (previous && previous !== key) await deleteUnreferenced(env, workspaceId, [previous]);
  return { kind, key, bytes: bytes.length, contentType: MEDIA_TYPES[ext] };
}

export async function removeBrandAsset(env: Env, workspaceId: string, brandId: string, kind: AssetKind) {
  const previous = await replaceBrandAssetKey(env, workspaceId, brandId, kind, null);
  if (previous) await deleteUnreferenced(env, workspaceId, [previous]);
}

async function replaceBrandAssetKey(env: Env, workspaceId: string, brandId: string, kind: AssetKind, key: string | null): Promise<string | null> {
  const column = COLUMN[kind];
  // A batch is one transaction: the key read is the one the update replaces.
  const [before] = await env.DB.batch<{ previous: string | null }>([
    env.DB.prepare(`SELECT ${column} AS previous FROM brands WHERE id = ?1 AND workspace_id = ?2`).bind(brandId, workspaceId),
    env.DB.prepare(`UPDATE brands SET ${column} = ?1 WHERE id = ?2 AND workspace_id = ?3`).bind(key, brandId, workspaceId),
  ]);
  return before?.results[0]?.previous ?? null;
}
