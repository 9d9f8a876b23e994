// The Calendar's reads, and every schedule write routed through the brand's
// BrandScheduler (the only writer of schedule rows).
import type { Actor } from "../auth/context";
import type { Schedule } from "../contract/schemas";
import type { Env } from "../env";
import { ApiError, notFound } from "../errors";

import type { BookingError } from "../scheduling/booking";
import { brandScheduler } from "../scheduling/brand-scheduler";
import { getOutputRef, jobNumber } from "./jobs";
import { loadBrandAccounts, loadDeliveries, OUTPUT_COLUMNS, toScheduleDto, type ScheduleJoinRow } from "./views";

const SCHEDULE_SELECT = `SELECT ${OUTPUT_COLUMNS}, s.variant, s.kind, s.created_by_kind, s.created_by_user_id, u.name AS creator_name,
  j.platforms AS job_platforms, j.platforms_explicit
  FROM schedules s
  JOIN job_outputs o ON o.id = s.output_id
  JOIN generation_jobs j ON j.id = s.job_id
  JOIN brands b ON b.id = s.brand_id
  LEFT JOIN users u ON u.id = s.created_by_user_id`;

export function bookingError(e: BookingError): ApiError {
  return new ApiError(e.status, e.code, e.message);
}

export interface ScheduleFilter {
  from: number;
  to: number;
  type: "all" | "reel" | "post";
  brand?: string;
  status?: Schedule["status"];
}

export async function listSchedules(env: Env, workspaceId: string, f: ScheduleFilter, origin: string): Promise<Schedule[]> {
  const where = ["s.workspace_id = ?", "s.scheduled_at >= ?", "s.scheduled_at < ?"];
  const binds: unknown[] = [workspaceId, f.from, f.to];
  if (f.type !== "all") (where.push("s.kind = ?"), binds.push(f.type));
  if (f.brand) (where.push("s.brand_id = ?"), binds.push(f.brand));
  const rows = await env.DB.prepare(`${SCHEDULE_SELECT} WHERE ${where.join(" AND ")} ORDER BY s.scheduled_at, b.name`)
    .bind(...binds)
    .all<ScheduleJoinRow>();
  const dispatched = rows.results.filter((r) => r.dispatched_at != null).map((r) => r.schedule_id!);
  const [deliveries, accounts] = await Promise.all([loadDeliveries(env.DB, dispatched, true), loadBrandAccounts(env.DB, workspaceId, f.brand)]);
  const now = Date.now();
  const all = await Promise.all(rows.results.map((r) => toScheduleDto(env, r, deliveries, accounts, now, origin)));
  // Status is derived from deliveries and the clock, so it filters after the rollup.
  return f.status ? all.filter((s) => s.status === f.status) : all;
}

async function scheduleRow(env: Env, workspaceId: string, scheduleId: string) {
  const row = await env.DB.prepare(`${SCHEDULE_SELECT} WHERE s.id = ? AND s.workspace_id = ?`)
    .bind(scheduleId, workspaceId)
    .first<ScheduleJoinRow>();
  if (!row) throw notFound("Schedule");
  return row;
}

export async function getSchedule(env: Env, workspaceId: string, scheduleId: string, origin: string): Promise<Schedule> {
  const row = await scheduleRow(env, workspaceId, scheduleId);
  const [deliveries, accounts] = await Promise.all([
    loadDeliveries(env.DB, row.dispatched_at != null ? [scheduleId] : [], true),
    loadBrandAccounts(env.DB, workspaceId, row.brand_id),
  ]);
  return toScheduleDto(env, row, deliveries, accounts, Date.now(), origin);
}

function actorRef(actor: Actor) {
  return { kind: actor.kind, userId: actor.userId };
}

