// Cross-site request forgery: Go's net/http CrossOriginProtection rule
// (worker/auth/csrf.ts). Browsers' cross-site writes with a cookie are refused;
// clients that are not browsers (curl, scripts, CLIs) sign in and work.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { crossOriginVerdict, type RequestFacts } from "../worker/auth/csrf";
import { call, createBrand, expectClientError, expectNothingWritten, json, ORIGIN, PASSWORD, signup, unique } from "./support/fixtures";

const URL_ = `${ORIGIN}/api/brands`;
const facts = (f: Partial<RequestFacts>): RequestFacts => ({ method: "POST", url: URL_, ...f });

describe("crossOriginVerdict (csrf.go Check)", () => {
  it("always allows safe methods, whatever the headers say", () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) {
      expect(crossOriginVerdict(facts({ method, secFetchSite: "cross-site", origin: "https://evil.test" })), method).toBe("allow");
    }
  });

  it("allows Sec-Fetch-Site same-origin and none, even with a foreign Origin (the fetch metadata wins)", () => {
    expect(crossOriginVerdict(facts({ secFetchSite: "same-origin" }))).toBe("allow");
    expect(crossOriginVerdict(facts({ secFetchSite: "none" }))).toBe("allow");
    expect(crossOriginVerdict(facts({ secFetchSite: "same-origin", origin: "https://evil.test" }))).toBe("allow");
  });

  it("refuses Sec-Fetch-Site cross-site and same-site (and any other value), even with our Origin", () => {
    expect(crossOriginVerdict(facts({ secFetchSite: "cross-site" }))).toBe("refuse");
    expect(crossOriginVerdict(facts({ secFetchSite: "same-site" }))).toBe("refuse");
    expect(crossOriginVerdict(facts({ secFetchSite: "same-site", origin: ORIGIN }))).toBe("refuse");
    expect(crossOriginVerdict(facts({ secFetchSite: "something-new" }))).toBe("refuse");
  });

  it("without Sec-Fetch-Site: allows our Origin, refuses any other scheme, host or port, and an opaque origin", () => {
    expect(crossOriginVerdict(facts({ origin: ORIGIN }))).toBe("allow");
    expect(crossOriginVerdict(facts({ origin: "https://evil.test" }))).toBe("refuse");
    expect(crossOriginVerdict(facts({ origin: "https://app.test" }))).toBe("refuse"); // we are http://app.test
    expect(crossOriginVerdict(facts({ origin: "http://app.test:8080" }))).toBe("refuse");
    expect(crossOriginVerdict(facts({ origin: "http://sub.app.test" }))).toBe("refuse");
    expect(crossOriginVerdict(facts({ origin: "null" }))).toBe("refuse");
  });

  it("allows a write with neither header: not a browser", () => {
    expect(crossOriginVerdict(facts({}))).toBe("allow");
    expect(crossOriginVerdict(facts({ method: "DELETE", secFetchSite: null, origin: null }))).toBe("allow");
  });
});

