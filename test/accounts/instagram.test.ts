// Business Login for Instagram end to end against its fake (PLATFORMS.md
// §7.2), every way a callback can go wrong, and the refresh of its 60-day
// token. This file owns the instagram fake's OAuth switches (tests in a file
// run one after another).
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { refreshAccessToken } from "../../worker/accounts/credentials";
import { ProviderUnavailable } from "../../worker/accounts/providers/types";
import { sha256 } from "../../worker/auth/crypto";
import { fakeAdmin } from "../fakes/admin";
import { createBrand, expectClientError, json, signup, unique } from "../support/fixtures";
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
  secondSession,
  seedPlugin,
  startConnect,
  storedToken,
  forgetAccounts,
} from "./helpers";

const ig = fakeAdmin("instagram");
const ACCOUNT = { igUserId: "17841499999999991", username: "dailyhabits.ig", accountType: "BUSINESS" };

afterEach(async () => {
  await forgetAccounts();
  await seedPlugin("instagram", "oauth-instagram", { deny: false, declined: [], account: ACCOUNT, refuseRefresh: false });
});

describe("connect Instagram through Instagram Login", () => {
  it("sends the person to the consent page with a one-time state, and stores the long-lived token on return", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const { authorize, back, landing } = await connectThrough(s, brand.id, "instagram");

    expect(authorize.origin + authorize.pathname).toBe(`${ig.url}/oauth/authorize`);
    expect(authorize.searchParams.get("client_id")).toBe("ig-app-id");
    expect(authorize.searchParams.get("redirect_uri")).toBe("http://app.test/oauth/instagram/callback");
    expect(authorize.searchParams.get("scope")).toBe("instagram_business_basic,instagram_business_content_publish,instagram_business_manage_insights");
    expect(authorize.searchParams.get("state")!.length).toBeGreaterThanOrEqual(40);
    expect(back.hash).toBe("#_"); // Instagram appends it; it is not part of the code

    expect(landing.path).toBe(`/brands/${brand.id}`);
    expect(landing.params.get("connected")).toBe("instagram");
    const got = await json(`/api/brands/${brand.id}`, s, 200);
    expect(got.accounts).toEqual([
      expect.objectContaining({ platform: "instagram", externalId: ACCOUNT.igUserId, name: ACCOUNT.username, status: "connected", loginVia: "instagram" }),
    ]);
    const acc = got.accounts[0];
    expect(Date.parse(acc.expiresAt) - Date.now()).toBeGreaterThan(59 * 86_400_000);
    expect(Date.now() - Date.parse(acc.connectedAt)).toBeLessThan(60_000);

    // The stored token is the long-lived one the fake's Graph API accepts, sealed, and never in the API's answers.
    const { accessToken } = await storedToken(brand.id, "instagram");
    const fakeState = await ig.state<{ tokens: Record<string, { igUserId: string; expiresAt: number; valid: boolean }> }>();
    expect(fakeState.tokens[accessToken]).toMatchObject({ igUserId: ACCOUNT.igUserId, valid: true });
    expect(fakeState.tokens[accessToken]!.expiresAt - Date.now()).toBeGreaterThan(59 * 86_400_000);
    const row = await accountRow(brand.id, "instagram");
    expect(row!.credentials).toMatch(/^v1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+$/);
    expect(row!.credentials).not.toContain(accessToken);
    expect(JSON.stringify(await json(`/api/brands`, s, 200))).not.toContain(accessToken);
    // The state was used up; only its hash was ever stored.
    const st = authorize.searchParams.get("state")!;
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM oauth_states WHERE state_hash = ? OR state_hash = ?").bind(st, await sha256(st)).first("n")).toBe(0);
  });

  it("refuses a forged state and stores nothing", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const authorize = await startConnect(s, brand.id, "instagram");
    const back = await consent(authorize);
    back.searchParams.set("state", "forged-" + unique("x"));
    const landing = await callback(back, s.cookie);
    expect(landing.path).toBe("/brands");
    await expectRefusedAndNothingStored(landing, brand.id, "instagram", /unknown or was already used/);
  });

  it("refuses a reused state: the second arrival changes nothing", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const { back, landing } = await connectThrough(s, brand.id, "instagram");
    expect(landing.error).toBeNull();
    const before = await accountRow(brand.id, "instagram");
    const again = await callback(back, s.cookie);
    expect(again.error).toMatch(/unknown or was already used/);
    expect(await accountRow(brand.id, "instagram")).toEqual(before);
  });

  it("refuses an expired state (older than 10 minutes)", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const authorize = await startConnect(s, brand.id, "instagram");
    const hash = await sha256(authorize.searchParams.get("state")!);
    await env.DB.prepare("UPDATE oauth_states SET expires_at = ? WHERE state_hash = ?").bind(Date.now() - 1, hash).run();
    const landing = await callback(await consent(authorize), s.cookie);
    expect(landing.path).toBe(`/brands/${brand.id}`);
    await expectRefusedAndNothingStored(landing, brand.id, "instagram", /longer than 10 minutes/);
  });

  it("refuses a state from another session, another person, or no session at all", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const otherSession = await secondSession(s);
    const stranger = await signup();
    for (const cookie of [otherSession, stranger.cookie, undefined]) {
      const back = await consent(await startConnect(s, brand.id, "instagram"));
      const landing = await callback(back, cookie);
      // Another person's brand id is not revealed.
      expect(landing.path).toBe("/brands");
      await expectRefusedAndNothingStored(landing, brand.id, "instagram", /another session/);
    }
  });

  it("a scripted client with an API token finishes the flow with that token; another person's token does not", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const { token } = await json<{ token: string }>("/api/tokens", { ...s, body: { name: "script" } }, 201);
    const stranger = await signup();
    const strangerToken = (await json<{ token: string }>("/api/tokens", { ...stranger, body: { name: "other" } }, 201)).token;
    const viaApi = async (bearer: string) => {
      const { authorizeUrl } = await json<{ authorizeUrl: string }>(`/api/brands/${brand.id}/accounts/instagram/connect`, { token, body: {} }, 200);
      const back = await consent(new URL(authorizeUrl));
      const { exports } = await import("cloudflare:workers");
      const res = await exports.default.fetch(new Request(`http://app.test${back.pathname}${back.search}`, { headers: { authorization: `Bearer ${bearer}` }, redirect: "manual" }));
      expect(res.status, `${back} → ${await res.clone().text()}`).toBe(302);
      return new URL(res.headers.get("location")!, "http://app.test");
    };
    const refused = await viaApi(strangerToken);
    expect(refused.searchParams.get("connect_error")).toMatch(/another session/);
    expect(await accountRow(brand.id, "instagram")).toBeNull();
    const ok = await viaApi(token);
    expect(ok.searchParams.get("connected")).toBe("instagram");
    expect((await accountRow(brand.id, "instagram"))!.status).toBe("connected");
  });

  it("a denied consent stores nothing and says so", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await seedPlugin("instagram", "oauth-instagram", { deny: true });
    const { back, landing } = await connectThrough(s, brand.id, "instagram");
    expect(back.searchParams.get("error")).toBe("access_denied");
    await expectRefusedAndNothingStored(landing, brand.id, "instagram", /Instagram sign-in was cancelled; nothing was connected/);
  });

  it("a declined permission is named, and nothing is stored", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await seedPlugin("instagram", "oauth-instagram", { declined: ["instagram_business_content_publish"] });
    const { landing } = await connectThrough(s, brand.id, "instagram");
    await expectRefusedAndNothingStored(landing, brand.id, "instagram", /did not grant instagram_business_content_publish/);
  });

  it("a personal account cannot publish: refused with what to change", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await seedPlugin("instagram", "oauth-instagram", { account: { accountType: "PERSONAL" } });
    const { landing } = await connectThrough(s, brand.id, "instagram");
    await expectRefusedAndNothingStored(landing, brand.id, "instagram", /professional \(Business or Creator\)/);
  });

  it("a reused code is refused by Instagram, and nothing is stored for the second brand", async () => {
    const s = await signup();
    const { second, landing } = await callbackWithReusedCode(s, "instagram");
    await expectRefusedAndNothingStored(landing, second.id, "instagram", /Instagram refused the sign-in code \(This authorization code has been used\)/);
  });

  it("connect answers 409 naming the secrets when the Instagram app is not configured", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const res = await fetchWithEnv({ INSTAGRAM_APP_ID: undefined, INSTAGRAM_APP_SECRET: undefined }, `/api/brands/${brand.id}/accounts/instagram/connect`, { cookie: s.cookie, body: {} });
    const err = await expectClientError(res, 409, "oauth_app_missing");
    expect(err.message).toContain("INSTAGRAM_APP_ID");
    expect(err.message).toContain("INSTAGRAM_APP_SECRET");
    expect(err.message).toContain("http://app.test/oauth/instagram/callback");
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM oauth_states WHERE brand_id = ?").bind(brand.id).first("n")).toBe(0);
  });

  it("connect checks its input: the sandbox, an unknown platform, another workspace's brand", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const other = await signup();
    const { call } = await import("../support/fixtures");
    await expectClientError(await call(`/api/brands/${brand.id}/accounts/sandbox/connect`, { ...s, body: {} }), 400, "invalid_input");
    await expectClientError(await call(`/api/brands/${brand.id}/accounts/tiktok/connect`, { ...s, body: {} }), 400, "invalid_input");
    await expectClientError(await call(`/api/brands/${brand.id}/accounts/instagram/connect`, { ...s, body: { via: "myspace" } }), 400, "invalid_input");
    await expectClientError(await call(`/api/brands/${brand.id}/accounts/instagram/connect`, { ...other, body: {} }), 404, "not_found");
  });
});

