import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../auth/context";
import { writesNeedEditor } from "../auth/middleware";
import { emptyBody } from "../contract/schemas";
import { conflict, notFound } from "../errors";
import { formatJobId } from "../lib/ids";
import { iso } from "../lib/time";
import { readJson, readQuery } from "../lib/validate";
import { createJob } from "../services/jobs";
import type { Variant } from "../scheduling/variants";

const listQuery = z.strictObject({ status: z.enum(["pending", "accepted", "rejected"]).optional() });

interface ProposalRow {
  id: string;
  brand_id: string;
  brand_name: string;
  title: string;
  angle: string;
  variant: Variant;
  status: "pending" | "accepted" | "rejected";
  quality_score: number | null;
  reason: string | null;
  created_at: number;
  job_id: number | null;
}

const SELECT = `SELECT p.*, b.name AS brand_name, (SELECT MIN(j.id) FROM generation_jobs j WHERE j.proposal_id = p.id) AS job_id
  FROM proposals p JOIN brands b ON b.id = p.brand_id`;

const toDto = (p: ProposalRow) => ({
  id: p.id,
  brandId: p.brand_id,
  brand: p.brand_name,
  title: p.title,
  angle: p.angle,
  variant: p.variant,
  status: p.status,
  qualityScore: p.quality_score,
  reason: p.reason,
  createdAt: iso(p.created_at),
  jobId: p.job_id ? formatJobId(p.job_id) : null,
});

async function load(d1: D1Database, workspaceId: string, id: string) {
  const row = await d1.prepare(`${SELECT} WHERE p.id = ? AND p.workspace_id = ?`).bind(id, workspaceId).first<ProposalRow>();
  if (!row) throw notFound("Proposal");
  return row;
}

export const proposalRoutes = new Hono<AppEnv>()
  .use(writesNeedEditor)
  .get("/", async (c) => {
    const q = readQuery(c, listQuery);
    const ws = c.get("actor").workspaceId;
    const rows = await c.env.DB.prepare(
      `${SELECT} WHERE p.workspace_id = ?1 AND (?2 IS NULL OR p.status = ?2) ORDER BY p.created_at DESC LIMIT 200`,
    )
      .bind(ws, q.status ?? null)
      .all<ProposalRow>();
    return c.json({ proposals: rows.results.map(toDto) });
  })
  // Accepting a rejected (or pending) proposal overrides the gate and creates its job, as the person who accepted it.
  .post("/:id/accept", async (c) => {
    await readJson(c, emptyBody);
    const actor = c.get("actor");
    const p = await load(c.env.DB, actor.workspaceId, c.req.param("id"));
    if (p.status === "accepted") throw conflict("wrong_state", "This proposal is already accepted.");
    await c.env.DB.prepare("UPDATE proposals SET status = 'accepted', reason = ? WHERE id = ?").bind(`Accepted by ${actor.userName}.`, p.id).run();
    await createJob(c.env, actor, { variant: p.variant, brands: [p.brand_id], topic: p.title, proposalId: p.id });
    return c.json(toDto(await load(c.env.DB, actor.workspaceId, p.id)));
  })
  .post("/:id/reject", async (c) => {
    await readJson(c, emptyBody);
    const actor = c.get("actor");
    const p = await load(c.env.DB, actor.workspaceId, c.req.param("id"));
    if (p.status !== "pending") throw conflict("wrong_state", `This proposal is already ${p.status}.`);
    await c.env.DB.prepare("UPDATE proposals SET status = 'rejected', reason = ? WHERE id = ?").bind(`Rejected by ${actor.userName}.`, p.id).run();
    return c.json(toDto(await load(c.env.DB, actor.workspaceId, p.id)));
  });
