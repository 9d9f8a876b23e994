// The learning loop against D1 (issue 15 item 7): a brand's arm statistics
// come from metric_snapshots alone (each delivery's newest reading), joined
// back to the proposal through deliveries → schedules → generation_jobs,
// normalised per brand; other brands and workspaces never count; nothing in
// worker/learning knows the sandbox's simulator. Both writers record the arm
// of every proposal through the burst, and the job's topic is the arm's.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runBurst } from "../../worker/automation/burst";
import { NICHES } from "../../worker/generation/banks";
import { parseTitle } from "../../worker/generation/titles";
import { loadArmStats } from "../../worker/learning/arm-stats";
import { posterior } from "../../worker/learning/thompson";
import { DEFAULT_SLOTS } from "../../worker/scheduling/slot-grid";
import { COLORS } from "../bench/seed";
import { json, signup, type Session } from "../support/fixtures";
import { armedOutputStatements, publishedStatements, snapshotStatements, type Snapshot } from "../support/published";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 2, 1, 12);
const FOOD_EN = NICHES.find((n) => n.id === "food")!.topics.en.map((t) => t.topic);

/** A brand with a fixed id, so the burst's seed (brand id and date) and so its choices are the same on every run. */
async function brandWithId(s: Session, id: string, brief: Record<string, unknown> = {}) {
  await env.DB.prepare(`INSERT INTO brands (id, workspace_id, slug, name, timezone, colors, slots, brief) VALUES (?, ?, ?, ?, 'Europe/Lisbon', ?, ?, ?)`)
    .bind(id, s.workspaceId, id, `Brand ${id}`, COLORS, JSON.stringify(DEFAULT_SLOTS), JSON.stringify({ niche: "food", language: "en", reelsPerDay: 1, postsPerDay: 0, ...brief }))
    .run();
  return id;
}

interface Post {
  topic: string | null;
  hook?: string | null;
  views: number;
  likes?: number;
  platform?: "instagram" | "sandbox";
}

/** Published posts of the brand, one a day from T0, each read at 6 hours and at 7 days (the newest reading counts), and the account's followers. */
async function seedPosts(workspaceId: string, brandId: string, posts: Post[], opts: { simulated?: boolean; followers?: number } = {}) {
  const account = `${brandId}-acct`;
  const armed = posts.map((p, i) => ({
    brandId,
    proposalId: `${brandId}-prp${i}`,
    outputId: `${brandId}-out${i}`,
    title: `${p.topic ?? "A person's post"} ${i}`,
    variant: "light" as const,
    topic: p.topic,
    hook: p.topic ? (p.hook ?? "checklist") : null,
    at: T0 + i * DAY,
  }));
  const published = posts.map((p, i) => ({
    outputId: `${brandId}-out${i}`,
    scheduleId: `${brandId}-sch${i}`,
    deliveryId: `${brandId}-dlv${i}`,
    platform: p.platform ?? ("instagram" as const),
    accountId: account,
    at: T0 + i * DAY,
  }));
  const snaps: Snapshot[] = posts.flatMap((p, i) => {
    const base = { brandId, platform: p.platform ?? "instagram", deliveryId: `${brandId}-dlv${i}`, simulated: opts.simulated ?? false };
    const likes = p.likes ?? Math.round(p.views / 10);
    return [
      // Six hours in, every post looks alike; a week in, they differ.
      { ...base, id: `${brandId}-snp${i}a`, capturedAt: T0 + i * DAY + 6 * HOUR, views: 100, reach: 80, likes: 10, comments: 1, shares: 1, saves: 1 },
      { ...base, id: `${brandId}-snp${i}b`, capturedAt: T0 + i * DAY + 7 * DAY, views: p.views, reach: Math.round(p.views * 0.8), likes, comments: 0, shares: 0, saves: 0 },
    ];
  });
  snaps.push({ id: `${brandId}-followers`, brandId, platform: "instagram", accountId: account, capturedAt: T0 - DAY, followers: opts.followers ?? 10_000 });
  const db = env.DB;
  await db.batch([...armedOutputStatements(db, workspaceId, armed), ...publishedStatements(db, workspaceId, published)]);
  await db.batch(snapshotStatements(db, workspaceId, snaps));
}

/** Four posts per topic: "sheet-pan vegetables" does twice as well as "homemade bread", "pantry staples" half as well. */
const SHAPED: Post[] = [0, 1, 2, 3].flatMap((k) => [
  { topic: "sheet-pan vegetables", views: 2000 + k * 100 },
  { topic: "homemade bread", views: 1000 + k * 100 },
  { topic: "pantry staples", views: 500 + k * 100 },
]);

const NOW = T0 + 60 * DAY;

