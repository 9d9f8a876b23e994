// A minimal `youtube` fake host (all of Google) for the OAuth plugin's tests,
// used until the publishing fake (youtube.mjs) lands: the same state shapes
// (`accessTokens[token] = {channelId, expiresAt}`, `refreshTokens[rt] = {valid, channelId, scopes}`,
// `channels[channelId] = {title, uploadsPlaylistId}`).
import { FakeServer } from "./fake-server.mjs";

export function createFake() {
  return new FakeServer(
    "youtube",
    () => ({ status: 404, body: { error: { code: 404, message: "Not found (oauth-host-youtube has no upload endpoints)", errors: [{ reason: "notFound" }] } } }),
    { initialState: () => ({ accessTokens: {}, refreshTokens: {}, channels: {} }) },
  );
}
