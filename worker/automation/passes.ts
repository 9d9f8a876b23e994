// Runs one automation pass for one workspace and records it in automation_runs.
import type { Env } from "../env";
import { numberVar } from "../lib/time";
import { runBurst } from "./burst";
import { runCatchup } from "./catchup";
import { runDispatch } from "./dispatch";
import { runHealing } from "./healing";
import { claimRun, finishRun, type RunCounts, type RunKind } from "./runs";

/** `budget` caps the work of this run (outputs for catch-up); a cron invocation shares one budget across workspaces. */
export type PassRunner = (env: Env, workspaceId: string, runKey: string, budget: number) => Promise<RunCounts>;

export const PASSES: Partial<Record<RunKind, PassRunner>> = {
  catchup: (env, ws, _key, budget) => runCatchup(env, ws, budget),
  healing: (env, ws) => runHealing(env, ws),
  burst: (env, ws, runKey) => runBurst(env, ws, runKey),
  dispatch: (env, ws) => runDispatch(env, { workspaceId: ws }),
};

/** Claims `runKey`, runs the pass, records the counts. Returns the run, or null if already claimed. */
export async function runPass(
  env: Env,
  workspaceId: string,
  kind: RunKind,
  trigger: "cron" | "manual",
  runKey: string,
  budget = numberVar(env.CATCHUP_BATCH, 500),
): Promise<{ runId: string; counts: RunCounts } | null> {
  const runner = PASSES[kind];
  if (!runner) return null;
  const runId = await claimRun(env.DB, workspaceId, kind, runKey, trigger);
  if (!runId) return null;
  let counts: RunCounts;
  try {
    counts = await runner(env, workspaceId, runKey, budget);
  } catch (err) {
    console.error(JSON.stringify({ message: "automation pass failed", kind, workspaceId, error: String(err) }));
    counts = { processed: 0, succeeded: 0, failed: 0, remaining: 0, error: err instanceof Error ? err.message : String(err) };
  }
  await finishRun(env.DB, runId, counts);
  return { runId, counts };
}
