// The simulated year (issue 9, issue 17): all of 2026 for a Europe/Lisbon
// workspace and an America/Los_Angeles one, the cron's burst hand-out fired
// every 10 minutes with random jitter and occasional duplicate (concurrent)
// firings, every message it leads to delivered (some twice), one failure
// injected mid-burst, a paused week each, and at most one brand per message
// (so each day takes a message and its continuation). Promise: exactly one
// complete burst per local day, at or after the local burst time, none while
// paused, the failed day completed later that same day, and no brand's part
// done twice.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { rng as prng } from "../worker/generation/template-writer";
import { localDateString, toLocal } from "../worker/scheduling/zoned-time";
import { createBrand, json, signup } from "./support/fixtures";
import { checkBursts } from "./support/passes";

const MINUTE = 60_000;
const DAY = 86_400_000;

interface Sim {
  id: string;
  zone: string;
  brands: string[];
  pause: { from: number; to: number; days: string[] };
}

function localDays(fromDate: string, count: number): string[] {
  const start = Date.parse(`${fromDate}T12:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(start + i * DAY).toISOString().slice(0, 10));
}

describe("the burst over a simulated year", () => {
  // About 52,600 checks: one D1 round trip each, so this takes a minute or more on a busy machine.
  it("runs exactly once per local day per workspace, DST, duplicates, a failure and a paused week included", { timeout: 1_200_000 }, async () => {
    const seed = 20260101;
    const random = prng(seed);
    const sims: Sim[] = [];
    for (const [zone, pauseFrom, pauseTo, pauseStartDate] of [
      // Lisbon pauses for local 10–16 August (UTC+1 in summer).
      ["Europe/Lisbon", "2026-08-09T23:00:00Z", "2026-08-16T23:00:00Z", "2026-08-10"],
      // Los Angeles pauses for local 5–11 March, across its DST change on the 8th.
      ["America/Los_Angeles", "2026-03-05T08:00:00Z", "2026-03-12T07:00:00Z", "2026-03-05"],
    ] as const) {
      const s = await signup();
      await json("/api/automation", { ...s, method: "PATCH", body: { timezone: zone, burstTime: "12:00" } }, 200);
      const brands: string[] = [];
      for (const name of ["Alpha", "Beta"]) {
        const b = await createBrand(s, { name, timezone: zone, brief: { reelsPerDay: 1, postsPerDay: 0 } });
        brands.push(b.id);
      }
      sims.push({ id: s.workspaceId, zone, brands, pause: { from: Date.parse(pauseFrom), to: Date.parse(pauseTo), days: localDays(pauseStartDate, 7) } });
    }
    const [lisbon] = sims as [Sim, Sim];
    const failDay = "2026-05-20";
    let failedAt: number | null = null;
    let failedRun: { status: string; error: string | null } | null = null;
    const beforeCommit = (brandId: string) => {
      if (failedAt === null && brandId === lisbon.brands[1] && localDateString(now, lisbon.zone) === failDay) {
        failedAt = now;
        throw new Error("D1_ERROR: SQLITE_BUSY: database is locked (injected)");
      }
    };

    // From local midnight of 1 January in Los Angeles (08:00Z, already morning in Lisbon) to the end of its 31 December.
    const start = Date.parse("2026-01-01T08:00:00Z");
    const end = Date.parse("2027-01-01T08:00:00Z");
    let now = start;
    let lastUtcDay = -1;
    const paused = new Set<string>();
    let checks = 0;
    for (let tick = start; tick < end; tick += 10 * MINUTE) {
      now = tick + Math.floor(random() * 90_000); // Cron Triggers fire late by up to a minute and a half
      const day = Math.floor(now / DAY);
      if (day !== lastUtcDay) {
        // What the pipeline held yesterday has moved on: today's quota is one reel per brand again.
        await env.DB.prepare(`UPDATE job_outputs SET status = 'failed' WHERE workspace_id IN (?, ?) AND status = 'pending'`).bind(sims[0]!.id, sims[1]!.id).run();
        lastUtcDay = day;
      }
      for (const s of sims) {
        const shouldPause = now >= s.pause.from && now < s.pause.to;
        if (shouldPause !== paused.has(s.id)) {
          await env.DB.prepare("UPDATE workspaces SET automation_paused = ? WHERE id = ?").bind(shouldPause ? 1 : 0, s.id).run();
          if (shouldPause) paused.add(s.id);
          else paused.delete(s.id);
        }
      }
      // Some messages are delivered twice (Queues deliver at least once).
      const opts = { llm: null, maxBrands: 1, beforeCommit, duplicate: () => random() < 0.03 };
      if (random() < 0.03) {
        // A duplicate delivery of the same trigger, running at the same moment.
        await Promise.all([checkBursts(now, opts), checkBursts(now + 1500, opts)]);
        checks += 2;
      } else {
        await checkBursts(now, opts);
        checks++;
      }
      if (failedAt !== null && failedRun === null) {
        failedRun = await env.DB.prepare("SELECT status, error FROM automation_runs WHERE workspace_id = ? AND kind = 'burst' AND run_key = ?")
          .bind(lisbon.id, failDay)
          .first();
      }
    }
    expect(checks).toBeGreaterThan(52_000);

    // The injected failure: visible as a sentence (the raw D1 text only in the log), then resumed the same day.
    expect(failedAt).not.toBeNull();
    expect(failedRun).toMatchObject({ status: "failed" });
    expect(failedRun!.error).toMatch(/internal error \(reference err_\w+\)/);
    expect(failedRun!.error).not.toMatch(/SQLITE|D1_|locked/);

    for (const s of sims) {
      const runs = await env.DB.prepare("SELECT run_key, status, trigger, error FROM automation_runs WHERE workspace_id = ? AND kind = 'burst'").bind(s.id).all<{
        run_key: string;
        status: string;
        trigger: string;
        error: string | null;
      }>();
      const parts = await env.DB.prepare("SELECT run_key, brand_id, status, done_at, proposals FROM burst_progress WHERE workspace_id = ?").bind(s.id).all<{
        run_key: string;
        brand_id: string;
        status: string;
        done_at: number;
        proposals: number;
      }>();
      const proposals = await env.DB.prepare("SELECT run_key, brand_id, COUNT(*) AS n FROM proposals WHERE workspace_id = ? GROUP BY run_key, brand_id").bind(s.id).all<{
        run_key: string;
        brand_id: string;
        n: number;
      }>();
      const byDay = new Map(runs.results.map((r) => [r.run_key, r]));
      const days = localDays("2026-01-01", 365);
      expect(days.at(-1)).toBe("2026-12-31");
      const expected = days.filter((d) => !s.pause.days.includes(d));
      // One run per local day of 2026 outside the paused week, each complete; none for the paused week.
      expect([...byDay.keys()].sort()).toEqual(expected);
      expect(runs.results.every((r) => r.status === "succeeded" && r.trigger === "cron" && r.error === null)).toBe(true);
      // Every brand's part of every day done once, at or after local noon of that very day.
      expect(parts.results).toHaveLength(expected.length * s.brands.length);
      for (const p of parts.results) {
        expect(p.status).toBe("done");
        const local = toLocal(p.done_at, s.zone);
        expect(localDateString(p.done_at, s.zone), `${s.zone} ${p.run_key}`).toBe(p.run_key);
        expect(local.hour, `${s.zone} ${p.run_key} done at ${new Date(p.done_at).toISOString()}`).toBeGreaterThanOrEqual(12);
      }
      // No brand done twice: each (day, brand) wrote exactly its one proposal.
      expect(proposals.results).toHaveLength(expected.length * s.brands.length);
      expect(proposals.results.every((r) => r.n === 1)).toBe(true);
    }

    // The failed day: the first brand's part stood, the second was done later that same local day.
    const failParts = await env.DB.prepare("SELECT brand_id, done_at FROM burst_progress WHERE workspace_id = ? AND run_key = ?")
      .bind(lisbon.id, failDay)
      .all<{ brand_id: string; done_at: number }>();
    const doneAt = new Map(failParts.results.map((r) => [r.brand_id, r.done_at]));
    expect(doneAt.get(lisbon.brands[0]!)!).toBeLessThanOrEqual(failedAt!);
    expect(doneAt.get(lisbon.brands[1]!)!).toBeGreaterThan(failedAt!);
    expect(localDateString(doneAt.get(lisbon.brands[1]!)!, lisbon.zone)).toBe(failDay);
  });
});
