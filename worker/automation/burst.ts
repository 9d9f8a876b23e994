// The daily burst (DESIGN.md §1, §5, issue 9): per brand, write proposals
// (llm or template writer, following the brand's brief), pass them through the
// quality gate, and turn accepted ones into generation jobs — or, in manual
// review mode, leave them pending for a person.
//
// A brand's part is all-or-nothing: it is claimed in `burst_progress`, written
// in memory, then committed in one D1 batch whose every insert is guarded by
// the claim, together with the row that marks the part done. A burst cut off
// midway leaves the brands not yet done for a later share (burst-fanout.ts),
// and no brand is ever done twice. Quotas: burst-quota.ts.
import { writerLanguageGap } from "../contract/languages";
import type { Brief } from "../contract/schemas";
import type { Env } from "../env";
import { readBrief } from "../generation/brief";
import { scrubText } from "../generation/brief-rules";
import { reportFailure } from "../generation/failure-report";
import { llmConfigFromEnv, type LlmConfig } from "../generation/llm-client";
import { draftProposals, type ProposalDraft } from "../generation/proposals";
import { qualityGate } from "../generation/quality-gate";
import { TitleIndex } from "../generation/similarity";
import { loadArmStats } from "../learning/arm-stats";
import { hashText } from "../lib/random";
import { newId } from "../lib/ids";
import { DAY, MINUTE } from "../lib/time";
import { enqueueGeneration } from "../services/jobs";
import { countLlmCalls, exceeded, gate, itemsLeft, llmCallsPerOutput, quotaDay, quotaSentence, readUsage, type QuotaDay } from "../services/quotas";
import { burstQuotas, variantsToWrite } from "./burst-quota";
import type { RunCounts } from "./runs";

/** Near-duplicates are checked against this much of the brand's history. */
export const RECENT_TITLES_MS = 60 * DAY;
/** A brand part claimed longer ago than this belongs to an invocation that died: another may take it. */
export const BRAND_CLAIM_LEASE_MS = 5 * MINUTE;
/** Brands one share works through (one `burst` message, burst-fanout.ts); its continuation takes the rest. */
export const BURST_BRANDS_PER_SHARE = 10;
const PARALLEL_BRANDS = 4;

export interface BrandRow {
  id: string;
  slug: string;
  name: string;
  handle: string | null;
  timezone: string;
  slots: string;
  schedule_offset: number;
  brief: string | null;
}

export interface BurstOptions {
  now?: number;
  /** The `llm` writer's config; undefined: from the Worker's secrets; null: the template writer. */
  llm?: LlmConfig | null;
  /** Brands this invocation may work on. */
  maxBrands?: number;
  /** Brands worked on at the same time (Workers allow 6 simultaneous connections). */
  parallel?: number;
  /** Test hook, called before a brand's part is committed: a throw is a failure mid-burst. */
  beforeCommit?: (brandId: string) => void | Promise<void>;
}

export interface BurstResult extends RunCounts {
  /** Brands whose part this invocation finished. */
  brandsDone: number;
}

/** Brands of the workspace whose part of `runKey` is neither done nor held by a live claim. */
async function brandsToDo(env: Env, workspaceId: string, runKey: string, now: number, limit: number) {
  const rows = await env.DB.prepare(
    `SELECT b.id, b.slug, b.name, b.handle, b.timezone, b.slots, b.schedule_offset, b.brief FROM brands b
     LEFT JOIN burst_progress p ON p.workspace_id = b.workspace_id AND p.run_key = ?1 AND p.brand_id = b.id
     WHERE b.workspace_id = ?2 AND (p.brand_id IS NULL OR p.status = 'stopped' OR (p.status = 'running' AND p.claimed_at < ?3))
     ORDER BY b.name, b.id LIMIT ?4`,
  )
    .bind(runKey, workspaceId, now - BRAND_CLAIM_LEASE_MS, limit)
    .all<BrandRow>();
  return rows.results;
}

