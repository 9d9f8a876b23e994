// The connect flow (API.md "Brands and accounts", PLATFORMS.md §7): `connect`
// sends the person to the provider's consent page with a one-time state; the
// callback checks that state against the person who comes back, exchanges the
// code and stores the account (pending_selection when the grant covers
// several). Every refusal lands on the brand's page with the reason in words
// and stores nothing.
import { sha256, randomToken } from "../auth/crypto";
import type { Actor } from "../auth/context";
import { roleAtLeast } from "../auth/context";
import { membershipRole } from "../auth/identity";
import { logError } from "../lib/log";
import type { Db } from "../db/client";
import type { Env } from "../env";
import { ApiError, invalid } from "../errors";
import type { Platform } from "../scheduling/variants";
import { consumeState, createState } from "./oauth-state";
import { PROVIDER_NAMES, PROVIDERS, providerFor } from "./providers";
import { ConnectRefused, ProviderMisconfigured, ProviderUnavailable, type LoginVia, type OAuthProvider, type Provider } from "./providers/types";
import { EncryptionKeyMissing, keyRing, type KeyRing } from "./sealing";
import { saveConnected, savePending } from "./store";

/** The key ring, or the 409 that says how to create the key (fail closed: nothing is stored without it). */
export async function keyRingOrConflict(env: Env): Promise<KeyRing> {
  try {
    return await keyRing(env);
  } catch (err) {
    if (err instanceof EncryptionKeyMissing) throw new ApiError(409, "encryption_key_missing", err.message);
    throw err;
  }
}

/** The app's public address: PUBLIC_BASE_URL, else the request's origin; no trailing slash. */
export function publicBase(env: Env, requestOrigin: string): string {
  return (env.PUBLIC_BASE_URL || requestOrigin).replace(/\/+$/, "");
}

export function redirectUri(env: Env, requestOrigin: string, provider: Provider): string {
  return `${publicBase(env, requestOrigin)}/oauth/${provider}/callback`;
}

function appCredentials(env: Env, provider: OAuthProvider, redirect: string) {
  const app = provider.credentials(env);
  if (!app) {
    const [id, secret] = provider.secretNames;
    throw new ApiError(
      409,
      "oauth_app_missing",
      `${PROVIDER_NAMES[provider.id]} sign-in is not configured: set the ${id} and ${secret} secrets from your app's settings ` +
        `(npx wrangler secret put ${id}; npx wrangler secret put ${secret}) and register ${redirect} as its redirect URI.`,
      { secrets: [id, secret] },
    );
  }
  return app;
}

export async function startConnect(
  env: Env,
  actor: Actor,
  sessionHash: string | null,
  target: { brandId: string; platform: Platform; via?: LoginVia },
  requestOrigin: string,
): Promise<{ authorizeUrl: string }> {
  if (!actor.userId) throw invalid("Only a person can connect an account.");
  const provider = providerFor(target.platform, target.via);
  if (!provider) throw new ApiError(400, "invalid_input", "The sandbox needs no connection: add it with PUT /api/brands/:brandId/accounts/sandbox.");
  if (target.via === "instagram" && target.platform !== "instagram") throw invalid("Instagram Login connects Instagram accounts only.");
  const redirect = redirectUri(env, requestOrigin, provider.id);
  const app = appCredentials(env, provider, redirect);
  // Fail before sending the person away if the result could not be stored.
  const ring = await keyRingOrConflict(env);
  // PKCE (RFC 7636 §4.1-4.2): a 43+ character verifier, S256 challenge = base64url(SHA-256(verifier)).
  const verifier = provider.id === "google" ? randomToken(48) : null;
  const state = await createState(env.DB, ring, {
    userId: actor.userId,
    sessionHash,
    workspaceId: actor.workspaceId,
    brandId: target.brandId,
    platform: target.platform,
    provider: provider.id,
  }, verifier);
  return {
    authorizeUrl: provider.authorizeUrl(env, {
      clientId: app.clientId,
      redirectUri: redirect,
      state,
      codeChallenge: verifier ? await sha256(verifier) : undefined,
    }),
  };
}

export interface CallbackInput {
  provider: string;
  query: Record<string, string>;
  /** The signed-in person coming back: the session cookie's (idHash), or an API token's (idHash null). */
  session: { userId: string; idHash: string | null } | null;
  requestOrigin: string;
}

