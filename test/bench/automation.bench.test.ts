// Automation benchmark (`npm run bench`): one burst over 200 brands with the
// template writer, inside workerd against the real local D1 and queues. It
// prints one `BENCH {json}` line: `burst_brands_per_s`, and correctness figures
// (brands done, proposals and jobs written, errors) as numbers.
import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { runBurst } from "../../worker/automation/burst";
import { DEFAULT_SLOTS } from "../../worker/scheduling/slot-grid";
import { signup } from "../support/fixtures";
import { round } from "./figures";
import { COLORS } from "./seed";

const BRANDS = 200;
const NICHES = ["food and cooking", "personal finance", "fitness", "habits and productivity", "travel", "tech", "beauty", "parenting"];

describe("automation bench", () => {
  it("burst over 200 brands (template writer)", async () => {
    const s = await signup();
    const stmts = Array.from({ length: BRANDS }, (_, i) =>
      env.DB.prepare(
        "INSERT INTO brands (id, workspace_id, slug, name, timezone, colors, slots, schedule_offset, handle, brief) VALUES (?, ?, ?, ?, 'Europe/Lisbon', ?, ?, 0, ?, ?)",
      ).bind(
        `brd_bench_${i}`,
        s.workspaceId,
        `bench-${i}`,
        `Bench Brand ${String(i).padStart(3, "0")}`,
        COLORS,
        JSON.stringify(DEFAULT_SLOTS),
        `@bench${i}`,
        JSON.stringify({ niche: NICHES[i % NICHES.length], bannedWords: ["cheap"], hashtags: [`#bench${i}`], reelsPerDay: 2, postsPerDay: 1 }),
      ),
    );
    for (let i = 0; i < stmts.length; i += 50) await env.DB.batch(stmts.slice(i, i + 50));
    // 600 jobs in one day is past the default quotas (worker/services/quotas.ts): this workspace is an operator's large one.
    await env.DB.prepare("INSERT INTO workspace_quotas (workspace_id, brands, jobs_per_day, renders_per_day) VALUES (?, 1000, 10000, 10000)").bind(s.workspaceId).run();
    const now = Date.parse("2026-06-01T12:30:00Z");
    const t0 = performance.now();
    const result = await runBurst(env, s.workspaceId, "2026-06-01", { now, llm: null, maxBrands: BRANDS });
    const seconds = (performance.now() - t0) / 1000;
    const jobs = await env.DB.prepare("SELECT COUNT(*) AS n FROM generation_jobs WHERE workspace_id = ?").bind(s.workspaceId).first<{ n: number }>();
    console.log(
      `BENCH ${JSON.stringify({
        burst_brands_per_s: round(result.brandsDone / seconds),
        burst_brands: BRANDS,
        burst_brands_done: result.brandsDone,
        burst_proposals: result.processed,
        burst_jobs: jobs!.n,
        burst_errors: result.error ? 1 : 0,
        burst_seconds: round(seconds, 2),
      })}`,
    );
  });
});