/** Brands whose part of `runKey` is not done yet. */
export async function brandsLeft(d1: D1Database, workspaceId: string, runKey: string): Promise<number> {
  const row = await d1
    .prepare(
      `SELECT COUNT(*) AS n FROM brands b WHERE b.workspace_id = ?1 AND NOT EXISTS
         (SELECT 1 FROM burst_progress p WHERE p.workspace_id = ?1 AND p.run_key = ?2 AND p.brand_id = b.id AND p.status = 'done')`,
    )
    .bind(workspaceId, runKey)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Claims the brand's part (new, stale, or stopped by a quota); false when another invocation holds a live claim or finished it. */
async function claimBrand(d1: D1Database, workspaceId: string, runKey: string, brandId: string, claim: string, now: number): Promise<boolean> {
  const row = await d1
    .prepare(
      `INSERT INTO burst_progress (workspace_id, run_key, brand_id, status, claim, claimed_at) VALUES (?1, ?2, ?3, 'running', ?4, ?5)
       ON CONFLICT (workspace_id, run_key, brand_id) DO UPDATE SET status = 'running', claim = excluded.claim, claimed_at = excluded.claimed_at, note = NULL
         WHERE (burst_progress.status = 'running' AND burst_progress.claimed_at < ?6) OR burst_progress.status = 'stopped'
       RETURNING claim`,
    )
    .bind(workspaceId, runKey, brandId, claim, now, now - BRAND_CLAIM_LEASE_MS)
    .first<{ claim: string }>();
  return row?.claim === claim;
}

async function releaseBrand(d1: D1Database, workspaceId: string, runKey: string, brandId: string, claim: string) {
  await d1
    .prepare("DELETE FROM burst_progress WHERE workspace_id = ? AND run_key = ? AND brand_id = ? AND claim = ? AND status = 'running'")
    .bind(workspaceId, runKey, brandId, claim)
    .run();
}

interface Decided {
  id: string;
  draft: ProposalDraft;
  status: "pending" | "accepted" | "rejected" | "failed";
  score: number;
  reason: string;
}

/** Drafts through the gate, each compared with the brand's recent titles and the drafts before it. */
function decide(drafts: ProposalDraft[], brief: Brief, recent: TitleIndex, review: "auto" | "manual"): Decided[] {
  return drafts.map((draft) => {
    const id = newId("prp");
    if (draft.failure) return { id, draft, status: "failed", score: 0, reason: draft.failure };
    const gate = qualityGate(draft, brief, recent);
    recent.add(draft.title);
    const status = !gate.accepted ? "rejected" : review === "manual" ? "pending" : "accepted";
    return { id, draft, status, score: gate.score, reason: gate.reason };
  });
}

/** One brand's part: claim, write, gate, commit in one guarded batch, then queue generation. */
interface BurstWorkspace {
  id: string;
  burstPerBrand: number;
  review: "auto" | "manual";
  /** Today's quotas (worker/services/quotas.ts) and the LLM calls one item's generation makes. */
  quota: QuotaDay;
  llmPerItem: number;
}

/**
 * How many of `wanted` items the workspace's quotas leave room for today,
 * and why not all. The burst's own LLM call comes first; in review mode the
 * jobs (and their renders) are made when a person accepts, not now.
 */
async function roomToday(d1: D1Database, ws: BurstWorkspace, drafting: boolean, wanted: number): Promise<{ take: number; why: string | null }> {
  const q = ws.quota;
  const usage = await readUsage(d1, q);
  const draftCall = drafting ? 1 : 0;
  if (usage.llmCallsPerDay + draftCall > q.limits.llmCallsPerDay) return { take: 0, why: quotaSentence(q, "llmCallsPerDay", usage) };
  if (ws.review === "manual" || wanted === 0) return { take: wanted, why: null };
  const left = itemsLeft(q, { ...usage, llmCallsPerDay: usage.llmCallsPerDay + draftCall }, ws.llmPerItem);
  if (left >= wanted) return { take: wanted, why: null };
  const over = exceeded(q, usage, { jobs: left + 1, renders: left + 1, llm: (left + 1) * ws.llmPerItem + draftCall })!;
  // Said as it will stand once this brand's `left` items are written.
  const after = { ...usage, jobsPerDay: usage.jobsPerDay + left, rendersPerDay: usage.rendersPerDay + left, llmCallsPerDay: usage.llmCallsPerDay + left * ws.llmPerItem + draftCall };
  return { take: left, why: quotaSentence(q, over, after) };
}

const FILLED_MEANWHILE = "the workspace's quotas for today filled up while this brand was being written.";

/** Marks every brand of the run not done or held as stopped, with the reason (what the Automation page shows per brand). */
async function stopBrands(d1: D1Database, workspaceId: string, runKey: string, now: number, note: string) {
  await d1
    .prepare(
      `INSERT INTO burst_progress (workspace_id, run_key, brand_id, status, claim, claimed_at, note)
       SELECT ?1, ?2, b.id, 'stopped', '', ?3, ?4 FROM brands b WHERE b.workspace_id = ?1
       ON CONFLICT (workspace_id, run_key, brand_id) DO UPDATE SET note = excluded.note WHERE burst_progress.status = 'stopped'`,
    )
    .bind(workspaceId, runKey, now, note)
    .run();
}

async function burstBrand(
  env: Env,
  ws: BurstWorkspace,
  brand: BrandRow,
  runKey: string,
  now: number,
  opts: BurstOptions,
  llm: LlmConfig | null,
): Promise<{ counts: RunCounts; done: boolean; stopped?: string }> {
  const counts: RunCounts = { processed: 0, succeeded: 0, failed: 0, remaining: 0 };
  const claim = newId("bst");
  if (!(await claimBrand(env.DB, ws.id, runKey, brand.id, claim, now))) return { counts, done: false };
  const ours = "workspace_id = ? AND run_key = ? AND brand_id = ? AND claim = ? AND status = 'running'";
  const held = `EXISTS (SELECT 1 FROM burst_progress WHERE ${ours})`;
  const heldBinds = [ws.id, runKey, brand.id, claim];
  try {
    const brief = readBrief(brand.brief);
    // A brief in a language the writer has no words for gets nothing, not English, and the brand says why.
    const gap = writerLanguageGap(brief.language, !!llm);
    if (gap) {
      const done = await env.DB.prepare(`UPDATE burst_progress SET status = 'done', done_at = ?, note = ? WHERE ${ours}`).bind(now, gap, ...heldBinds).run();
      return { counts, done: done.meta.changes > 0 };
    }
    const wanted = variantsToWrite(await burstQuotas(env, brand, now), brief, ws.burstPerBrand);
    const room = await roomToday(env.DB, ws, !!llm && wanted.length > 0, wanted.length);
    if (room.take === 0 && room.why) {
      await env.DB.prepare(`UPDATE burst_progress SET status = 'stopped', note = ? WHERE ${ours}`).bind(`Stopped: ${room.why}`, ...heldBinds).run();
      return { counts, done: false, stopped: room.why };
    }
    const variants = wanted.slice(0, room.take);
    const recentRows = await env.DB.prepare(
      "SELECT title FROM proposals WHERE brand_id = ? AND created_at >= ? AND status != 'failed' ORDER BY created_at DESC LIMIT 500",
    )
      .bind(brand.id, now - RECENT_TITLES_MS)
      .all<{ title: string }>();
    const recentTitles = recentRows.results.map((r) => r.title);
    const seed = hashText(`${brand.id}:${runKey}`);
    // What the brand's published posts taught (issue 15 item 7): the writers sample topics and hooks from it.
    const arms = await loadArmStats(env.DB, ws.id, brand.id, now);
    const drafts = await draftProposals({ brand, brief, variants, seed, recent: new TitleIndex(recentTitles), recentTitles, arms }, llm);
    const decided = decide(drafts, brief, new TitleIndex(recentTitles), ws.review);
    const accepted = decided.filter((d) => d.status === "accepted");
    // Automatic jobs (platforms_explicit = 0): where each item goes is decided when it goes out.
    const platforms = "[]";
    await opts.beforeCommit?.(brand.id);

    // First, the quotas again, in the batch itself: if other writers filled them meanwhile, the part turns
    // `stopped` and every statement after this one, guarded by the running claim, writes nothing.
    const need = { jobs: accepted.length, renders: accepted.length, llm: accepted.length * ws.llmPerItem + (llm && variants.length ? 1 : 0) };
    const room2 = gate(ws.quota, need);
    const stmts: D1PreparedStatement[] = [
      env.DB.prepare(`UPDATE burst_progress SET status = 'stopped', note = ? WHERE ${ours} AND NOT (${room2.sql})`).bind(
        `Stopped: ${FILLED_MEANWHILE}`,
        ...heldBinds,
        ...room2.binds,
      ),
    ];
    const outputIds: string[] = [];
    const scrub = (s: string) => scrubText(s, brief);
    for (const d of decided) {
      // What the brief forbids is never stored, even in a rejected proposal (the reason says why it was rejected).
      const hashtags = d.draft.hashtags?.map(scrub).filter((h) => h.length > 1) ?? null;
      stmts.push(
        env.DB.prepare(
          `INSERT INTO proposals (id, workspace_id, brand_id, title, angle, variant, status, quality_score, reason, run_key, writer, caption, hashtags, arm_topic, arm_hook, created_at, updated_at)
           SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE ${held}`,
        ).bind(
          d.id, ws.id, brand.id, scrub(d.draft.title) || "(untitled)", scrub(d.draft.angle), d.draft.variant, d.status, d.score, d.reason, runKey,
          d.draft.writer, d.draft.caption == null ? null : scrub(d.draft.caption), hashtags ? JSON.stringify(hashtags) : null,
          d.draft.arm?.topic ?? null, d.draft.arm?.hook ?? null, now, now,
          ...heldBinds,
        ),
      );
    }
    // Automation's jobs carry no explicit platform list: where they go is decided when they go out (DESIGN.md §7).
    for (const d of accepted) {
      const outputId = newId("out");
      outputIds.push(outputId);
      const jobSeed = crypto.getRandomValues(new Uint32Array(1))[0]!;
      stmts.push(
        env.DB.prepare(
          `INSERT INTO generation_jobs (workspace_id, variant, title, topic, platforms, seed, created_by_kind, created_by_user_id, proposal_id, created_at)
           SELECT ?, ?, ?, ?, ?, ?, 'automation', NULL, ?, ? WHERE EXISTS (SELECT 1 FROM proposals WHERE id = ?)`,
        ).bind(ws.id, d.draft.variant, d.draft.title, d.draft.arm?.topic ?? d.draft.title, platforms, jobSeed, d.id, now, d.id),
        env.DB.prepare(
          `INSERT INTO job_outputs (id, job_id, workspace_id, brand_id, enqueued_at, updated_at)
           SELECT ?, j.id, ?, ?, ?, ? FROM generation_jobs j WHERE j.proposal_id = ?`,
        ).bind(outputId, ws.id, brand.id, now, now, d.id),
      );
    }
    const jobs = accepted.length;
    if (need.llm > 0) stmts.push(countLlmCalls(env.DB, ws.quota, need.llm, { sql: held, binds: heldBinds }));
    stmts.push(
      env.DB.prepare(
        `UPDATE burst_progress SET status = 'done', done_at = ?, proposals = ?, jobs = ?, note = ?
         WHERE workspace_id = ? AND run_key = ? AND brand_id = ? AND claim = ? AND status = 'running'`,
      ).bind(now, decided.length, jobs, room.why && `${wanted.length - room.take} of ${wanted.length} items not proposed: ${room.why}`, ...heldBinds),
    );
    const results = await env.DB.batch(stmts);
    if (results[0]!.meta.changes > 0) return { counts, done: false, stopped: FILLED_MEANWHILE };
    if ((results.at(-1)?.meta.changes ?? 0) === 0) return { counts, done: false }; // the claim was taken over: nothing of ours landed
    if (outputIds.length) {
      // A lost send is what healing exists for: the outputs wait `pending` with their enqueued_at.
      await enqueueGeneration(env, outputIds).catch((err) => reportFailure(err, "Queueing generation", { brandId: brand.id, runKey }));
    }
    counts.processed = decided.length;
    counts.succeeded = decided.filter((d) => d.status === "accepted" || d.status === "pending").length;
    counts.failed = decided.filter((d) => d.status === "failed").length;
    return { counts, done: true, ...(room.why ? { stopped: room.why } : {}) };
  } catch (err) {
    await releaseBrand(env.DB, ws.id, runKey, brand.id, claim).catch(() => undefined);
    throw err;
  }
}

/**
 * Works through the brands of `runKey` not yet done, at most `maxBrands`.
 * Stops at the first failure (its sentence in `error`, the raw error logged
 * with an id); what is left stays for the next invocation.
 */
export async function runBurst(env: Env, workspaceId: string, runKey: string, opts: BurstOptions = {}): Promise<BurstResult> {
  const now = opts.now ?? Date.now();
  const llm = opts.llm === undefined ? llmConfigFromEnv(env) : opts.llm;
  const wsRow = await env.DB.prepare("SELECT burst_per_brand, review_mode FROM workspaces WHERE id = ?")
    .bind(workspaceId)
    .first<{ burst_per_brand: number; review_mode: "auto" | "manual" }>();
  const ws: BurstWorkspace = {
    id: workspaceId,
    burstPerBrand: wsRow?.burst_per_brand ?? 3,
    review: wsRow?.review_mode ?? "auto",
    quota: await quotaDay(env, workspaceId, now),
    llmPerItem: llmCallsPerOutput(env),
  };
  // No room left today at all: every brand not done says why, and no brand is claimed only to be stopped.
  const first = await roomToday(env.DB, ws, false, 1);
  if (first.take === 0) {
    await stopBrands(env.DB, workspaceId, runKey, now, `Stopped: ${first.why}`);
    const remaining = await brandsLeft(env.DB, workspaceId, runKey);
    return { processed: 0, succeeded: 0, failed: 0, remaining, brandsDone: 0, error: `The burst stopped: ${first.why}` };
  }
  const result: BurstResult = { processed: 0, succeeded: 0, failed: 0, remaining: 0, brandsDone: 0 };
  const todo = await brandsToDo(env, workspaceId, runKey, now, opts.maxBrands ?? BURST_BRANDS_PER_SHARE);
  // A pool of lanes, each taking the next brand as soon as its last one is done; after a failure no lane starts another.
  let next = 0;
  const lane = async () => {
    while (!result.error && next < todo.length) {
      const brand = todo[next++]!;
      try {
        const { counts, done, stopped } = await burstBrand(env, ws, brand, runKey, now, opts, llm);
        result.processed += counts.processed;
        result.succeeded += counts.succeeded;
        result.failed += counts.failed;
        if (done) result.brandsDone++;
        // A quota stops the whole burst: the brands left say why, and a later check takes them up (the day's quotas may be raised).
        if (stopped && !result.error) {
          result.error = `The burst stopped: ${stopped}`;
          await stopBrands(env.DB, workspaceId, runKey, now, `Stopped: ${stopped}`);
        }
      } catch (err) {
        result.error ??= reportFailure(err, "The burst", { workspaceId, runKey, brandId: brand.id }).sentence;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.parallel ?? PARALLEL_BRANDS, todo.length) }, lane));
  result.remaining = await brandsLeft(env.DB, workspaceId, runKey);
  return result;
}
