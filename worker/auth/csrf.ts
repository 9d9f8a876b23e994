// Cross-site request forgery defence for cookie-authenticated requests, on top
// of SameSite=Lax. The rule is Go's net/http CrossOriginProtection.Check (Go
// 1.25, https://github.com/golang/go/blob/master/src/net/http/csrf.go): it
// trusts what browsers send on their own (Sec-Fetch-Site, then Origin) and lets
// non-browser clients (curl, scripts, CLIs), which send neither header, through.
// A cross-origin page cannot forge a request without them: every browser since
// 2023 sends Sec-Fetch-Site, and older ones send Origin on every cross-origin POST.
import type { Context } from "hono";
import { forbidden } from "../errors";

/** Methods that must not change state: no CSRF check, and open to viewers. */
export const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export type CrossOriginVerdict = "allow" | "refuse";

/** The request's method, URL and headers: all the rule looks at. */
export interface RequestFacts {
  method: string;
  url: string;
  secFetchSite?: string | null;
  origin?: string | null;
}

/**
 * csrf.go `Check`, step by step:
 * (a) safe methods are always allowed (they must not change state);
 * (b) `Sec-Fetch-Site: same-origin | none` (a same-origin fetch, or the user
 *     typing the URL) is allowed, and any other value (`cross-site`,
 *     `same-site`) is refused;
 * (c) without Sec-Fetch-Site, no Origin either means a non-browser client (or a
 *     same-origin request from an old browser), so it is allowed;
 * (d) an Origin that is not ours is refused. Go compares only the host (its Host
 *     header carries no scheme); we compare scheme, host and port against the
 *     request URL's origin, which also refuses an http page posting to https.
 */
export function crossOriginVerdict(req: RequestFacts): CrossOriginVerdict {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return "allow";
  const site = req.secFetchSite ?? "";
  if (site !== "") return site === "same-origin" || site === "none" ? "allow" : "refuse";
  const origin = req.origin ?? "";
  if (origin === "") return "allow";
  let theirs: string;
  try {
    theirs = new URL(origin).origin;
  } catch {
    return "refuse"; // "null" (sandboxed frames, privacy-sensitive redirects) or garbage
  }
  return theirs === new URL(req.url).origin ? "allow" : "refuse";
}

/** Throws 403 `forbidden` when the browser says the request comes from another site. */
export function requireSameOrigin(c: Context): void {
  const verdict = crossOriginVerdict({
    method: c.req.method,
    url: c.req.url,
    secFetchSite: c.req.header("sec-fetch-site"),
    origin: c.req.header("origin"),
  });
  if (verdict === "refuse") throw forbidden("Cross-site request refused.");
}
