// Business Login for Instagram (PLATFORMS.md §7.2): no Facebook Page needed.
// Code → short-lived token (api.instagram.com) → long-lived 60-day token
// (graph.instagram.com), refreshed with `refresh_access_token` before it
// expires; an expired long-lived token cannot be refreshed.
import type { Env } from "../../env";
import { asConnectFailure, graphFailure } from "./failures";
import { getJson, postForm, trimBase, withQuery } from "./http";
import { ConnectRefused, ProviderRefused, type OAuthProvider } from "./types";

/** What publishing needs (PLATFORMS.md §7.2): refused without them. */
const SCOPES = ["instagram_business_basic", "instagram_business_content_publish"];
/** What insights need (PLATFORMS.md §8.1): asked for too; without it the account publishes and says "reconnect to see analytics". */
const INSIGHTS_SCOPES = ["instagram_business_manage_insights"];
const SECRETS = ["INSTAGRAM_APP_ID", "INSTAGRAM_APP_SECRET"] as const;
/** Only professional accounts can publish through the API. */
const PUBLISHING_TYPES = new Set(["BUSINESS", "MEDIA_CREATOR"]);

/**
 * api.instagram.com. A deployment that points the consent page somewhere else
 * (a test fake serving every Instagram host) gets the code exchange there too,
 * unless INSTAGRAM_TOKEN_BASE says otherwise.
 */
const tokenBase = (env: Env) => trimBase(env.INSTAGRAM_TOKEN_BASE || env.INSTAGRAM_OAUTH_BASE || "https://api.instagram.com");
const apiBase = (env: Env) => trimBase(env.INSTAGRAM_API_BASE || "https://graph.instagram.com");

/** `permissions` arrives as "a,b" or ["a","b"]; newer apps wrap the whole reply in `{data:[…]}`. */
function tokenReply(body: any): { accessToken?: string; userId?: string; permissions: string[] } {
  const b = Array.isArray(body?.data) ? (body.data[0] ?? {}) : body;
  const perms = Array.isArray(b?.permissions) ? b.permissions : typeof b?.permissions === "string" ? b.permissions.split(",") : [];
  return { accessToken: b?.access_token, userId: b?.user_id != null ? String(b.user_id) : undefined, permissions: perms.map((x: string) => x.trim()) };
}

export const instagramProvider: OAuthProvider = {
  id: "instagram",
  secretNames: SECRETS,
  insightsScopes: () => INSIGHTS_SCOPES,
  credentials: (env) =>
    env.INSTAGRAM_APP_ID && env.INSTAGRAM_APP_SECRET ? { clientId: env.INSTAGRAM_APP_ID, clientSecret: env.INSTAGRAM_APP_SECRET } : null,

  authorizeUrl(env, p) {
    return withQuery(`${trimBase(env.INSTAGRAM_OAUTH_BASE || "https://www.instagram.com")}/oauth/authorize`, {
      client_id: p.clientId,
      redirect_uri: p.redirectUri,
      response_type: "code",
      state: p.state,
      scope: [...SCOPES, ...INSIGHTS_SCOPES].join(","),
    });
  },

  async finish(env, p) {
    if (p.platform !== "instagram") throw new ConnectRefused("Instagram Login connects Instagram accounts only.");
    const app = this.credentials(env)!;
    // Instagram may append `#_` to the redirect; it is not part of the code.
    const code = p.code.replace(/#_$/, "");
    const short = await postForm(`${tokenBase(env)}/oauth/access_token`, {
      client_id: app.clientId,
      client_secret: app.clientSecret,
      grant_type: "authorization_code",
      redirect_uri: p.redirectUri,
      code,
    });
    const t = tokenReply(short.body);
    if (short.status !== 200 || !t.accessToken) {
      throw asConnectFailure(graphFailure("Instagram", SECRETS, short, "Instagram refused the sign-in code"), "Start the connection again.");
    }
    const missing = SCOPES.filter((s) => !t.permissions.includes(s));
    if (missing.length) throw new ConnectRefused(`Instagram did not grant ${missing.join(", ")}. Connect again and allow publishing.`);
    const long = await getJson(withQuery(`${apiBase(env)}/access_token`, { grant_type: "ig_exchange_token", client_secret: app.clientSecret, access_token: t.accessToken }));
    if (long.status !== 200 || typeof long.body.access_token !== "string") {
      throw asConnectFailure(graphFailure("Instagram", SECRETS, long, "Instagram refused the long-lived token exchange"));
    }
    const me = await getJson(
      withQuery(`${apiBase(env)}/${env.GRAPH_API_VERSION || "v25.0"}/me`, { fields: "user_id,username,account_type", access_token: long.body.access_token }),
    );
    if (me.status !== 200) throw asConnectFailure(graphFailure("Instagram", SECRETS, me, "Instagram did not name the account"));
    if (me.body.account_type !== undefined && !PUBLISHING_TYPES.has(me.body.account_type)) {
      throw new ConnectRefused(
        `@${me.body.username ?? "this account"} is a ${String(me.body.account_type ?? "personal").toLowerCase()} account; switch it to a professional (Business or Creator) account in the Instagram app, then connect again.`,
      );
    }
    const expiresIn = typeof long.body.expires_in === "number" ? long.body.expires_in : 5_184_000;
    return {
      insightsAccess: INSIGHTS_SCOPES.every((s) => t.permissions.includes(s)) ? "granted" : "missing",
      candidates: [
        {
          externalId: String(me.body.user_id ?? me.body.id ?? t.userId),
          name: me.body.username ?? null,
          loginVia: "instagram",
          credentials: { accessToken: long.body.access_token, refreshToken: null },
          expiresAt: p.now + expiresIn * 1000,
        },
      ],
    };
  },

  async renew(env, p) {
    const reply = await getJson(withQuery(`${apiBase(env)}/refresh_access_token`, { grant_type: "ig_refresh_token", access_token: p.credentials.accessToken }));
    if (reply.status !== 200 || typeof reply.body.access_token !== "string") {
      throw graphFailure("Instagram", SECRETS, reply, "Instagram refused to refresh the token");
    }
    const expiresIn = typeof reply.body.expires_in === "number" ? reply.body.expires_in : 5_184_000;
    return { credentials: { accessToken: reply.body.access_token, refreshToken: null }, expiresAt: p.now + expiresIn * 1000 };
  },

  async probe(env, p) {
    const reply = await getJson(withQuery(`${apiBase(env)}/${env.GRAPH_API_VERSION || "v25.0"}/me`, { fields: "user_id", access_token: p.credentials.accessToken }));
    if (reply.status === 200) return true;
    const failure = graphFailure("Instagram", SECRETS, reply, "Instagram refused the token");
    if (failure instanceof ProviderRefused) return false;
    throw failure;
  },
};
