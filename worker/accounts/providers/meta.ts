// Facebook Login for Business (PLATFORMS.md §7.1): Pages and their linked
// Instagram professional accounts. Code → short-lived user token → long-lived
// user token (about 60 days) → Page tokens, which do not expire as long as the
// user token they came from was long-lived (§2.1).
import type { Env } from "../../env";
import { asConnectFailure, graphFailure } from "./failures";
import { getJson, trimBase, withQuery, type JsonReply } from "./http";
import { ConnectRefused, ProviderRefused, type Candidate, type OAuthProvider, type StoredCredentials } from "./types";

const SECRETS = ["META_APP_ID", "META_APP_SECRET"] as const;
/** What publishing needs, per platform (PLATFORMS.md §1.1, §2.1). */
const REQUIRED: Record<"facebook" | "instagram", string[]> = {
  facebook: ["pages_show_list", "pages_read_engagement", "pages_manage_posts"],
  instagram: ["pages_show_list", "pages_read_engagement", "instagram_basic", "instagram_content_publish"],
};
/** What insights need (PLATFORMS.md §8.1, §8.2): asked for too; without them the account publishes and says "reconnect to see analytics". */
const INSIGHTS: Record<"facebook" | "instagram", string[]> = {
  facebook: ["read_insights", "pages_read_engagement"],
  instagram: ["instagram_manage_insights", "pages_read_engagement"],
};
const SCOPES = [...new Set([...REQUIRED.facebook, ...REQUIRED.instagram, "business_management", ...INSIGHTS.facebook, ...INSIGHTS.instagram])];

function graph(env: Env) {
  const base = trimBase(env.FACEBOOK_API_BASE || "https://graph.facebook.com");
  const ver = env.GRAPH_API_VERSION || "v25.0";
  return (path: string, query: Record<string, string | undefined>) => withQuery(`${base}/${ver}${path}`, query);
}

interface Page {
  id: string;
  name?: string;
  access_token?: string;
  instagram_business_account?: { id: string; username?: string };
}

/** A refused Graph answer, classified (failures.ts). */
class GraphRefusal extends Error {
  constructor(readonly reply: JsonReply) {
    super("Graph refused");
  }
}

/** `/me/accounts`, following `paging.next` (bounded: a person with hundreds of Pages still finishes). */
async function listPages(env: Env, userToken: string): Promise<Page[]> {
  let url: string | undefined = graph(env)("/me/accounts", {
    fields: "id,name,access_token,instagram_business_account{id,username}",
    limit: "100",
    access_token: userToken,
  });
  const pages: Page[] = [];
  for (let i = 0; url && i < 10; i++) {
    const reply = await getJson(url);
    if (reply.status !== 200) throw new GraphRefusal(reply);
    pages.push(...((reply.body.data ?? []) as Page[]));
    url = reply.body.paging?.next;
  }
  return pages;
}

/**
 * Page tokens obtained from a long-lived user token do not expire (§2.1), nor
 * do Instagram accounts reached through them: no expiry is stored, so the
 * daily refresh never touches them. They die on a password change, app
 * removal or role change (190), which publishing reports.
 */
function candidatesFrom(pages: Page[], platform: "facebook" | "instagram", userToken: string): Candidate[] {
  const creds = (pageToken: string): StoredCredentials => ({ accessToken: pageToken, refreshToken: null, userAccessToken: userToken });
  if (platform === "facebook") {
    return pages
      .filter((p) => p.access_token)
      .map((p) => ({ externalId: p.id, name: p.name ?? null, loginVia: null, credentials: creds(p.access_token!), expiresAt: null }));
  }
  return pages
    .filter((p) => p.access_token && p.instagram_business_account?.id)
    .map((p) => ({
      externalId: p.instagram_business_account!.id,
      name: p.instagram_business_account!.username ?? p.name ?? null,
      loginVia: "facebook" as const,
      credentials: creds(p.access_token!),
      expiresAt: null,
    }));
}

