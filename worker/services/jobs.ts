// Generation jobs and their per-brand outputs: creation, the Jobs page's list
// and detail, caption edits, retries.
import type { Actor } from "../auth/context";
import type { Job } from "../contract/schemas";
import { allByList } from "../db/bounded";
import type { Env, GenerateMessage } from "../env";
import { conflict, notFound } from "../errors";
import { reportFailure } from "../generation/failure-report";
import { newId, parseJobId } from "../lib/ids";
import type { OutputRowStatus } from "../scheduling/status";
import type { Platform, Variant } from "../scheduling/variants";
import { countLlmCalls, exceeded, gate, llmCallsPerOutput, quotaDay, quotaError, readUsage } from "./quotas";
import { loadDeliveries, OUTPUT_COLUMNS, toJobDto, toOutputDto, type JobRow, type OutputJoinRow } from "./views";

/** The Jobs page category in SQL, so filters and paging see exactly what the DTO says (API.md). */
const CATEGORY_SQL = `CASE
  WHEN SUM(o.status IN ('pending','generating')) > 0 THEN 'in_progress'
  WHEN SUM(o.status = 'ready' AND s.id IS NULL) > 0 THEN 'to_schedule'
  WHEN SUM(s.id IS NOT NULL) > 0 THEN 'scheduled'
  ELSE 'other' END`;

export interface CreateJobInput {
  variant: Variant;
  brands: string[];
  title?: string;
  topic?: string;
  slideTexts?: string[];
  platforms?: Platform[];
  proposalId?: string;
}

/**
 * What must change exactly one row before the job is written (accepting a
 * proposal): `statement` gets the quota gate for its WHERE; `open` says, after
 * a batch that wrote nothing, whether the claim was still there to take (if
 * not, another request took it, whatever the quotas say).
 */
export interface JobClaim {
  statement(gate: { sql: string; binds: unknown[] }): D1PreparedStatement;
  open(): Promise<boolean>;
}

/**
 * Creates the job and one pending output per brand, then queues generation.
 * The quota check, the job, its outputs and the LLM calls they will make are
 * one D1 batch: the job's INSERT holds the quota condition (or `claim` does,
 * and the job follows only if it changed its row), the outputs follow only if
 * the job was written, so a job never lacks an output and no request passes a
 * quota another one filled at the same moment (worker/services/quotas.ts).
 * Returns null when `claim` was no longer there to take.
 */
