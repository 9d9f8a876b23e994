// The InsightsContext the sampler hands a platform's insights client for one
// account in one sampling run: the account's credentials opened as publishing
// opens them (worker/accounts/access.ts), fetch with a request timeout, the
// sampler's clock, and one token refresh at most.
import { refreshAs, timeoutFetch, type AccountAccess } from "../accounts/access";
import type { Env } from "../env";
import type { PlatformConfig } from "../publishing/types";
import { InsightsError, type InsightsContext } from "./types";

export function createInsightsContext(env: Env, access: AccountAccess, config: PlatformConfig, now: () => number): InsightsContext {
  return {
    env,
    account: access.account,
    config,
    fetch: timeoutFetch(config.requestTimeoutMs),
    now,
    refreshAccessToken: refreshAs(access, InsightsError),
  };
}
