// Publishing benchmarks (`npm run bench`): the publish consumer with the real
// clients against the fake platforms (their own private instances), inside
// workerd with the real local D1 and R2. Prints `BENCH {json}` lines that
// scripts/bench.mjs merges:
//   publish_per_s     deliveries per second through the consumer, no faults
//                     (one message each, 10 at a time; seeding not timed);
//   chaos_duplicates  deliveries posted more than once under chaos (must be 0),
//                     with the chaos run's other outcomes next to it.
// Benchmarks measure; correctness figures are reported, not asserted.
import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { chaosFake, driveUntilQuiet } from "../publishing/chaos-driver";
import { fakeCounts, seedChaos } from "../publishing/chaos-seed";
import { round } from "./figures";

const FAKES = ["instagram", "facebook", "youtube"] as const;
const report = (figures: Record<string, unknown>) => console.log(`BENCH ${JSON.stringify(figures)}`);
const progress = (msg: string) => console.error(`[bench:publishing] ${msg}`);

async function statuses(ids: string[]) {
  const rows = await env.DB.prepare("SELECT status, COUNT(*) AS n FROM deliveries WHERE id IN (SELECT value FROM json_each(?)) GROUP BY status")
    .bind(JSON.stringify(ids))
    .all<{ status: string; n: number }>();
  return Object.fromEntries(rows.results.map((r) => [r.status, r.n]));
}

describe("publishing bench", () => {
  it("publish_per_s: deliveries through the consumer against the fakes", async () => {
    try {
      await Promise.all(FAKES.map((f) => chaosFake(f).clearFaults()));
      const seeded = await seedChaos({ deliveries: 150, brands: 15, seed: 7 });
      const t0 = performance.now();
      const stats = await driveUntilQuiet(
        seeded.map((d) => d.deliveryId),
        { seed: 7, faultRate: 0, softKillRate: 0, hardKillRate: 0, duplicateRate: 0, initialCopies: 1, requestTimeoutMs: 30_000, concurrency: 10, fakes: [...FAKES] },
      );
      const seconds = (performance.now() - t0) / 1000;
      const outcome = await statuses(seeded.map((d) => d.deliveryId));
      progress(`${seeded.length} deliveries in ${round(seconds, 2)} s: ${JSON.stringify(outcome)}, ${stats.messages} messages`);
      report({ publish_per_s: round(seeded.length / seconds, 1), publish_bench_outcomes: outcome });
    } catch (e) {
      report({ errors: [`publishing/publish_per_s: ${e instanceof Error ? e.message : String(e)}`] });
      throw e;
    }
  });

  it("chaos_duplicates: 300 deliveries under faults, duplicates and kills", async () => {
    try {
      const seeded = await seedChaos({ deliveries: 300, brands: 50, seed: 1126, containerErrorRate: 0.03 });
      const t0 = performance.now();
      const stats = await driveUntilQuiet(
        seeded.map((d) => d.deliveryId),
        { seed: 1126, faultRate: 0.2, softKillRate: 0.02, hardKillRate: 0.01, duplicateRate: 0.25, requestTimeoutMs: 1500, concurrency: 10, fakes: [...FAKES] },
      );
      const counts = await fakeCounts(seeded);
      // Release the connections the hang faults still hold open.
      await Promise.all(FAKES.map((f) => chaosFake(f).reset()));
      const outcome = await statuses(seeded.map((d) => d.deliveryId));
      const duplicates = [...counts.values()].filter((n) => n > 1).length;
      progress(`chaos: ${JSON.stringify(stats)} → ${JSON.stringify(outcome)} in ${round((performance.now() - t0) / 1000, 2)} s`);
      report({
        chaos_duplicates: duplicates,
        chaos_published: outcome.published ?? 0,
        chaos_failed: outcome.failed ?? 0,
        chaos_unfinished: seeded.length - (outcome.published ?? 0) - (outcome.failed ?? 0),
      });
    } catch (e) {
      report({ errors: [`publishing/chaos: ${e instanceof Error ? e.message : String(e)}`] });
      throw e;
    }
  });
});