export async function createJob(env: Env, actor: Actor, input: CreateJobInput, claim?: JobClaim): Promise<{ jobId: number; outputIds: string[] } | null> {
  const brandIds = [...new Set(input.brands)];
  const [found, q] = await Promise.all([
    allByList<{ id: string }>(env.DB, "SELECT id FROM brands WHERE workspace_id = ?1 AND id IN (:list)", [actor.workspaceId], brandIds),
    quotaDay(env, actor.workspaceId),
  ]);
  const known = new Set(found.map((r) => r.id));
  const missing = brandIds.filter((id) => !known.has(id));
  if (missing.length) throw notFound(`Brand ${missing[0]}`);

  // Explicit platforms bind; without them the job is automatic and each item goes where its brand is connected when it goes out.
  const platforms = input.platforms ? [...new Set(input.platforms)] : [];
  const seed = crypto.getRandomValues(new Uint32Array(1))[0]!;
  const need = { jobs: 1, renders: brandIds.length, llm: brandIds.length * llmCallsPerOutput(env) };
  const quota = gate(q, need);
  const now = Date.now();
  const outputIds = brandIds.map(() => newId("out"));
  const stmts = claim ? [claim.statement(quota)] : [];
  const jobGuard = claim ? { sql: "changes() = 1", binds: [] } : quota;
  stmts.push(
    env.DB.prepare(
      `INSERT INTO generation_jobs (workspace_id, variant, title, topic, slide_texts, platforms, platforms_explicit, seed, created_by_kind, created_by_user_id, proposal_id, created_at)
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE ${jobGuard.sql} RETURNING id`,
    ).bind(
      actor.workspaceId,
      input.variant,
      input.title ?? null,
      input.topic ?? null,
      input.slideTexts ? JSON.stringify(input.slideTexts) : null,
      JSON.stringify(platforms),
      input.platforms ? 1 : 0,
      seed,
      actor.kind,
      actor.userId,
      input.proposalId ?? null,
      now,
      ...jobGuard.binds,
    ),
    // The job just written has the highest id (AUTOINCREMENT, inside this batch's transaction); one statement for every output, so `changes()` still reads the job's INSERT.
    env.DB.prepare(
      `INSERT INTO job_outputs (id, job_id, workspace_id, brand_id, enqueued_at, updated_at)
       SELECT json_extract(v.value, '$[0]'), (SELECT MAX(id) FROM generation_jobs), ?, json_extract(v.value, '$[1]'), ?, ?
       FROM json_each(?) v WHERE changes() = 1`,
    ).bind(actor.workspaceId, now, now, JSON.stringify(brandIds.map((b, i) => [outputIds[i], b]))),
  );
  if (need.llm > 0) stmts.push(countLlmCalls(env.DB, q, need.llm, { sql: "changes() > 0", binds: [] }));
  const results = await env.DB.batch<{ id: number }>(stmts);
  const jobId = results[claim ? 1 : 0]!.results[0]?.id;
  if (jobId === undefined) {
    if (claim && !(await claim.open())) return null;
    const usage = await readUsage(env.DB, q);
    const over = exceeded(q, usage, need);
    if (over) throw quotaError(q, over, usage);
    throw new Error("The job was not written, and no quota says why.");
  }
  // Written: a lost send is what healing exists for (the outputs wait `pending` with their enqueued_at).
  await enqueueGeneration(env, outputIds).catch((err) => reportFailure(err, "Queueing generation", { jobId }));
  return { jobId, outputIds };
}

/** Platforms each brand of the workspace has a connected account for now: where automatic jobs' items go. */
async function connectedByBrand(d1: D1Database, workspaceId: string): Promise<Map<string, Platform[]>> {
  const rows = await d1
    .prepare("SELECT brand_id, platform FROM platform_accounts WHERE workspace_id = ? AND status = 'connected'")
    .bind(workspaceId)
    .all<{ brand_id: string; platform: Platform }>();
  const out = new Map<string, Platform[]>();
  for (const r of rows.results) out.set(r.brand_id, [...(out.get(r.brand_id) ?? []), r.platform]);
  return out;
}

export async function enqueueGeneration(env: Env, outputIds: string[]) {
  for (let i = 0; i < outputIds.length; i += 100) {
    const chunk = outputIds.slice(i, i + 100);
    await env.GENERATE_QUEUE.sendBatch(chunk.map((outputId): { body: GenerateMessage } => ({ body: { kind: "generate", outputId } })));
  }
}

const JOB_SELECT = `SELECT j.id, j.variant, j.title, j.topic, j.platforms, j.platforms_explicit, j.created_by_kind, j.created_by_user_id,
  u.name AS creator_name, j.created_at, ${CATEGORY_SQL} AS category
  FROM generation_jobs j
  JOIN job_outputs o ON o.job_id = j.id
  LEFT JOIN schedules s ON s.output_id = o.id
  LEFT JOIN users u ON u.id = j.created_by_user_id`;

async function buildJobs(env: Env, workspaceId: string, jobs: JobRow[], origin: string): Promise<Job[]> {
  if (!jobs.length) return [];
  // A page holds up to 100 jobs: one statement per chunk of them (D1 binds at most 100 parameters).
  // Each job's outputs sit in one chunk, so their brand-name order holds.
  const rows = await allByList<OutputJoinRow>(
    env.DB,
    `SELECT ${OUTPUT_COLUMNS} FROM job_outputs o JOIN brands b ON b.id = o.brand_id
     LEFT JOIN schedules s ON s.output_id = o.id
     WHERE o.workspace_id = ?1 AND o.job_id IN (:list) ORDER BY b.name`,
    [workspaceId],
    jobs.map((j) => j.id),
  );
  const [deliveries, connected] = await Promise.all([
    loadDeliveries(env.DB, rows.flatMap((r) => (r.schedule_id && r.dispatched_at != null ? [r.schedule_id] : []))),
    connectedByBrand(env.DB, workspaceId),
  ]);
  const now = Date.now();
  const byJob = new Map<number, OutputJoinRow[]>();
  for (const r of rows) byJob.set(r.job_id, [...(byJob.get(r.job_id) ?? []), r]);
  return Promise.all(
    jobs.map(async (j) => {
      const outs = byJob.get(j.id) ?? [];
      const dtos = await Promise.all(outs.map((o) => toOutputDto(env, o, deliveries, now, origin)));
      const platforms = [...new Set(outs.flatMap((o) => connected.get(o.brand_id) ?? []))].sort();
      return toJobDto(j, dtos, outs.map((o) => o.status as OutputRowStatus), platforms);
    }),
  );
}

