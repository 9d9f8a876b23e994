// Facebook Login for Business end to end against its fake (PLATFORMS.md
// §7.1): two Pages (one with a linked Instagram account) and a choice, the
// Instagram account through a Page, declined permissions, a reused code,
// renewal, and Meta's signed deauthorisation and data-deletion callbacks.
// This file owns the facebook fake's OAuth switches.
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { hmacSha256, toBase64Url } from "../../worker/auth/crypto";
import { fakeAdmin } from "../fakes/admin";
import { createBrand, expectClientError, json, ORIGIN, signup, call, type Session } from "../support/fixtures";
import {
  accountRow,
  callback,
  callbackWithReusedCode,
  connectThrough,
  consent,
  deliveryRow,
  expectRefusedAndNothingStored,
  queuedDelivery,
  seedPlugin,
  startConnect,
  storedToken,
} from "./helpers";

const fb = fakeAdmin("facebook");
const META_USER = "10150000000000001";
const PAGES = [
  { id: "101000000000001", name: "Daily Habits", igUserId: "17841400000000001", igUsername: "dailyhabits" },
  { id: "101000000000002", name: "Money Minute" },
];

afterEach(async () => {
  await seedPlugin("facebook", "oauth-meta", { deny: false, declined: [], pages: PAGES });
});

type FbState = { tokens: Record<string, { kind: string; userId?: string; pageId?: string; valid: boolean; expiresAt: number | null }>; pages: Record<string, { accessToken: string }> };

