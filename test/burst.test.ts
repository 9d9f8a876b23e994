// The daily burst: exactly once per local day (DST included), paused
// workspaces skip it, quotas come from the calendar's rows (REGRESSIONS #14),
// and the quality gate rejects duplicate topics; a brief in a language the
// template writer has no words for gets nothing, said per brand.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { burstQuotas, splitQuota } from "../worker/automation/burst-quota";
import { burstDue } from "../worker/automation/burst-clock";
import { runBurst } from "../worker/automation/burst";
import { TEMPLATE_WRITER_LANGUAGES, writerLanguageGap } from "../worker/contract/languages";
import { EMPTY_BRIEF } from "../worker/generation/brief";
import { qualityGate } from "../worker/generation/quality-gate";
import { TitleIndex, titleSimilarity } from "../worker/generation/similarity";
import { automationState, type Job } from "../worker/contract/schemas";
import { localDateString } from "../worker/scheduling/zoned-time";
import type { Variant } from "../worker/scheduling/variants";
import { call, countRows, createBrand, insertOutput, json, runPass, signup } from "./support/fixtures";
import { checkBursts } from "./support/passes";

const utc = (s: string) => Date.parse(s);
const MINUTE = 60_000;
const DAY = 86_400_000;

describe("burstDue (12:00 Europe/Lisbon)", () => {
  it("is due from local noon: 12:00Z in winter, 11:00Z in summer", () => {
    expect(burstDue(utc("2026-01-15T11:59:00Z"), "Europe/Lisbon", "12:00").due).toBe(false);
    expect(burstDue(utc("2026-01-15T12:00:00Z"), "Europe/Lisbon", "12:00").due).toBe(true);
    expect(burstDue(utc("2026-07-15T10:59:00Z"), "Europe/Lisbon", "12:00").due).toBe(false);
    expect(burstDue(utc("2026-07-15T11:00:00Z"), "Europe/Lisbon", "12:00").due).toBe(true);
  });

  it("keys runs by the local date, so the DST change days run once each", () => {
    expect(burstDue(utc("2026-03-29T11:10:00Z"), "Europe/Lisbon", "12:00")).toEqual({ due: true, runKey: "2026-03-29" });
    expect(burstDue(utc("2026-10-25T12:10:00Z"), "Europe/Lisbon", "12:00")).toEqual({ due: true, runKey: "2026-10-25" });
    // 23:30Z is 05:00 the next day in Kolkata: a new local date, not yet noon.
    expect(burstDue(utc("2026-01-15T23:30:00Z"), "Asia/Kolkata", "12:00")).toEqual({ due: false, runKey: "2026-01-16" });
  });
});

describe("burst pass", () => {
  it("runs exactly once per local day however often the cron checks, and skips paused workspaces", async () => {
    const s = await signup();
    await createBrand(s);
    const paused = await signup();
    await createBrand(paused);
    await call("/api/automation/pause", { ...paused, body: {} });

    const day = "2026-07-15";
    for (const t of ["10:50", "11:00", "11:10", "11:20", "23:50"]) await checkBursts(utc(`${day}T${t}:00Z`));
    expect(await countRows("automation_runs", "workspace_id = ? AND kind = 'burst'", s.workspaceId)).toBe(1);
    expect(await countRows("automation_runs", "workspace_id = ? AND kind = 'burst' AND run_key = ?", s.workspaceId, day)).toBe(1);
    expect(await countRows("automation_runs", "workspace_id = ? AND kind = 'burst'", paused.workspaceId)).toBe(0);
    expect(await countRows("generation_jobs", "workspace_id = ? AND created_by_kind = 'automation'", s.workspaceId)).toBeGreaterThan(0);
    expect(await countRows("generation_jobs", "workspace_id = ?", paused.workspaceId)).toBe(0);

    await checkBursts(utc("2026-07-16T11:05:00Z"));
    expect(await countRows("automation_runs", "workspace_id = ? AND kind = 'burst'", s.workspaceId)).toBe(2);
  });

  it("creates automation jobs every member sees, and stops when the pipeline fills the free slots", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await env.DB.prepare("UPDATE workspaces SET burst_per_brand = 50 WHERE id = ?").bind(s.workspaceId).run();
    const first = await runPass(s, "burst");
    const jobs = await json<{ jobs: Job[] }>("/api/jobs?limit=100", s, 200);
    expect(jobs.jobs.length).toBe(first.succeeded);
    expect(jobs.jobs.every((j) => j.createdBy.kind === "automation" && j.outputs[0]!.brandId === brand.id)).toBe(true);
    // Two days of default slots hold at most 6 light, 6 dark and 4 posts.
    expect(first.processed).toBeLessThanOrEqual(16);
    const proposals = await json<{ proposals: Array<{ status: string; reason: string }> }>("/api/proposals", s, 200);
    expect(proposals.proposals.length).toBe(first.processed);
    // Repeated bursts never put more in the pipeline than two days of slots hold
    // (6 light, 6 dark, 4 posts by default): the quota reads the same rows.
    for (let i = 0; i < 4; i++) await runPass(s, "burst");
    const all = await json<{ jobs: Job[] }>("/api/jobs?limit=100", s, 200);
    const per = (v: string) => all.jobs.filter((j) => j.variant === v).length;
    expect(per("light")).toBeLessThanOrEqual(6);
    expect(per("dark")).toBeLessThanOrEqual(6);
    expect(per("post")).toBeLessThanOrEqual(4);
    expect(all.jobs.length).toBeGreaterThan(first.succeeded - 1);
  });
});

