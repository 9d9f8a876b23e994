// Every fleet pass fans out (issue 17 item 1, DESIGN.md §9): a cron firing
// finds what is due, hands each workspace's share to a `passes` message (or a
// brand's alarm) and returns; the consumer runs one bounded share and sends
// its continuation to the back of the queue. A duplicated message or firing
// does nothing; a share cut off is resumed; no brand's burst is done twice.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BURST_LEASE_MS, fanOutDueBursts, runBurstShare } from "../worker/automation/burst-fanout";
import { CATCHUP_LOOKBACK_MS } from "../worker/automation/catchup";
import { MINUTE_CRON, REFRESH_CRON, windowKey } from "../worker/automation/cron";
import { STALE_GENERATION_MS } from "../worker/automation/healing";
import { runPassMessage } from "../worker/automation/pass-queue";
import { GENERATE_MAX_ATTEMPTS } from "../worker/generation/generate-consumer";
import { fanOutWorkspaces } from "../worker/automation/workspace-fanout";
import type { Env, GenerateMessage, PassMessage } from "../worker/env";
import { book, readyJob, travel } from "./support/dispatch";
import { countRows, createBrand, createReadyJob, insertOutput, json, signup, type Session } from "./support/fixtures";
import { drainPasses, fireCron, passQueue, TEN_MINUTE_CRON } from "./support/passes";

const MINUTE = 60_000;
type BurstMessage = Extract<PassMessage, { kind: "burst" }>;

/** Generation is not what these tests watch: its messages are dropped. */
const noGeneration = { send: async () => {}, sendBatch: async () => {} } as unknown as Queue<GenerateMessage>;
const quietEnv = (over: Partial<Env> = {}) => ({ ...env, GENERATE_QUEUE: noGeneration, ...over }) as Env;

/** A workspace whose burst is due from 00:00 UTC, with `brands` brands of one reel a day each. */
async function burstWorkspace(brands: number): Promise<Session> {
  const s = await signup();
  await json("/api/automation", { ...s, method: "PATCH", body: { timezone: "UTC", burstTime: "00:00" } }, 200);
  for (let i = 0; i < brands; i++) await createBrand(s, { name: `Brand ${i}`, timezone: "UTC", brief: { reelsPerDay: 1, postsPerDay: 0 } });
  return s;
}

const burstsFor = (sent: PassMessage[], workspaceId: string) => sent.filter((m): m is BurstMessage => m.kind === "burst" && m.workspaceId === workspaceId);

async function proposalsPerBrand(workspaceId: string): Promise<number[]> {
  const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM proposals WHERE workspace_id = ? GROUP BY brand_id").bind(workspaceId).all<{ n: number }>();
  return rows.results.map((r) => r.n);
}

async function nextBurstAt(workspaceId: string): Promise<number> {
  return (await env.DB.prepare("SELECT next_burst_at AS t FROM workspaces WHERE id = ?").bind(workspaceId).first<{ t: number }>())!.t;
}

async function burstRun(workspaceId: string) {
  return env.DB.prepare("SELECT run_key, status, error FROM automation_runs WHERE workspace_id = ? AND kind = 'burst'").bind(workspaceId).all<{ run_key: string; status: string; error: string | null }>();
}

