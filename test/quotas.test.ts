// Per-workspace quotas (issue 17 item 3): brands, jobs a day, renders a day,
// LLM calls a day. Past one the API answers 409 (brands) or 429 (daily) with
// a sentence and nothing is written; concurrent requests never pass a quota
// together; the burst stops with its reason in the run and per brand, and
// resumes when there is room; GET /api/automation shows usage against quota.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runBurst } from "../worker/automation/burst";
import { createApp } from "../worker/app";
import { automationState, type Job, type Proposal } from "../worker/contract/schemas";
import type { Env } from "../worker/env";
import type { LlmConfig } from "../worker/generation/llm-client";
import { localDateString } from "../worker/scheduling/zoned-time";
import { DEFAULT_LIMITS, quotaDayOf } from "../worker/services/quotas";
import { call, countRows, createBrand, expectClientError, json, ORIGIN, signup, type Session } from "./support/fixtures";

async function limit(workspaceId: string, quotas: Partial<Record<"brands" | "jobs_per_day" | "renders_per_day" | "llm_calls_per_day", number>>) {
  const cols = Object.keys(quotas);
  await env.DB.prepare(
    `INSERT INTO workspace_quotas (workspace_id, ${cols.join(", ")}) VALUES (?, ${cols.map(() => "?").join(", ")})
     ON CONFLICT (workspace_id) DO UPDATE SET ${cols.map((c) => `${c} = excluded.${c}`).join(", ")}`,
  )
    .bind(workspaceId, ...Object.values(quotas))
    .run();
}

const newJob = (s: Session, brands: string[]) => call("/api/jobs", { ...s, body: { variant: "light", brands } });

/** No job without all its outputs, no accepted proposal without its job: what "nothing half-done" means here. */
async function expectNothingHalfDone(workspaceId: string, outputsPerJob: number) {
  expect(await countRows("generation_jobs j", `j.workspace_id = ? AND (SELECT COUNT(*) FROM job_outputs o WHERE o.job_id = j.id) != ${outputsPerJob}`, workspaceId)).toBe(0);
  expect(await countRows("proposals p", "p.workspace_id = ? AND p.status = 'accepted' AND NOT EXISTS (SELECT 1 FROM generation_jobs j WHERE j.proposal_id = p.id)", workspaceId)).toBe(0);
}

/** The app with the `llm` writer configured (generation then makes one LLM call per output). */
function withLlm(path: string, s: Session, body: unknown) {
  const req = new Request(`${ORIGIN}${path}`, { method: "POST", headers: { cookie: s.cookie, origin: ORIGIN, "content-type": "application/json" }, body: JSON.stringify(body) });
  const llmEnv = { ...env, LLM_API_KEY: "sk-test", LLM_BASE_URL: "http://llm.invalid/v1" } as Env;
  return createApp().fetch(req, llmEnv, { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext);
}

describe("the quota day", () => {
  it("is the workspace's local day, 23 hours long on the spring DST change", () => {
    const q = quotaDayOf(env, "w", "Europe/Lisbon", {}, Date.parse("2026-03-29T12:00:00Z"));
    expect(q).toMatchObject({ day: "2026-03-29", dayStart: Date.parse("2026-03-29T00:00:00Z"), dayEnd: Date.parse("2026-03-29T23:00:00Z") });
    expect(q.limits).toEqual({ brands: 50, jobsPerDay: 400, rendersPerDay: 500, llmCallsPerDay: 1000 });
    // 23:30Z is already the next day in Kolkata.
    expect(quotaDayOf(env, "w", "Asia/Kolkata", { jobs_per_day: 7 }, Date.parse("2026-01-15T23:30:00Z"))).toMatchObject({ day: "2026-01-16", limits: { jobsPerDay: 7 } });
    // The deployment's defaults are wrangler.toml's [vars].
    expect(Number(env.QUOTA_JOBS_PER_DAY)).toBe(DEFAULT_LIMITS.jobsPerDay);
  });
});

describe("brands quota", () => {
  it("answers 409 past it, and concurrent creations never pass it together", async () => {
    const s = await signup();
    await limit(s.workspaceId, { brands: 3 });
    await createBrand(s);
    const tries = await Promise.all(Array.from({ length: 5 }, () => call("/api/brands", { ...s, body: { slug: `b${crypto.randomUUID().slice(0, 8)}`, name: "Brand" } })));
    expect(tries.map((r) => r.status).sort()).toEqual([201, 201, 409, 409, 409]);
    const refused = await expectClientError(tries.find((r) => r.status === 409)!, 409, "quota_exceeded");
    expect(refused.message).toMatch(/3 of its 3 brands/);
    expect(refused.details).toEqual({ quota: "brands", limit: 3, used: 3 });
    expect(await countRows("brands", "workspace_id = ?", s.workspaceId)).toBe(3);
  });
});

describe("jobs a day", () => {
  it("answers 429 with when it resets; of concurrent creations exactly the room passes, each job whole", async () => {
    const s = await signup();
    const [a, b] = [await createBrand(s), await createBrand(s)];
    await limit(s.workspaceId, { jobs_per_day: 3 });
    const tries = await Promise.all(Array.from({ length: 6 }, () => newJob(s, [a.id, b.id])));
    expect(tries.map((r) => r.status).sort()).toEqual([201, 201, 201, 429, 429, 429]);
    const refused = await expectClientError(tries.find((r) => r.status === 429)!, 429, "quota_exceeded");
    expect(refused.message).toMatch(/used 3 of its 3 jobs a day today/);
    expect(refused.details).toMatchObject({ quota: "jobsPerDay", limit: 3, used: 3 });
    expect(Date.parse((refused.details as { resetsAt: string }).resetsAt)).toBeGreaterThan(Date.now());
    expect(await countRows("generation_jobs", "workspace_id = ?", s.workspaceId)).toBe(3);
    await expectNothingHalfDone(s.workspaceId, 2);
  });

  it("counts today's jobs only (the workspace's local day)", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await limit(s.workspaceId, { jobs_per_day: 1 });
    expect((await newJob(s, [brand.id])).status).toBe(201);
    expect((await newJob(s, [brand.id])).status).toBe(429);
    await env.DB.prepare("UPDATE generation_jobs SET created_at = created_at - 86400000 WHERE workspace_id = ?").bind(s.workspaceId).run();
    expect((await newJob(s, [brand.id])).status).toBe(201);
  });
});

