// What every OAuth provider module offers the connect flow and the refresh
// pass (PLATFORMS.md §7), and the errors they speak in.
import type { Env } from "../../env";

export type Provider = "meta" | "instagram" | "google";
export type LoginVia = "facebook" | "instagram";

/** The plaintext inside a sealed credentials value. */
export interface StoredCredentials {
  accessToken: string;
  refreshToken: string | null;
  /** Meta only: the long-lived user token the Page token came from; it renews the Page token. */
  userAccessToken?: string | null;
}

/** One Page, Instagram account or channel a grant covers. */
export interface Candidate {
  externalId: string;
  name: string | null;
  loginVia: LoginVia | null;
  credentials: StoredCredentials;
  expiresAt: number | null;
}

export interface Grant {
  candidates: Candidate[];
  /** Whether the grant covers the platform's insights permissions (platform_accounts.insights_access). */
  insightsAccess: "granted" | "missing";
  /** Facebook Login: the app-scoped user id Meta's deauthorisation callbacks name. */
  metaUserId?: string;
}

export interface Renewed {
  credentials: StoredCredentials;
  expiresAt: number | null;
}

export interface AuthorizeParams {
  clientId: string;
  redirectUri: string;
  state: string;
  /** PKCE S256 challenge, for providers that take one. */
  codeChallenge?: string;
}

export interface FinishParams {
  code: string;
  redirectUri: string;
  verifier: string | null;
  platform: "instagram" | "facebook" | "youtube";
  now: number;
}

export interface RenewParams {
  platform: "instagram" | "facebook" | "youtube";
  externalId: string;
  credentials: StoredCredentials;
  now: number;
}

export interface OAuthProvider {
  readonly id: Provider;
  /** The Worker secrets holding the app id and secret, by name (for the 409 that names them). */
  readonly secretNames: readonly [string, string];
  credentials(env: Env): { clientId: string; clientSecret: string } | null;
  /** The permissions the grant needs for insights (PLATFORMS.md §8), asked for at connect; without them publishing still works. */
  readonly insightsScopes: (platform: "instagram" | "facebook" | "youtube") => readonly string[];
  authorizeUrl(env: Env, p: AuthorizeParams): string;
  /** Code → tokens → the accounts the grant covers. Throws ConnectRefused with words for the person. */
  finish(env: Env, p: FinishParams): Promise<Grant>;
  /** A fresh token. Throws ProviderRefused when the grant is dead, ProviderUnavailable when it may work later. */
  renew(env: Env, p: RenewParams): Promise<Renewed>;
  /**
   * Whether the stored access token still answers a cheap read (the account's
   * own object): a renewal the provider refused disconnects nothing while it
   * does (a Page token outlives the user token it came from). Throws
   * ProviderUnavailable when the provider cannot say.
   */
  probe(env: Env, p: RenewParams): Promise<boolean>;
  /** Revokes the grant where the platform allows it (best effort). */
  revoke?(env: Env, credentials: StoredCredentials): Promise<void>;
}

/** The person's connect attempt failed; the message says why, in words. Nothing was stored. */
export class ConnectRefused extends Error {
  override name = "ConnectRefused";
}

/** The provider refused a refresh (invalid_grant, Graph 190…): only a person can fix it by reconnecting. */
export class ProviderRefused extends Error {
  override name = "ProviderRefused";
}

/** A timeout, a 5xx, a rate limit, a body that is not JSON: try again later, never mark the account. */
export class ProviderUnavailable extends Error {
  override name = "ProviderUnavailable";
}

/**
 * The provider refused this server's app credentials (`invalid_client`, Meta's
 * "Error validating client secret"): the operator must fix `secret`; no
 * person can fix it by reconnecting, so the account is left as it is.
 */
export class ProviderMisconfigured extends Error {
  override name = "ProviderMisconfigured";
  constructor(
    readonly secret: string,
    message: string,
  ) {
    super(message);
  }
}
