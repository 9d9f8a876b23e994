// Google OAuth for YouTube end to end against its fake (PLATFORMS.md §7.3):
// PKCE verified by the fake's token endpoint, one or two channels, scopes
// granted short, refresh with rotation and revocation, the daily cron, the
// one refresh publishing asks for, and disconnect revoking the grant.
// This file owns the youtube fake's OAuth switches.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { ReconnectRequired, refreshAccessToken } from "../../worker/accounts/credentials";
import { ProviderMisconfigured, ProviderUnavailable } from "../../worker/accounts/providers/types";
import { runRefresh } from "../../worker/accounts/refresh";
import { sha256 } from "../../worker/auth/crypto";
import { REFRESH_CRON } from "../../worker/automation/cron";
import { fakeAdmin } from "../fakes/admin";
import { call, createBrand, json, signup, type Session } from "../support/fixtures";
import { drainPasses, fireCron, passQueue } from "../support/passes";
import { accountRow, connectThrough, deliveryRow, expectRefusedAndNothingStored, queuedDelivery, seedPlugin, storedToken, forgetAccounts } from "./helpers";

const yt = fakeAdmin("youtube");
const CHANNELS = [
  { id: "UCfakeDailyHabits000001", title: "Daily Habits" },
  { id: "UCfakeDailyShorts000002", title: "Daily Habits Shorts" },
];
type YtState = {
  accessTokens: Record<string, { channelId: string; expiresAt: number }>;
  refreshTokens: Record<string, { valid: boolean; channelId: string }>;
};

afterEach(async () => {
  await forgetAccounts();
  await seedPlugin("youtube", "oauth-google", { deny: false, grantScopes: null, channels: 1, noRefreshToken: false });
});

async function connectedChannel(s: Session) {
  const brand = await createBrand(s);
  const { landing } = await connectThrough(s, brand.id, "youtube");
  expect(landing.params.get("connected")).toBe("youtube");
  return { brand, row: (await accountRow(brand.id, "youtube"))! };
}

const tokenCalls = async (grant: string) => (await yt.requests()).filter((r) => r.path === "/token" && r.form?.grant_type === grant).length;

