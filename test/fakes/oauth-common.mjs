// What the three fake OAuth servers share (PLATFORMS.md §7.4): the consent
// step, which redirects straight back with a code (or `error=access_denied`
// when the test asked for a refusal), and for a browser (Accept: text/html) a
// small consent page with Allow and Cancel, so an end-to-end test sees it.
import { randomBytes, createHash } from "node:crypto";

export const token = (prefix, bytes = 24) => `${prefix}${randomBytes(bytes).toString("base64url")}`;

export const s256 = (verifier) => createHash("sha256").update(verifier).digest("base64url");

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function redirect(to, params, fragment = "") {
  const url = new URL(to);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return { status: 302, headers: { location: url.toString() + fragment }, raw: "" };
}

/**
 * @param req the fake request
 * @param opts.provider shown on the page; opts.deny forces a refusal; opts.issue(query) → code;
 *   opts.fragment appended to the success redirect (Facebook adds `#_=_`, Instagram `#_`)
 */
export function consent(req, opts) {
  const q = req.query;
  if (!q.redirect_uri || !q.client_id || q.response_type !== "code") {
    return { status: 400, headers: { "content-type": "text/html" }, raw: `<h1>${esc(opts.provider)}: invalid request</h1><p>client_id, redirect_uri and response_type=code are required.</p>` };
  }
  if (opts.badClient) return { status: 400, headers: { "content-type": "text/html" }, raw: `<h1>${esc(opts.provider)}: invalid app id</h1>` };
  const choice = q.__consent;
  const browser = (req.headers.accept ?? "").includes("text/html");
  if (browser && !choice && !opts.deny) {
    const here = new URL(req.url.pathname + req.url.search, "http://x");
    here.searchParams.set("__consent", "allow");
    const allow = here.pathname + here.search;
    here.searchParams.set("__consent", "deny");
    const deny = here.pathname + here.search;
    return {
      status: 200,
      headers: { "content-type": "text/html; charset=utf-8" },
      raw: `<!doctype html><meta charset="utf-8"><title>${esc(opts.provider)} – consent (fake)</title>
<body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">
<h1>${esc(opts.provider)} (test fake)</h1>
<p><strong>${esc(opts.who)}</strong> is about to let app <code>${esc(q.client_id)}</code> use:</p>
<ul>${String(q.scope ?? "").split(/[ ,]+/).filter(Boolean).map((s) => `<li>${esc(s)}</li>`).join("")}</ul>
<p><a id="allow" href="${esc(allow)}">Allow</a> · <a id="deny" href="${esc(deny)}">Cancel</a></p></body>`,
    };
  }
  if (opts.deny || choice === "deny") {
    return redirect(q.redirect_uri, { error: "access_denied", error_reason: "user_denied", error_description: "Permissions error", state: q.state });
  }
  return redirect(q.redirect_uri, { code: opts.issue(q), state: q.state }, opts.fragment ?? "");
}

/** The bearer or `OAuth` token from the Authorization header, else `access_token=`. */
export function accessTokenOf(req, params) {
  const h = req.headers.authorization ?? "";
  const m = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(h);
  return m ? m[1] : params.access_token;
}

export const GRAPH_VERSION = /^\/v\d+\.\d+/;

/**
 * The Worker variables that point the connect flows at the fakes, with the
 * fake apps' ids and secrets: one definition for vitest, the e2e tests and
 * `npm run fakes` (`Object.assign(vars, oauthBindings(urls))`).
 * @param {Record<string, string>} urls fake name → base URL
 */
export function oauthBindings(urls) {
  const out = {};
  if (urls.facebook) Object.assign(out, { FACEBOOK_DIALOG_BASE: urls.facebook, META_APP_ID: "meta-app-id", META_APP_SECRET: "meta-app-secret" });
  if (urls.instagram) {
    Object.assign(out, { INSTAGRAM_OAUTH_BASE: urls.instagram, INSTAGRAM_TOKEN_BASE: urls.instagram, INSTAGRAM_APP_ID: "ig-app-id", INSTAGRAM_APP_SECRET: "ig-app-secret" });
  }
  if (urls.youtube) Object.assign(out, { GOOGLE_ACCOUNTS_BASE: urls.youtube, GOOGLE_CLIENT_ID: "google-client-id", GOOGLE_CLIENT_SECRET: "google-client-secret" });
  return out;
}