describe("burst quotas with slots already taken (REGRESSIONS #14)", () => {
  it("count each free slot of the calendar's rows once: a booked output takes its slot and is not counted again as pipeline", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const now = Date.now();
    // What the calendar draws for the quota's window (lead time to two days).
    const window = { from: new Date(now + 15 * MINUTE).toISOString(), to: new Date(now + 2 * DAY).toISOString() };
    const freeOnCalendar = async () => {
      const { slots } = await json<{ slots: Array<{ variant: Variant; taken: boolean }> }>(`/api/brands/${brand.id}/slots?${new URLSearchParams(window)}`, s, 200);
      const free: Record<Variant, number> = { light: 0, dark: 0, post: 0 };
      for (const x of slots) if (!x.taken) free[x.variant]++;
      return free;
    };
    const quotaBrand = { id: brand.id, timezone: brand.timezone, slots: JSON.stringify(brand.slots), schedule_offset: brand.scheduleOffset };
    const before = await freeOnCalendar();
    expect(await burstQuotas(env, quotaBrand, now)).toEqual(before);

    // Slots taken: two dark reels, a light one and a post, booked into the next free slots.
    for (const variant of ["dark", "dark", "light", "post"] as const) {
      const out = await insertOutput(s, brand.id, { variant, status: "ready" });
      expect((await call(`/api/jobs/${out.jobId}/outputs/${brand.id}/schedule`, { ...s, body: {} })).status).toBe(201);
    }
    // In the pipeline, not booked: a ready light reel and a post being generated. A held output is a person's, not the burst's to fill.
    await insertOutput(s, brand.id, { variant: "light", status: "ready" });
    await insertOutput(s, brand.id, { variant: "post", status: "generating" });
    const held = await insertOutput(s, brand.id, { variant: "dark", status: "ready" });
    await env.DB.prepare("UPDATE job_outputs SET hold = 1 WHERE id = ?").bind(held.outputId).run();

    const after = await freeOnCalendar();
    expect(after).toEqual({ light: before.light - 1, dark: before.dark - 2, post: before.post - 1 });
    const quota = await burstQuotas(env, quotaBrand, now);
    expect(quota).toEqual({ light: after.light - 1, dark: after.dark, post: after.post - 1 });

    // The burst writes exactly that: one proposal per free slot left, per variant.
    await env.DB.prepare("UPDATE workspaces SET burst_per_brand = 50 WHERE id = ?").bind(s.workspaceId).run();
    await runPass(s, "burst");
    const { proposals } = await json<{ proposals: Array<{ variant: Variant }> }>("/api/proposals", s, 200);
    const written: Record<Variant, number> = { light: 0, dark: 0, post: 0 };
    for (const p of proposals) written[p.variant]++;
    expect(written).toEqual(quota);
  });
});

describe("quota and quality gate", () => {
  it("splits a total round-robin within each variant's free capacity", () => {
    expect(splitQuota({ light: 5, dark: 5, post: 5 }, 4)).toEqual({ light: 2, dark: 1, post: 1 });
    expect(splitQuota({ light: 0, dark: 1, post: 0 }, 4)).toEqual({ light: 0, dark: 1, post: 0 });
  });

  it("rejects a near-duplicate of a recent title (number words, case, punctuation, plurals), with the reason in words", () => {
    expect(titleSimilarity("5 easy breakfast ideas", "Five easy breakfast ideas!")).toBe(1);
    expect(titleSimilarity("Cinco ideias", "5 ideias")).toBe(1);
    const recent = new TitleIndex(["Five easy breakfast ideas!"]);
    const verdict = qualityGate({ title: "5 easy breakfast idea", angle: "quick win" }, EMPTY_BRIEF, recent);
    expect(verdict).toMatchObject({ accepted: false, score: 0 });
    expect(verdict.reason).toMatch(/Too close to a recent title, “Five easy breakfast ideas!” \(100% the same words\)/);
    const fresh = qualityGate({ title: "Walking meetings that work", angle: "quick win" }, EMPTY_BRIEF, recent);
    expect(fresh.accepted).toBe(true);
    expect(fresh.score).toBeGreaterThanOrEqual(60);
    expect(fresh.reason).toMatch(/^Passed with \d+\/100/);
  });
});