describe("connect YouTube through Google sign-in", () => {
  it("asks for offline access with a PKCE S256 challenge, sends the verifier to the token endpoint, and stores the refresh token", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const { authorize, back, landing } = await connectThrough(s, brand.id, "youtube");
    expect(authorize.pathname).toBe("/o/oauth2/v2/auth");
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: "google-client-id",
      redirect_uri: "http://app.test/oauth/google/callback",
      response_type: "code",
      access_type: "offline",
      prompt: "consent",
      code_challenge_method: "S256",
    });
    expect(authorize.searchParams.get("scope")!.split(" ")).toEqual([
      "https://www.googleapis.com/auth/youtube.upload",
      "https://www.googleapis.com/auth/youtube.readonly",
    ]);
    expect(landing).toMatchObject({ path: `/brands/${brand.id}`, error: null });

    // The verifier sent with the code hashes to the challenge sent with the consent (RFC 7636 §4.6).
    const exchange = (await yt.requests()).find((r) => r.path === "/token" && r.form?.code === back.searchParams.get("code"))!;
    expect(exchange.status).toBe(200);
    expect(exchange.form!.code_verifier!.length).toBeGreaterThanOrEqual(43);
    expect(await sha256(exchange.form!.code_verifier!)).toBe(authorize.searchParams.get("code_challenge"));

    const acc = (await json(`/api/brands/${brand.id}`, s, 200)).accounts[0];
    expect(acc).toMatchObject({ platform: "youtube", externalId: CHANNELS[0]!.id, name: "Daily Habits", status: "connected" });
    const creds = await storedToken(brand.id, "youtube");
    const state = await yt.state<YtState>();
    expect(state.refreshTokens[creds.refreshToken!]).toMatchObject({ valid: true, channelId: CHANNELS[0]!.id });
    expect(state.accessTokens[creds.accessToken]).toMatchObject({ channelId: CHANNELS[0]!.id });
  });

  it("the fake refuses a code exchanged with the wrong verifier (so the check above can fail)", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const { startConnect, consent } = await import("./helpers");
    const back = await consent(await startConnect(s, brand.id, "youtube"));
    const res = await fetch(`${yt.url}/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        code: back.searchParams.get("code")!,
        client_id: "google-client-id",
        client_secret: "google-client-secret",
        redirect_uri: "http://app.test/oauth/google/callback",
        grant_type: "authorization_code",
        code_verifier: "x".repeat(64),
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("two channels: the account waits for a choice", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await seedPlugin("youtube", "oauth-google", { channels: 2 });
    const { landing } = await connectThrough(s, brand.id, "youtube");
    expect(landing.params.get("select")).toBe("youtube");
    const { candidates } = await json(`/api/brands/${brand.id}/accounts/youtube/candidates`, s, 200);
    expect(candidates).toEqual(CHANNELS.map((c) => ({ externalId: c.id, name: c.title })));
    const acc = await json(`/api/brands/${brand.id}/accounts/youtube/select`, { ...s, body: { externalId: CHANNELS[1]!.id } }, 200);
    expect(acc).toMatchObject({ externalId: CHANNELS[1]!.id, name: "Daily Habits Shorts", status: "connected" });
    expect((await storedToken(brand.id, "youtube")).refreshToken).toBeTruthy();
  });

  it("scopes granted short are named; a missing refresh token is refused; a denied consent stores nothing", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await seedPlugin("youtube", "oauth-google", { grantScopes: ["https://www.googleapis.com/auth/youtube.upload"] });
    await expectRefusedAndNothingStored((await connectThrough(s, brand.id, "youtube")).landing, brand.id, "youtube", /Google did not grant youtube\.readonly/);
    await seedPlugin("youtube", "oauth-google", { grantScopes: null, noRefreshToken: true });
    await expectRefusedAndNothingStored((await connectThrough(s, brand.id, "youtube")).landing, brand.id, "youtube", /no refresh token/);
    await seedPlugin("youtube", "oauth-google", { noRefreshToken: false, deny: true });
    await expectRefusedAndNothingStored((await connectThrough(s, brand.id, "youtube")).landing, brand.id, "youtube", /Google sign-in was cancelled/);
  });
});

describe("refreshing Google tokens", () => {
  it("a rotated refresh token is persisted, and the old one (now dead) is gone", async () => {
    const s = await signup();
    const { brand, row } = await connectedChannel(s);
    const before = await storedToken(brand.id, "youtube");
    await seedPlugin("youtube", "oauth-google", { rotate: before.refreshToken });
    await env.DB.prepare("UPDATE platform_accounts SET expires_at = ? WHERE id = ?").bind(Date.now() + 60_000, row.id).run();
    const run = await json(`/api/automation/run`, { ...s, body: { pass: "refresh" } }, 200);
    expect(run).toMatchObject({ succeeded: 1, failed: 0 });
    const after = await storedToken(brand.id, "youtube");
    const state = await yt.state<YtState>();
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(state.refreshTokens[after.refreshToken!]).toMatchObject({ valid: true });
    expect(state.refreshTokens[before.refreshToken!]).toMatchObject({ valid: false });
    expect(after.accessToken).not.toBe(before.accessToken);
    // The next refresh works with what was stored.
    const again = await refreshAccessToken(env, (await accountRow(brand.id, "youtube"))!);
    expect(state.refreshTokens[again.refreshToken!] ?? (await yt.state<YtState>()).refreshTokens[again.refreshToken!]).toMatchObject({ valid: true });
  });

  it("publishing's refresh on a 401 makes exactly one token call", async () => {
    const s = await signup();
    const { brand } = await connectedChannel(s);
    const before = await tokenCalls("refresh_token");
    const fresh = await refreshAccessToken(env, (await accountRow(brand.id, "youtube"))!);
    expect(await tokenCalls("refresh_token")).toBe(before + 1);
    expect((await storedToken(brand.id, "youtube")).accessToken).toBe(fresh.accessToken);
  });

  it("invalid_grant: needs_reconnect with the reason, the account's queued deliveries fail, and nothing hammers Google", async () => {
    const s = await signup();
    const { brand, row } = await connectedChannel(s);
    const delivery = await queuedDelivery(s, brand.id, "youtube", row.id);
    await seedPlugin("youtube", "oauth-google", { revokeToken: (await storedToken(brand.id, "youtube")).refreshToken });

    await expect(refreshAccessToken(env, row)).rejects.toBeInstanceOf(ReconnectRequired);
    const acc = (await json(`/api/brands/${brand.id}`, s, 200)).accounts[0];
    expect(acc).toMatchObject({ status: "needs_reconnect", statusReason: expect.stringMatching(/invalid_grant: Token has been expired or revoked.*Reconnect the account/) });
    expect(await deliveryRow(delivery)).toMatchObject({ status: "failed", error_class: "reconnect", last_error: expect.stringMatching(/Reconnect/) });

    const before = await tokenCalls("refresh_token");
    await env.DB.prepare("UPDATE platform_accounts SET expires_at = ? WHERE id = ?").bind(Date.now() + 60_000, row.id).run();
    await json(`/api/automation/run`, { ...s, body: { pass: "refresh" } }, 200);
    expect(await tokenCalls("refresh_token")).toBe(before);
  });

  it("the daily cron runs the refresh pass for every workspace with tokens due", async () => {
    const s = await signup();
    const { brand, row } = await connectedChannel(s);
    await env.DB.prepare("UPDATE platform_accounts SET expires_at = ? WHERE id = ?").bind(Date.now() + 60_000, row.id).run();
    // The cron hands each workspace's refresh to a `passes` message; delivering them runs it.
    const q = passQueue();
    await fireCron(q, Date.now(), REFRESH_CRON);
    expect(q.sent).toContainEqual({ kind: "refresh", workspaceId: s.workspaceId, runKey: expect.any(String), part: 0 });
    await drainPasses(q);
    expect((await accountRow(brand.id, "youtube"))!.expires_at! - Date.now()).toBeGreaterThan(50 * 60_000);
    const runs = await env.DB.prepare("SELECT kind, trigger, status FROM automation_runs WHERE workspace_id = ? AND kind = 'refresh'").bind(s.workspaceId).all();
    expect(runs.results).toEqual([{ kind: "refresh", trigger: "cron", status: "succeeded" }]);
  });
});

describe("disconnect", () => {
  it("revokes the Google grant, then deletes the account and its credentials", async () => {
    const s = await signup();
    const { brand } = await connectedChannel(s);
    const { refreshToken } = await storedToken(brand.id, "youtube");
    const res = await call(`/api/brands/${brand.id}/accounts/youtube`, { ...s, method: "DELETE" });
    expect(res.status).toBe(204);
    const revoke = (await yt.requests()).filter((r) => r.path === "/revoke" && r.query.token === refreshToken);
    expect(revoke.map((r) => [r.method, r.status])).toEqual([["POST", 200]]);
    expect((await yt.state<YtState>()).refreshTokens[refreshToken!]!.valid).toBe(false);
    expect(await accountRow(brand.id, "youtube")).toBeNull();
  });
});

describe("refresh edge cases", () => {
  it("a provider that is down (503) is not a refusal: the account stays connected and the error says try later", async () => {
    const s = await signup();
    const { brand, row } = await connectedChannel(s);
    await yt.fault({ match: { method: "POST", path: "^/token$" }, action: { status: 503, body: { error: "backend_error" } } });
    await expect(refreshAccessToken(env, row)).rejects.toThrow(/HTTP 503/);
    expect((await accountRow(brand.id, "youtube"))!).toMatchObject({ status: "connected", credentials: row.credentials });
  });

  it("two refreshes racing through a rotation: the loser returns the winner's token instead of marking the account", async () => {
    const s = await signup();
    const { brand, row } = await connectedChannel(s);
    await seedPlugin("youtube", "oauth-google", { rotate: (await storedToken(brand.id, "youtube")).refreshToken });
    // Both read the same row; the second sends a refresh token the first one's rotation revoked.
    const first = await refreshAccessToken(env, row);
    const second = await refreshAccessToken(env, row);
    expect(second.refreshToken).toBe(first.refreshToken);
    const after = (await accountRow(brand.id, "youtube"))!;
    expect(after.status).toBe("connected");
    expect((await yt.state<YtState>()).refreshTokens[(await storedToken(brand.id, "youtube")).refreshToken!]).toMatchObject({ valid: true });
  });

  it("a state issued for one provider is refused at another provider's callback", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const { startConnect, consent, callback } = await import("./helpers");
    const back = await consent(await startConnect(s, brand.id, "youtube"));
    const landing = await callback(`http://app.test/oauth/instagram/callback${back.search}`, s.cookie);
    await expectRefusedAndNothingStored(landing, brand.id, "youtube", /unknown or was already used/);
  });
});

