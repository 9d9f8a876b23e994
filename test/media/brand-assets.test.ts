// PUT|DELETE /api/brands/:brandId/assets/:kind: checked by content and size,
// stored in R2, key on the brand row, editors only, workspace-scoped.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { h } from "../../worker/media/element";
import { renderImage } from "../../worker/media/image-runtime";
import { ensureImageRuntime } from "../../worker/media/runtime-workerd";
import { createBrand, expectClientError, ORIGIN, signup, type Session } from "../support/fixtures";
import { ALAC_M4A, HI_RATE_M4A, LIMIT_ADTS, MAIN_ADTS, SURROUND_M4A, TONE_ADTS, TONE_M4A, TONE_MP3 } from "./fixtures/audio";
import { TINY_JPEG } from "./fixtures/images";
import { appFetch } from "./helpers";

let owner: Session;
let png: Uint8Array;

beforeAll(async () => {
  owner = await signup();
  await ensureImageRuntime(env.MEDIA_ASSETS);
  png = (await renderImage(h("div", { width: 64, height: 64, display: "flex", backgroundColor: "#0ea5e9" }), 64, 64)).png;
});

function upload(s: Session, brandId: string, kind: string, body: Uint8Array | string, method = "PUT") {
  return appFetch(`/api/brands/${brandId}/assets/${kind}`, {
    method,
    headers: { cookie: s.cookie, origin: ORIGIN, "content-type": "application/octet-stream" },
    body: method === "DELETE" ? undefined : body,
  });
}

async function brandKeys(brandId: string) {
  return (await env.DB.prepare("SELECT logo_key, music_key FROM brands WHERE id = ?").bind(brandId).first<{ logo_key: string | null; music_key: string | null }>())!;
}

describe("logo", () => {
  it("PNG and JPEG are stored and saved on the brand; the replaced logo is deleted", async () => {
    const brand = await createBrand(owner);
    const res = await upload(owner, brand.id, "logo", png);
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { key: string; contentType: string; url: string };
    expect(body.key).toMatch(new RegExp(`^ws/${owner.workspaceId}/[0-9a-f]{64}\\.png$`));
    expect(body.contentType).toBe("image/png");
    expect((await brandKeys(brand.id)).logo_key).toBe(body.key);
    // The returned signed URL serves it.
    const served = await appFetch(body.url);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(png);

    const jpeg = (await (await upload(owner, brand.id, "logo", TINY_JPEG)).json()) as { key: string };
    expect(jpeg.key).toMatch(/\.jpg$/);
    expect((await brandKeys(brand.id)).logo_key).toBe(jpeg.key);
    expect(await env.MEDIA.head(body.key)).toBeNull();
  });

  it("a logo of almost 2 MB is accepted (uploads are not held to the JSON body limit)", async () => {
    const brand = await createBrand(owner);
    const big = new Uint8Array(2 * 1024 * 1024 - 1024);
    big.set(png); // a PNG signature and header, then filler
    const res = await upload(owner, brand.id, "logo", big);
    expect(res.status, await res.clone().text()).toBe(200);
  });

  it("anything but PNG or JPEG is 400, over 2 MB is 413", async () => {
    const brand = await createBrand(owner);
    await expectClientError(await upload(owner, brand.id, "logo", "<svg xmlns='http://www.w3.org/2000/svg'/>"), 400, "invalid_input");
    await expectClientError(await upload(owner, brand.id, "logo", TONE_M4A), 400, "invalid_input");
    const big = new Uint8Array(2 * 1024 * 1024 + 1);
    big.set(png);
    await expectClientError(await upload(owner, brand.id, "logo", big), 413, "payload_too_large");
    expect((await brandKeys(brand.id)).logo_key).toBeNull();
  });

  it("an unknown asset kind is 400", async () => {
    const brand = await createBrand(owner);
    await expectClientError(await upload(owner, brand.id, "font", png), 400, "invalid_input");
  });
});

describe("music", () => {
  it("AAC in M4A or ADTS is accepted; MP3 is refused; DELETE removes it", async () => {
    const brand = await createBrand(owner);
    const m4a = await upload(owner, brand.id, "music", TONE_M4A);
    expect(m4a.status, await m4a.clone().text()).toBe(200);
    const first = (await m4a.json()) as { key: string; contentType: string };
    expect(first.contentType).toBe("audio/mp4");
    const adts = (await (await upload(owner, brand.id, "music", TONE_ADTS)).json()) as { key: string; contentType: string };
    expect(adts.contentType).toBe("audio/aac");
    expect((await brandKeys(brand.id)).music_key).toBe(adts.key);

    await expectClientError(await upload(owner, brand.id, "music", TONE_MP3), 400, "invalid_input");
    expect((await brandKeys(brand.id)).music_key).toBe(adts.key);

    const del = await upload(owner, brand.id, "music", "", "DELETE");
    expect(del.status).toBe(204);
    expect((await brandKeys(brand.id)).music_key).toBeNull();
    expect(await env.MEDIA.head(adts.key)).toBeNull();
  });

  it.each([
    ["AAC-LC at 96 kHz", HI_RATE_M4A, "96 kHz"],
    ["AAC-LC 5.1", SURROUND_M4A, "6 channels"],
    ["AAC Main profile", MAIN_ADTS, "AAC Main"],
    ["Apple Lossless", ALAC_M4A, "Apple Lossless"],
  ])("%s is 400, says what it is and what to upload, and changes nothing", async (_name, bytes, what) => {
    const brand = await createBrand(owner);
    const kept = (await (await upload(owner, brand.id, "music", LIMIT_ADTS)).json()) as { key: string };
    const error = await expectClientError(await upload(owner, brand.id, "music", bytes), 400, "invalid_input");
    expect(error.message).toContain(what);
    expect(error.message).toContain("Upload AAC-LC audio at 48 kHz or less, mono or stereo");
    expect((await brandKeys(brand.id)).music_key).toBe(kept.key);
  });

  it("over 15 MB is 413", async () => {
    const brand = await createBrand(owner);
    await expectClientError(await upload(owner, brand.id, "music", new Uint8Array(15 * 1024 * 1024 + 1)), 413, "payload_too_large");
  });
});

describe("access", () => {
  it("another workspace's brand is 404, for uploads and deletes", async () => {
    const brand = await createBrand(owner);
    const stranger = await signup();
    await expectClientError(await upload(stranger, brand.id, "logo", png), 404, "not_found");
    await expectClientError(await upload(stranger, brand.id, "logo", "", "DELETE"), 404, "not_found");
    expect((await brandKeys(brand.id)).logo_key).toBeNull();
  });

  it("viewers cannot upload", async () => {
    const brand = await createBrand(owner);
    const viewer = await signup();
    await env.DB.prepare("INSERT INTO memberships (user_id, workspace_id, role) VALUES (?, ?, 'viewer')").bind(viewer.userId, owner.workspaceId).run();
    const res = await appFetch(`/api/brands/${brand.id}/assets/logo`, {
      method: "PUT",
      headers: { cookie: viewer.cookie, origin: ORIGIN, "x-workspace": owner.workspaceId },
      body: png,
    });
    await expectClientError(res, 403, "forbidden");
  });

  it("without credentials is 401", async () => {
    const brand = await createBrand(owner);
    const res = await appFetch(`/api/brands/${brand.id}/assets/logo`, { method: "PUT", body: png });
    await expectClientError(res, 401, "unauthenticated");
  });
});