describe("connect Facebook Pages through Facebook Login", () => {
  it("two Pages: the account waits for a choice, lists both without tokens, and takes the chosen Page's token", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const { authorize, landing } = await connectThrough(s, brand.id, "facebook");
    expect(authorize.pathname).toMatch(/^\/v\d+\.\d+\/dialog\/oauth$/);
    expect(authorize.searchParams.get("redirect_uri")).toBe("http://app.test/oauth/meta/callback");
    expect(authorize.searchParams.get("scope")!.split(",")).toEqual(expect.arrayContaining(["pages_manage_posts", "instagram_content_publish"]));
    expect(landing.path).toBe(`/brands/${brand.id}`);
    expect(landing.params.get("select")).toBe("facebook");

    const pending = (await json(`/api/brands/${brand.id}`, s, 200)).accounts[0];
    expect(pending).toMatchObject({ platform: "facebook", status: "pending_selection" });
    const res = await call(`/api/brands/${brand.id}/accounts/facebook/candidates`, s);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ candidates: [{ externalId: PAGES[0]!.id, name: "Daily Habits" }, { externalId: PAGES[1]!.id, name: "Money Minute" }] });
    const state = await fb.state<FbState>();
    for (const p of PAGES) expect(text).not.toContain(state.pages[p.id]!.accessToken);

    const chosen = await json(`/api/brands/${brand.id}/accounts/facebook/select`, { ...s, body: { externalId: PAGES[1]!.id } }, 200);
    expect(chosen).toMatchObject({ platform: "facebook", externalId: PAGES[1]!.id, name: "Money Minute", status: "connected" });
    expect((await storedToken(brand.id, "facebook")).accessToken).toBe(state.pages[PAGES[1]!.id]!.accessToken);
    expect(state.tokens[state.pages[PAGES[1]!.id]!.accessToken]).toMatchObject({ kind: "page", pageId: PAGES[1]!.id, valid: true });
    expect((await accountRow(brand.id, "facebook"))!.meta_user_id).toBe(META_USER);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM account_candidates").first("n")).toBe(0);

    // Once chosen, there is nothing left to choose.
    await expectClientError(await call(`/api/brands/${brand.id}/accounts/facebook/select`, { ...s, body: { externalId: PAGES[0]!.id } }), 409, "wrong_state");
    expect(await json(`/api/brands/${brand.id}/accounts/facebook/candidates`, s, 200)).toEqual({ candidates: [] });
  });

  it("select refuses a Page that was not among the candidates, and bad input", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await connectThrough(s, brand.id, "facebook");
    await expectClientError(await call(`/api/brands/${brand.id}/accounts/facebook/select`, { ...s, body: { externalId: "999" } }), 404, "not_found");
    await expectClientError(await call(`/api/brands/${brand.id}/accounts/facebook/select`, { ...s, body: {} }), 400, "invalid_input");
    await expectClientError(await call(`/api/brands/${brand.id}/accounts/facebook/select`, { ...s, body: { externalId: PAGES[0]!.id, extra: 1 } }), 400, "invalid_input");
    const other = await signup();
    await expectClientError(await call(`/api/brands/${brand.id}/accounts/facebook/candidates`, other), 404, "not_found");
    expect((await accountRow(brand.id, "facebook"))!.status).toBe("pending_selection");
  });

  it("Instagram through Facebook Login: the one Page with a linked account connects it directly", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const { authorize, landing } = await connectThrough(s, brand.id, "instagram", { via: "facebook" });
    expect(authorize.origin).toBe(fb.url);
    expect(landing.params.get("connected")).toBe("instagram");
    const acc = (await json(`/api/brands/${brand.id}`, s, 200)).accounts[0];
    expect(acc).toMatchObject({ platform: "instagram", externalId: PAGES[0]!.igUserId, name: "dailyhabits", status: "connected", loginVia: "facebook" });
    const state = await fb.state<FbState>();
    expect((await storedToken(brand.id, "instagram")).accessToken).toBe(state.pages[PAGES[0]!.id]!.accessToken);
  });

  it("no Page with a linked Instagram account: refused in words", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await seedPlugin("facebook", "oauth-meta", { pages: [PAGES[1]] });
    const { landing } = await connectThrough(s, brand.id, "instagram", { via: "facebook" });
    await expectRefusedAndNothingStored(landing, brand.id, "instagram", /None of the Facebook Pages you shared has a linked Instagram/);
  });

  it("a declined permission is named and nothing is stored", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await seedPlugin("facebook", "oauth-meta", { declined: ["pages_manage_posts"] });
    const { landing } = await connectThrough(s, brand.id, "facebook");
    await expectRefusedAndNothingStored(landing, brand.id, "facebook", /Facebook did not grant pages_manage_posts\. Connect again and keep that permission ticked/);
  });

  it("a denied consent stores nothing", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await seedPlugin("facebook", "oauth-meta", { deny: true });
    const { landing } = await connectThrough(s, brand.id, "facebook");
    await expectRefusedAndNothingStored(landing, brand.id, "facebook", /Facebook sign-in was cancelled/);
  });

  it("a reused code is Meta's OAuthException 100, and nothing is stored", async () => {
    const s = await signup();
    const { second, code, landing } = await callbackWithReusedCode(s, "facebook");
    await expectRefusedAndNothingStored(landing, second.id, "facebook", /Facebook refused the sign-in code \(This authorization code has been used\)/);
    const log = await fb.requests();
    expect(log.filter((r) => /\/oauth\/access_token$/.test(r.path) && r.query.code === code).map((r) => r.status)).toEqual([200, 400]);
  });
});

async function connectedPage(s: Session) {
  const brand = await createBrand(s);
  await connectThrough(s, brand.id, "facebook");
  await json(`/api/brands/${brand.id}/accounts/facebook/select`, { ...s, body: { externalId: PAGES[0]!.id } }, 200);
  return { brand, row: (await accountRow(brand.id, "facebook"))! };
}

describe("renewing Facebook tokens", () => {
  it("the refresh pass extends the user token and keeps the Page token; a revoked user turns the account needs_reconnect", async () => {
    const s = await signup();
    const { brand, row } = await connectedPage(s);
    await env.DB.prepare("UPDATE platform_accounts SET expires_at = ? WHERE id = ?").bind(Date.now() + 86_400_000, row.id).run();
    const run = await json(`/api/automation/run`, { ...s, body: { pass: "refresh" } }, 200);
    expect(run).toMatchObject({ succeeded: 1, failed: 0 });
    const after = (await accountRow(brand.id, "facebook"))!;
    expect(after.expires_at! - Date.now()).toBeGreaterThan(59 * 86_400_000);
    expect(after.credentials).not.toBe(row.credentials);
    const log = await fb.requests();
    expect(log.some((r) => r.query.grant_type === "fb_exchange_token")).toBe(true);

    await seedPlugin("facebook", "oauth-meta", { revokeUser: META_USER });
    await env.DB.prepare("UPDATE platform_accounts SET expires_at = ? WHERE id = ?").bind(Date.now() + 86_400_000, row.id).run();
    await json(`/api/automation/run`, { ...s, body: { pass: "refresh" } }, 200);
    const acc = (await json(`/api/brands/${brand.id}`, s, 200)).accounts[0];
    expect(acc).toMatchObject({ status: "needs_reconnect", statusReason: expect.stringMatching(/^Facebook refused to renew the token \(.+\)\. Reconnect the account\.$/) });
  });
});

