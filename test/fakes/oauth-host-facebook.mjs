// A minimal `facebook` fake host for the OAuth plugin's tests, used until the
// publishing fake (facebook.mjs) lands: the same state shapes
// (`tokens[token] = {kind, userId?, pageId?, expiresAt, scopes, valid}`,
// `pages[pageId] = {name, accessToken, igUserId?}`), no publishing endpoints.
import { FakeServer } from "./fake-server.mjs";

export function createFake() {
  return new FakeServer(
    "facebook",
    () => ({ status: 400, body: { error: { message: "Unsupported request (oauth-host-facebook has no publishing endpoints)", type: "GraphMethodException", code: 100 } } }),
    { initialState: () => ({ tokens: {}, pages: {} }) },
  );
}
