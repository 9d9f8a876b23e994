// Facebook Login for Business end to end against its fake (PLATFORMS.md
// §7.1): two Pages (one with a linked Instagram account) and a choice, the
// Instagram account through a Page, declined permissions, a reused code,
// renewal, and Meta's signed deauthorisation and data-deletion callbacks.
// This file owns the facebook fake's OAuth switches.
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { readStoredCredentials, refreshAccessToken } from "../../worker/accounts/credentials";
import { ProviderUnavailable } from "../../worker/accounts/providers/types";
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
  fetchWithEnv,
  queuedDelivery,
  seedPlugin,
  startConnect,
  storedToken,
  META_PAGES,
  resetMetaAfterTest,
} from "./helpers";

const fb = fakeAdmin("facebook");
const META_USER = "10150000000000001";
const PAGES = META_PAGES;

afterEach(resetMetaAfterTest);

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

const exchanges = async () => (await fb.requests()).filter((r) => r.query.grant_type === "fb_exchange_token");

describe("Facebook Page tokens do not expire with the user token (issue 16 item 1)", () => {
  it("connect stores no expiry for a Page nor for an Instagram account reached through one, so the refresh pass never touches them", async () => {
    const s = await signup();
    const { brand, row } = await connectedPage(s);
    expect(row.expires_at).toBeNull();
    expect((await json(`/api/brands/${brand.id}`, s, 200)).accounts[0].expiresAt).toBeNull();
    const igBrand = await createBrand(s);
    await connectThrough(s, igBrand.id, "instagram", { via: "facebook" });
    expect((await accountRow(igBrand.id, "instagram"))!.expires_at).toBeNull();

    const before = (await exchanges()).length;
    const run = await json(`/api/automation/run`, { ...s, body: { pass: "refresh" } }, 200);
    expect(run).toMatchObject({ processed: 0, failed: 0 });
    expect((await exchanges()).length).toBe(before);
    expect((await accountRow(brand.id, "facebook"))!.credentials).toBe(row.credentials);
  });

  it("the fake refuses to exchange a token that is already long-lived (so re-exchanging could not go unnoticed)", async () => {
    const s = await signup();
    const { brand } = await connectedPage(s);
    const { userAccessToken } = await readStoredCredentials(env, (await accountRow(brand.id, "facebook"))!);
    const res = await fetch(`${fb.url}/v25.0/oauth/access_token?${new URLSearchParams({ grant_type: "fb_exchange_token", client_id: "meta-app-id", client_secret: "meta-app-secret", fb_exchange_token: userAccessToken! })}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 100, message: expect.stringMatching(/already long-lived/) } });
  });

  it("a row from before (the user token's 60 days as its expiry) is renewed from /me/accounts without an exchange, and loses the expiry", async () => {
    const s = await signup();
    const { brand, row } = await connectedPage(s);
    await env.DB.prepare("UPDATE platform_accounts SET expires_at = ? WHERE id = ?").bind(Date.now() + 86_400_000, row.id).run();
    const before = (await exchanges()).length;
    const run = await json(`/api/automation/run`, { ...s, body: { pass: "refresh" } }, 200);
    expect(run).toMatchObject({ succeeded: 1, failed: 0 });
    expect((await exchanges()).length).toBe(before);
    const after = (await accountRow(brand.id, "facebook"))!;
    expect(after).toMatchObject({ status: "connected", expires_at: null });
    const state = await fb.state<FbState>();
    expect((await storedToken(brand.id, "facebook")).accessToken).toBe(state.pages[PAGES[0]!.id]!.accessToken);
  });

  it("the user token expired but the Page token still answers: never disconnected, and the old expiry goes", async () => {
    const s = await signup();
    const { brand, row } = await connectedPage(s);
    const delivery = await queuedDelivery(s, brand.id, "facebook", row.id);
    await env.DB.prepare("UPDATE platform_accounts SET expires_at = ? WHERE id = ?").bind(Date.now() - 86_400_000, row.id).run();
    await fb.advance(61 * 86_400_000); // the long-lived user token is past its 60 days; the Page token has no expiry
    try {
      const run = await json(`/api/automation/run`, { ...s, body: { pass: "refresh" } }, 200);
      expect(run).toMatchObject({ failed: 0 });
    } finally {
      await fb.advance(-61 * 86_400_000);
    }
    expect(await accountRow(brand.id, "facebook")).toMatchObject({ status: "connected", expires_at: null, credentials: row.credentials });
    expect(await deliveryRow(delivery)).toMatchObject({ status: "queued" });
    // The check was the Page read with its own token.
    const probe = (await fb.requests()).filter((r) => r.path.endsWith(`/${PAGES[0]!.id}`) && r.query.fields === "id");
    expect(probe.map((r) => r.status)).toEqual([200]);
  });

  it("a revoked user (password changed: both tokens dead) turns the account needs_reconnect with Facebook's words", async () => {
    const s = await signup();
    const { brand, row } = await connectedPage(s);
    await seedPlugin("facebook", "oauth-meta", { revokeUser: META_USER });
    await env.DB.prepare("UPDATE platform_accounts SET expires_at = ? WHERE id = ?").bind(Date.now() + 86_400_000, row.id).run();
    await json(`/api/automation/run`, { ...s, body: { pass: "refresh" } }, 200);
    const acc = (await json(`/api/brands/${brand.id}`, s, 200)).accounts[0];
    expect(acc).toMatchObject({ status: "needs_reconnect", statusReason: expect.stringMatching(/^Facebook refused to list the Pages \(Error validating access token.+\)\. Reconnect the account\.$/) });
  });

  it("publishing's refresh after a refused Page token takes a fresh Page token from /me/accounts, with no exchange", async () => {
    const s = await signup();
    const { brand, row } = await connectedPage(s);
    const before = (await exchanges()).length;
    const fresh = await refreshAccessToken(env, row);
    expect(fresh.accessToken).toBe((await fb.state<FbState>()).pages[PAGES[0]!.id]!.accessToken);
    expect((await exchanges()).length).toBe(before);
    expect((await accountRow(brand.id, "facebook"))!.status).toBe("connected");
  });
});

describe("temporary errors are not reconnect (issue 16 item 2)", () => {
  for (const [code, subcode] of [[1, undefined], [2, undefined], [4, undefined], [17, undefined], [32, undefined], [341, undefined], [80001, undefined]] as const) {
    it(`Graph code ${code} on renewal leaves the account connected and its deliveries queued`, async () => {
      const s = await signup();
      const { brand, row } = await connectedPage(s);
      const delivery = await queuedDelivery(s, brand.id, "facebook", row.id);
      await fb.fault({ match: { method: "GET", path: "/me/accounts$" }, action: { status: 400, body: { error: { message: "Application request limit reached", type: "OAuthException", code, ...(subcode ? { error_subcode: subcode } : {}) } } } });
      await expect(refreshAccessToken(env, row)).rejects.toBeInstanceOf(ProviderUnavailable);
      expect(await accountRow(brand.id, "facebook")).toMatchObject({ status: "connected", credentials: row.credentials });
      expect(await deliveryRow(delivery)).toMatchObject({ status: "queued" });
    });
  }

  it("a 5xx on renewal is temporary too", async () => {
    const s = await signup();
    const { brand, row } = await connectedPage(s);
    await fb.fault({ match: { method: "GET", path: "/me/accounts$" }, action: { status: 500, body: { error: { message: "An unexpected error has occurred.", code: 2 } } } });
    await expect(refreshAccessToken(env, row)).rejects.toBeInstanceOf(ProviderUnavailable);
    expect((await accountRow(brand.id, "facebook"))!.status).toBe("connected");
  });

  it("a temporary failure of the connect exchange asks to try again, and says nothing of reconnecting", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await fb.fault({ match: { method: "GET", path: "/oauth/access_token$" }, action: { status: 400, body: { error: { message: "(#4) Application request limit reached", type: "OAuthException", code: 4, is_transient: true } } } });
    const { landing } = await connectThrough(s, brand.id, "facebook");
    await expectRefusedAndNothingStored(landing, brand.id, "facebook", /temporary problem.*Try again in a minute/);
  });

  it("a wrong app secret is the operator's to fix, named META_APP_SECRET; a wrong app id names META_APP_ID", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    for (const [patch, secret] of [[{ META_APP_SECRET: "not-the-secret" }, "META_APP_SECRET"], [{ META_APP_ID: "not-the-app" }, "META_APP_ID"]] as const) {
      // The consent is given to the real app; the callback runs on a server whose secret is wrong.
      const back = await consent(await startConnect(s, brand.id, "facebook"));
      const res = await fetchWithEnv(patch, `${back.pathname}${back.search}`, { cookie: s.cookie, method: "GET" });
      expect(res.status).toBe(302);
      const landing = new URL(res.headers.get("location")!, ORIGIN);
      expect(landing.searchParams.get("connect_error")).toMatch(new RegExp(`not set up correctly on this server.*${secret}.*npx wrangler secret put ${secret}`));
      expect(await accountRow(brand.id, "facebook")).toBeNull();
    }
  });
});

describe("insights permissions (issue 15 item 3)", () => {
  it("granted by default and recorded; an unticked insights permission still connects, publishes, and says analytics are missing", async () => {
    const s = await signup();
    const { brand } = await connectedPage(s);
    expect((await accountRow(brand.id, "facebook"))!.insights_access).toBe("granted");
    expect((await json(`/api/brands/${brand.id}`, s, 200)).accounts[0]).toMatchObject({ status: "connected", analytics: "granted" });

    await seedPlugin("facebook", "oauth-meta", { declined: ["instagram_manage_insights"] });
    const igBrand = await createBrand(s);
    const { landing } = await connectThrough(s, igBrand.id, "instagram", { via: "facebook" });
    expect(landing.params.get("connected")).toBe("instagram");
    expect((await accountRow(igBrand.id, "instagram"))!).toMatchObject({ status: "connected", insights_access: "missing" });
    expect((await json(`/api/brands/${igBrand.id}`, s, 200)).accounts[0]).toMatchObject({ analytics: "missing" });

    await seedPlugin("facebook", "oauth-meta", { declined: ["read_insights"] });
    const fbBrand = await createBrand(s);
    await connectThrough(s, fbBrand.id, "facebook");
    await json(`/api/brands/${fbBrand.id}/accounts/facebook/select`, { ...s, body: { externalId: PAGES[1]!.id } }, 200);
    expect((await json(`/api/brands/${fbBrand.id}`, s, 200)).accounts[0]).toMatchObject({ status: "connected", analytics: "missing" });
  });

  it("a pasted token's insights are unknown", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const acc = await json(`/api/brands/${brand.id}/accounts/facebook`, { ...s, method: "PUT", body: { externalId: "101777", accessToken: "pasted" } }, 200);
    expect(acc).toMatchObject({ status: "connected", analytics: "unknown" });
  });
});

describe("META_CONFIG_ID (Facebook Login for Business configurations)", () => {
  it("sends config_id instead of scope, and the grant the configuration gives is what is checked", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const res = await fetchWithEnv({ META_CONFIG_ID: "meta-config-id" }, `/api/brands/${brand.id}/accounts/facebook/connect`, { cookie: s.cookie, body: {} });
    expect(res.status).toBe(200);
    const authorize = new URL(((await res.json()) as { authorizeUrl: string }).authorizeUrl);
    expect(authorize.searchParams.get("config_id")).toBe("meta-config-id");
    expect(authorize.searchParams.has("scope")).toBe(false);
    const landing = await callback(await consent(authorize), s.cookie);
    expect(landing.params.get("select")).toBe("facebook");
    // The fake's configuration grants publishing without insights: recorded, and it still publishes.
    await json(`/api/brands/${brand.id}/accounts/facebook/select`, { ...s, body: { externalId: PAGES[0]!.id } }, 200);
    expect((await json(`/api/brands/${brand.id}`, s, 200)).accounts[0]).toMatchObject({ status: "connected", analytics: "missing" });
  });

  it("without it, scope is sent (and carries the insights permissions)", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const authorize = await startConnect(s, brand.id, "facebook");
    expect(authorize.searchParams.has("config_id")).toBe(false);
    expect(authorize.searchParams.get("scope")!.split(",")).toEqual(expect.arrayContaining(["read_insights", "instagram_manage_insights", "pages_read_engagement"]));
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

  it("refuses a correctly signed request issued more than a day ago (a replay), or without issued_at, and changes nothing", async () => {
    const s = await signup();
    const { brand, row } = await connectedPage(s);
    const nowS = Math.floor(Date.now() / 1000);
    for (const payload of [
      { user_id: META_USER, algorithm: "HMAC-SHA256", issued_at: nowS - 24 * 3600 - 60 },
      { user_id: META_USER, algorithm: "HMAC-SHA256", issued_at: nowS + 3600 },
      { user_id: META_USER, algorithm: "HMAC-SHA256" },
    ]) {
      const signed = await signedRequest(payload);
      await expectClientError(await metaPost("/oauth/meta/deauthorize", signed), 401, "stale_request");
      await expectClientError(await metaPost("/oauth/meta/data-deletion", signed), 401, "stale_request");
    }
    expect(await accountRow(brand.id, "facebook")).toEqual(row);
    // A day less a minute old is still Meta's.
    const res = await metaPost("/oauth/meta/deauthorize", await signedRequest({ user_id: META_USER, algorithm: "HMAC-SHA256", issued_at: nowS - 24 * 3600 + 60 }));
    expect(res.status).toBe(200);
  });

  it("deauthorisation marks every account that person connected needs_reconnect and fails their queued deliveries", async () => {
    const s = await signup();
    const { brand, row } = await connectedPage(s);
    const delivery = await queuedDelivery(s, brand.id, "facebook", row.id);
    const res = await metaPost("/oauth/meta/deauthorize", await signedRequest({ user_id: META_USER, algorithm: "HMAC-SHA256", issued_at: Math.floor(Date.now() / 1000) }));
    expect(res.status).toBe(200);
    const acc = (await json(`/api/brands/${brand.id}`, s, 200)).accounts[0];
    expect(acc).toMatchObject({ status: "needs_reconnect", statusReason: expect.stringMatching(/removed Brandcast in their Facebook settings/) });
    expect(await deliveryRow(delivery)).toMatchObject({ status: "failed", error_class: "reconnect" });
  });

  it("data deletion erases their credentials and answers a confirmation code with a status page", async () => {
    const s = await signup();
    const { brand } = await connectedPage(s);
    const res = await metaPost("/oauth/meta/data-deletion", await signedRequest({ user_id: META_USER, algorithm: "HMAC-SHA256", issued_at: Math.floor(Date.now() / 1000) }));
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
