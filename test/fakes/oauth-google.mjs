// Fake Google OAuth for YouTube (PLATFORMS.md §7.3, §3.1, §7.4), mounted on
// the `youtube` fake so its tokens are the ones the YouTube fake accepts.
// Consent with PKCE (S256 checked at the token endpoint), `POST /token` with
// both grants (authorization_code, refresh_token with rotation and
// revocation: plugins run before the main handler, so this one answers all of
// /token), `POST /revoke`, and `channels?mine=true` with one or two channels.
//
// Switches (POST /__admin/seed/oauth-google): {deny, grantScopes: [scope] (less than asked),
// channels: 1|2, rotate: true | "<rt>" (refresh returns a new refresh token; the old one dies),
// revokeToken: "<rt>", revokeAll: true, noRefreshToken: true}.
import { params } from "./fake-server.mjs";
import { consent, s256, token } from "./oauth-common.mjs";

const HOUR = 3_600_000;
export const GOOGLE_APP = { id: "google-client-id", secret: "google-client-secret" };
export const GOOGLE_CHANNELS = [
  { id: "UCfakeDailyHabits000001", title: "Daily Habits", uploadsPlaylistId: "UUfakeDailyHabits000001" },
  { id: "UCfakeDailyShorts000002", title: "Daily Habits Shorts", uploadsPlaylistId: "UUfakeDailyShorts000002" },
];

const READ_SCOPES = new Set(["youtube.readonly", "youtube", "youtube.force-ssl"].map((s) => `https://www.googleapis.com/auth/${s}`));

const grantError = (error, description, status = 400) => ({ status, body: { error, error_description: description } });