describe("refreshing an Instagram Login token", () => {
  async function connected() {
    const s = await signup();
    const brand = await createBrand(s);
    await connectThrough(s, brand.id, "instagram");
    const row = (await accountRow(brand.id, "instagram"))!;
    return { s, brand, row };
  }

  it("the refresh pass renews a token that expires within 7 days, and leaves later ones alone", async () => {
    const { s, brand, row } = await connected();
    const old = await storedToken(brand.id, "instagram");
    // Not due (60 days left): the pass does nothing for it.
    await json(`/api/automation/run`, { ...s, body: { pass: "refresh" } }, 200);
    expect((await storedToken(brand.id, "instagram")).accessToken).toBe(old.accessToken);

    await env.DB.prepare("UPDATE platform_accounts SET expires_at = ? WHERE id = ?").bind(Date.now() + 3 * 86_400_000, row.id).run();
    const run = await json(`/api/automation/run`, { ...s, body: { pass: "refresh" } }, 200);
    expect(run).toMatchObject({ kind: "refresh", status: "succeeded", succeeded: 1, failed: 0 });
    const fresh = await storedToken(brand.id, "instagram");
    expect(fresh.accessToken).not.toBe(old.accessToken);
    const after = (await accountRow(brand.id, "instagram"))!;
    expect(after.expires_at! - Date.now()).toBeGreaterThan(59 * 86_400_000);
    expect(after.status).toBe("connected");
  });

  it("a refused refresh turns the account needs_reconnect, fails its queued deliveries, and is not retried", async () => {
    const { s, brand, row } = await connected();
    const delivery = await queuedDelivery(s, brand.id, "instagram", row.id);
    await env.DB.prepare("UPDATE platform_accounts SET expires_at = ? WHERE id = ?").bind(Date.now() + 86_400_000, row.id).run();
    // The person changed their password: Instagram revoked this token.
    await seedPlugin("instagram", "oauth-instagram", { revokeToken: (await storedToken(brand.id, "instagram")).accessToken });
    const run = await json(`/api/automation/run`, { ...s, body: { pass: "refresh" } }, 200);
    expect(run).toMatchObject({ failed: 1 });

    const acc = (await json(`/api/brands/${brand.id}`, s, 200)).accounts[0];
    expect(acc.status).toBe("needs_reconnect");
    expect(acc.statusReason).toMatch(/^Instagram refused to refresh the token \(Error validating access token: [^)]*[^.]\)\. Reconnect the account\.$/);
    expect(await deliveryRow(delivery)).toMatchObject({ status: "failed", error_class: "reconnect", last_error: expect.stringMatching(/Reconnect/) });

    const calls = async () => (await ig.requests()).filter((r) => r.path === "/refresh_access_token").length;
    const before = await calls();
    await json(`/api/automation/run`, { ...s, body: { pass: "refresh" } }, 200);
    expect(await calls()).toBe(before); // needs_reconnect accounts are not hammered
  });
});

