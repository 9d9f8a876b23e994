// Which permalinks become links (issue 16 item 10). A permalink comes from a
// platform's answer, so it is data, not a trusted address: a `javascript:` URL
// would run in this app's origin when clicked, and an `http:` one hands the
// reader to anyone on the path. Only `https:` is linked, plus the sandbox's
// own pages, which a local run (npm start) serves over http on a loopback host.

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);
const isLocal = (u: URL) => u.protocol === "http:" && LOOPBACK.has(u.hostname);

/** The address to link `permalink` to, or null when it must stay text. `appUrl` is the page showing it. */
export function permalinkHref(permalink: string, appUrl: string): string | null {
  // An absolute URL, or the sandbox's path on this app (what it answers without PUBLIC_BASE_URL).
  if (!/^[a-z][a-z0-9+.-]*:/i.test(permalink) && !permalink.startsWith("/sandbox/")) return null;
  let app: URL;
  let url: URL;
  try {
    app = new URL(appUrl);
    url = new URL(permalink, app);
  } catch {
    return null;
  }
  if (url.protocol === "https:") return url.href;
  const sandboxPage = url.pathname.startsWith("/sandbox/") && url.username === "" && url.password === "";
  if (sandboxPage && (url.origin === app.origin || (isLocal(url) && isLocal(app)))) return url.href;
  return null;
}