/** A request as curl sends it: no Origin, no Sec-Fetch-Site. */
function curl(path: string, opts: { method?: string; body?: unknown; cookie?: string; token?: string } = {}) {
  const headers: Record<string, string> = { "user-agent": "curl/8.5.0", accept: "*/*" };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const method = opts.method ?? (opts.body !== undefined ? "POST" : "GET");
  return exports.default.fetch(
    new Request(`${ORIGIN}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) }),
  );
}

const cookieOf = (res: Response) => res.headers.get("set-cookie")!.split(";")[0]!;

describe("a client without a browser (curl)", () => {
  it("signs up, signs in, mints an API token with its cookie, and works with the token", async () => {
    const email = `${unique("cli")}@example.test`;
    const signedUp = await curl("/api/auth/signup", { body: { email, password: PASSWORD, workspaceName: "Scripts" } });
    expect(signedUp.status, await signedUp.clone().text()).toBe(201);

    const login = await curl("/api/auth/login", { body: { email, password: PASSWORD } });
    expect(login.status, await login.clone().text()).toBe(200);
    const cookie = cookieOf(login);

    const minted = await curl("/api/tokens", { cookie, body: { name: "deploy script" } });
    expect(minted.status, await minted.clone().text()).toBe(201);
    const { token } = (await minted.json()) as { token: string };

    const brand = await curl("/api/brands", { token, body: { slug: unique("cli"), name: "From a script" } });
    expect(brand.status, await brand.clone().text()).toBe(201);
    const listed = await curl("/api/brands", { token });
    expect(((await listed.json()) as { brands: unknown[] }).brands).toHaveLength(1);

    expect((await curl("/api/auth/logout", { cookie, method: "POST" })).status).toBe(204);
  });

  it("gets 401, not 403, for a wrong password or an unknown email", async () => {
    const s = await signup();
    await expectClientError(await curl("/api/auth/login", { body: { email: s.email, password: "wrong password!" } }), 401, "unauthenticated");
    await expectClientError(await curl("/api/auth/login", { body: { email: `${unique("nobody")}@example.test`, password: PASSWORD } }), 401, "unauthenticated");
  });

  it("may write with a session cookie from a cookie jar", async () => {
    const s = await signup();
    const res = await curl("/api/brands", { cookie: s.cookie, body: { slug: unique("jar"), name: "Cookie jar" } });
    expect(res.status, await res.clone().text()).toBe(201);
  });

  it("writes with a bearer token whatever the browser headers say (a token is never sent by a browser on its own)", async () => {
    const s = await signup();
    const { token } = await json<{ token: string }>("/api/tokens", { ...s, body: { name: "ci" } }, 201);
    const res = await call("/api/brands", {
      token,
      body: { slug: unique("tok"), name: "Token" },
      headers: { origin: "https://ci.example", "sec-fetch-site": "cross-site" },
    });
    expect(res.status, await res.clone().text()).toBe(201);
  });
});

describe("a browser on another site", () => {
  const evilSite = { origin: "https://evil.test", "sec-fetch-site": "cross-site" };

  it("cannot sign up, sign in or sign out; nothing is written and no cookie is set", async () => {
    const s = await signup();
    await expectNothingWritten(s.workspaceId, async () => {
      for (const headers of [evilSite, { origin: "https://evil.test" }, { origin: "", "sec-fetch-site": "same-site" }]) {
        const email = `${unique("x")}@example.test`;
        const up = await call("/api/auth/signup", { body: { email, password: PASSWORD, workspaceName: "X" }, headers });
        await expectClientError(up, 403, "forbidden", `signup ${JSON.stringify(headers)}`);
        const login = await call("/api/auth/login", { body: { email: s.email, password: PASSWORD }, headers });
        await expectClientError(login, 403, "forbidden", `login ${JSON.stringify(headers)}`);
        expect(login.headers.get("set-cookie")).toBeNull();
        await expectClientError(await call("/api/auth/logout", { ...s, method: "POST", headers }), 403, "forbidden", "logout");
      }
    });
    expect((await call("/api/me", s)).status).toBe(200);
  });

  it("cannot write with the user's cookie (POST, PATCH, DELETE), but reads still work", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await expectNothingWritten(s.workspaceId, async () => {
      for (const headers of [evilSite, { origin: ORIGIN, "sec-fetch-site": "same-site" }, { origin: "https://evil.test" }]) {
        const label = JSON.stringify(headers);
        await expectClientError(await call("/api/brands", { ...s, body: { slug: unique("e"), name: "E" }, headers }), 403, "forbidden", label);
        await expectClientError(await call(`/api/brands/${brand.id}`, { ...s, method: "PATCH", body: { name: "E" }, headers }), 403, "forbidden", label);
        await expectClientError(await call(`/api/brands/${brand.id}`, { ...s, method: "DELETE", headers }), 403, "forbidden", label);
        await expectClientError(await call("/api/tokens", { ...s, body: { name: "E" }, headers }), 403, "forbidden", label);
      }
    });
    expect((await call(`/api/brands/${brand.id}`, { ...s, headers: evilSite })).status).toBe(200);
  });

  it("the app's own pages may write: Sec-Fetch-Site same-origin, or none (typed into the address bar)", async () => {
    const s = await signup();
    for (const site of ["same-origin", "none"]) {
      const res = await call("/api/brands", { ...s, body: { slug: unique("own"), name: "Own" }, headers: { "sec-fetch-site": site } });
      expect(res.status, site).toBe(201);
    }
  });
});
