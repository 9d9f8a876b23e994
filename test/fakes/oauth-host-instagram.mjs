// A minimal `instagram` fake host for the OAuth plugin's tests, used until the
// publishing fake (instagram.mjs) lands: the same state shapes
// (`tokens[token] = {igUserId, expiresAt, scopes, valid}`, `users[igUserId] = {username, accountType}`).
import { FakeServer } from "./fake-server.mjs";

export function createFake() {
  return new FakeServer(
    "instagram",
    () => ({ status: 400, body: { error: { message: "Unsupported request (oauth-host-instagram has no publishing endpoints)", type: "IGApiException", code: 100 } } }),
    { initialState: () => ({ tokens: {}, users: {} }) },
  );
}
