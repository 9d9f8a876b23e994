// Exactly once under chaos (issue 7, DESIGN.md invariants 6 and 7): 300
// deliveries over Instagram, Facebook and YouTube, the real clients against
// the fakes, with random faults of every kind, every message delivered more
// than once, and consumers killed mid-step. Every delivery ends published
// exactly once on the fake (the fake counts) or failed with a reason; none
// stays publishing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fakeAdmin } from "../fakes/admin";
import { expectHumanMessage } from "../support/fixtures";
import { driveUntilQuiet } from "./chaos-driver";
import { seedChaos, fakeCounts } from "./chaos-seed";

describe("exactly once under chaos", () => {
  it("300 deliveries, 20% faults, duplicates and kills: published once or failed with a reason", async () => {
    const seed = Number(process.env.CHAOS_SEED ?? 20261126);
    const seeded = await seedChaos({ deliveries: 300, brands: 50, seed, containerErrorRate: 0.03 });
    const stats = await driveUntilQuiet(
      seeded.map((d) => d.deliveryId),
      { seed, faultRate: 0.2, softKillRate: 0.03, hardKillRate: 0.01, duplicateRate: 0.25, requestTimeoutMs: 1500, concurrency: 10, fakes: ["instagram", "facebook", "youtube"] },
    );
    const counts = await fakeCounts(seeded);
    const rows = new Map(
      (await env.DB.prepare(`SELECT id, status, last_error, error_class, published_id FROM deliveries WHERE id IN (SELECT value FROM json_each(?))`).bind(JSON.stringify(seeded.map((d) => d.deliveryId))).all<{
        id: string;
        status: string;
        last_error: string | null;
        error_class: string | null;
        published_id: string | null;
      }>()).results.map((r) => [r.id, r]),
    );
    const summary: Record<string, number> = {};
    const duplicates: string[] = [];
    for (const d of seeded) {
      const row = rows.get(d.deliveryId)!;
      const n = counts.get(d.tag) ?? 0;
      summary[`${d.platform}:${row.status}`] = (summary[`${d.platform}:${row.status}`] ?? 0) + 1;
      if (n > 1) duplicates.push(`${d.tag} ${d.platform} ×${n}`);
      expect(["published", "failed"], `${d.tag} ${d.platform} ended ${row.status}`).toContain(row.status);
      if (row.status === "published") {
        expect(n, `${d.tag} ${d.platform} published ${n} times on the fake`).toBe(1);
        expect(row.published_id).toBeTruthy();
      } else {
        expectHumanMessage(row.last_error, `${d.tag} ${d.platform}`);
        expect(n, `${d.tag} ${d.platform} failed (${row.last_error}) but is on the fake ${n} times`).toBe(0);
      }
    }
    console.log(JSON.stringify({ chaos: stats, outcomes: summary }));
    expect(duplicates).toEqual([]);
    // The run was chaotic: faults fired and consumers died, yet most deliveries made it.
    expect(stats.faultsInjected).toBeGreaterThan(50);
    expect(stats.softKills + stats.hardKills).toBeGreaterThan(3);
    const published = [...rows.values()].filter((r) => r.status === "published").length;
    expect(published).toBeGreaterThan(150);
    for (const name of ["instagram", "facebook", "youtube"] as const) {
      const log = await fakeAdmin(name).requests();
      expect(log.some((r) => r.fault), `${name} saw injected faults`).toBe(true);
    }
  }, 900_000);
});
