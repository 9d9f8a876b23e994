// GET /media/:key?exp=&sig=: signed, expiring URLs; byte ranges; ETags.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseRange } from "../../worker/media/range";
import { signMediaUrl } from "../../worker/media/signed-url";
import { putMedia } from "../../worker/media/storage";
import { expectClientError, ORIGIN } from "../support/fixtures";
import { appFetch } from "./helpers";

const BYTES = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);

async function stored(workspaceId = `w${crypto.randomUUID().slice(0, 8)}`, bytes = BYTES, ext: "png" | "mp4" = "mp4") {
  const key = await putMedia(env.MEDIA, workspaceId, bytes, ext);
  const url = await signMediaUrl(env, key, { ttlSeconds: 600 });
  return { key, url, workspaceId };
}

describe("signed URLs", () => {
  it("serve the object with its content type, length, ETag and cache headers", async () => {
    const { url, key } = await stored();
    expect(key).toMatch(/^ws\/w[0-9a-f]{8}\/[0-9a-f]{64}\.mp4$/);
    const res = await appFetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("video/mp4");
    expect(res.headers.get("content-length")).toBe("1000");
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]+"$/);
    expect(res.headers.get("cache-control")).toMatch(/^public, max-age=(59\d|600), immutable$/);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(BYTES);
  });

  it("absolute URLs when given an origin", async () => {
    const url = await signMediaUrl(env, "ws/a/b.png", { origin: ORIGIN });
    expect(url).toMatch(new RegExp(`^${ORIGIN}/media/ws/a/b\\.png\\?exp=\\d+&sig=[A-Za-z0-9_-]{43}$`));
  });

  it("HEAD answers the headers without a body", async () => {
    const { url } = await stored();
    const res = await appFetch(url, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe("1000");
    expect(await res.text()).toBe("");
  });

  it("an expired URL is 403", async () => {
    const { key } = await stored();
    const url = await signMediaUrl(env, key, { ttlSeconds: 60, now: Date.now() - 120_000 });
    const err = await expectClientError(await appFetch(url), 403, "forbidden");
    expect(err.message).toMatch(/expired/);
  });

  it("a tampered signature, expiry or missing signature is 403", async () => {
    const { url, key } = await stored();
    const u = new URL(url, ORIGIN);
    const sig = u.searchParams.get("sig")!;
    const exp = Number(u.searchParams.get("exp"));
    const bad = [
      `/media/${key}?exp=${exp}&sig=${sig.slice(0, -1)}${sig.endsWith("A") ? "B" : "A"}`,
      `/media/${key}?exp=${exp + 3600}&sig=${sig}`,
      `/media/${key}?exp=${exp}`,
      `/media/${key}`,
    ];
    for (const path of bad) await expectClientError(await appFetch(path), 403, "forbidden", path);
  });

  it("another workspace's key cannot be fetched with this key's signature", async () => {
    const mine = await stored();
    const theirs = await stored(undefined, Uint8Array.from([1, 2, 3]));
    const u = new URL(mine.url, ORIGIN);
    await expectClientError(await appFetch(`/media/${theirs.key}${u.search}`), 403, "forbidden");
    // With its own signature it is served: the signature is the credential.
    expect((await appFetch(theirs.url)).status).toBe(200);
  });

  it("an unknown key with a valid signature is 404", async () => {
    const url = await signMediaUrl(env, `ws/nobody/${"0".repeat(64)}.png`);
    await expectClientError(await appFetch(url), 404, "not_found");
  });
});

describe("byte ranges", () => {
  it("206 with Content-Range for a range, an open range and a suffix", async () => {
    const { url } = await stored();
    for (const [range, from, to] of [
      ["bytes=0-99", 0, 99],
      ["bytes=990-", 990, 999],
      ["bytes=-10", 990, 999],
      ["bytes=500-5000", 500, 999],
    ] as const) {
      const res = await appFetch(url, { headers: { range } });
      expect(res.status, range).toBe(206);
      expect(res.headers.get("content-range"), range).toBe(`bytes ${from}-${to}/1000`);
      expect(res.headers.get("content-length"), range).toBe(String(to - from + 1));
      expect(new Uint8Array(await res.arrayBuffer()), range).toEqual(BYTES.slice(from, to + 1));
    }
  });

  it("416 for a range past the end", async () => {
    const { url } = await stored();
    for (const range of ["bytes=1000-", "bytes=5000-6000", "bytes=-0"]) {
      const res = await appFetch(url, { headers: { range } });
      expect(res.status, range).toBe(416);
      expect(res.headers.get("content-range"), range).toBe("bytes */1000");
    }
  });

  it("ignores ranges it may ignore (other units, several ranges, reversed)", async () => {
    const { url } = await stored();
    for (const range of ["items=0-1", "bytes=0-1,5-6", "bytes=9-3", "bytes=abc"]) {
      const res = await appFetch(url, { headers: { range } });
      expect(res.status, range).toBe(200);
      expect(res.headers.get("content-length"), range).toBe("1000");
      await res.arrayBuffer();
    }
  });

  it("If-Range with another ETag gets the whole object", async () => {
    const { url } = await stored();
    const res = await appFetch(url, { headers: { range: "bytes=0-9", "if-range": '"other"' } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });

  it("parseRange handles an empty object", () => {
    expect(parseRange("bytes=0-", 0)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange(null, 0)).toEqual({ kind: "whole" });
  });
});

describe("ETags", () => {
  it("If-None-Match with the current ETag is 304 without a body", async () => {
    const { url } = await stored();
    const first = await appFetch(url);
    const etag = first.headers.get("etag")!;
    await first.arrayBuffer();
    for (const header of [etag, `W/${etag}`, `"nope", ${etag}`, "*"]) {
      const res = await appFetch(url, { headers: { "if-none-match": header } });
      expect(res.status, header).toBe(304);
      expect(res.headers.get("etag")).toBe(etag);
      expect(await res.text()).toBe("");
    }
    const changed = await appFetch(url, { headers: { "if-none-match": '"something-else"' } });
    expect(changed.status).toBe(200);
    await changed.arrayBuffer();
  });
});