describe("the burst fans out", () => {
  it("a firing sends one message per workspace due and does no brand's work itself; the messages do it, once", async () => {
    const [a, b] = [await burstWorkspace(2), await burstWorkspace(1)];
    // The real clock: the Worker's queue() export reads it when a message arrives.
    const now = Date.now();
    const today = new Date(now).toISOString().slice(0, 10);
    const tomorrow = Date.parse(`${today}T00:00:00Z`) + 86_400_000;
    const q = passQueue(quietEnv());
    await fireCron(q, now, TEN_MINUTE_CRON);
    for (const s of [a, b]) {
      expect(burstsFor(q.sent, s.workspaceId)).toEqual([{ kind: "burst", workspaceId: s.workspaceId, runKey: today, lease: now + BURST_LEASE_MS }]);
      // The firing wrote nothing of the burst: no run, no brand's part, no proposal.
      expect(await countRows("automation_runs", "workspace_id = ? AND kind = 'burst'", s.workspaceId)).toBe(0);
      expect(await countRows("burst_progress", "workspace_id = ?", s.workspaceId)).toBe(0);
      expect(await countRows("proposals", "workspace_id = ?", s.workspaceId)).toBe(0);
    }

    // Delivered through the Worker's queue() export.
    await drainPasses(q);
    expect(await proposalsPerBrand(a.workspaceId)).toEqual([1, 1]);
    expect(await proposalsPerBrand(b.workspaceId)).toEqual([1]);
    for (const s of [a, b]) {
      expect((await burstRun(s.workspaceId)).results).toEqual([{ run_key: today, status: "succeeded", error: null }]);
      // Next: tomorrow's 00:00 in the workspace's zone.
      expect(await nextBurstAt(s.workspaceId)).toBe(tomorrow);
    }

    // The rest of the day hands nothing out again.
    const later = passQueue(quietEnv());
    await fireCron(later, now + 10 * MINUTE, TEN_MINUTE_CRON);
    await fireCron(later, tomorrow - MINUTE, TEN_MINUTE_CRON);
    expect([...burstsFor(later.sent, a.workspaceId), ...burstsFor(later.sent, b.workspaceId)]).toEqual([]);
  });

  it("a duplicated firing hands a workspace out once; a duplicated message, or one whose lease moved on, does nothing", async () => {
    const s = await burstWorkspace(3);
    const now = Date.parse("2026-10-06T09:00:00Z");
    const q = passQueue(quietEnv());
    await Promise.all([fanOutDueBursts(q.env, now), fanOutDueBursts(q.env, now), fanOutDueBursts(q.env, now + 1_500)]);
    const [first, ...more] = burstsFor(q.sent, s.workspaceId);
    expect(more).toEqual([]);

    const opts = { now, llm: null, maxBrands: 1 };
    expect(await runBurstShare(q.env, first!, opts)).toBe("continued");
    expect(await runBurstShare(q.env, first!, opts)).toBe("stale");
    const continuation = burstsFor(q.sent, s.workspaceId)[1]!;
    expect(continuation.lease).toBeGreaterThan(first!.lease);
    expect(await runBurstShare(q.env, continuation, opts)).toBe("continued");
    expect(await runBurstShare(q.env, continuation, opts)).toBe("stale");
    expect(await runBurstShare(q.env, burstsFor(q.sent, s.workspaceId)[2]!, opts)).toBe("done");
    // The last message again, and the first once more: nothing.
    expect(await runBurstShare(q.env, burstsFor(q.sent, s.workspaceId)[2]!, opts)).toBe("stale");
    expect(await runBurstShare(q.env, first!, opts)).toBe("stale");
    expect(await proposalsPerBrand(s.workspaceId)).toEqual([1, 1, 1]);
    expect((await burstRun(s.workspaceId)).results).toEqual([{ run_key: "2026-10-06", status: "succeeded", error: null }]);
  });

  it("a lost continuation, or a share that fails, is resumed once the lease runs out, without redoing a brand", async () => {
    const s = await burstWorkspace(3);
    const t0 = Date.parse("2026-10-07T09:00:00Z");
    const q = passQueue(quietEnv());
    await fanOutDueBursts(q.env, t0);
    // The consumer does one brand, then dies before its continuation is delivered: the message is lost.
    expect(await runBurstShare(q.env, burstsFor(q.sent, s.workspaceId)[0]!, { now: t0, llm: null, maxBrands: 1 })).toBe("continued");
    q.waiting.length = 0;
    expect(await proposalsPerBrand(s.workspaceId)).toEqual([1]);

    // While the lease holds, the cron hands nothing out.
    const during = passQueue(quietEnv());
    await fanOutDueBursts(during.env, t0 + 10 * MINUTE);
    expect(burstsFor(during.sent, s.workspaceId)).toEqual([]);

    // After it, the cron hands it out again; this share fails on its brand (a D1 error mid-burst).
    const t1 = t0 + BURST_LEASE_MS + MINUTE;
    const again = passQueue(quietEnv());
    await fanOutDueBursts(again.env, t1);
    const failing = { now: t1, llm: null, maxBrands: 1, beforeCommit: () => Promise.reject(new Error("D1_ERROR: injected")) };
    expect(await runBurstShare(again.env, burstsFor(again.sent, s.workspaceId)[0]!, failing)).toBe("stopped");
    const failed = (await burstRun(s.workspaceId)).results[0]!;
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/internal error \(reference err_\w+\)/);

    // The next lease out, the rest is done; each brand's part once.
    const t2 = t1 + BURST_LEASE_MS + MINUTE;
    const last = passQueue(quietEnv());
    await fanOutDueBursts(last.env, t2);
    await drainPasses(last, { now: () => t2, llm: null, maxBrands: 1 });
    expect(await proposalsPerBrand(s.workspaceId)).toEqual([1, 1, 1]);
    expect((await burstRun(s.workspaceId)).results).toEqual([{ run_key: "2026-10-07", status: "succeeded", error: null }]);
  });

  it("keeps each workspace's next burst at its own local time, DST included; paused ones are not handed out", async () => {
    const s = await signup();
    await createBrand(s, { brief: { reelsPerDay: 1, postsPerDay: 0 } });
    const paused = await signup();
    await createBrand(paused);
    await json("/api/automation/pause", { ...paused, body: {} }, 200);
    // Saturday before Lisbon's clocks go forward (29 March 2026, 01:00 UTC): noon is 12:00Z, then 11:00Z.
    const q = passQueue(quietEnv());
    await fanOutDueBursts(q.env, Date.parse("2026-03-28T08:00:00Z"));
    expect(burstsFor(q.sent, s.workspaceId)).toEqual([]);
    expect(await nextBurstAt(s.workspaceId)).toBe(Date.parse("2026-03-28T12:00:00Z"));
    const noon = Date.parse("2026-03-28T12:03:00Z");
    await fanOutDueBursts(q.env, noon);
    await drainPasses(q, { now: () => noon, llm: null });
    expect(burstsFor(q.sent, s.workspaceId).map((m) => m.runKey)).toEqual(["2026-03-28"]);
    expect(await nextBurstAt(s.workspaceId)).toBe(Date.parse("2026-03-29T11:00:00Z"));
    expect(burstsFor(q.sent, paused.workspaceId)).toEqual([]);
    expect(await countRows("automation_runs", "workspace_id = ?", paused.workspaceId)).toBe(0);

    // A new burst time: worked out again by the next firing.
    await json("/api/automation", { ...s, method: "PATCH", body: { burstTime: "18:30" } }, 200);
    expect(await nextBurstAt(s.workspaceId)).toBe(0);
    await fanOutDueBursts(q.env, Date.parse("2026-03-29T09:00:00Z"));
    expect(await nextBurstAt(s.workspaceId)).toBe(Date.parse("2026-03-29T17:30:00Z"));
  });
});