describe("renders a day", () => {
  it("refuses a job whose outputs would not all render, and a retry past it; nothing is half-done", async () => {
    const s = await signup();
    const [a, b, c] = [await createBrand(s), await createBrand(s), await createBrand(s)];
    await limit(s.workspaceId, { renders_per_day: 3 });
    const first = await json<Job>("/api/jobs", { ...s, body: { variant: "post", brands: [a.id, b.id] } }, 201);
    const refused = await expectClientError(await newJob(s, [b.id, c.id]), 429, "quota_exceeded");
    expect(refused.details).toMatchObject({ quota: "rendersPerDay", limit: 3, used: 2 });
    expect(await countRows("generation_jobs", "workspace_id = ?", s.workspaceId)).toBe(1);
    expect((await newJob(s, [c.id])).status).toBe(201);
    expect(await countRows("generation_jobs j", "j.workspace_id = ? AND NOT EXISTS (SELECT 1 FROM job_outputs o WHERE o.job_id = j.id)", s.workspaceId)).toBe(0);

    // A failed output's retry is a render today: refused, and the output stays failed.
    await env.DB.prepare("UPDATE job_outputs SET status = 'failed', error = 'x' WHERE job_id = ? AND brand_id = ?").bind(Number(first.jobId.slice(4)), a.id).run();
    await expectClientError(await call(`/api/jobs/${first.jobId}/retry`, { ...s, body: {} }), 429, "quota_exceeded");
    expect(await countRows("job_outputs", "job_id = ? AND status = 'failed'", Number(first.jobId.slice(4)))).toBe(1);
    await limit(s.workspaceId, { renders_per_day: 4 });
    expect((await call(`/api/jobs/${first.jobId}/retry`, { ...s, body: {} })).status).toBe(200);
    expect(await countRows("job_outputs", "job_id = ? AND status = 'pending'", Number(first.jobId.slice(4)))).toBe(2);
  });
});

describe("LLM calls a day", () => {
  it("counts one call per output the llm writer will write, in the job's own batch, and refuses past it", async () => {
    const s = await signup();
    const [a, b] = [await createBrand(s), await createBrand(s)];
    await limit(s.workspaceId, { llm_calls_per_day: 3 });
    expect((await withLlm("/api/jobs", s, { variant: "light", brands: [a.id, b.id] })).status).toBe(201);
    const llmCalls = () => env.DB.prepare("SELECT SUM(llm_calls) AS n FROM workspace_usage WHERE workspace_id = ?").bind(s.workspaceId).first<{ n: number }>();
    expect((await llmCalls())!.n).toBe(2);
    await expectClientError(await withLlm("/api/jobs", s, { variant: "light", brands: [a.id, b.id] }), 429, "quota_exceeded");
    expect((await llmCalls())!.n).toBe(2);
    expect(await countRows("generation_jobs", "workspace_id = ?", s.workspaceId)).toBe(1);
    // The template writer makes no call, so the same job passes without the llm writer.
    expect((await newJob(s, [a.id, b.id])).status).toBe(201);
  });
});