describe("arm statistics from metric_snapshots", () => {
  it("rank a brand's topics by how its posts did relative to its own median, from each post's newest reading", async () => {
    const s = await signup();
    const brand = await brandWithId(s, "arms-rank");
    await seedPosts(s.workspaceId, brand, SHAPED);
    const stats = await loadArmStats(env.DB, s.workspaceId, brand, NOW);
    expect(stats.posts).toBe(12);
    for (const t of ["sheet-pan vegetables", "homemade bread", "pantry staples"]) expect(stats.topic.get(t)?.posts, t).toBe(4);
    const mean = (t: string) => posterior(stats, "topic", t).mean;
    expect(mean("sheet-pan vegetables")).toBeGreaterThan(0.25);
    expect(Math.abs(mean("homemade bread"))).toBeLessThan(0.1);
    expect(mean("pantry staples")).toBeLessThan(-0.25);
    expect(stats.hook.get("checklist")?.posts).toBe(12);
  });

  it("are the same for a brand ten times smaller: normalised per brand", async () => {
    const s = await signup();
    const big = await brandWithId(s, "arms-big");
    const small = await brandWithId(s, "arms-small");
    await seedPosts(s.workspaceId, big, SHAPED);
    await seedPosts(s.workspaceId, small, SHAPED.map((p) => ({ ...p, views: p.views / 10 })), { followers: 1000 });
    const a = await loadArmStats(env.DB, s.workspaceId, big, NOW);
    const b = await loadArmStats(env.DB, s.workspaceId, small, NOW);
    for (const t of ["sheet-pan vegetables", "homemade bread", "pantry staples"]) {
      expect(posterior(b, "topic", t).mean, t).toBeCloseTo(posterior(a, "topic", t).mean, 9);
    }
  });

  it("count posts without an arm (a person's) towards the brand's median only, and read nothing of other brands or workspaces", async () => {
    const s = await signup();
    const other = await signup();
    const brand = await brandWithId(s, "arms-own");
    const sibling = await brandWithId(s, "arms-sibling");
    await seedPosts(s.workspaceId, brand, [...SHAPED, { topic: null, views: 1000 }, { topic: null, views: 1000 }]);
    // The sibling brand of the same workspace loves "pantry staples".
    await seedPosts(s.workspaceId, sibling, [0, 1, 2, 3].map(() => ({ topic: "pantry staples", views: 90_000 })));
    const before = await loadArmStats(env.DB, s.workspaceId, brand, NOW);
    expect(before.posts).toBe(14);
    expect(before.topic.get("pantry staples")!.posts).toBe(4);
    // Rows of another workspace naming this brand's deliveries, newer and enormous: not this brand's readings.
    await env.DB.batch(
      snapshotStatements(
        env.DB,
        other.workspaceId,
        [0, 1, 2].map((i) => ({ id: `foreign-${i}`, brandId: brand, platform: "instagram", deliveryId: `${brand}-dlv${i * 3 + 2}`, capturedAt: T0 + 40 * DAY, views: 10_000_000, reach: 9_000_000, likes: 1 })),
      ),
    );
    const after = await loadArmStats(env.DB, s.workspaceId, brand, NOW);
    expect(after).toEqual(before);
    expect(posterior(after, "topic", "pantry staples").mean).toBeLessThan(-0.25);
  });

  it("learn from the rows alone: simulated readings count as what they say, and nothing in worker/learning imports the simulator", async () => {
    const s = await signup();
    const brand = await brandWithId(s, "arms-simulated");
    // Sandbox readings flagged simulated, shaped the other way round from SHAPED's topics.
    await seedPosts(
      s.workspaceId,
      brand,
      SHAPED.map((p) => ({ ...p, platform: "sandbox" as const, views: Math.round(2_000_000 / p.views) })),
      { simulated: true },
    );
    const stats = await loadArmStats(env.DB, s.workspaceId, brand, NOW);
    expect(posterior(stats, "topic", "pantry staples").mean).toBeGreaterThan(0.25);
    expect(posterior(stats, "topic", "sheet-pan vegetables").mean).toBeLessThan(-0.25);
    const sources = import.meta.glob("../../worker/learning/*.ts", { query: "?raw", import: "default", eager: true }) as Record<string, string>;
    expect(Object.keys(sources).length).toBeGreaterThanOrEqual(4);
    for (const [file, text] of Object.entries(sources)) {
      expect(text, file).not.toMatch(/analytics\/(simulator|sandbox-insights|demo-history)/);
      expect(text, file).not.toMatch(/simulatePostMetrics|simulateFollowers/);
    }
  });

  it("ignore readings after `now` and posts younger than two days at their newest reading", async () => {
    const s = await signup();
    const brand = await brandWithId(s, "arms-time");
    await seedPosts(s.workspaceId, brand, SHAPED);
    // As of T0 + 9 days, only posts 0–2 have their 7-day reading; the rest are read at 6 hours (too young) or not at all.
    const early = await loadArmStats(env.DB, s.workspaceId, brand, T0 + 9 * DAY + HOUR);
    expect(early.posts).toBe(3);
    expect(early.topic.get("pantry staples")?.posts).toBe(1);
  });
});

