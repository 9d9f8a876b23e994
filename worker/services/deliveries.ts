// What needs a person's attention (GET /api/deliveries): deliveries that
// failed, were missed, need an account reconnected, or are publishing now.
// Workspace-scoped, newest first, bounded.
import type { DeliveryItem } from "../contract/schemas";
import type { Env } from "../env";
import { notFound } from "../errors";
import { iso } from "../lib/time";

export interface DeliveryFilter {
  status?: "failed" | "missed" | "needs_reconnect" | "publishing";
  from?: number;
  to?: number;
  brand?: string;
  limit: number;
}

/** `needs_reconnect` is a failed delivery whose error class is `reconnect` (PLATFORMS.md: expired or revoked token). */
const STATUS_SQL: Record<NonNullable<DeliveryFilter["status"]>, string> = {
  failed: "d.status = 'failed'",
  missed: "d.status = 'missed'",
  needs_reconnect: "d.status = 'failed' AND d.error_class = 'reconnect'",
  publishing: "d.status = 'publishing'",
};

interface Row {
  id: string;
  schedule_id: string;
  brand_id: string;
  platform: DeliveryItem["platform"];
  status: DeliveryItem["status"];
  attempts: number;
  last_error: string | null;
  error_class: DeliveryItem["errorClass"];
  scheduled_at: number;
}

export async function listDeliveries(env: Env, workspaceId: string, f: DeliveryFilter): Promise<DeliveryItem[]> {
  if (f.brand) {
    const brand = await env.DB.prepare("SELECT 1 AS x FROM brands WHERE id = ? AND workspace_id = ?").bind(f.brand, workspaceId).first();
    if (!brand) throw notFound("Brand");
  }
  const where = ["d.workspace_id = ?", f.status ? STATUS_SQL[f.status] : "d.status IN ('failed', 'missed')"];
  const binds: unknown[] = [workspaceId];
  if (f.from !== undefined) (where.push("s.scheduled_at >= ?"), binds.push(f.from));
  if (f.to !== undefined) (where.push("s.scheduled_at < ?"), binds.push(f.to));
  if (f.brand) (where.push("s.brand_id = ?"), binds.push(f.brand));
  const rows = await env.DB.prepare(
    `SELECT d.id, d.schedule_id, s.brand_id, d.platform, d.status, d.attempts, d.last_error, d.error_class, s.scheduled_at
     FROM deliveries d JOIN schedules s ON s.id = d.schedule_id
     WHERE ${where.join(" AND ")} ORDER BY s.scheduled_at DESC, d.platform LIMIT ?`,
  )
    .bind(...binds, f.limit)
    .all<Row>();
  return rows.results.map((r) => ({
    deliveryId: r.id,
    scheduleId: r.schedule_id,
    brandId: r.brand_id,
    platform: r.platform,
    status: r.status,
    attempts: r.attempts,
    error: r.last_error,
    errorClass: r.error_class,
    scheduledAt: iso(r.scheduled_at),
  }));
}