export function plugin() {
  return {
    name: "oauth-google",
    initialState: () => ({ googleOAuth: { codes: {}, deny: false, grantScopes: null, channels: 1, rotate: false, noRefreshToken: false } }),
    seed(state, input) {
      const g = state.googleOAuth;
      for (const k of ["deny", "noRefreshToken"]) if (k in input) g[k] = !!input[k];
      // `rotate: true` rotates every refresh token; `rotate: "<rt>"` only that one (tests sharing the fake stay apart).
      if (typeof input.rotate === "string" && state.refreshTokens[input.rotate]) state.refreshTokens[input.rotate].rotate = true;
      else if ("rotate" in input) g.rotate = !!input.rotate;
      if (typeof input.revokeToken === "string" && state.refreshTokens[input.revokeToken]) state.refreshTokens[input.revokeToken].valid = false;
      if ("grantScopes" in input) g.grantScopes = input.grantScopes;
      if (input.channels) g.channels = input.channels;
      if (input.revokeAll) for (const rec of Object.values(state.refreshTokens)) rec.valid = false;
      return { ok: true };
    },
    handle(req) {
      const fake = req.fake;
      const g = fake.state.googleOAuth;
      const p = params(req);

      if (req.method === "GET" && req.path === "/o/oauth2/v2/auth") {
        if (req.query.code_challenge_method && req.query.code_challenge_method !== "S256") {
          return { status: 400, headers: { "content-type": "text/html" }, raw: "<h1>Google: only S256 challenges here</h1>" };
        }
        return consent(req, {
          provider: "Google",
          who: "ana@example.com",
          deny: g.deny,
          badClient: req.query.client_id !== GOOGLE_APP.id,
          issue: (q) => {
            const code = token("4/0A");
            const asked = String(q.scope ?? "").split(" ").filter(Boolean);
            const channels = GOOGLE_CHANNELS.slice(0, g.channels);
            for (const ch of channels) fake.state.channels[ch.id] ??= { title: ch.title, uploadsPlaylistId: ch.uploadsPlaylistId };
            m(fake).codes[code] = {
              redirectUri: q.redirect_uri,
              challenge: q.code_challenge ?? null,
              scopes: g.grantScopes ?? asked,
              channelIds: channels.map((c) => c.id),
              offline: q.access_type === "offline",
              used: false,
              expiresAt: fake.now() + 10 * 60_000,
            };
            return code;
          },
        });
      }

      if (req.method === "POST" && req.path === "/token") {
        // Refresh tokens seeded by the YouTube fake itself are left to its own grant (and its rotation counter).
        if (p.grant_type === "refresh_token" && !fake.state.refreshTokens[p.refresh_token]?.oauth) return null;
        // RFC 6749 §5.2 invalid_client, in Google's words: an unknown client id, or a known one with the wrong secret.
        if (p.client_id !== GOOGLE_APP.id) return grantError("invalid_client", "The OAuth client was not found.", 401);
        if (p.client_secret !== GOOGLE_APP.secret) return grantError("invalid_client", "Unauthorized", 401);
        const issueAccess = (channelIds, scopes) => {
          const at = token("ya29.");
          // `oauth`: minted here; only such tokens are answered by this plugin's channels listing.
          fake.state.accessTokens[at] = { channelId: channelIds[0], channelIds, expiresAt: fake.now() + HOUR, scopes, oauth: true };
          return { access_token: at, expires_in: 3599, scope: scopes.join(" "), token_type: "Bearer" };
        };
        if (p.grant_type === "authorization_code") {
          const code = g.codes[p.code];
          if (!code || code.used || code.expiresAt <= fake.now() || code.redirectUri !== p.redirect_uri) return grantError("invalid_grant", "Bad Request");
          code.used = true;
          // RFC 7636 §4.6: the verifier must hash to the challenge sent with the consent.
          if (code.challenge && (!p.code_verifier || s256(p.code_verifier) !== code.challenge)) return grantError("invalid_grant", "Invalid code verifier.");
          const out = issueAccess(code.channelIds, code.scopes);
          if (code.offline && !g.noRefreshToken) {
            const rt = token("1//0g");
            fake.state.refreshTokens[rt] = { valid: true, channelId: code.channelIds[0], channelIds: code.channelIds, scopes: code.scopes, oauth: true };
            out.refresh_token = rt;
          }
          return { body: out };
        }
        if (p.grant_type === "refresh_token") {
          const rec = fake.state.refreshTokens[p.refresh_token];
          if (!rec || !rec.valid) return grantError("invalid_grant", "Token has been expired or revoked.");
          const out = issueAccess(rec.channelIds ?? [rec.channelId], rec.scopes ?? []);
          const counter = fake.state.rotateRefreshTokens > 0;
          if (counter) fake.state.rotateRefreshTokens -= 1;
          if (g.rotate || rec.rotate || counter) {
            const rt = token("1//0r");
            fake.state.refreshTokens[rt] = { ...rec, valid: true };
            rec.valid = false;
            out.refresh_token = rt;
          }
          return { body: out };
        }
        return grantError("unsupported_grant_type", "Invalid grant_type.");
      }

      if (req.method === "POST" && req.path === "/revoke") {
        const t = p.token;
        const rt = fake.state.refreshTokens[t];
        if (rt) {
          rt.valid = false;
          // Revoking a refresh token also ends its access tokens.
          for (const [k, at] of Object.entries(fake.state.accessTokens)) if (at.channelId === rt.channelId) delete fake.state.accessTokens[k];
          return { body: {} };
        }
        if (fake.state.accessTokens[t]) {
          delete fake.state.accessTokens[t];
          return { body: {} };
        }
        return grantError("invalid_token", "Token expired or revoked");
      }

      if (req.method === "GET" && req.path === "/youtube/v3/channels" && (req.query.mine === "true" || req.query.id)) {
        const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
        const at = auth ? fake.state.accessTokens[auth] : undefined;
        // A grant can cover several channels; tokens the YouTube fake seeded itself go to its own listing (quota and all).
        if (!at?.oauth) return null;
        if (!at || at.expiresAt <= fake.now()) {
          return { status: 401, body: { error: { code: 401, message: "Request had invalid authentication credentials.", errors: [{ reason: "authError", domain: "global" }], status: "UNAUTHENTICATED" } } };
        }
        // channels.list takes youtube.readonly (or the broader youtube scopes); youtube.upload alone cannot list (§3.1).
        if (!(at.scopes ?? []).some((sc) => READ_SCOPES.has(sc))) {
          return { status: 403, body: { error: { code: 403, message: "Request had insufficient authentication scopes.", errors: [{ reason: "insufficientPermissions", domain: "global" }], status: "PERMISSION_DENIED" } } };
        }
        const ids = req.query.id ? req.query.id.split(",") : (at.channelIds ?? [at.channelId]);
        const items = ids
          .filter((id) => fake.state.channels[id])
          .map((id) => ({
            kind: "youtube#channel",
            id,
            snippet: { title: fake.state.channels[id].title },
            contentDetails: { relatedPlaylists: { uploads: fake.state.channels[id].uploadsPlaylistId } },
          }));
        return { body: { kind: "youtube#channelListResponse", pageInfo: { totalResults: items.length, resultsPerPage: 5 }, items } };
      }
      return null;
    },
  };
}

const m = (fake) => fake.state.googleOAuth;