describe("proposals record their arm through the burst", () => {
  it("template writer: each proposal's arm is its title's topic and hook, its job's topic is the arm's topic, and the brand's evidence steers the choice", async () => {
    const s = await signup();
    const brand = await brandWithId(s, "arms-burst-template");
    // Every bank topic tried three times; "sheet-pan vegetables" did three times better than the rest.
    await seedPosts(
      s.workspaceId,
      brand,
      [0, 1, 2].flatMap((k) => FOOD_EN.map((topic) => ({ topic, views: (topic === "sheet-pan vegetables" ? 3000 : 1000) + k * 7 }))),
    );
    const days = 12;
    for (let d = 0; d < days; d++) {
      const now = NOW + d * DAY;
      const result = await runBurst(env, s.workspaceId, new Date(now).toISOString().slice(0, 10), { now, llm: null });
      expect(result.error).toBeUndefined();
      await env.DB.prepare("UPDATE job_outputs SET status = 'failed' WHERE brand_id = ? AND status = 'pending'").bind(brand).run();
    }
    const rows = await env.DB.prepare(
      `SELECT p.title, p.arm_topic, p.arm_hook, p.writer, j.topic AS job_topic FROM proposals p JOIN generation_jobs j ON j.proposal_id = p.id
       WHERE p.brand_id = ? AND p.run_key IS NOT NULL ORDER BY p.created_at`,
    )
      .bind(brand)
      .all<{ title: string; arm_topic: string; arm_hook: string; writer: string; job_topic: string }>();
    expect(rows.results).toHaveLength(days);
    for (const r of rows.results) {
      expect(r.writer).toBe("template");
      expect(FOOD_EN).toContain(r.arm_topic);
      expect(r.job_topic).toBe(r.arm_topic);
      const parsed = parseTitle(r.title, "en")!;
      expect(parsed.hook.id).toBe(r.arm_hook);
      expect(parsed.topic.toLowerCase()).toBe(r.arm_topic);
    }
    // Uniform choice would give it one day in twelve.
    const best = rows.results.filter((r) => r.arm_topic === "sheet-pan vegetables").length;
    expect(best).toBeGreaterThanOrEqual(days / 2);
  });

  it("llm writer: the prompt carries each chosen topic and hook, and the proposals record them", async () => {
    const s = await signup();
    const brand = await brandWithId(s, "arms-burst-llm", { reelsPerDay: 2, postsPerDay: 1 });
    const prompts: string[] = [];
    const fetch = (async (_url: string, init: RequestInit) => {
      const prompt = JSON.parse(String(init.body)).messages.at(-1).content as string;
      prompts.push(prompt);
      const n = Number(/Propose (\d+) pieces/.exec(prompt)![1]);
      const proposals = Array.from({ length: n }, (_, i) => ({ title: `A fresh idea number ${i + 1} for dinner`, angle: "quick win", caption: "Dinner, sorted. #food", hashtags: ["#food"] }));
      return Response.json({ choices: [{ index: 0, message: { role: "assistant", content: JSON.stringify({ proposals }) }, finish_reason: "stop" }] });
    }) as unknown as typeof globalThis.fetch;
    const now = NOW;
    const result = await runBurst(env, s.workspaceId, "2026-05-01", { now, llm: { baseUrl: "http://llm.test/v1", apiKey: "k", model: "m", fetch, backoffMs: 1 } });
    expect(result.error).toBeUndefined();
    const rows = await env.DB.prepare(
      `SELECT p.arm_topic, p.arm_hook, p.writer, j.topic AS job_topic FROM proposals p LEFT JOIN generation_jobs j ON j.proposal_id = p.id WHERE p.brand_id = ? ORDER BY p.rowid`,
    )
      .bind(brand)
      .all<{ arm_topic: string; arm_hook: string; writer: string; job_topic: string | null }>();
    expect(rows.results).toHaveLength(3);
    expect(prompts).toHaveLength(1);
    for (const r of rows.results) {
      expect(r.writer).toBe("llm");
      expect(FOOD_EN).toContain(r.arm_topic);
      expect(prompts[0]).toContain(`on the topic "${r.arm_topic}"`);
      if (r.job_topic !== null) expect(r.job_topic).toBe(r.arm_topic);
    }
    expect(new Set(rows.results.map((r) => r.arm_topic)).size).toBe(3);
    // The prompt shows each hook as a title in its style; the recorded hook is that title's.
    const styled = [...prompts[0]!.matchAll(/titled in the style of "([^"]+)"/g)].map((m) => parseTitle(m[1]!, "en")!.hook.id);
    expect(styled).toEqual(rows.results.map((r) => r.arm_hook));
  });

  it("accepting a pending proposal makes a job about the proposal's topic", async () => {
    const s = await signup();
    await json("/api/automation", { ...s, method: "PATCH", body: { review: "manual" } }, 200);
    const brand = await brandWithId(s, "arms-review");
    await runBurst(env, s.workspaceId, "2026-05-02", { now: NOW, llm: null });
    const p = await env.DB.prepare("SELECT id, arm_topic FROM proposals WHERE brand_id = ? AND status = 'pending'").bind(brand).first<{ id: string; arm_topic: string }>();
    expect(FOOD_EN).toContain(p!.arm_topic);
    await json(`/api/proposals/${p!.id}/accept`, { ...s, body: {} }, 200);
    const job = await env.DB.prepare("SELECT topic FROM generation_jobs WHERE proposal_id = ?").bind(p!.id).first<{ topic: string }>();
    expect(job!.topic).toBe(p!.arm_topic);
  });
});