describe("accepting a proposal", () => {
  it("past the jobs quota is a 429 that leaves the proposal pending; concurrent accepts pass only the room", async () => {
    const s = await signup();
    await json("/api/automation", { ...s, method: "PATCH", body: { review: "manual" } }, 200);
    await createBrand(s, { brief: { reelsPerDay: 3, postsPerDay: 0 } });
    await runBurst(env, s.workspaceId, "2026-06-01", { now: Date.parse("2026-06-01T12:30:00Z"), llm: null });
    const pending = (await json<{ proposals: Proposal[] }>("/api/proposals?status=pending", s, 200)).proposals;
    expect(pending).toHaveLength(3);
    await limit(s.workspaceId, { jobs_per_day: 1 });
    const tries = await Promise.all(pending.map((p) => call(`/api/proposals/${p.id}/accept`, { ...s, body: {} })));
    expect(tries.map((r) => r.status).sort()).toEqual([200, 429, 429]);
    await expectClientError(tries.find((r) => r.status === 429)!, 429, "quota_exceeded");
    expect((await json<{ proposals: Proposal[] }>("/api/proposals?status=pending", s, 200)).proposals).toHaveLength(2);
    await expectNothingHalfDone(s.workspaceId, 1);
    // An already accepted proposal is still a 409, not a quota.
    const accepted = pending[tries.findIndex((r) => r.status === 200)]!;
    await expectClientError(await call(`/api/proposals/${accepted.id}/accept`, { ...s, body: {} }), 409, "wrong_state");
  });

  it("two accepts of one proposal with room for one job: 200 and 409 (it is accepted), never a quota", async () => {
    const s = await signup();
    await json("/api/automation", { ...s, method: "PATCH", body: { review: "manual" } }, 200);
    await createBrand(s, { brief: { reelsPerDay: 1, postsPerDay: 0 } });
    await runBurst(env, s.workspaceId, "2026-06-02", { now: Date.parse("2026-06-02T12:30:00Z"), llm: null });
    const [p] = (await json<{ proposals: Proposal[] }>("/api/proposals?status=pending", s, 200)).proposals;
    await limit(s.workspaceId, { jobs_per_day: 1 });
    const both = await Promise.all([0, 1].map(() => call(`/api/proposals/${p!.id}/accept`, { ...s, body: {} })));
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    await expectClientError(both.find((r) => r.status === 409)!, 409, "wrong_state");
    expect(await countRows("generation_jobs", "proposal_id = ?", p!.id)).toBe(1);
  });
});