export const metaProvider: OAuthProvider = {
  id: "meta",
  secretNames: SECRETS,
  insightsScopes: (platform) => (platform === "youtube" ? [] : INSIGHTS[platform]),
  credentials: (env) => (env.META_APP_ID && env.META_APP_SECRET ? { clientId: env.META_APP_ID, clientSecret: env.META_APP_SECRET } : null),

  authorizeUrl(env, p) {
    const base = trimBase(env.FACEBOOK_DIALOG_BASE || "https://www.facebook.com");
    return withQuery(`${base}/${env.GRAPH_API_VERSION || "v25.0"}/dialog/oauth`, {
      client_id: p.clientId,
      redirect_uri: p.redirectUri,
      state: p.state,
      response_type: "code",
      // Facebook Login for Business: a configuration (META_CONFIG_ID) names the permissions instead of `scope` (§7.1 step 1).
      ...(env.META_CONFIG_ID ? { config_id: env.META_CONFIG_ID } : { scope: SCOPES.join(",") }),
    });
  },

  async finish(env, p) {
    if (p.platform === "youtube") throw new ConnectRefused("Facebook Login cannot connect YouTube.");
    const app = this.credentials(env)!;
    // 1. Code → short-lived user token. A code works once: a second exchange is OAuthException code 100.
    const short = await getJson(
      graph(env)("/oauth/access_token", { client_id: app.clientId, client_secret: app.clientSecret, redirect_uri: p.redirectUri, code: p.code }),
    );
    if (short.status !== 200 || typeof short.body.access_token !== "string") {
      throw asConnectFailure(graphFailure("Facebook", SECRETS, short, "Facebook refused the sign-in code"), "Start the connection again.");
    }
    // 2. Short → long-lived (about 60 days): Page tokens from it do not expire. This is the one exchange Meta
    // documents; a token that is already long-lived is never exchanged again.
    const long = await getJson(
      graph(env)("/oauth/access_token", { grant_type: "fb_exchange_token", client_id: app.clientId, client_secret: app.clientSecret, fb_exchange_token: short.body.access_token }),
    );
    if (long.status !== 200 || typeof long.body.access_token !== "string") {
      throw asConnectFailure(graphFailure("Facebook", SECRETS, long, "Facebook refused to extend the token"), "Start the connection again.");
    }
    const userToken = long.body.access_token as string;
    // 3. The person may have unticked permissions on the consent page: say which.
    const perms = await getJson(graph(env)("/me/permissions", { access_token: userToken }));
    if (perms.status !== 200) throw asConnectFailure(graphFailure("Facebook", SECRETS, perms, "Facebook did not list the granted permissions"));
    const granted = new Set(
      ((perms.body.data ?? []) as Array<{ permission: string; status: string }>).filter((x) => x.status === "granted").map((x) => x.permission),
    );
    const missing = REQUIRED[p.platform].filter((s) => !granted.has(s));
    if (missing.length) {
      throw new ConnectRefused(
        `Facebook did not grant ${missing.join(", ")}. Connect again and keep ${missing.length === 1 ? "that permission" : "those permissions"} ticked.`,
      );
    }
    // The app-scoped user id: the only thing Meta's deauthorisation callbacks name. Without it the
    // account still publishes; only those callbacks could not find it.
    const me = await getJson(graph(env)("/me", { fields: "id,name", access_token: userToken })).catch(() => null);
    const metaUserId = me?.status === 200 && me.body.id ? String(me.body.id) : undefined;
    let pages: Page[];
    try {
      pages = await listPages(env, userToken);
    } catch (err) {
      if (err instanceof GraphRefusal) throw asConnectFailure(graphFailure("Facebook", SECRETS, err.reply, "Facebook did not list your Pages"));
      throw err;
    }
    const candidates = candidatesFrom(pages, p.platform, userToken);
    if (!candidates.length) {
      throw new ConnectRefused(
        p.platform === "facebook"
          ? "No Facebook Page was shared with Brandcast. Connect again and pick at least one Page."
          : "None of the Facebook Pages you shared has a linked Instagram professional account.",
      );
    }
    return { candidates, metaUserId, insightsAccess: INSIGHTS[p.platform].every((s) => granted.has(s)) ? "granted" : "missing" };
  },

  /**
   * A Page token does not expire, so nothing is extended (re-exchanging a
   * long-lived user token is not something Meta documents). Renewing means
   * taking the Page's token afresh from `/me/accounts` with the stored user
   * token: a Page token revoked by a role change comes back new, and a Page
   * no longer shared means reconnecting.
   */
  async renew(env, p) {
    if (p.platform === "youtube") throw new ProviderRefused("Not a Meta account.");
    const userToken = p.credentials.userAccessToken;
    if (!userToken) throw new ProviderRefused("This account was added with a pasted token; Facebook tokens can only be renewed for connected accounts");
    let pages: Page[];
    try {
      pages = await listPages(env, userToken);
    } catch (err) {
      if (err instanceof GraphRefusal) throw graphFailure("Facebook", SECRETS, err.reply, "Facebook refused to list the Pages");
      throw err;
    }
    const found = candidatesFrom(pages, p.platform, userToken).find((c) => c.externalId === p.externalId);
    if (!found) throw new ProviderRefused("The Page is no longer shared with Brandcast by the person who connected it");
    return { credentials: found.credentials, expiresAt: null };
  },

  /** The Page (or its Instagram account) read with its own token: the cheapest call that proves the token works. */
  async probe(env, p) {
    const reply = await getJson(graph(env)(`/${encodeURIComponent(p.externalId)}`, { fields: "id", access_token: p.credentials.accessToken }));
    if (reply.status === 200) return true;
    const failure = graphFailure("Facebook", SECRETS, reply, "Facebook refused the token");
    if (failure instanceof ProviderRefused) return false;
    throw failure;
  },
};