const back = (brandId: string | null, params: Record<string, string>) =>
  `/brands${brandId ? `/${encodeURIComponent(brandId)}` : ""}?${new URLSearchParams(params).toString()}`;
const failed = (brandId: string | null, words: string) => back(brandId, { connect_error: words });

/** Finishes the flow and answers where to send the browser. Never throws: every failure is a redirect with words. */
export async function finishConnect(env: Env, db: Db, input: CallbackInput, now = Date.now()): Promise<string> {
  const { query } = input;
  if (!query.state) return failed(null, "The sign-in came back without its state. Start the connection again from the brand's page.");
  let ring: KeyRing | null = null;
  try {
    ring = await keyRing(env);
  } catch {
    // Still consume the state below; the message says what to fix.
  }
  const st = await consumeState(env.DB, ring, query.state);
  if (!st || st.provider !== input.provider) {
    return failed(null, "This sign-in link is unknown or was already used. Start the connection again from the brand's page.");
  }
  // Another person's (or another session's) state: their brand id is not ours to show.
  if (!input.session || input.session.userId !== st.userId || (st.sessionHash !== null && st.sessionHash !== input.session.idHash)) {
    return failed(null, "This sign-in was started in another session. Start the connection again from the brand's page while signed in.");
  }
  const name = PROVIDER_NAMES[st.provider];
  if (st.expiresAt < now) return failed(st.brandId, `The ${name} sign-in took longer than 10 minutes. Start the connection again.`);
  if (query.error) {
    const why = query.error === "access_denied" ? "was cancelled" : `failed (${query.error_description || query.error_reason || query.error})`;
    return failed(st.brandId, `The ${name} sign-in ${why}; nothing was connected.`);
  }
  if (!query.code) return failed(st.brandId, `${name} sent no sign-in code back. Start the connection again.`);
  if (!ring) return failed(st.brandId, `Credentials cannot be stored: TOKEN_ENCRYPTION_KEY is missing or invalid. Nothing was connected.`);
  const role = await membershipRole(db, st.userId, st.workspaceId);
  if (!role || !roleAtLeast(role, "editor")) return failed(null, "You can no longer change accounts in that workspace.");
  const brand = await env.DB.prepare("SELECT id FROM brands WHERE id = ? AND workspace_id = ?").bind(st.brandId, st.workspaceId).first();
  if (!brand) return failed(null, "That brand no longer exists.");

  const provider = PROVIDERS[st.provider];
  if (!provider.credentials(env)) return failed(st.brandId, `${name} sign-in is not configured on this server any more.`);
  try {
    const grant = await provider.finish(env, {
      code: query.code,
      redirectUri: redirectUri(env, input.requestOrigin, st.provider),
      verifier: st.verifier,
      platform: st.platform as "instagram" | "facebook" | "youtube",
      now,
    });
    const target = { workspaceId: st.workspaceId, brandId: st.brandId, platform: st.platform };
    if (grant.candidates.length === 1) {
      await saveConnected(env.DB, ring, target, grant.candidates[0]!, grant.metaUserId ?? null, grant.insightsAccess, now);
      return back(st.brandId, { connected: st.platform });
    }
    await savePending(env.DB, ring, target, grant.candidates, grant.metaUserId ?? null, grant.insightsAccess, now);
    return back(st.brandId, { select: st.platform });
  } catch (err) {
    if (err instanceof ConnectRefused) return failed(st.brandId, err.message);
    // Another brand has this account (REGRESSIONS #25): the 409's words, nothing stored.
    if (err instanceof ApiError && err.code === "account_in_use") return failed(st.brandId, `${err.message} Nothing was connected.`);
    if (err instanceof ProviderUnavailable) return failed(st.brandId, `${name} did not answer properly (${err.message}) Try again in a minute.`);
    if (err instanceof ProviderMisconfigured) {
      logError("connect refused the app's credentials", { provider: st.provider, secret: err.secret });
      return failed(st.brandId, `${name} sign-in is not set up correctly on this server; nothing was connected. ${err.message}`);
    }
    logError("connect callback failed", { provider: st.provider, error: err });
    return failed(st.brandId, `Connecting through ${name} failed on our side; nothing was connected. Try again.`);
  }
}
