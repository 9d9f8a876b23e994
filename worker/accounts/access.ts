// An account's credentials opened for one unit of work against its platform
// (a publish attempt, a metrics sampling run): the decrypted token as the
// platform clients see it, one token refresh at most, and every secret held
// along the way so whatever a platform echoes back can be scrubbed. Publishing
// (worker/publishing/context.ts) and the metrics sampler
// (worker/analytics/context.ts) both start here.
import type { Env } from "../env";
import type { PublishAccount } from "../publishing/types";
import { readCredentials, ReconnectRequired, refreshAccessToken, type AccountRow } from "./credentials";
import { ProviderMisconfigured, ProviderUnavailable } from "./providers/types";

export interface AccountAccess {
  platform: AccountRow["platform"];
  account: PublishAccount;
  /** The access and refresh tokens this work has held (grows when the token is refreshed). */
  secrets: string[];
  /**
   * A fresh access token after the platform refused the current one. Asks the
   * provider once; later calls share that answer. Throws ReconnectRequired when
   * the provider refuses (the account is then needs_reconnect), or the
   * provider's transient error.
   */
  refresh(): Promise<string>;
}

export async function openAccount(env: Env, row: AccountRow): Promise<AccountAccess> {
  const credentials = await readCredentials(env, row);
  const secrets = [credentials.accessToken, ...(credentials.refreshToken ? [credentials.refreshToken] : [])];
  const account: PublishAccount = { id: row.id, externalId: row.external_id, accessToken: credentials.accessToken, loginVia: row.login_via };
  let refreshed: Promise<string> | null = null;
  return {
    platform: row.platform,
    account,
    secrets,
    refresh() {
      refreshed ??= refreshAccessToken(env, row).then((fresh) => {
        account.accessToken = fresh.accessToken;
        secrets.push(fresh.accessToken, ...(fresh.refreshToken ? [fresh.refreshToken] : []));
        return fresh.accessToken;
      });
      return refreshed;
    },
  };
}

/**
 * A client context's `refreshAccessToken`: the account's one refresh, its
 * failures in the client's own error class (PublishError, InsightsError): a
 * refused refresh needs a person (`reconnect`), anything else is tried again
 * later (`retryable`).
 */
export function refreshAs<E extends Error>(
  access: AccountAccess,
  ClientError: new (errorClass: "reconnect" | "retryable", message: string, opts: { platformMessage: string }) => E,
): () => Promise<string> {
  return () =>
    access.refresh().catch((err: unknown) => {
      if (err instanceof ClientError) throw err;
      if (err instanceof ReconnectRequired) throw new ClientError("reconnect", err.message, { platformMessage: err.message });
      // A provider that is down, or an app secret it refuses (the operator's to fix, named in the message): never a reconnect.
      const words = err instanceof ProviderUnavailable || err instanceof ProviderMisconfigured ? ` ${err.message}` : "";
      throw new ClientError("retryable", `Could not refresh the ${access.platform} token just now; it will be tried again.${words}`, { platformMessage: String(err) });
    });
}

/** fetch with a request timeout the caller cannot lift (a client's own signal is replaced). */
export function timeoutFetch(timeoutMs: number): typeof fetch {
  return ((resource: RequestInfo | URL, init?: RequestInit) => fetch(resource, { ...init, signal: AbortSignal.timeout(timeoutMs) })) as typeof fetch;
}
