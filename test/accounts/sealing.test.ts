// Credentials at rest (DESIGN.md §7.1): AES-GCM with a fresh IV, the
// account's id as additional data and the key's id in the value; fail closed
// without a valid 32-byte key; rotation with TOKEN_ENCRYPTION_KEY_PREVIOUS
// re-seals every row, after which the previous key can be removed.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readCredentials, type AccountRow } from "../../worker/accounts/credentials";
import { runRefresh } from "../../worker/accounts/refresh";
import { decodeKey, EncryptionKeyMissing, keyRing, KEY_HELP, open, seal, SealBroken, sealedKid } from "../../worker/accounts/sealing";
import { toBase64Url } from "../../worker/auth/crypto";
import type { Env } from "../../worker/env";
import { createBrand, expectClientError, json, signup } from "../support/fixtures";
import { accountRow, fetchWithEnv } from "./helpers";

const key = (fill: number) => btoa(String.fromCharCode(...new Uint8Array(32).fill(fill)));
const K1 = env.TOKEN_ENCRYPTION_KEY;
const K2 = key(7);
const withKeys = (current: string | undefined, previous?: string) => ({ ...env, TOKEN_ENCRYPTION_KEY: current, TOKEN_ENCRYPTION_KEY_PREVIOUS: previous }) as Env;

describe("the key", () => {
  it("is base64 or base64url of exactly 32 bytes, nothing else", () => {
    const raw = new Uint8Array(32).map((_, i) => 250 - i); // bytes whose base64 has + and /
    expect(decodeKey(btoa(String.fromCharCode(...raw)))).toEqual(raw);
    expect(decodeKey(toBase64Url(raw))).toEqual(raw);
    expect(decodeKey(K1)).not.toBeNull();
    for (const bad of [undefined, "", "secret", "dev-key-please-change", btoa("x".repeat(31)), btoa("x".repeat(33)), "!".repeat(43)]) {
      expect(decodeKey(bad), String(bad)).toBeNull();
    }
  });

  it("fails closed when missing or malformed, saying how to create one", async () => {
    for (const bad of [undefined, "", "not-a-key", btoa("x".repeat(16))]) {
      const err = await keyRing(withKeys(bad)).catch((e) => e);
      expect(err).toBeInstanceOf(EncryptionKeyMissing);
      expect(err.message).toContain(KEY_HELP);
    }
    // A malformed previous key would strand every row sealed with it: refused too.
    await expect(keyRing(withKeys(K1, "oops"))).rejects.toBeInstanceOf(EncryptionKeyMissing);
  });
});

describe("sealing", () => {
  it("uses a fresh IV each time and names the key", async () => {
    const ring = await keyRing(env);
    const a = await seal(ring, "acc_1", "hello");
    const b = await seal(ring, "acc_1", "hello");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]{8}\./);
    expect(sealedKid(a)).toBe(ring.current.kid);
    expect(await open(ring, "acc_1", a)).toBe("hello");
  });

  it("does not open with another key, for another account, or after tampering", async () => {
    const ring = await keyRing(env);
    const sealed = await seal(ring, "acc_1", "token");
    await expect(open(await keyRing(withKeys(K2)), "acc_1", sealed)).rejects.toBeInstanceOf(SealBroken);
    await expect(open(ring, "acc_2", sealed)).rejects.toBeInstanceOf(SealBroken);
    const body = sealed.split(".")[2]!;
    const flipped = `${sealed.slice(0, sealed.length - body.length)}${body.slice(0, 20)}${body[20] === "A" ? "B" : "A"}${body.slice(21)}`;
    await expect(open(ring, "acc_1", flipped)).rejects.toBeInstanceOf(SealBroken);
  });
});