describe("Instagram Login hardening (issue 16 items 1, 2; issue 15 item 3)", () => {
  async function connected() {
    const s = await signup();
    const brand = await createBrand(s);
    await connectThrough(s, brand.id, "instagram");
    return { s, brand, row: (await accountRow(brand.id, "instagram"))! };
  }

  it("a refused refresh whose token still answers leaves the account connected and its deliveries queued", async () => {
    const { s, brand, row } = await connected();
    const delivery = await queuedDelivery(s, brand.id, "instagram", row.id);
    await env.DB.prepare("UPDATE platform_accounts SET expires_at = ? WHERE id = ?").bind(Date.now() + 86_400_000, row.id).run();
    await seedPlugin("instagram", "oauth-instagram", { refuseRefresh: true });
    const run = await json(`/api/automation/run`, { ...s, body: { pass: "refresh" } }, 200);
    expect(run).toMatchObject({ failed: 1 });
    expect(await accountRow(brand.id, "instagram")).toMatchObject({ status: "connected", credentials: row.credentials });
    expect(await deliveryRow(delivery)).toMatchObject({ status: "queued" });
    // The check was a cheap read with the token itself.
    expect((await ig.requests()).filter((r) => /^\/v\d+\.\d+\/me$/.test(r.path) && r.query.fields === "user_id").map((r) => r.status)).toContain(200);
  });

  it("a rate limit (code 4) on the refresh is temporary: nothing is marked", async () => {
    const { brand, row } = await connected();
    await ig.fault({ match: { method: "GET", path: "^/refresh_access_token$" }, action: { status: 400, body: { error: { message: "(#4) Application request limit reached", type: "OAuthException", code: 4 } } } });
    await expect(refreshAccessToken(env, row)).rejects.toBeInstanceOf(ProviderUnavailable);
    expect((await accountRow(brand.id, "instagram"))!.status).toBe("connected");
  });

  it("a wrong app secret at the code exchange names INSTAGRAM_APP_SECRET and stores nothing", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const back = await consent(await startConnect(s, brand.id, "instagram"));
    const res = await fetchWithEnv({ INSTAGRAM_APP_SECRET: "wrong" }, `${back.pathname}${back.search}`, { cookie: s.cookie, method: "GET" });
    const landing = new URL(res.headers.get("location")!, "http://app.test");
    expect(landing.searchParams.get("connect_error")).toMatch(/INSTAGRAM_APP_SECRET.*npx wrangler secret put INSTAGRAM_APP_SECRET/);
    expect(await accountRow(brand.id, "instagram")).toBeNull();
  });

  it("asks for instagram_business_manage_insights; granted is recorded, declined still connects and publishes, saying analytics are missing", async () => {
    const first = await connected();
    expect(first.row.insights_access).toBe("granted");
    expect((await json(`/api/brands/${first.brand.id}`, first.s, 200)).accounts[0]).toMatchObject({ status: "connected", analytics: "granted" });
    await forgetAccounts();

    await seedPlugin("instagram", "oauth-instagram", { declined: ["instagram_business_manage_insights"] });
    const { s, brand, row } = await connected();
    expect(row).toMatchObject({ status: "connected", insights_access: "missing" });
    expect((await json(`/api/brands/${brand.id}`, s, 200)).accounts[0]).toMatchObject({ status: "connected", analytics: "missing" });
    // Publishing needs only what was granted: the token publishes as before.
    const { accessToken } = await storedToken(brand.id, "instagram");
    const res = await fetch(`${ig.url}/v25.0/${row.external_id}/media`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ image_url: "http://app.test/x.jpg", caption: "hi", access_token: accessToken }),
    });
    expect(res.status).toBe(200);
  });
});