/** One output into its next free slot, or into `at`. Throws the booking's error. */
export async function scheduleOutput(env: Env, actor: Actor, jobId: string, brandId: string, at: number | undefined, origin: string) {
  const ref = await getOutputRef(env, actor.workspaceId, jobId, brandId);
  const [result] = await brandScheduler(env, brandId).book({
    workspaceId: actor.workspaceId,
    brandId,
    outputIds: [ref.id],
    ...(at === undefined ? {} : { at }),
    actor: actorRef(actor),
  });
  if (!result || result.ok === "skipped") throw new ApiError(409, "wrong_state", "This output is held.");
  if (result.ok === false) throw bookingError(result);
  return getSchedule(env, actor.workspaceId, result.scheduleId, origin);
}

/** Every ready, unscheduled output of the job, each into its brand's next free slot. */
export async function scheduleAll(env: Env, actor: Actor, jobId: string, origin: string) {
  const n = jobNumber(jobId);
  const rows = await env.DB.prepare(
    `SELECT o.id, o.brand_id FROM job_outputs o LEFT JOIN schedules s ON s.output_id = o.id
     WHERE o.job_id = ? AND o.workspace_id = ? AND o.status = 'ready' AND s.id IS NULL`,
  )
    .bind(n, actor.workspaceId)
    .all<{ id: string; brand_id: string }>();
  if (!rows.results.length) {
    const exists = await env.DB.prepare("SELECT 1 FROM generation_jobs WHERE id = ? AND workspace_id = ?").bind(n, actor.workspaceId).first();
    if (!exists) throw notFound("Job");
  }
  const results = await Promise.all(
    rows.results.map(async (r) => {
      const [res] = await brandScheduler(env, r.brand_id).book({
        workspaceId: actor.workspaceId,
        brandId: r.brand_id,
        outputIds: [r.id],
        actor: actorRef(actor),
      });
      return { brandId: r.brand_id, res };
    }),
  );
  const booked = results.flatMap((r) => (r.res?.ok === true ? [r.res.scheduleId] : []));
  const errors = results.flatMap((r) =>
    r.res && r.res.ok === false ? [{ brandId: r.brandId, code: r.res.code, message: r.res.message }] : [],
  );
  const schedules = await Promise.all(booked.map((id) => getSchedule(env, actor.workspaceId, id, origin)));
  return { schedules, errors };
}

export async function moveSchedule(env: Env, actor: Actor, scheduleId: string, at: number, origin: string) {
  const row = await scheduleRow(env, actor.workspaceId, scheduleId);
  const result = await brandScheduler(env, row.brand_id).move({ workspaceId: actor.workspaceId, brandId: row.brand_id, scheduleId, at });
  if (!result.ok) throw bookingError(result);
  return getSchedule(env, actor.workspaceId, scheduleId, origin);
}

export async function unschedule(env: Env, actor: Actor, scheduleId: string) {
  const row = await scheduleRow(env, actor.workspaceId, scheduleId);
  const result = await brandScheduler(env, row.brand_id).unschedule({ workspaceId: actor.workspaceId, brandId: row.brand_id, scheduleId });
  if (!result.ok) throw bookingError(result);
}


/** Sends the item out now (publish-now); its scheduled time stays (REGRESSIONS #18). */
export async function publishNow(env: Env, actor: Actor, scheduleId: string, origin: string) {
  const row = await scheduleRow(env, actor.workspaceId, scheduleId);
  const result = await brandScheduler(env, row.brand_id).publishNow({ workspaceId: actor.workspaceId, brandId: row.brand_id, scheduleId });
  if (!result.ok) throw new ApiError(result.status, result.code, result.message);
  return getSchedule(env, actor.workspaceId, scheduleId, origin);
}

/** Re-queues the failed or missed platforms only. */
export async function retrySchedule(env: Env, actor: Actor, scheduleId: string, origin: string) {
  const row = await scheduleRow(env, actor.workspaceId, scheduleId);
  const result = await brandScheduler(env, row.brand_id).retry({ workspaceId: actor.workspaceId, brandId: row.brand_id, scheduleId });
  if (!result.ok) throw new ApiError(result.status, result.code, result.message);
  return getSchedule(env, actor.workspaceId, scheduleId, origin);
}
