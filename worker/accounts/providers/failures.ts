// What a refused token call means (issue 16 item 2): classified the way
// publishing classifies the same answers, never "every non-2xx is a
// reconnect". Graph codes 1, 2, 4, 17, 32, 341 (and the other rate limits)
// and 5xx are temporary; 190, invalid_grant and other refusals need a person
// to reconnect; a refused app id or secret (`invalid_client`, Meta's
// "Error validating client secret") is the operator's to fix, named by secret.
import { classifyGraphError } from "../../publishing/graph";
import { errorText, type JsonReply } from "./http";
import { ConnectRefused, ProviderMisconfigured, ProviderRefused, ProviderUnavailable } from "./types";

export type TokenFailure = ProviderRefused | ProviderUnavailable | ProviderMisconfigured;

function misconfigured(provider: string, secret: string, detail: string): ProviderMisconfigured {
  return new ProviderMisconfigured(
    secret,
    `${provider} refused this server's ${secret} (${detail}). Whoever runs Brandcast must set the right value: npx wrangler secret put ${secret}.`,
  );
}

/**
 * A Graph (Facebook, or Instagram's graph and api hosts) answer that was not
 * the token asked for. `what` says what was refused, in words ("Facebook
 * refused to list the Pages"); the platform's words follow in brackets.
 */
export function graphFailure(provider: "Facebook" | "Instagram", secrets: readonly [string, string], reply: JsonReply, what: string): TokenFailure {
  const detail = errorText(reply.body);
  const e = reply.body?.error;
  const code = typeof e === "object" && e ? Number(e.code) : Number(reply.body?.code);
  // Meta answers a wrong secret with code 1 ("Error validating client secret"), which is otherwise transient:
  // the message decides first. A wrong app id is code 101 (Graph) or "Invalid platform app" (Instagram Login).
  if (/client secret/i.test(detail)) return misconfigured(provider, secrets[1], detail);
  if (code === 101 || /invalid (platform )?app|invalid application id/i.test(detail)) return misconfigured(provider, secrets[0], detail);
  const classified = classifyGraphError(reply.status, JSON.stringify(reply.body ?? {}), {}, provider);
  if (classified.errorClass === "retryable") return new ProviderUnavailable(`${provider} had a temporary problem (${detail}); it will be tried again later.`);
  return new ProviderRefused(`${what} (${detail})`);
}

/** Google's token endpoint (RFC 6749 §5.2 errors): `invalid_grant` needs a person, `invalid_client` the operator. */
export function googleFailure(secrets: readonly [string, string], reply: JsonReply, what: string): TokenFailure {
  const detail = errorText(reply.body);
  const error = typeof reply.body?.error === "string" ? reply.body.error : "";
  if (error === "invalid_client" || error === "unauthorized_client") {
    // An unknown client id is "The OAuth client was not found."; a known id with a wrong secret is "Unauthorized".
    return misconfigured("Google", /not found|unauthorized_client/i.test(`${detail} ${error}`) ? secrets[0] : secrets[1], detail);
  }
  if (reply.status === 429 || error === "temporarily_unavailable" || error === "server_error" || error === "rate_limit_exceeded") {
    return new ProviderUnavailable(`Google had a temporary problem (${detail}); it will be tried again later.`);
  }
  return new ProviderRefused(`${what} (${detail})`);
}

/** In a connect flow a refusal is the person's to retry (ConnectRefused, saying what to do); the others stay what they are. */
export function asConnectFailure(f: TokenFailure, then?: string): Error {
  return f instanceof ProviderRefused ? new ConnectRefused(`${f.message}.${then ? ` ${then}` : ""}`) : f;
}