export interface JobListFilter {
  category?: Job["category"];
  variant?: Variant;
  brand?: string;
  limit: number;
  cursor?: string;
}

export async function listJobs(env: Env, workspaceId: string, filter: JobListFilter, origin: string) {
  const where = ["j.workspace_id = ?1"];
  const binds: unknown[] = [workspaceId];
  if (filter.variant) {
    binds.push(filter.variant);
    where.push(`j.variant = ?${binds.length}`);
  }
  if (filter.brand) {
    binds.push(filter.brand);
    where.push(`EXISTS (SELECT 1 FROM job_outputs ob WHERE ob.job_id = j.id AND ob.brand_id = ?${binds.length})`);
  }
  const base = where.join(" AND ");
  const pageWhere = [base];
  const pageBinds = [...binds];
  if (filter.cursor) {
    pageBinds.push(Number(filter.cursor));
    pageWhere.push(`j.id < ?${pageBinds.length}`);
  }
  let having = "";
  if (filter.category) {
    pageBinds.push(filter.category);
    having = `HAVING category = ?${pageBinds.length}`;
  }
  pageBinds.push(filter.limit + 1);
  const page = await env.DB.prepare(
    `${JOB_SELECT} WHERE ${pageWhere.join(" AND ")} GROUP BY j.id ${having} ORDER BY j.id DESC LIMIT ?${pageBinds.length}`,
  )
    .bind(...pageBinds)
    .all<JobRow>();
  const more = page.results.length > filter.limit;
  const jobs = page.results.slice(0, filter.limit);
  // Counts per category for the page's tabs, over the same filters (not the cursor or category).
  const counts = await env.DB.prepare(
    `SELECT category, COUNT(*) AS n FROM (SELECT ${CATEGORY_SQL} AS category FROM generation_jobs j
       JOIN job_outputs o ON o.job_id = j.id LEFT JOIN schedules s ON s.output_id = o.id
       WHERE ${base} GROUP BY j.id) GROUP BY category`,
  )
    .bind(...binds)
    .all<{ category: Job["category"]; n: number }>();
  const countMap = { to_schedule: 0, scheduled: 0, in_progress: 0, other: 0 };
  for (const c of counts.results) countMap[c.category] = c.n;
  return {
    jobs: await buildJobs(env, workspaceId, jobs, origin),
    nextCursor: more ? String(jobs[jobs.length - 1]!.id) : null,
    counts: countMap,
  };
}

export function jobNumber(jobId: string): number {
  const n = parseJobId(jobId);
  if (n === null) throw notFound("Job");
  return n;
}

export async function getJob(env: Env, workspaceId: string, jobId: string, origin: string): Promise<Job> {
  const row = await env.DB.prepare(`${JOB_SELECT} WHERE j.id = ? AND j.workspace_id = ? GROUP BY j.id`)
    .bind(jobNumber(jobId), workspaceId)
    .first<JobRow>();
  if (!row) throw notFound("Job");
  const [job] = await buildJobs(env, workspaceId, [row], origin);
  return job!;
}

export interface OutputRef {
  id: string;
  jobId: number;
  brandId: string;
  status: OutputRowStatus;
}

