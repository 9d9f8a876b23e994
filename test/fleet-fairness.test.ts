// Fairness (issue 17 item 2, DESIGN.md §9): work is shared per workspace,
// never in table order. One workspace with 500 brands and 100 with 2, all
// due at the same instant: the cron hands out one message per workspace, a
// message does a bounded share, and the big workspace's continuation goes to
// the back of the queue. So every small workspace's burst is done within the
// first few batches, long before the big one's, which still completes.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BURST_BRANDS_PER_SHARE } from "../worker/automation/burst";
import { fanOutDueBursts } from "../worker/automation/burst-fanout";
import type { Env, GenerateMessage } from "../worker/env";
import { seedFleet } from "./bench/seed";
import { drainPasses, passQueue } from "./support/passes";

/** Generation is not part of a burst's figure: its messages are dropped here. */
const noGeneration = { send: async () => {}, sendBatch: async () => {} } as unknown as Queue<GenerateMessage>;

async function doneWorkspaces(prefix: string): Promise<Set<string>> {
  const rows = await env.DB.prepare("SELECT workspace_id AS id FROM automation_runs WHERE kind = 'burst' AND status = 'succeeded' AND workspace_id LIKE ?")
    .bind(`${prefix}%`)
    .all<{ id: string }>();
  return new Set(rows.results.map((r) => r.id));
}

async function brandsDone(workspaceId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM burst_progress WHERE workspace_id = ? AND status = 'done'").bind(workspaceId).first<{ n: number }>();
  return row!.n;
}

describe("fairness between workspaces", () => {
  it("one workspace of 500 brands and 100 of 2, all due at once: every small one is done within the first batches", { timeout: 600_000 }, async () => {
    // The big workspace comes first in id (table) order: in table order, everyone would wait for its 500 brands.
    const [big, ...small] = await seedFleet(env.DB, "fair", [500, ...Array.from({ length: 100 }, () => 2)]);
    const now = Date.parse("2026-09-01T12:00:00Z");
    const q = passQueue({ ...env, GENERATE_QUEUE: noGeneration } as Env);

    const handed = await fanOutDueBursts(q.env, now);
    expect(handed.handedOut).toBe(101);
    const order = q.waiting.map((m) => (m.kind === "burst" ? m.workspaceId : m.kind));
    expect([...order].sort()).toEqual([big, ...small]);
    // The hard case: the big workspace's message is in the first batch, ahead of the small ones.
    expect(order.indexOf(big!)).toBeLessThan(5);

    // Batches of 5 (wrangler.toml max_batch_size), as one consumer takes them.
    const BATCH = 5;
    let batches = 0;
    const doneAt = new Map<string, number>();
    let bigBrandsWhenSmallDone: number | null = null;
    await drainPasses(q, {
      now: () => now,
      llm: null,
      batchSize: BATCH,
      afterBatch: async () => {
        batches++;
        for (const id of await doneWorkspaces("fair")) if (!doneAt.has(id)) doneAt.set(id, batches);
        if (bigBrandsWhenSmallDone === null && small.every((id) => doneAt.has(id))) bigBrandsWhenSmallDone = await brandsDone(big!);
      },
    });

    // Every small workspace: done within the batches that held the first 101 messages and one more.
    const firstMessagesBatches = Math.ceil(101 / BATCH);
    const smallDone = small.map((id) => doneAt.get(id));
    expect(smallDone.every((b) => b !== undefined && b <= firstMessagesBatches + 1), JSON.stringify(smallDone)).toBe(true);
    // Meanwhile the big one had done its first share, and at most a second: its continuations waited behind them.
    expect(bigBrandsWhenSmallDone).toBeGreaterThanOrEqual(BURST_BRANDS_PER_SHARE);
    expect(bigBrandsWhenSmallDone).toBeLessThanOrEqual(2 * BURST_BRANDS_PER_SHARE);
    // The big one still finishes: 50 shares, one after another, each at the back of the queue.
    expect(doneAt.get(big!)).toBeGreaterThan(firstMessagesBatches + 1);
    expect(await brandsDone(big!)).toBe(500);
    expect(q.sent.filter((m) => m.kind === "burst" && m.workspaceId === big).length).toBe(500 / BURST_BRANDS_PER_SHARE);
    // Each small workspace took exactly one message, and every brand's part was done once.
    for (const id of small) expect(q.sent.filter((m) => m.kind === "burst" && m.workspaceId === id).length).toBe(1);
    const proposals = await env.DB.prepare("SELECT brand_id, COUNT(*) AS n FROM proposals WHERE workspace_id LIKE 'fair%' GROUP BY brand_id").all<{ n: number }>();
    expect(proposals.results).toHaveLength(700);
    expect(proposals.results.every((r) => r.n === 1)).toBe(true);
  });
});
