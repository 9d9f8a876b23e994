// Fake Business Login for Instagram (PLATFORMS.md §7.2, §7.4), mounted on the
// `instagram` fake (graph.instagram.com and api.instagram.com share it) so
// the tokens it issues are the ones its Graph API accepts. Consent → code
// (single use, the redirect carries `#_`) → `POST /oauth/access_token` →
// short-lived token (the newer `{data:[…]}` reply) → `ig_exchange_token` →
// 60-day token → `refresh_access_token` (refused once expired or revoked);
// `/me` says who it is and the account type.
//
// Switches (POST /__admin/seed/oauth-instagram): {deny, declined: [perm],
// account: {igUserId, username, accountType}, revoke: true (every token dies), revokeToken: "<token>",
// refuseRefresh: true, longLivedSeconds: n (tokens issued from now on expire that soon)}.
import { params } from "./fake-server.mjs";
import { accessTokenOf, consent, GRAPH_VERSION, token } from "./oauth-common.mjs";

const HOUR = 3_600_000;
const LONG_LIVED_S = 5_184_000;
export const INSTAGRAM_APP = { id: "ig-app-id", secret: "ig-app-secret" };
export const INSTAGRAM_ACCOUNT = { igUserId: "17841499999999991", username: "dailyhabits.ig", accountType: "BUSINESS" };

const igError = (message, code = 190, subcode = 463) => ({
  status: 400,
  body: { error: { message, type: "OAuthException", code, ...(subcode ? { error_subcode: subcode } : {}), fbtrace_id: token("A", 8) } },
});

function live(fake, t) {
  const rec = t ? fake.state.tokens[t] : undefined;
  if (!rec || !rec.valid || (rec.expiresAt !== null && rec.expiresAt <= fake.now())) return null;
  return rec;
}

function issue(fake, rec, lifetimeMs) {
  const t = token("IGAA");
  // `oauth`: minted here; tokens the Instagram fake seeded itself are refreshed and described by its own handler.
  fake.state.tokens[t] = { igUserId: rec.igUserId, expiresAt: fake.now() + lifetimeMs, scopes: rec.scopes, valid: true, oauth: true };
  return t;
}

export function plugin() {
  return {
    name: "oauth-instagram",
    initialState: () => ({ igOAuth: { codes: {}, deny: false, declined: [], account: { ...INSTAGRAM_ACCOUNT }, refuseRefresh: false, longLivedSeconds: LONG_LIVED_S } }),
    seed(state, input) {
      const o = state.igOAuth;
      if ("deny" in input) o.deny = !!input.deny;
      if (Array.isArray(input.declined)) o.declined = input.declined;
      if (input.account) o.account = { ...o.account, ...input.account };
      if ("refuseRefresh" in input) o.refuseRefresh = !!input.refuseRefresh;
      // Expiry switch: long-lived tokens issued from now on last this many seconds (a token close to expiry).
      if ("longLivedSeconds" in input) o.longLivedSeconds = input.longLivedSeconds;
      if (input.revoke) for (const rec of Object.values(state.tokens)) rec.valid = false;
      if (typeof input.revokeToken === "string" && state.tokens[input.revokeToken]) state.tokens[input.revokeToken].valid = false;
      return { ok: true };
    },
    handle(req) {
      const fake = req.fake;
      const o = fake.state.igOAuth;
      const p = params(req);

      if (req.method === "GET" && req.path === "/oauth/authorize") {
        return consent(req, {
          provider: "Instagram",
          who: `@${o.account.username}`,
          deny: o.deny,
          badClient: req.query.client_id !== INSTAGRAM_APP.id,
          fragment: "#_",
          issue: (q) => {
            const code = token("AQB");
            const scopes = String(q.scope ?? "").split(",").filter((s) => s && !o.declined.includes(s));
            o.codes[code] = { redirectUri: q.redirect_uri, account: { ...o.account }, scopes, used: false, expiresAt: fake.now() + HOUR };
            return code;
          },
        });
      }

      // api.instagram.com: code → short-lived token.
      if (req.method === "POST" && req.path === "/oauth/access_token") {
        if (p.client_id !== INSTAGRAM_APP.id) return { status: 400, body: { error_type: "OAuthException", code: 400, error_message: "Invalid platform app" } };
        if (p.client_secret !== INSTAGRAM_APP.secret) return { status: 400, body: { error_type: "OAuthException", code: 400, error_message: "Error validating client secret." } };
        const code = o.codes[p.code];
        if (p.grant_type !== "authorization_code" || !code || code.used || code.expiresAt <= fake.now() || code.redirectUri !== p.redirect_uri) {
          return { status: 400, body: { error_type: "OAuthException", code: 400, error_message: "This authorization code has been used" } };
        }
        code.used = true;
        const a = code.account;
        fake.state.users[a.igUserId] = { username: a.username, accountType: a.accountType };
        const t = issue(fake, { igUserId: a.igUserId, scopes: code.scopes }, HOUR);
        return { body: { data: [{ access_token: t, user_id: a.igUserId, permissions: code.scopes.join(",") }] } };
      }

      if (req.method === "GET" && req.path === "/access_token") {
        if (p.grant_type !== "ig_exchange_token" || p.client_secret !== INSTAGRAM_APP.secret) return igError("Invalid exchange request", 100, null);
        const rec = live(fake, p.access_token);
        if (!rec) return igError("Error validating access token: Session has expired.");
        return { body: { access_token: issue(fake, rec, o.longLivedSeconds * 1000), token_type: "bearer", expires_in: o.longLivedSeconds } };
      }

      if (req.method === "GET" && req.path === "/refresh_access_token") {
        if (!fake.state.tokens[p.access_token]?.oauth) return null;
        const rec = live(fake, p.access_token);
        // An expired (or revoked) long-lived token cannot be refreshed: reconnect.
        if (p.grant_type !== "ig_refresh_token" || !rec || o.refuseRefresh) return igError("Error validating access token: Session has expired or the user has changed the password.");
        return { body: { access_token: issue(fake, rec, o.longLivedSeconds * 1000), token_type: "bearer", expires_in: o.longLivedSeconds } };
      }

      if (req.method === "GET" && req.path.replace(GRAPH_VERSION, "") === "/me") {
        if (!fake.state.tokens[accessTokenOf(req, p)]?.oauth) return null;
        const rec = live(fake, accessTokenOf(req, p));
        if (!rec) return igError("Error validating access token: Session has expired.");
        const u = fake.state.users[rec.igUserId] ?? {};
        return { body: { id: rec.igUserId, user_id: rec.igUserId, username: u.username, account_type: u.accountType } };
      }
      return null;
    },
  };
}