describe("Google token errors by class (issue 16 item 2)", () => {
  it("invalid_client is the operator's: it names the secret, and the account stays connected", async () => {
    const s = await signup();
    const { brand, row } = await connectedChannel(s);
    for (const [patch, secret] of [[{ GOOGLE_CLIENT_SECRET: "wrong" }, "GOOGLE_CLIENT_SECRET"], [{ GOOGLE_CLIENT_ID: "unknown-client" }, "GOOGLE_CLIENT_ID"]] as const) {
      const err = await refreshAccessToken({ ...env, ...patch }, row).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderMisconfigured);
      expect((err as ProviderMisconfigured).secret).toBe(secret);
      expect((err as Error).message).toMatch(new RegExp(`npx wrangler secret put ${secret}`));
    }
    const counts = await runRefresh({ ...env, GOOGLE_CLIENT_SECRET: "wrong" }, s.workspaceId, row.expires_at! + 1);
    expect(counts).toMatchObject({ failed: 1 });
    expect(await accountRow(brand.id, "youtube")).toMatchObject({ status: "connected", credentials: row.credentials });
  });

  it("a 429 from the token endpoint is temporary", async () => {
    const s = await signup();
    const { brand, row } = await connectedChannel(s);
    await yt.fault({ match: { method: "POST", path: "^/token$" }, action: { status: 429, body: { error: "rate_limit_exceeded", error_description: "Rate limit exceeded" } } });
    await expect(refreshAccessToken(env, row)).rejects.toBeInstanceOf(ProviderUnavailable);
    expect((await accountRow(brand.id, "youtube"))!.status).toBe("connected");
  });

  it("asks for youtube.readonly (insights need it: the upload scope cannot list videos) and records the grant", async () => {
    const s = await signup();
    const { brand, row } = await connectedChannel(s);
    const authorize = (await yt.requests()).filter((r) => r.path === "/o/oauth2/v2/auth").at(-1)!;
    expect(authorize.query.scope!.split(" ")).toEqual(expect.arrayContaining(["https://www.googleapis.com/auth/youtube.readonly"]));
    expect(row.insights_access).toBe("granted");
    expect((await json(`/api/brands/${brand.id}`, s, 200)).accounts[0]).toMatchObject({ analytics: "granted" });
  });
});
