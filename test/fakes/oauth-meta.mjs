// Fake Facebook Login for Business (PLATFORMS.md §7.1, §7.4), mounted on the
// `facebook` fake so the Page tokens it issues are the ones its Graph API
// accepts. The dialog redirects back with a single-use code (or
// error=access_denied on demand); code → short-lived user token → long-lived
// (`fb_exchange_token`); `/me`, `/me/permissions` (a declined permission on
// demand), `/me/accounts` with two Pages, one with a linked Instagram account.
// Errors are Graph's OAuthException envelope: code 100 for a reused code, 190
// for a dead token.
//
// Switches (POST /__admin/seed/oauth-meta): {deny, declined: [perm] (also insights permissions), revokeUser: userId,
// pages: [{id, name, igUserId?, igUsername?}] for the default user}.
import { params } from "./fake-server.mjs";
import { accessTokenOf, consent, GRAPH_VERSION, token } from "./oauth-common.mjs";

const HOUR = 3_600_000;
const LONG_LIVED_S = 5_184_000;
export const META_APP = { id: "meta-app-id", secret: "meta-app-secret" };
/** A Facebook Login for Business configuration (what `config_id` stands for): publishing, no insights. */
export const META_CONFIG = {
  id: "meta-config-id",
  permissions: ["pages_show_list", "pages_read_engagement", "pages_manage_posts", "instagram_basic", "instagram_content_publish", "business_management"],
};
export const META_USER = { id: "10150000000000001", name: "Ana Operator" };
export const META_PAGES = [
  { id: "101000000000001", name: "Daily Habits", igUserId: "17841400000000001", igUsername: "dailyhabits" },
  { id: "101000000000002", name: "Money Minute" },
];

const oauthError = (status, message, code, subcode) => ({
  status,
  body: { error: { message, type: "OAuthException", code, ...(subcode ? { error_subcode: subcode } : {}), fbtrace_id: token("A", 8) } },
});
const deadToken = () => oauthError(400, "Error validating access token: Session has expired or the token is invalid.", 190, 463);

function live(fake, t) {
  const rec = t ? fake.state.tokens[t] : undefined;
  if (!rec || !rec.valid || (rec.expiresAt !== null && rec.expiresAt <= fake.now())) return null;
  return rec;
}

/** The user's Pages in the shared `pages` state, each with a Page token that does not expire. */
function pagesOf(fake, userId) {
  const m = fake.state.metaOAuth;
  return m.users[userId].pages.map((p) => {
    let page = fake.state.pages[p.id];
    if (!page) {
      const accessToken = token("EAAP");
      page = fake.state.pages[p.id] = { name: p.name, accessToken, userId, ...(p.igUserId ? { igUserId: p.igUserId } : {}) };
      fake.state.tokens[accessToken] = { kind: "page", pageId: p.id, userId, expiresAt: null, scopes: m.users[userId].scopes ?? [], valid: true, oauth: true };
      // The linked account publishes through this host's Instagram endpoints (instagram.mjs as a plugin keeps them in igUsers).
      if (p.igUserId && fake.state.igUsers) fake.state.igUsers[p.igUserId] ??= { username: p.igUsername ?? `user${p.igUserId}`, accountType: "BUSINESS" };
    }
    return { ...p, accessToken: page.accessToken };
  });
}

