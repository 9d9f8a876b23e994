// Assertions on the Graph requests a client made (PLATFORMS.md §0), read from
// a fake's request log: shared by the Instagram and Facebook protocol tests.
import { expect } from "vitest";
import type { LoggedRequest } from "../fakes/admin";

/** The Graph API version the clients put in every path (platformConfig's default). */
export const GRAPH_VERSION = "v25.0";

/** A POST to `/{version}/{path}`: form-encoded, never JSON, the token as a form parameter, nothing in the query. */
export function expectGraphPost(r: LoggedRequest, path: string, form: Record<string, string>, token: string) {
  expect(r.method).toBe("POST");
  expect(r.path).toBe(`/${GRAPH_VERSION}/${path}`);
  expect(r.headers["content-type"]).toContain("application/x-www-form-urlencoded");
  expect(r.form).toEqual({ ...form, access_token: token });
  expect(r.query).toEqual({});
}

/** A GET of `/{version}/{path}` with exactly these query parameters plus the token. */
export function expectGraphGet(r: LoggedRequest, path: string, query: Record<string, string>, token: string) {
  expect(r.method).toBe("GET");
  expect(r.path).toBe(`/${GRAPH_VERSION}/${path}`);
  expect(r.query).toEqual({ ...query, access_token: token });
}