describe("next burst (GET /api/automation)", () => {
  it("is read from today's run key: a manual burst after the daily one does not make it say now", async () => {
    const s = await signup();
    await createBrand(s, { brief: { reelsPerDay: 1, postsPerDay: 0 } });
    // Due since local midnight, so "now" is after today's burst time whenever this runs.
    await json("/api/automation", { ...s, method: "PATCH", body: { burstTime: "00:00" } }, 200);
    const before = await json("/api/automation", s, 200);
    expect(Math.abs(Date.parse(before.nextBurst) - Date.now())).toBeLessThan(60_000); // due now
    await checkBursts(Date.now());
    const after = await json("/api/automation", s, 200);
    expect(Date.parse(after.nextBurst) - Date.now()).toBeGreaterThan(60_000); // tomorrow's
    expect(after.quotas[0]).toMatchObject({ reels: 1, posts: 0, proposedToday: 1, doneToday: true });
    await runPass(s, "burst");
    const manual = await json("/api/automation", s, 200);
    expect(manual.lastBurst.trigger).toBe("manual");
    expect(manual.nextBurst).toBe(after.nextBurst);
  });
});

describe("the template writer's languages", () => {
  // Today, in the workspaces' zone: the Automation page reads today's run.
  const now = Date.now();
  const runKey = localDateString(now, "Europe/Lisbon");
  const brief = (language: string) => ({ brief: { language, reelsPerDay: 1, postsPerDay: 1 } });

  it("are English, Portuguese and Spanish; any other brief language is said, and the llm writer writes it", () => {
    expect(TEMPLATE_WRITER_LANGUAGES).toEqual(["en", "pt", "es"]);
    for (const tag of ["en", "pt-BR", "es-MX"]) expect(writerLanguageGap(tag, false)).toBeNull();
    expect(writerLanguageGap("ja", false)).toMatch(/writes English, Portuguese and Spanish, so the burst writes nothing in Japanese/);
    expect(writerLanguageGap("zh-Hant", false)).toMatch(/nothing in Traditional Chinese/);
    expect(writerLanguageGap("ja", true)).toBeNull();
  });

  it("a Japanese brand's burst proposes nothing in English: its part is done with the reason, which the Automation page shows", async () => {
    const s = await signup();
    const english = await createBrand(s, { name: "A English", ...brief("en") });
    const japanese = await createBrand(s, { name: "B Japanese", ...brief("ja") });
    const brazilian = await createBrand(s, { name: "C Brazilian", ...brief("pt-BR") });
    const result = await runBurst(env, s.workspaceId, runKey, { now, llm: null });
    expect(result).toMatchObject({ brandsDone: 3, remaining: 0, processed: 4 });
    expect(result.error).toBeUndefined();
    expect(await countRows("proposals", "brand_id = ?", japanese.id)).toBe(0);
    for (const b of [english, brazilian]) expect(await countRows("proposals", "brand_id = ?", b.id)).toBe(2);
    const view = automationState.parse(await json("/api/automation", s, 200));
    const byBrand = new Map(view.quotas.map((q) => [q.brandId, q]));
    expect(byBrand.get(japanese.id)).toMatchObject({ doneToday: true, proposedToday: 0 });
    expect(byBrand.get(japanese.id)!.note).toBe(writerLanguageGap("ja", false));
    for (const b of [english, brazilian]) expect(byBrand.get(b.id)).toMatchObject({ doneToday: true, proposedToday: 2, note: null });
    // Done is done: a later check does not write it either.
    expect(await runBurst(env, s.workspaceId, runKey, { now: now + 600_000, llm: null })).toMatchObject({ brandsDone: 0, processed: 0 });
  });

  it("a brand stopped by a quota before its turn says both: the quota, and that its language will not be written", async () => {
    const s = await signup();
    const japanese = await createBrand(s, brief("ja"));
    await env.DB.prepare("INSERT INTO workspace_quotas (workspace_id, jobs_per_day) VALUES (?, 0)").bind(s.workspaceId).run();
    expect((await runBurst(env, s.workspaceId, runKey, { now, llm: null })).error).toMatch(/The burst stopped: .*jobs a day/);
    const view = automationState.parse(await json("/api/automation", s, 200));
    const note = view.quotas.find((q) => q.brandId === japanese.id)!.note!;
    expect(note).toMatch(/^Stopped: .*jobs a day/);
    expect(note).toContain(writerLanguageGap("ja", false)!);
  });
});