export function plugin() {
  return {
    name: "oauth-meta",
    initialState: () => ({
      metaOAuth: {
        codes: {},
        deny: false,
        declined: [],
        /** Login configurations by config_id → the permissions each asks for. */
        configs: { [META_CONFIG.id]: META_CONFIG.permissions },
        users: { [META_USER.id]: { name: META_USER.name, pages: META_PAGES.map((p) => ({ ...p })), scopes: [] } },
      },
    }),
    seed(state, input) {
      const m = state.metaOAuth;
      if ("deny" in input) m.deny = !!input.deny;
      if (Array.isArray(input.declined)) m.declined = input.declined;
      if (Array.isArray(input.pages)) m.users[META_USER.id].pages = input.pages;
      if (input.revokeUser) for (const rec of Object.values(state.tokens)) if (rec.userId === input.revokeUser) rec.valid = false;
      return { ok: true };
    },
    handle(req) {
      const fake = req.fake;
      const m = fake.state.metaOAuth;
      const path = req.path.replace(GRAPH_VERSION, "");
      const p = params(req);

      if (req.method === "GET" && path === "/dialog/oauth") {
        return consent(req, {
          provider: "Facebook",
          who: META_USER.name,
          deny: m.deny,
          badClient: req.query.client_id !== META_APP.id,
          fragment: "#_=_",
          issue: (q) => {
            const code = token("AQ");
            // Facebook Login for Business: a configuration (`config_id`) names the permissions instead of `scope`.
            const scopes = q.config_id ? (m.configs[q.config_id] ?? []) : String(q.scope ?? "").split(",").filter(Boolean);
            m.codes[code] = { redirectUri: q.redirect_uri, userId: META_USER.id, scopes, declined: [...m.declined], used: false, expiresAt: fake.now() + 10 * 60_000 };
            return code;
          },
        });
      }

      if (req.method === "GET" && path === "/oauth/access_token") {
        if (p.client_id !== META_APP.id) return oauthError(400, "Error validating application. Invalid application ID.", 101);
        if (p.client_secret !== META_APP.secret) return oauthError(400, "Error validating client secret.", 1);
        if (p.grant_type === "fb_exchange_token") {
          const rec = live(fake, p.fb_exchange_token);
          if (!rec || rec.kind !== "user") return deadToken();
          // Meta documents the exchange for short-lived tokens only: a long-lived one is not extended again.
          if (rec.longLived) return oauthError(400, "The access token is already long-lived and cannot be exchanged again.", 100);
          const t = token("EAAL");
          fake.state.tokens[t] = { kind: "user", userId: rec.userId, expiresAt: fake.now() + LONG_LIVED_S * 1000, scopes: rec.scopes, declined: rec.declined, valid: true, oauth: !!rec.oauth, longLived: true };
          return { body: { access_token: t, token_type: "bearer", expires_in: LONG_LIVED_S } };
        }
        const code = m.codes[p.code];
        if (!code || code.used || code.expiresAt <= fake.now()) return oauthError(400, "This authorization code has been used.", 100, 36009);
        if (code.redirectUri !== p.redirect_uri) return oauthError(400, "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request", 100, 36008);
        code.used = true;
        const t = token("EAAS");
        const scopes = code.scopes.filter((s) => !code.declined.includes(s));
        m.users[code.userId].scopes = scopes;
        fake.state.tokens[t] = { kind: "user", userId: code.userId, expiresAt: fake.now() + 2 * HOUR, scopes, declined: code.declined, valid: true, oauth: true };
        return { body: { access_token: t, token_type: "bearer", expires_in: 7200 } };
      }

      if (req.method === "GET" && (path === "/me" || path === "/me/permissions" || path === "/me/accounts")) {
        // `oauth`: minted by this plugin. Tokens the facebook fake seeded itself are its own handler's business.
        if (!fake.state.tokens[accessTokenOf(req, p)]?.oauth) return null;
        const rec = live(fake, accessTokenOf(req, p));
        if (!rec) return deadToken();
        if (path === "/me") {
          if (rec.kind === "page") return { body: { id: rec.pageId, name: fake.state.pages[rec.pageId]?.name } };
          return { body: { id: rec.userId, name: m.users[rec.userId]?.name } };
        }
        if (rec.kind !== "user") return oauthError(400, "(#100) Tried accessing nonexisting field (accounts) on node type (Page)", 100);
        if (path === "/me/permissions") {
          const data = [
            ...rec.scopes.map((permission) => ({ permission, status: "granted" })),
            ...(rec.declined ?? []).map((permission) => ({ permission, status: "declined" })),
          ];
          return { body: { data } };
        }
        // Paged like Graph: `limit`, `after` cursor, `paging.next`.
        const all = pagesOf(fake, rec.userId);
        const limit = Math.max(1, Number(p.limit ?? 25));
        const start = p.after ? Number(Buffer.from(p.after, "base64url").toString()) : 0;
        const slice = all.slice(start, start + limit);
        const data = slice.map((pg) => ({
          id: pg.id,
          name: pg.name,
          access_token: pg.accessToken,
          ...(pg.igUserId ? { instagram_business_account: { id: pg.igUserId, username: pg.igUsername } } : {}),
        }));
        const end = start + slice.length;
        const paging = { cursors: { before: Buffer.from(String(start)).toString("base64url"), after: Buffer.from(String(end)).toString("base64url") } };
        if (end < all.length) {
          const next = new URL(req.url.pathname, fake.url);
          for (const [k, v] of Object.entries({ ...req.query, after: paging.cursors.after })) next.searchParams.set(k, v);
          paging.next = next.toString();
        }
        return { body: { data, paging } };
      }
      return null;
    },
  };
}
