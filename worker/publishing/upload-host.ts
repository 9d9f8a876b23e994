// An upload address a platform hands back (Facebook's `upload_url`, YouTube's
// resumable session `Location`) gets the account's token with every request.
// Only the configured upload host may receive it (trypost refuses any other
// rupload host for the same reason, PLATFORMS.md §2.2): a tampered or
// unexpected answer must not lead the token anywhere else.
import { PublishError } from "./types";

export function checkUploadHost(platform: string, uploadUrl: string, uploadBase: string): void {
  let url: URL | null = null;
  try {
    url = new URL(uploadUrl);
  } catch {
    /* not a URL: refused below */
  }
  const expected = new URL(uploadBase);
  if (!url || url.host !== expected.host || url.protocol !== expected.protocol) {
    throw new PublishError("permanent", `${platform} returned an upload address on an unexpected host (${url?.host || "not a URL"}); the token was not sent there.`);
  }
}