describe("the burst past a quota", () => {
  // Today, in the workspaces' zone: the Automation page reads today's run.
  const now = Date.now();
  const runKey = localDateString(now, "Europe/Lisbon");

  it("writes what fits, stops with the reason in its result and per brand, and resumes when the quota is raised", async () => {
    const s = await signup();
    const first = await createBrand(s, { name: "A first", brief: { reelsPerDay: 3, postsPerDay: 0 } });
    const second = await createBrand(s, { name: "B second", brief: { reelsPerDay: 3, postsPerDay: 0 } });
    await limit(s.workspaceId, { jobs_per_day: 2 });
    const result = await runBurst(env, s.workspaceId, runKey, { now, llm: null, parallel: 1 });
    expect(result.error).toMatch(/The burst stopped: This workspace has used 2 of its 2 jobs a day today/);
    expect(result.remaining).toBe(1);
    expect(await countRows("generation_jobs", "workspace_id = ?", s.workspaceId)).toBe(2);
    await expectNothingHalfDone(s.workspaceId, 1);
    const view = automationState.parse(await json("/api/automation", s, 200));
    const byBrand = new Map(view.quotas.map((q) => [q.brandId, q]));
    expect(byBrand.get(first.id)).toMatchObject({ doneToday: true, proposedToday: 2 });
    expect(byBrand.get(first.id)!.note).toMatch(/^1 of 3 items not proposed: .*jobs a day/);
    expect(byBrand.get(second.id)).toMatchObject({ doneToday: false });
    expect(byBrand.get(second.id)!.note).toMatch(/^Stopped: .*2 of its 2 jobs a day/);

    // A later check with no room claims nothing and says the same.
    const again = await runBurst(env, s.workspaceId, runKey, { now: now + 600_000, llm: null });
    expect(again).toMatchObject({ brandsDone: 0, remaining: 1 });
    expect(again.error).toMatch(/jobs a day/);

    await limit(s.workspaceId, { jobs_per_day: 10 });
    const resumed = await runBurst(env, s.workspaceId, runKey, { now: now + 1_200_000, llm: null });
    expect(resumed).toMatchObject({ brandsDone: 1, remaining: 0 });
    expect(resumed.error).toBeUndefined();
    expect(await countRows("generation_jobs", "workspace_id = ?", s.workspaceId)).toBe(5);
    expect(await countRows("burst_progress", "workspace_id = ? AND status = 'done' AND note IS NULL AND brand_id = ?", s.workspaceId, second.id)).toBe(1);
  });

  it("writes nothing of a brand when the quota fills between its drafting and its commit", async () => {
    const s = await signup();
    const brand = await createBrand(s, { brief: { reelsPerDay: 2, postsPerDay: 0 } });
    await limit(s.workspaceId, { jobs_per_day: 2 });
    const result = await runBurst(env, s.workspaceId, runKey, {
      now,
      llm: null,
      // A person takes the day's room while the burst writes: the batch's first statement sees it.
      beforeCommit: async () => {
        for (let i = 0; i < 2; i++) expect((await newJob(s, [brand.id])).status).toBe(201);
      },
    });
    expect(result.error).toMatch(/filled up while this brand was being written/);
    expect(await countRows("proposals", "workspace_id = ?", s.workspaceId)).toBe(0);
    expect(await countRows("generation_jobs", "workspace_id = ? AND created_by_kind = 'automation'", s.workspaceId)).toBe(0);
    expect(await countRows("burst_progress", "workspace_id = ? AND brand_id = ? AND status = 'stopped'", s.workspaceId, brand.id)).toBe(1);
  });

  it("counts the llm writer's call with the brand's proposals, and stops when the LLM quota is spent", async () => {
    const s = await signup();
    await json("/api/automation", { ...s, method: "PATCH", body: { review: "manual" } }, 200);
    const brands = [await createBrand(s, { name: "A", brief: { reelsPerDay: 1, postsPerDay: 0 } }), await createBrand(s, { name: "B", brief: { reelsPerDay: 1, postsPerDay: 0 } })];
    await limit(s.workspaceId, { llm_calls_per_day: 1 });
    let requests = 0;
    const llm: LlmConfig = {
      baseUrl: "http://llm.test/v1",
      apiKey: "sk-test",
      model: "m",
      backoffMs: 1,
      fetch: (async () => {
        requests++;
        const content = JSON.stringify({ proposals: [{ title: `A fresh idea ${requests}`, angle: "why it works", caption: "Try it today. #tips", hashtags: ["#tips"] }] });
        return new Response(JSON.stringify({ choices: [{ message: { content } }] }), { headers: { "content-type": "application/json" } });
      }) as unknown as typeof fetch,
    };
    const result = await runBurst(env, s.workspaceId, runKey, { now, llm, parallel: 1 });
    expect(requests).toBe(1);
    expect(result.error).toMatch(/1 of its 1 LLM calls a day/);
    expect(await countRows("proposals", "workspace_id = ?", s.workspaceId)).toBe(1);
    const usage = await env.DB.prepare("SELECT day, llm_calls FROM workspace_usage WHERE workspace_id = ?").bind(s.workspaceId).all();
    expect(usage.results).toEqual([{ day: runKey, llm_calls: 1 }]);
    expect(brands).toHaveLength(2);
  });
});

describe("GET /api/automation", () => {
  it("shows each quota against today's usage", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await limit(s.workspaceId, { jobs_per_day: 9 });
    await newJob(s, [brand.id]);
    const view = automationState.parse(await json("/api/automation", s, 200));
    expect(view.usage).toMatchObject({
      brands: { used: 1, limit: 50 },
      jobsPerDay: { used: 1, limit: 9 },
      rendersPerDay: { used: 1, limit: 500 },
      llmCallsPerDay: { used: 0, limit: 1000 },
    });
    expect(Date.parse(view.usage.resetsAt)).toBeGreaterThan(Date.now());
  });
});
