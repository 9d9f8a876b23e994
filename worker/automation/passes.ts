// Runs one automation pass for one workspace and records it in automation_runs.
import type { Env } from "../env";
import { numberVar } from "../lib/time";
import { reportFailure } from "../generation/failure-report";
import { runRefresh } from "../accounts/refresh";
import { runMetricsPass } from "../analytics/pass";
import { runBurst } from "./burst";
import { runCatchup } from "./catchup";
import { runDispatch } from "./dispatch";
import { runHealing } from "./healing";
import { claimRun, finishRun, type RunCounts, type RunKind } from "./runs";

/**
 * `budget` caps the work of this run (outputs for catch-up, brands for a
 * burst by hand); `after` is a continuation's cursor (pass-queue.ts). A runner
 * sets `continueAfter` when it stopped at its bound with more to do.
 */
export type PassRunner = (env: Env, workspaceId: string, runKey: string, budget: number, after?: string) => Promise<RunCounts>;

export const PASSES: Partial<Record<RunKind, PassRunner>> = {
  // A full share that booked something continues; one that booked nothing leaves the rest to the next window.
  catchup: async (env, ws, _key, budget) => {
    const counts = await runCatchup(env, ws, budget);
    return counts.processed >= budget && counts.succeeded > 0 ? { ...counts, continueAfter: "" } : counts;
  },
  healing: (env, ws) => runHealing(env, ws),
  // By hand: one invocation works through up to `budget` brands under its own run key.
  burst: (env, ws, runKey, budget) => runBurst(env, ws, runKey, { maxBrands: budget }),
  // Token renewal and re-sealing under a rotated key (worker/accounts/refresh.ts).
  refresh: (env, ws, _key, _budget, after) => runRefresh(env, ws, Date.now(), after),
  dispatch: (env, ws) => runDispatch(env, { workspaceId: ws }),
  // Samples the workspace's due metrics now (the cron fans the same work out per brand).
  metrics: (env, ws, _key, budget) => runMetricsPass(env, ws, budget),
};

/** Claims `runKey`, runs the pass, records the counts. Returns the run, or null if already claimed. */
export async function runPass(
  env: Env,
  workspaceId: string,
  kind: RunKind,
  trigger: "cron" | "manual",
  runKey: string,
  budget = numberVar(env.CATCHUP_BATCH, 500),
  after?: string,
): Promise<{ runId: string; counts: RunCounts } | null> {
  const runner = PASSES[kind];
  if (!runner) return null;
  const runId = await claimRun(env.DB, workspaceId, kind, runKey, trigger);
  if (!runId) return null;
  let counts: RunCounts;
  try {
    counts = await runner(env, workspaceId, runKey, budget, after);
  } catch (err) {
    // Users read `error`: a sentence, the raw text only in the log (issue 10).
    const { sentence } = reportFailure(err, `The ${kind} pass`, { kind, workspaceId, runKey });
    counts = { processed: 0, succeeded: 0, failed: 0, remaining: 0, error: sentence };
  }
  await finishRun(env.DB, runId, counts);
  return { runId, counts };
}
