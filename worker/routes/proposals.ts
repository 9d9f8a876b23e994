// Proposals (API.md): the burst's drafts with the gate's score and reason. A
// person accepts one (the job is created as that person) or rejects it with a
// reason. Accepting is a conditional update in the same D1 batch as the job,
// so a second accept — even at the same moment — is a 409 and creates
// nothing, and a proposal is never accepted without its job (past a quota,
// neither is written: 429).
import { Hono } from "hono";
import type { AppEnv } from "../auth/context";
import { writesNeedEditor } from "../auth/middleware";
import { emptyBody, proposalListQuery, proposalRejectInput, type Proposal } from "../contract/schemas";
import { conflict, notFound } from "../errors";
import { formatJobId } from "../lib/ids";
import { iso } from "../lib/time";
import { readJson, readQuery } from "../lib/validate";
import { createJob, getJob } from "../services/jobs";
import type { Variant } from "../scheduling/variants";

interface ProposalRow {
  id: string;
  brand_id: string;
  brand_name: string;
  title: string;
  angle: string;
  variant: Variant;
  status: Proposal["status"];
  quality_score: number | null;
  reason: string | null;
  writer: Proposal["writer"];
  caption: string | null;
  hashtags: string | null;
  created_at: number;
  job_id: number | null;
  arm_topic: string | null;
  arm_hook: string | null;
}

const SELECT = `SELECT p.id, p.brand_id, p.title, p.angle, p.variant, p.status, p.quality_score, p.reason, p.writer, p.caption,
    p.hashtags, p.created_at, p.arm_topic, p.arm_hook, b.name AS brand_name,
    (SELECT MIN(j.id) FROM generation_jobs j WHERE j.proposal_id = p.id) AS job_id
  FROM proposals p JOIN brands b ON b.id = p.brand_id`;

export function toProposalDto(p: ProposalRow): Proposal {
  return {
    id: p.id,
    brandId: p.brand_id,
    brand: p.brand_name,
    variant: p.variant,
    title: p.title,
    angle: p.angle,
    ...(p.caption != null ? { caption: p.caption } : {}),
    ...(p.hashtags != null ? { hashtags: JSON.parse(p.hashtags) as string[] } : {}),
    status: p.status,
    score: p.quality_score ?? 0,
    reason: p.reason ?? "",
    writer: p.writer,
    arm: p.arm_topic && p.arm_hook ? { topic: p.arm_topic, hook: p.arm_hook } : null,
    createdAt: iso(p.created_at),
    ...(p.job_id ? { jobId: formatJobId(p.job_id) } : {}),
  };
}

async function load(d1: D1Database, workspaceId: string, id: string) {
  const row = await d1.prepare(`${SELECT} WHERE p.id = ? AND p.workspace_id = ?`).bind(id, workspaceId).first<ProposalRow>();
  if (!row) throw notFound("Proposal");
  return row;
}

export const proposalRoutes = new Hono<AppEnv>()
  .use(writesNeedEditor)
  .get("/", async (c) => {
    const q = readQuery(c, proposalListQuery);
    const ws = c.get("actor").workspaceId;
    const rows = await c.env.DB.prepare(
      `${SELECT} WHERE p.workspace_id = ?1 AND (?2 IS NULL OR p.status = ?2) AND (?3 IS NULL OR p.brand_id = ?3)
       ORDER BY p.created_at DESC, p.id LIMIT 200`,
    )
      .bind(ws, q.status ?? null, q.brand ?? null)
      .all<ProposalRow>();
    return c.json({ proposals: rows.results.map(toProposalDto) });
  })
  .post("/:id/accept", async (c) => {
    await readJson(c, emptyBody);
    const actor = c.get("actor");
    const p = await load(c.env.DB, actor.workspaceId, c.req.param("id"));
    if (p.status === "failed") throw conflict("wrong_state", "This proposal was never written, so it cannot be accepted.");
    if (p.status === "accepted") throw conflict("wrong_state", "This proposal is already accepted.");
    // The claim and the job are one batch (services/jobs.ts): only one request moves the proposal to
    // accepted, and only while the workspace's quotas have room; the job is written only if it did.
    // Pending (waiting for review) or rejected (a person may overrule the gate) can be accepted.
    const made = await createJob(c.env, actor, { variant: p.variant, brands: [p.brand_id], title: p.title, topic: p.arm_topic ?? p.title, proposalId: p.id }, {
      statement: (quota) =>
        c.env.DB.prepare(
          `UPDATE proposals SET status = 'accepted', reason = ?, decided_by_user_id = ?, updated_at = ?
           WHERE id = ? AND workspace_id = ? AND status IN ('pending','rejected') AND ${quota.sql}`,
        ).bind(`Accepted by ${actor.userName}.`, actor.userId, Date.now(), p.id, actor.workspaceId, ...quota.binds),
      open: async () => ["pending", "rejected"].includes((await load(c.env.DB, actor.workspaceId, p.id)).status),
    });
    if (!made) throw conflict("wrong_state", "This proposal is already accepted.");
    const jobId = made.jobId;
    const origin = new URL(c.req.url).origin;
    return c.json({ proposal: toProposalDto(await load(c.env.DB, actor.workspaceId, p.id)), job: await getJob(c.env, actor.workspaceId, formatJobId(jobId), origin) });
  })
  .post("/:id/reject", async (c) => {
    const { reason } = await readJson(c, proposalRejectInput);
    const actor = c.get("actor");
    const p = await load(c.env.DB, actor.workspaceId, c.req.param("id"));
    const done = await c.env.DB.prepare(
      `UPDATE proposals SET status = 'rejected', reason = ?, decided_by_user_id = ?, updated_at = ?
       WHERE id = ? AND workspace_id = ? AND status = 'pending' RETURNING id`,
    )
      .bind(reason ? `Rejected by ${actor.userName}: ${reason}` : `Rejected by ${actor.userName}.`, actor.userId, Date.now(), p.id, actor.workspaceId)
      .first<{ id: string }>();
    if (!done) throw conflict("wrong_state", `Only pending proposals can be rejected; this one is ${p.status}.`);
    return c.json({ proposal: toProposalDto(await load(c.env.DB, actor.workspaceId, p.id)) });
  });