describe("credentials at rest through the API", () => {
  it("PUT with no valid key answers 409 with the command and stores nothing", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    for (const bad of [undefined, "short"]) {
      const res = await fetchWithEnv({ TOKEN_ENCRYPTION_KEY: bad as string }, `/api/brands/${brand.id}/accounts/instagram`, {
        cookie: s.cookie,
        method: "PUT",
        body: { externalId: "1784", accessToken: "IGAA-secret" },
      });
      const err = await expectClientError(res, 409, "encryption_key_missing");
      expect(err.message).toContain("openssl rand -base64 32 | npx wrangler secret put TOKEN_ENCRYPTION_KEY");
    }
    expect(await accountRow(brand.id, "instagram")).toBeNull();
    // connect fails closed too: nobody is sent to a consent page whose result could not be stored.
    const res = await fetchWithEnv({ TOKEN_ENCRYPTION_KEY: "" }, `/api/brands/${brand.id}/accounts/youtube/connect`, { cookie: s.cookie, body: {} });
    await expectClientError(res, 409, "encryption_key_missing");
  });

  it("reading fails closed without the key, and the token never appears in an answer", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const acc = await json(`/api/brands/${brand.id}/accounts/instagram`, { ...s, method: "PUT", body: { externalId: "1784", accessToken: "IGAA-very-secret" } }, 200);
    expect(JSON.stringify(acc)).not.toContain("IGAA-very-secret");
    expect(acc).toMatchObject({ platform: "instagram", externalId: "1784", status: "connected" });
    const row = (await accountRow(brand.id, "instagram"))!;
    expect(row.credentials).not.toContain("IGAA");
    expect(await readCredentials(env, row)).toEqual({ accessToken: "IGAA-very-secret", refreshToken: null });
    await expect(readCredentials(withKeys(undefined), row)).rejects.toBeInstanceOf(EncryptionKeyMissing);
    await expect(readCredentials(withKeys(K2), row)).rejects.toBeInstanceOf(SealBroken);
  });

  it("a ciphertext moved onto another account's row does not open (the account id is additional data)", async () => {
    const s = await signup();
    const a = await createBrand(s);
    const b = await createBrand(s);
    await json(`/api/brands/${a.id}/accounts/instagram`, { ...s, method: "PUT", body: { externalId: "A", accessToken: "token-of-A" } }, 200);
    await json(`/api/brands/${b.id}/accounts/instagram`, { ...s, method: "PUT", body: { externalId: "B", accessToken: "token-of-B" } }, 200);
    const rowA = (await accountRow(a.id, "instagram"))!;
    await env.DB.prepare("UPDATE platform_accounts SET credentials = ? WHERE brand_id = ? AND platform = 'instagram'").bind(rowA.credentials, b.id).run();
    const rowB = (await accountRow(b.id, "instagram"))!;
    await expect(readCredentials(env, rowB)).rejects.toBeInstanceOf(SealBroken);
  });
});

describe("rotation", () => {
  it("with the previous key kept, reads accept both; the refresh pass re-seals every row; then the previous key can go", async () => {
    const s = await signup();
    const brands = await Promise.all([createBrand(s), createBrand(s), createBrand(s)]);
    for (const [i, b] of brands.entries()) {
      await json(`/api/brands/${b.id}/accounts/sandbox`, { ...s, method: "PUT", body: { externalId: `sb${i}`, accessToken: `sandbox-${i}` } }, 200);
    }
    // A row from before key ids (base64url(iv || ct), no additional data) is upgraded too.
    const legacyBrand = await createBrand(s);
    await json(`/api/brands/${legacyBrand.id}/accounts/sandbox`, { ...s, method: "PUT", body: { externalId: "legacy", accessToken: "x" } }, 200);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const k1 = await crypto.subtle.importKey("raw", decodeKey(K1)!, "AES-GCM", false, ["encrypt"]);
    const ct = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, k1, new TextEncoder().encode('{"accessToken":"legacy-token","refreshToken":null}')));
    await env.DB.prepare("UPDATE platform_accounts SET credentials = ? WHERE brand_id = ?").bind(toBase64Url(new Uint8Array([...iv, ...ct])), legacyBrand.id).run();

    const rotating = withKeys(K2, K1);
    const newKid = (await keyRing(rotating)).current.kid;
    const rows = async () =>
      (await env.DB.prepare("SELECT * FROM platform_accounts WHERE workspace_id = ? ORDER BY external_id").bind(s.workspaceId).all<AccountRow>()).results;
    // A value sealed without additional data opens for the rotation pass only: any other read refuses it.
    for (const r of await rows()) {
      if (r.external_id === "legacy") await expect(readCredentials(rotating, r)).rejects.toThrow(/sealed before key ids.*the refresh pass re-seals them/);
      else expect((await readCredentials(rotating, r)).accessToken).toMatch(/^sandbox-\d$/);
    }
    // Before the pass, the new key alone cannot read them.
    await expect(readCredentials(withKeys(K2), (await rows())[0]!)).rejects.toBeInstanceOf(SealBroken);

    const counts = await runRefresh(rotating, s.workspaceId);
    expect(counts).toMatchObject({ succeeded: 4, failed: 0 });
    for (const r of await rows()) expect(sealedKid(r.credentials)).toBe(newKid);
    const onlyNew = withKeys(K2);
    expect((await Promise.all((await rows()).map((r) => readCredentials(onlyNew, r)))).map((c) => c.accessToken)).toEqual([
      "legacy-token",
      "sandbox-0",
      "sandbox-1",
      "sandbox-2",
    ]);
    // A second pass finds nothing left to re-seal.
    expect(await runRefresh(rotating, s.workspaceId)).toMatchObject({ processed: 0 });
  });
});
