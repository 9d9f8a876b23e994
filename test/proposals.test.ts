// Review mode and the proposals inbox (issue 9, API.md Automation/Proposal):
// manual review leaves the burst's proposals pending; a person accepts one
// (the job is created as that person) or rejects it with a reason. Accepting
// is a conditional update: a second accept, even at the same moment, is a 409
// and creates nothing; a job that fails to be created leaves the proposal
// acceptable again. The gate's reasons are in the API.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { runBurst } from "../worker/automation/burst";
import { createApp } from "../worker/app";
import { proposal as proposalSchema, type Job, type Proposal } from "../worker/contract/schemas";
import type { Env } from "../worker/env";
import { HOOKS } from "../worker/generation/banks";
import type { LlmConfig } from "../worker/generation/llm-client";
import { fakeAdmin, fakeUrl } from "./fakes/admin";
import { addMember, call, countRows, createBrand, expectClientError, json, ORIGIN, signup, type Session } from "./support/fixtures";

async function manualWorkspace() {
  const s = await signup();
  await json("/api/automation", { ...s, method: "PATCH", body: { review: "manual" } }, 200);
  const brand = await createBrand(s, { name: "Quick Kitchen", brief: { niche: "food", reelsPerDay: 2, postsPerDay: 1 } });
  return { s, brand };
}

async function pending(s: Session, query = "status=pending"): Promise<Proposal[]> {
  return (await json<{ proposals: Proposal[] }>(`/api/proposals?${query}`, s, 200)).proposals;
}