describe("catch-up, healing and refresh fan out per workspace", () => {
  it("one message per workspace; a share past its bound continues at the back of the queue; a duplicate part does nothing", async () => {
    const ws: Session[] = [];
    for (let i = 0; i < 2; i++) {
      const s = await signup();
      const brand = await createBrand(s);
      for (let k = 0; k < 5; k++) await createReadyJob(s, [brand.id]);
      ws.push(s);
    }
    // Handed out in id order: a is the first.
    const [a, b] = ws.sort((x, y) => (x.workspaceId < y.workspaceId ? -1 : 1)) as [Session, Session];
    const now = Date.now();
    const key = windowKey(now);
    // Two outputs per share.
    const q = passQueue(quietEnv({ CATCHUP_BATCH: "2" }));
    await fireCron(q, now, TEN_MINUTE_CRON);
    const mine = () => q.sent.filter((m) => m.kind === "catchup" && (m.workspaceId === a.workspaceId || m.workspaceId === b.workspaceId));
    expect(mine().map((m) => m.kind === "catchup" && [m.workspaceId, m.part])).toEqual([
      [a.workspaceId, 0],
      [b.workspaceId, 0],
    ]);
    // The firing booked nothing itself.
    expect(await countRows("schedules", "workspace_id IN (?, ?)", a.workspaceId, b.workspaceId)).toBe(0);

    // A duplicate of a's first share, delivered at once: nothing more.
    await drainPasses(q, { batchSize: 1, duplicate: (m) => m.kind === "catchup" && m.workspaceId === a.workspaceId && m.part === 1 });
    // Each continuation waited behind the other workspace's share: a0 b0 a1 b1 a2 b2.
    expect(mine().map((m) => m.kind === "catchup" && [m.workspaceId === a.workspaceId ? "a" : "b", m.part])).toEqual([
      ["a", 0],
      ["b", 0],
      ["a", 1],
      ["b", 1],
      ["a", 2],
      ["b", 2],
    ]);
    for (const s of ws) {
      expect(await countRows("schedules", "workspace_id = ?", s.workspaceId)).toBe(5);
      const runs = await env.DB.prepare("SELECT run_key, succeeded FROM automation_runs WHERE workspace_id = ? AND kind = 'catchup' ORDER BY run_key").bind(s.workspaceId).all();
      expect(runs.results).toEqual([
        { run_key: key, succeeded: 2 },
        { run_key: `${key}+1`, succeeded: 2 },
        { run_key: `${key}+2`, succeeded: 1 },
      ]);
    }
  });

  it("the 10-minute discovery reads recent outputs only; the daily sweep finds one an outage left behind", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const job = await createReadyJob(s, [brand.id]);
    const now = Date.now();
    // Ready for two hours and never booked: every 10-minute firing in between missed it (an outage).
    await env.DB.prepare("UPDATE job_outputs SET updated_at = ? WHERE workspace_id = ?").bind(now - CATCHUP_LOOKBACK_MS - 3_600_000, s.workspaceId).run();
    const q = passQueue(quietEnv());
    await fireCron(q, now, TEN_MINUTE_CRON);
    expect(q.sent.filter((m) => m.kind === "catchup" && m.workspaceId === s.workspaceId)).toEqual([]);

    await fireCron(q, now, REFRESH_CRON);
    const day = new Date(now).toISOString().slice(0, 10);
    expect(q.sent.filter((m) => m.kind === "catchup" && m.workspaceId === s.workspaceId)).toEqual([
      { kind: "catchup", workspaceId: s.workspaceId, runKey: `sweep:${day}`, part: 0 },
    ]);
    await drainPasses(q);
    expect((await json(`/api/jobs/${job.jobId}`, s, 200)).outputs[0].status).toBe("scheduled");
  });

  it("healing is handed out only to workspaces with something stuck", async () => {
    const stuck = await signup();
    const brand = await createBrand(stuck);
    const now = Date.now();
    const out = await insertOutput(stuck, brand.id, { status: "generating", attempts: GENERATE_MAX_ATTEMPTS, updatedAt: now - STALE_GENERATION_MS - MINUTE });
    const fresh = await signup();
    await insertOutput(fresh, (await createBrand(fresh)).id, { status: "pending", updatedAt: now - MINUTE });
    const q = passQueue(quietEnv());
    await fireCron(q, now, TEN_MINUTE_CRON);
    const healing = q.sent.filter((m) => m.kind === "healing").map((m) => m.kind === "healing" && m.workspaceId);
    expect(healing).toContain(stuck.workspaceId);
    expect(healing).not.toContain(fresh.workspaceId);
    expect((await env.DB.prepare("SELECT status FROM job_outputs WHERE id = ?").bind(out.outputId).first())!.status).toBe("generating");
    await drainPasses(q);
    expect((await env.DB.prepare("SELECT status FROM job_outputs WHERE id = ?").bind(out.outputId).first())!.status).toBe("failed");
  });

  it("a fan-out past its pages continues in a message, from its cursor", async () => {
    const ws: Session[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await signup();
      await createReadyJob(s, [(await createBrand(s)).id]);
      ws.push(s);
    }
    const q = passQueue(quietEnv());
    const now = Date.now();
    const first = await fanOutWorkspaces(q.env, "catchup", { runKey: "k", since: now - MINUTE }, now, { pageSize: 1, maxPages: 1 });
    expect(first).toEqual({ handedOut: 1, pages: 1, continued: true });
    expect(q.sent.at(-1)).toMatchObject({ kind: "fanout", pass: "catchup", runKey: "k" });
    // The fanout message walks on from where the cron stopped: every workspace once.
    let guard = 0;
    while (q.waiting.length && guard++ < 50) {
      const body = q.waiting.shift()!;
      if (body.kind === "fanout") await runPassMessage(q.env, body, { now: () => now });
    }
    const handed = q.sent.filter((m) => m.kind === "catchup").map((m) => m.kind === "catchup" && m.workspaceId);
    for (const s of ws) expect(handed.filter((id) => id === s.workspaceId)).toHaveLength(1);
  });
});

