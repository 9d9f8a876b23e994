// The metrics tables' indexes cost what they serve (issue 17 item 5: D1 bills
// each index entry written as a row written, and metrics are most of them):
// a brand's due time moves no entry of metric_brands_workspace (a workspace
// delete's cascade needs workspace_id alone), a post's reading adds none to
// metric_snapshots_account (partial: accounts' readings only), and the
// queries that read through those indexes still do (EXPLAIN QUERY PLAN).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { FOLLOWER_READINGS_SQL } from "../../worker/analytics/brand-report";
import { fanOutDueMetrics } from "../../worker/analytics/fanout";
import type { Env, MetricsMessage } from "../../worker/env";
import { HOUR } from "../../worker/lib/time";
import { countedD1, newTally, planReport } from "../bench/cost-meter";
import { createBrand, signup } from "../support/fixtures";
import { connectAccount, deliverMetrics, publishPosts, recordingMetricsQueue } from "./support";

async function plan(sql: string, params: number): Promise<string[]> {
  const r = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...Array(params).fill(null)).all<{ detail: string }>();
  return r.results.map((x) => x.detail);
}

/** One brand (an account and two posts due) through the cron's fan-out and its message, every statement counted. */
async function sampledBrand() {
  const s = await signup();
  const brandId = (await createBrand(s)).id;
  await connectAccount(s, brandId, "sandbox");
  await publishPosts(s, brandId, 2, { publishedAt: Date.now() - 2 * HOUR });
  const tally = newTally();
  const sent: MetricsMessage[] = [];
  const counted = { ...env, DB: countedD1(tally, env.DB), METRICS_QUEUE: recordingMetricsQueue(sent) } as Env;
  await fanOutDueMetrics(counted, Date.now());
  expect(sent.map((m) => m.brandId)).toContain(brandId);
  await deliverMetrics([brandId], { env: counted });
  const writes = (prefix: string) => [...tally.statements].filter(([sql]) => sql.trim().startsWith(prefix)).map(([, st]) => st);
  return { tally, writes };
}

describe("metrics indexes", () => {
  it("a brand's due time moves only metric_brands_due; a post's reading is not indexed by account", async () => {
    const { writes } = await sampledBrand();
    const [claim] = writes("UPDATE metric_brands SET next_at = ?1");
    const [settle] = writes("UPDATE metric_brands SET next_at = (SELECT MIN(next_at)");
    const [insert] = writes("INSERT INTO metric_snapshots");
    expect({ claim, settle, insert }).toMatchObject({
      // The cron's claim of the brand (its lease) and settling its due time after the run: the row and its
      // metric_brands_due entry each (3 while the workspace index held next_at).
      claim: { runs: 1, rowsWritten: 2 },
      settle: { runs: 1, rowsWritten: 2 },
      // The readings: the row, its primary key, its delivery and brand entries each (5 while every reading had an
      // account entry), and the account's reading one more, in metric_snapshots_account.
      insert: { runs: 3, rowsWritten: 2 * 4 + 5 },
    });
  });

  it("the queries through metric_brands and metric_snapshots still seek their indexes", async () => {
    const { tally } = await sampledBrand();
    const touching = (await planReport(env.DB, tally)).filter((p) => /metric_(brands|snapshots)/.test(p.sql));
    expect(touching.length).toBeGreaterThanOrEqual(3); // the fan-out's claim, settling, the readings
    for (const p of touching) expect(p.plan.filter((line) => /^SCAN metric_(brands|snapshots)\b/.test(line)), p.sql).toEqual([]);

    // A brand's followers series (the Analytics page): `account_id IN (…)` implies NOT NULL, so the partial index serves it.
    expect((await plan(FOLLOWER_READINGS_SQL, 4)).join("\n")).toMatch(/SEARCH metric_snapshots USING INDEX metric_snapshots_account \(account_id=\? AND captured_at>\? AND captured_at<\?\)/);
    // A workspace's delete cascades to metric_brands through its workspace index.
    expect(await plan("DELETE FROM metric_brands WHERE workspace_id = ?", 1)).toEqual([expect.stringMatching(/^SEARCH metric_brands USING (COVERING )?INDEX metric_brands_workspace \(workspace_id=\?\)/)]);
  });
});