/** Meta's format: base64url(HMAC-SHA256(payload part, secret)).base64url(payload). */
async function signedRequest(payload: Record<string, unknown>, secret = "meta-app-secret") {
  const body = toBase64Url(new TextEncoder().encode(JSON.stringify(payload)));
  return `${await hmacSha256(secret, body)}.${body}`;
}

function metaPost(path: string, signed: string) {
  return exports.default.fetch(
    new Request(`${ORIGIN}${path}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ signed_request: signed }) }),
  );
}

describe("Meta's deauthorisation and data-deletion callbacks", () => {
  it("refuses a bad signature and changes nothing", async () => {
    const s = await signup();
    const { brand, row } = await connectedPage(s);
    const payload = { user_id: META_USER, algorithm: "HMAC-SHA256", issued_at: Math.floor(Date.now() / 1000) };
    for (const bad of [await signedRequest(payload, "not-the-secret"), "abc", `${(await signedRequest(payload)).split(".")[0]}.${toBase64Url(new TextEncoder().encode('{"user_id":"1","algorithm":"HMAC-SHA256"}'))}`]) {
      await expectClientError(await metaPost("/oauth/meta/deauthorize", bad), 401, "bad_signature");
      await expectClientError(await metaPost("/oauth/meta/data-deletion", bad), 401, "bad_signature");
    }
    await expectClientError(await exports.default.fetch(new Request(`${ORIGIN}/oauth/meta/deauthorize`, { method: "POST" })), 400, "invalid_input");
    expect(await accountRow(brand.id, "facebook")).toEqual(row);
  });

  it("deauthorisation marks every account that person connected needs_reconnect and fails their queued deliveries", async () => {
    const s = await signup();
    const { brand, row } = await connectedPage(s);
    const delivery = await queuedDelivery(s, brand.id, "facebook", row.id);
    const res = await metaPost("/oauth/meta/deauthorize", await signedRequest({ user_id: META_USER, algorithm: "HMAC-SHA256", issued_at: 1 }));
    expect(res.status).toBe(200);
    const acc = (await json(`/api/brands/${brand.id}`, s, 200)).accounts[0];
    expect(acc).toMatchObject({ status: "needs_reconnect", statusReason: expect.stringMatching(/removed Brandcast in their Facebook settings/) });
    expect(await deliveryRow(delivery)).toMatchObject({ status: "failed", error_class: "reconnect" });
  });

  it("data deletion erases their credentials and answers a confirmation code with a status page", async () => {
    const s = await signup();
    const { brand } = await connectedPage(s);
    const res = await metaPost("/oauth/meta/data-deletion", await signedRequest({ user_id: META_USER, algorithm: "HMAC-SHA256", issued_at: 1 }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { url: string; confirmation_code: string };
    expect(body.confirmation_code).toMatch(/^[A-Za-z0-9_-]{12,}$/);
    expect(body.url).toBe(`http://app.test/oauth/meta/data-deletion/status?code=${body.confirmation_code}`);
    const row = (await accountRow(brand.id, "facebook"))!;
    expect(row).toMatchObject({ credentials: "", status: "needs_reconnect", meta_user_id: null });
    const status = await exports.default.fetch(new Request(body.url));
    expect(await status.json()).toMatchObject({ status: "completed" });
    expect((await exports.default.fetch(new Request(`${ORIGIN}/oauth/meta/data-deletion/status?code=nope`))).status).toBe(404);
  });
});