export async function getOutputRef(env: Env, workspaceId: string, jobId: string, brandId: string): Promise<OutputRef> {
  const row = await env.DB.prepare(
    "SELECT id, job_id AS jobId, brand_id AS brandId, status FROM job_outputs WHERE job_id = ? AND brand_id = ? AND workspace_id = ?",
  )
    .bind(jobNumber(jobId), brandId, workspaceId)
    .first<OutputRef>();
  if (!row) throw notFound("Output");
  return row;
}

const TEXT_FROZEN =
  "Publishing has started for this item, so its caption and titles can no longer change: the platforms are checked against them to make sure it is posted only once.";

export async function updateOutput(
  env: Env,
  workspaceId: string,
  jobId: string,
  brandId: string,
  patch: { caption?: string; title?: string; ytTitle?: string },
  origin: string,
) {
  const ref = await getOutputRef(env, workspaceId, jobId, brandId);
  if (ref.status !== "ready") throw conflict("wrong_state", `Only ready outputs can be edited; this one is ${ref.status}.`);
  const sets: string[] = [];
  const binds: unknown[] = [];
  if (patch.caption !== undefined) (sets.push("caption = ?"), binds.push(patch.caption));
  if (patch.title !== undefined) (sets.push("title = ?"), binds.push(patch.title));
  if (patch.ytTitle !== undefined) (sets.push("yt_title = ?"), binds.push(patch.ytTitle));
  // Frozen once the item has gone out (the dispatch claim): recovery after a crash finds the post on
  // the platform by its caption or title, so a change then could publish it twice. Conditional in the
  // same statement, so an edit racing the claim either lands before it or is refused.
  const updated = await env.DB.prepare(
    `UPDATE job_outputs SET ${sets.join(", ")}, updated_at = ? WHERE id = ? AND workspace_id = ? AND status = 'ready'
       AND NOT EXISTS (SELECT 1 FROM schedules WHERE output_id = job_outputs.id AND dispatched_at IS NOT NULL)`,
  )
    .bind(...binds, Date.now(), ref.id, workspaceId)
    .run();
  if (!updated.meta.changes) throw conflict("wrong_state", TEXT_FROZEN);
  const job = await getJob(env, workspaceId, jobId, origin);
  return job.outputs.find((o) => o.brandId === brandId)!;
}

/** Regenerates the job's failed outputs; nothing else changes. Each is a render today (and an LLM call), within the quotas, in one statement. */
export async function retryJob(env: Env, workspaceId: string, jobId: string, origin: string) {
  const n = jobNumber(jobId);
  const [failed, q] = await Promise.all([
    env.DB.prepare("SELECT id FROM job_outputs WHERE job_id = ? AND workspace_id = ? AND status = 'failed'").bind(n, workspaceId).all<{ id: string }>(),
    quotaDay(env, workspaceId),
  ]);
  const ids = failed.results.map((r) => r.id);
  if (!ids.length) {
    await getJob(env, workspaceId, jobId, origin); // 404 first if absent
    throw conflict("wrong_state", "No failed outputs to retry.");
  }
  const need = { jobs: 0, renders: ids.length, llm: ids.length * llmCallsPerOutput(env) };
  const quota = gate(q, need);
  const now = Date.now();
  const stmts = [
    env.DB.prepare(
      `UPDATE job_outputs SET status = 'pending', error = NULL, attempts = 0, enqueued_at = ?, updated_at = ?
       WHERE job_id = ? AND workspace_id = ? AND status = 'failed' AND id IN (SELECT value FROM json_each(?)) AND ${quota.sql} RETURNING id`,
    ).bind(now, now, n, workspaceId, JSON.stringify(ids), ...quota.binds),
  ];
  if (need.llm > 0) stmts.push(countLlmCalls(env.DB, q, need.llm, { sql: "changes() > 0", binds: [] }));
  const [retried] = await env.DB.batch<{ id: string }>(stmts);
  if (!retried!.results.length) {
    const usage = await readUsage(env.DB, q);
    const over = exceeded(q, usage, need);
    if (over) throw quotaError(q, over, usage);
    throw conflict("wrong_state", "No failed outputs to retry.");
  }
  await enqueueGeneration(env, retried!.results.map((r) => r.id));
  return getJob(env, workspaceId, jobId, origin);
}