describe("dispatch's net wakes alarms and claims nothing itself", () => {
  it("the minute cron calls each overdue brand's BrandScheduler to wake its alarm, and only that", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    const item = await book(s, (await readyJob(s, brand.id)).jobId, brand.id);
    await travel(item.scheduleId, Date.now() - 2 * MINUTE);
    const calls: string[] = [];
    // The brands' stubs, recording which of the two ways in the net takes: wake the alarm, or claim itself.
    const recording = {
      idFromName: (name: string) => env.BRAND_SCHEDULER.idFromName(name),
      get: (id: DurableObjectId) => {
        const stub = env.BRAND_SCHEDULER.get(id);
        return {
          wake: (brandId: string) => (calls.push("wake"), stub.wake(brandId)),
          dispatchDue: (brandId: string) => (calls.push("dispatchDue"), stub.dispatchDue(brandId)),
        };
      },
    } as unknown as Env["BRAND_SCHEDULER"];
    const q = passQueue(quietEnv({ BRAND_SCHEDULER: recording }));
    await fireCron(q, Date.now(), MINUTE_CRON);
    expect(calls.filter((c) => c !== "wake")).toEqual([]);
    expect(calls).toContain("wake");
    // The firing itself claimed nothing; the woken alarm, in its own invocation, does.
    expect(q.sent).toEqual([]);
    const wokenUntil = Date.now() + 10_000;
    for (;;) {
      if ((await countRows("schedules", "id = ? AND dispatched_at IS NOT NULL", item.scheduleId)) === 1) break;
      if (Date.now() > wokenUntil) throw new Error("the woken alarm never claimed the item");
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});
