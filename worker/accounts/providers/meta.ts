// Facebook Login for Business (PLATFORMS.md §7.1): Pages and their linked
// Instagram professional accounts. Code → short-lived user token → long-lived
// user token (about 60 days) → Page tokens, which do not expire as long as the
// user token they came from was long-lived (§2.1).
import type { Env } from "../../env";
import { errorText, getJson, trimBase, withQuery } from "./http";
import { ConnectRefused, ProviderRefused, type Candidate, type OAuthProvider, type StoredCredentials } from "./types";

const SCOPES = ["pages_show_list", "pages_read_engagement", "pages_manage_posts", "instagram_basic", "instagram_content_publish", "business_management"];
/** What publishing needs, per platform (PLATFORMS.md §1.1, §2.1). */
const REQUIRED: Record<"facebook" | "instagram", string[]> = {
  facebook: ["pages_show_list", "pages_read_engagement", "pages_manage_posts"],
  instagram: ["pages_show_list", "pages_read_engagement", "instagram_basic", "instagram_content_publish"],
};

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
    if (reply.status !== 200) throw new GraphError(reply.body);
    pages.push(...((reply.body.data ?? []) as Page[]));
    url = reply.body.paging?.next;
  }
  return pages;
}

class GraphError extends Error {
  readonly code: number | undefined;
  constructor(body: any) {
    super(errorText(body));
    this.code = body?.error?.code;
  }
}

async function exchangeForLongLived(env: Env, clientId: string, clientSecret: string, token: string) {
  const reply = await getJson(
    graph(env)("/oauth/access_token", { grant_type: "fb_exchange_token", client_id: clientId, client_secret: clientSecret, fb_exchange_token: token }),
  );
  if (reply.status !== 200 || typeof reply.body.access_token !== "string") throw new GraphError(reply.body);
  return { token: reply.body.access_token as string, expiresIn: typeof reply.body.expires_in === "number" ? (reply.body.expires_in as number) : null };
}

function candidatesFrom(pages: Page[], platform: "facebook" | "instagram", userToken: string, expiresAt: number | null): Candidate[] {
  const creds = (pageToken: string): StoredCredentials => ({ accessToken: pageToken, refreshToken: null, userAccessToken: userToken });
  if (platform === "facebook") {
    return pages
      .filter((p) => p.access_token)
      .map((p) => ({ externalId: p.id, name: p.name ?? null, loginVia: null, credentials: creds(p.access_token!), expiresAt }));
  }
  return pages
    .filter((p) => p.access_token && p.instagram_business_account?.id)
    .map((p) => ({
      externalId: p.instagram_business_account!.id,
      name: p.instagram_business_account!.username ?? p.name ?? null,
      loginVia: "facebook" as const,
      credentials: creds(p.access_token!),
      expiresAt,
    }));
}

export const metaProvider: OAuthProvider = {
  id: "meta",
  secretNames: ["META_APP_ID", "META_APP_SECRET"],
  credentials: (env) => (env.META_APP_ID && env.META_APP_SECRET ? { clientId: env.META_APP_ID, clientSecret: env.META_APP_SECRET } : null),

  authorizeUrl(env, p) {
    const base = trimBase(env.FACEBOOK_DIALOG_BASE || "https://www.facebook.com");
    return withQuery(`${base}/${env.GRAPH_API_VERSION || "v25.0"}/dialog/oauth`, {
      client_id: p.clientId,
      redirect_uri: p.redirectUri,
      state: p.state,
      response_type: "code",
      scope: SCOPES.join(","),
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
      throw new ConnectRefused(`Facebook refused the sign-in code (${errorText(short.body)}). Start the connection again.`);
    }
    // 2. Short → long-lived (about 60 days): Page tokens from it do not expire.
    let long;
    try {
      long = await exchangeForLongLived(env, app.clientId, app.clientSecret, short.body.access_token);
    } catch (err) {
      throw new ConnectRefused(`Facebook refused to extend the token (${(err as Error).message}). Start the connection again.`);
    }
    const userToken = long.token;
    // 3. The person may have unticked permissions on the consent page: say which.
    const perms = await getJson(graph(env)("/me/permissions", { access_token: userToken }));
    if (perms.status !== 200) throw new ConnectRefused(`Facebook did not list the granted permissions (${errorText(perms.body)}).`);
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
      throw new ConnectRefused(`Facebook did not list your Pages (${(err as Error).message}).`);
    }
    const expiresAt = long.expiresIn ? p.now + long.expiresIn * 1000 : null;
    const candidates = candidatesFrom(pages, p.platform, userToken, expiresAt);
    if (!candidates.length) {
      throw new ConnectRefused(
        p.platform === "facebook"
          ? "No Facebook Page was shared with Brandcast. Connect again and pick at least one Page."
          : "None of the Facebook Pages you shared has a linked Instagram professional account.",
      );
    }
    return { candidates, metaUserId };
  },

  /**
   * Extends the long-lived user token (`fb_exchange_token`), then takes the
   * Page's token afresh from `/me/accounts`: a Page token revoked by a role
   * change comes back new, and a Page no longer shared means reconnecting.
   */
  async renew(env, p) {
    if (p.platform === "youtube") throw new ProviderRefused("Not a Meta account.");
    const app = this.credentials(env);
    if (!app) throw new ProviderRefused("META_APP_ID and META_APP_SECRET are not set, so the Facebook token cannot be renewed.");
    const userToken = p.credentials.userAccessToken;
    if (!userToken) throw new ProviderRefused("This account was added with a pasted token; Facebook tokens can only be renewed for connected accounts.");
    let long;
    try {
      long = await exchangeForLongLived(env, app.clientId, app.clientSecret, userToken);
    } catch (err) {
      if (err instanceof GraphError) throw new ProviderRefused(`Facebook refused to renew the token (${err.message}).`);
      throw err;
    }
    let pages: Page[];
    try {
      pages = await listPages(env, long.token);
    } catch (err) {
      if (err instanceof GraphError) throw new ProviderRefused(`Facebook refused to list the Pages (${err.message}).`);
      throw err;
    }
    const expiresAt = long.expiresIn ? p.now + long.expiresIn * 1000 : null;
    const found = candidatesFrom(pages, p.platform, long.token, expiresAt).find((c) => c.externalId === p.externalId);
    if (!found) throw new ProviderRefused("The Page is no longer shared with Brandcast by the person who connected it.");
    return { credentials: found.credentials, expiresAt };
  },
};