describe("review mode", () => {
  it("PATCH /api/automation {review} is owner-only and shows in GET /api/automation", async () => {
    const s = await signup();
    expect((await json("/api/automation", s, 200)).review).toBe("auto");
    const editor = await signup();
    await addMember(s.workspaceId, editor.userId, "editor");
    await expectClientError(await call("/api/automation", { cookie: editor.cookie, workspace: s.workspaceId, method: "PATCH", body: { review: "manual" } }), 403, "forbidden");
    await expectClientError(await call("/api/automation", { ...s, method: "PATCH", body: { review: "sometimes" } }), 400, "invalid_input");
    expect((await json("/api/automation", { ...s, method: "PATCH", body: { review: "manual" } }, 200)).review).toBe("manual");
    expect((await json("/api/automation", s, 200)).review).toBe("manual");
  });

  it("in manual mode the burst leaves proposals pending and creates no job; the inbox counts them and filters by brand and status", async () => {
    const { s, brand } = await manualWorkspace();
    const other = await createBrand(s, { name: "Other", brief: { reelsPerDay: 1, postsPerDay: 0 } });
    const result = await runBurst(env, s.workspaceId, "2026-06-01", { now: Date.parse("2026-06-01T12:30:00Z"), llm: null });
    expect(result).toMatchObject({ processed: 4, succeeded: 4, failed: 0, remaining: 0 });
    expect(await countRows("generation_jobs", "workspace_id = ?", s.workspaceId)).toBe(0);
    const mine = await pending(s, `status=pending&brand=${brand.id}`);
    expect(mine).toHaveLength(3);
    for (const p of mine) {
      expect(proposalSchema.strict().parse(p)).toEqual(p);
      expect(p).toMatchObject({ brandId: brand.id, brand: "Quick Kitchen", status: "pending", writer: "template" });
      expect(p.score).toBeGreaterThanOrEqual(60);
      expect(p.reason).toMatch(/^Passed/);
      expect(p.jobId).toBeUndefined();
    }
    expect(await pending(s, `brand=${other.id}`)).toHaveLength(1);
    expect(await pending(s, "status=accepted")).toHaveLength(0);
    expect(await pending(s, "status=&brand=")).toHaveLength(4); // empty parameters mean "any"
    const view = await json("/api/automation", s, 200);
    expect(view.pendingProposals).toBe(4);
    expect(view.quotas).toEqual(
      expect.arrayContaining([expect.objectContaining({ brandId: brand.id, reels: 2, posts: 1 }), expect.objectContaining({ brandId: other.id, reels: 1, posts: 0 })]),
    );
    await expectClientError(await call("/api/proposals?status=maybe", s), 400, "invalid_input");
  });

  it("each proposal shows the arm it came from (topic and hook), and null for one written before arms were recorded", async () => {
    const { s, brand } = await manualWorkspace();
    await runBurst(env, s.workspaceId, "2026-06-05", { now: Date.parse("2026-06-05T12:30:00Z"), llm: null });
    const [first, ...rest] = await pending(s, `brand=${brand.id}`);
    for (const p of [first!, ...rest]) {
      const row = await env.DB.prepare("SELECT arm_topic, arm_hook FROM proposals WHERE id = ?").bind(p.id).first<{ arm_topic: string; arm_hook: string }>();
      expect(p.arm).toEqual({ topic: row!.arm_topic, hook: row!.arm_hook });
      expect(HOOKS.map((h) => h.id)).toContain(p.arm!.hook);
      // The title is the chosen topic under the chosen hook.
      expect(p.title.toLowerCase()).toContain(p.arm!.topic.toLowerCase());
    }
    await env.DB.prepare("UPDATE proposals SET arm_topic = NULL, arm_hook = NULL WHERE id = ?").bind(first!.id).run();
    const older = (await pending(s, `brand=${brand.id}`)).find((p) => p.id === first!.id)!;
    expect(older.arm).toBeNull();
    expect(proposalSchema.strict().parse(older)).toEqual(older);
  });

  it("a double accept, even at the same moment, makes one job, created as the person who accepted", async () => {
    const { s, brand } = await manualWorkspace();
    await runBurst(env, s.workspaceId, "2026-06-02", { now: Date.parse("2026-06-02T12:30:00Z"), llm: null });
    const [p] = await pending(s);
    const [a, b] = await Promise.all([call(`/api/proposals/${p!.id}/accept`, { ...s, body: {} }), call(`/api/proposals/${p!.id}/accept`, { ...s, body: {} })]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const ok = (a.status === 200 ? a : b).clone();
    const loser = a.status === 409 ? a : b;
    await expectClientError(loser, 409, "wrong_state");
    const body = (await ok.json()) as { proposal: Proposal; job: Job };
    expect(body.proposal).toMatchObject({ id: p!.id, status: "accepted", jobId: body.job.jobId });
    expect(body.job.createdBy).toMatchObject({ kind: "user", id: s.userId });
    expect(body.job.outputs.map((o) => o.brandId)).toEqual([brand.id]);
    expect(await countRows("generation_jobs", "proposal_id = ?", p!.id)).toBe(1);
    // A third, later accept is a 409 too, and still one job.
    await expectClientError(await call(`/api/proposals/${p!.id}/accept`, { ...s, body: {} }), 409, "wrong_state");
    expect(await countRows("generation_jobs", "workspace_id = ?", s.workspaceId)).toBe(1);
  });

  it("reject takes an optional reason; only pending proposals can be rejected; other workspaces get 404", async () => {
    const { s } = await manualWorkspace();
    await runBurst(env, s.workspaceId, "2026-06-03", { now: Date.parse("2026-06-03T12:30:00Z"), llm: null });
    const [p1, p2] = await pending(s);
    const r = await json<{ proposal: Proposal }>(`/api/proposals/${p1!.id}/reject`, { ...s, body: { reason: "Off brand this week" } }, 200);
    expect(r.proposal).toMatchObject({ status: "rejected" });
    expect(r.proposal.reason).toMatch(/Off brand this week/);
    await expectClientError(await call(`/api/proposals/${p1!.id}/reject`, { ...s, body: {} }), 409, "wrong_state");
    await expectClientError(await call(`/api/proposals/${p2!.id}/reject`, { ...s, body: { reason: "" } }), 400, "invalid_input");
    await expectClientError(await call(`/api/proposals/${p2!.id}/reject`, { ...s, body: { why: "x" } }), 400, "invalid_input");
    const stranger = await signup();
    await expectClientError(await call(`/api/proposals/${p2!.id}/accept`, { ...stranger, body: {} }), 404, "not_found");
    await expectClientError(await call(`/api/proposals/${p2!.id}/reject`, { ...stranger, body: {} }), 404, "not_found");
    expect((await json<{ proposal: Proposal }>(`/api/proposals/${p2!.id}/reject`, { ...s, body: {} }, 200)).proposal.status).toBe("rejected");
    // A person may overrule a rejection by accepting it.
    expect((await json<{ proposal: Proposal }>(`/api/proposals/${p1!.id}/accept`, { ...s, body: {} }, 200)).proposal.status).toBe("accepted");
  });

  it("a job that fails to be created leaves the proposal acceptable again", async () => {
    const { s } = await manualWorkspace();
    await runBurst(env, s.workspaceId, "2026-06-04", { now: Date.parse("2026-06-04T12:30:00Z"), llm: null });
    const [p] = await pending(s);
    // D1 refuses the job's insert (as an outage would) for this one request.
    const failingDb = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "prepare") {
          return (sql: string) => {
            if (/INSERT INTO generation_jobs/.test(sql)) throw new Error("D1_ERROR: injected outage");
            return target.prepare(sql);
          };
        }
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const req = new Request(`${ORIGIN}/api/proposals/${p!.id}/accept`, { method: "POST", headers: { cookie: s.cookie, origin: ORIGIN, "content-type": "application/json" }, body: "{}" });
    const failed = await createApp().fetch(req, { ...env, DB: failingDb } as Env, { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext);
    expect(failed.status).toBe(500);
    expect(await failed.text()).not.toMatch(/D1_ERROR|injected/);
    expect((await pending(s)).map((x) => x.id)).toContain(p!.id);
    expect(await countRows("generation_jobs", "proposal_id = ?", p!.id)).toBe(0);
    const ok = await json<{ proposal: Proposal; job: Job }>(`/api/proposals/${p!.id}/accept`, { ...s, body: {} }, 200);
    expect(ok.proposal.status).toBe("accepted");
    expect(await countRows("generation_jobs", "proposal_id = ?", p!.id)).toBe(1);
  });
});

describe("the quality gate's verdicts in the API", () => {
  const llmFake = fakeAdmin("llm");
  const config = (): LlmConfig => ({ baseUrl: `${fakeUrl("llm")}/v1`, apiKey: "sk-fake", model: "fake-model", timeoutMs: 400, backoffMs: 5, maxWaitMs: 40 });
  beforeEach(async () => {
    await llmFake.reset();
  });

  it("rejects a near-duplicate, an over-long caption and a missing required hashtag, each with its reason", async () => {
    const s = await signup();
    const brand = await createBrand(s, { name: "Morning Table", brief: { niche: "food", hashtags: ["#morningtable"], reelsPerDay: 2, postsPerDay: 1 } });
    const ok = (title: string) => ({ title, angle: "quick win", caption: `${title}. #morningtable`, hashtags: ["#morningtable"] });
    await llmFake.seed({ replies: [{ content: JSON.stringify({ proposals: [ok("Five easy breakfast ideas!"), ok("Overnight oats three ways"), ok("Porridge toppings that work")] }) }] });
    await runBurst(env, s.workspaceId, "2026-06-10", { now: Date.parse("2026-06-10T12:30:00Z"), llm: config(), parallel: 1 });
    await llmFake.seed({
      replies: [
        {
          content: JSON.stringify({
            proposals: [
              ok("5 easy breakfast ideas"),
              { ...ok("Slow Sunday pancakes"), caption: `Slow Sunday pancakes. ${"Whisk, rest, flip. ".repeat(130)} #morningtable` },
              { title: "Granola you can make on Monday", angle: "step-by-step", caption: "Toast oats with honey. #breakfast", hashtags: ["#breakfast"] },
            ],
          }),
        },
      ],
    });
    await runBurst(env, s.workspaceId, "2026-06-11", { now: Date.parse("2026-06-11T12:30:00Z"), llm: config(), parallel: 1 });
    const all = (await json<{ proposals: Proposal[] }>(`/api/proposals?brand=${brand.id}`, s, 200)).proposals;
    const byTitle = new Map(all.map((p) => [p.title, p]));
    expect(byTitle.get("Five easy breakfast ideas!")).toMatchObject({ status: "accepted", writer: "llm" });
    expect(byTitle.get("5 easy breakfast ideas")).toMatchObject({ status: "rejected", score: 0 });
    expect(byTitle.get("5 easy breakfast ideas")!.reason).toMatch(/Too close to a recent title, “Five easy breakfast ideas!”/);
    expect(byTitle.get("Slow Sunday pancakes")).toMatchObject({ status: "rejected" });
    expect(byTitle.get("Slow Sunday pancakes")!.reason).toMatch(/The caption has \d{4} characters; Instagram allows 2200\./);
    expect(byTitle.get("Granola you can make on Monday")).toMatchObject({ status: "rejected" });
    expect(byTitle.get("Granola you can make on Monday")!.reason).toBe("Missing the required hashtag #morningtable.");
    // Rejected proposals made no job; the accepted ones did.
    expect(all.filter((p) => p.jobId).every((p) => p.status === "accepted")).toBe(true);
  });
});
