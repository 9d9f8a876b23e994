// PUT|DELETE /api/brands/:brandId/assets/:kind (kind: logo | music). The body
// is the file itself, not JSON: a PNG/JPEG logo up to 2 MB, AAC music up to
// 15 MB. Editors only; another workspace's brand is 404.
import { Hono } from "hono";
import type { AppEnv } from "../auth/context";
import { writesNeedEditor } from "../auth/middleware";
import { ApiError, invalid } from "../errors";
import { ASSET_KINDS, ASSET_LIMITS, removeBrandAsset, saveBrandAsset, type AssetKind } from "../media/brand-assets";
import { signMediaUrl } from "../media/signed-url";
import { getBrandRow } from "../services/brands";

function assetKind(value: string): AssetKind {
  if (!(ASSET_KINDS as readonly string[]).includes(value)) throw invalid(`Asset kind must be one of: ${ASSET_KINDS.join(", ")}.`);
  return value as AssetKind;
}

const tooLarge = (limit: number) => new ApiError(413, "payload_too_large", `This file is limited to ${limit / (1024 * 1024)} MB.`);

/** The request body, refused as soon as it passes the limit (a Content-Length is not trusted alone). */
async function readCapped(req: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  if (!req.body) throw invalid("Send the file as the request body.");
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  if (size === 0) throw invalid("Send the file as the request body.");
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export const brandAssetRoutes = new Hono<AppEnv>()
  .use(writesNeedEditor)
  .put("/:brandId/assets/:kind", async (c) => {
    const kind = assetKind(c.req.param("kind"));
    const workspaceId = c.get("actor").workspaceId;
    const brand = await getBrandRow(c.get("db"), workspaceId, c.req.param("brandId"));
    const bytes = await readCapped(c.req.raw, ASSET_LIMITS[kind]);
    const saved = await saveBrandAsset(c.env, workspaceId, brand.id, kind, bytes);
    const url = await signMediaUrl(c.env, saved.key, { origin: new URL(c.req.url).origin });
    return c.json({ ...saved, url });
  })
  .delete("/:brandId/assets/:kind", async (c) => {
    const kind = assetKind(c.req.param("kind"));
    const workspaceId = c.get("actor").workspaceId;
    const brand = await getBrandRow(c.get("db"), workspaceId, c.req.param("brandId"));
    await removeBrandAsset(c.env, workspaceId, brand.id, kind);
    return c.body(null, 204);
  });
