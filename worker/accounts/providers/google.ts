// Google OAuth for YouTube (PLATFORMS.md §7.3, §3.1): authorization code with
// PKCE (S256) and offline access, so a refresh token comes back; access tokens
// last about an hour and are refreshed with the refresh_token grant. Google
// sometimes rotates the refresh token: the new one must be stored.
import type { Env } from "../../env";
import { asConnectFailure, googleFailure } from "./failures";
import { errorText, getJson, postForm, trimBase, withQuery } from "./http";
import { ConnectRefused, ProviderRefused, type OAuthProvider } from "./types";

const UPLOAD = "https://www.googleapis.com/auth/youtube.upload";
/** Lists channels and videos: the upload scope cannot (PLATFORMS.md §3.1), so insights (§8.3) need it. */
const READONLY = "https://www.googleapis.com/auth/youtube.readonly";
const SCOPES = [UPLOAD, READONLY];
const SECRETS = ["GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"] as const;
const short = (scope: string) => scope.slice(scope.lastIndexOf("/") + 1);

const oauthBase = (env: Env) => trimBase(env.GOOGLE_OAUTH_BASE || "https://oauth2.googleapis.com");
const youtubeBase = (env: Env) => trimBase(env.YOUTUBE_API_BASE || "https://www.googleapis.com/youtube/v3");

export const googleProvider: OAuthProvider = {
  id: "google",
  secretNames: SECRETS,
  insightsScopes: () => [READONLY],
  credentials: (env) =>
    env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET ? { clientId: env.GOOGLE_CLIENT_ID, clientSecret: env.GOOGLE_CLIENT_SECRET } : null,

  authorizeUrl(env, p) {
    return withQuery(`${trimBase(env.GOOGLE_ACCOUNTS_BASE || "https://accounts.google.com")}/o/oauth2/v2/auth`, {
      client_id: p.clientId,
      redirect_uri: p.redirectUri,
      response_type: "code",
      state: p.state,
      scope: SCOPES.join(" "),
      // Without offline access and a fresh consent, a repeat consent returns no refresh token.
      access_type: "offline",
      prompt: "consent",
      include_granted_scopes: "true",
      code_challenge: p.codeChallenge,
      code_challenge_method: "S256",
    });
  },

  async finish(env, p) {
    if (p.platform !== "youtube") throw new ConnectRefused("Google sign-in connects YouTube channels only.");
    const app = this.credentials(env)!;
    const reply = await postForm(`${oauthBase(env)}/token`, {
      code: p.code,
      client_id: app.clientId,
      client_secret: app.clientSecret,
      redirect_uri: p.redirectUri,
      grant_type: "authorization_code",
      code_verifier: p.verifier ?? "",
    });
    if (reply.status !== 200 || typeof reply.body.access_token !== "string") {
      throw asConnectFailure(googleFailure(SECRETS, reply, "Google refused the sign-in code"), "Start the connection again.");
    }
    // The person may untick scopes on the consent page (Google lists the granted ones; a reply without the
    // field cannot be checked, so it is trusted). Uploading is required; youtube.readonly is what insights
    // need, and without it the channel cannot be named either, so the person is asked to keep it too.
    const granted = typeof reply.body.scope === "string" ? new Set(reply.body.scope.split(/\s+/)) : new Set(SCOPES);
    if (!granted.has(UPLOAD)) throw new ConnectRefused(`Google did not grant ${short(UPLOAD)}. Connect again and allow YouTube uploads.`);
    if (typeof reply.body.refresh_token !== "string") {
      throw new ConnectRefused("Google returned no refresh token, so Brandcast could not keep publishing. Connect again and approve offline access.");
    }
    const channels = await getJson(withQuery(`${youtubeBase(env)}/channels`, { part: "snippet", mine: "true" }), {
      authorization: `Bearer ${reply.body.access_token}`,
    });
    if (channels.status === 403 && !granted.has(READONLY)) {
      throw new ConnectRefused(`Google did not grant ${short(READONLY)}, which Brandcast needs to find your channel. Connect again and allow viewing your YouTube account.`);
    }
    if (channels.status !== 200) throw new ConnectRefused(`YouTube did not list your channels (${errorText(channels.body)}).`);
    const items = (channels.body.items ?? []) as Array<{ id: string; snippet?: { title?: string } }>;
    if (!items.length) throw new ConnectRefused("This Google account has no YouTube channel. Create one, then connect again.");
    const expiresAt = p.now + Number(reply.body.expires_in ?? 3599) * 1000;
    return {
      insightsAccess: granted.has(READONLY) ? "granted" : "missing",
      candidates: items.map((ch) => ({
        externalId: ch.id,
        name: ch.snippet?.title ?? null,
        loginVia: null,
        credentials: { accessToken: reply.body.access_token, refreshToken: reply.body.refresh_token },
        expiresAt,
      })),
    };
  },

  async renew(env, p) {
    const app = this.credentials(env);
    if (!app) throw new ProviderRefused("GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are not set, so the YouTube token cannot be refreshed.");
    if (!p.credentials.refreshToken) throw new ProviderRefused("This YouTube account has no refresh token; connect it with Google sign-in.");
    const reply = await postForm(`${oauthBase(env)}/token`, {
      client_id: app.clientId,
      client_secret: app.clientSecret,
      refresh_token: p.credentials.refreshToken,
      grant_type: "refresh_token",
    });
    if (reply.status === 200 && typeof reply.body.access_token === "string") {
      return {
        credentials: { accessToken: reply.body.access_token, refreshToken: typeof reply.body.refresh_token === "string" ? reply.body.refresh_token : p.credentials.refreshToken },
        expiresAt: p.now + Number(reply.body.expires_in ?? 3599) * 1000,
      };
    }
    // 400 invalid_grant: expired or revoked, permanent; invalid_client is ours to fix; 429 may pass.
    throw googleFailure(SECRETS, reply, "Google refused the refresh token");
  },

  /** A refused refresh token is a dead grant (invalid_grant): the hour-long access token left proves nothing. */
  async probe() {
    return false;
  },

  async revoke(env, credentials) {
    const token = credentials.refreshToken ?? credentials.accessToken;
    await postForm(withQuery(`${oauthBase(env)}/revoke`, { token }), {});
  },
};
