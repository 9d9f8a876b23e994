// Read models for the Jobs page and the Calendar. Both are built from the same
// rows (job_outputs ⋈ schedules ⋈ deliveries), so they cannot disagree
// (invariant 1): an output is "scheduled" iff a schedules row references it.
import { chunkedStatements } from "../db/bounded";
import type { Env } from "../env";
import type { Creator, Delivery, ErrorClass, Job, Media, Output, Schedule } from "../contract/schemas";
import { formatJobId } from "../lib/ids";
import { HOUR, iso, isoOrNull, numberVar } from "../lib/time";
import { planDeliveries, type BrandAccount } from "../scheduling/delivery-plan";
import { jobStatus, outputStatus, rollupScheduleStatus, type OutputRowStatus } from "../scheduling/status";
import { contentTypeOf, type Platform, type Variant } from "../scheduling/variants";
import type { DeliveryStatus } from "../contract/schemas";
import { mediaUrls } from "./media-urls";
import { metricsOf, type MetricColumns } from "../analytics/metrics";

export interface OutputJoinRow {
  output_id: string;
  job_id: number;
  brand_id: string;
  status: OutputRowStatus;
  caption: string | null;
  title: string | null;
  yt_title: string | null;
  slide_texts: string | null;
  thumbnail_key: string | null;
  yt_thumbnail_key: string | null;
  video_key: string | null;
  cover_key: string | null;
  slide_keys: string | null;
  error: string | null;
  hold: number;
  brand_slug: string;
  brand_name: string;
  brand_timezone: string;
  brand_colors: string;
  schedule_id: string | null;
  scheduled_at: number | null;
  dispatched_at: number | null;
}

/** Columns for OutputJoinRow; the query must join `o` (outputs), `b` (brands), `s` (schedules, LEFT). */
export const OUTPUT_COLUMNS = `o.id AS output_id, o.job_id, o.brand_id, o.status, o.caption, o.title, o.yt_title,
  o.slide_texts, o.thumbnail_key, o.yt_thumbnail_key, o.video_key, o.cover_key, o.slide_keys, o.error, o.hold,
  b.slug AS brand_slug, b.name AS brand_name, b.timezone AS brand_timezone, b.colors AS brand_colors,
  s.id AS schedule_id, s.scheduled_at, s.dispatched_at`;

export interface DeliveryRow extends MetricColumns {
  id: string;
  schedule_id: string;
  platform: Platform;
  status: DeliveryStatus;
  attempts: number;
  permalink: string | null;
  last_error: string | null;
  error_class: ErrorClass | null;
  published_at: number | null;
  /** When its latest metrics reading was taken; null before the first. */
  metrics_at: number | null;
  warning: string | null;
  log: AttemptRow[];
}

interface AttemptRow {
  delivery_id: string;
  attempt: number;
  step: string;
  started_at: number;
  ended_at: number | null;
  error_class: ErrorClass | null;
  raw_message: string | null;
}

/**
 * The deliveries of these schedules, and with `withLog` each one's attempts
 * (publish_attempts), in chunks of 90 ids (D1 binds at most 100), all in one
 * batch: one round trip rather than one per chunk.
 */
export async function loadDeliveries(d1: D1Database, scheduleIds: string[], withLog = false): Promise<Map<string, DeliveryRow[]>> {
  const out = new Map<string, DeliveryRow[]>();
  // Chunked within D1's bound-parameter limit (worker/db/bounded.ts), every chunk
  // of both queries in one batch: one round trip, one consistent snapshot.
  const deliveries = chunkedStatements(
    d1,
    // Each delivery's latest metrics reading (metric_targets, by the delivery's id).
    `SELECT d.id, d.schedule_id, d.platform, d.status, d.attempts, d.permalink, d.last_error, d.error_class, d.published_at, d.warning,
       t.captured_at AS metrics_at, t.views, t.reach, t.likes, t.comments, t.shares, t.saves
     FROM deliveries d LEFT JOIN metric_targets t ON t.id = d.id
     WHERE d.schedule_id IN (:list) ORDER BY d.platform`,
    [],
    scheduleIds,
  );
  const attempts = withLog
    ? chunkedStatements(
        d1,
        `SELECT a.delivery_id, a.attempt, a.step, a.started_at, a.ended_at, a.error_class, a.raw_message
         FROM publish_attempts a JOIN deliveries d ON d.id = a.delivery_id
         WHERE d.schedule_id IN (:list) ORDER BY a.started_at, a.attempt`,
        [],
        scheduleIds,
      )
    : [];
  const statements = [...deliveries, ...attempts];
  const batches = statements.length ? await d1.batch<unknown>(statements) : [];
  const byId = new Map<string, DeliveryRow>();
  for (const rows of batches.slice(0, deliveries.length)) {
    for (const r of rows.results as Array<Omit<DeliveryRow, "log">>) {
      const row: DeliveryRow = { ...r, log: [] };
      byId.set(row.id, row);
      const list = out.get(row.schedule_id) ?? [];
      list.push(row);
      out.set(row.schedule_id, list);
    }
  }
  for (const rows of batches.slice(deliveries.length)) for (const a of rows.results as AttemptRow[]) byId.get(a.delivery_id)?.log.push(a);
  return out;
}

/** Each brand's platform accounts (what planned deliveries are computed from), for one workspace. */
export async function loadBrandAccounts(d1: D1Database, workspaceId: string, brandId?: string): Promise<Map<string, BrandAccount[]>> {
  const rows = brandId
    ? await d1
        .prepare("SELECT id, brand_id, platform, status FROM platform_accounts WHERE workspace_id = ? AND brand_id = ?")
        .bind(workspaceId, brandId)
        .all<BrandAccount & { brand_id: string }>()
    : await d1
        .prepare("SELECT id, brand_id, platform, status FROM platform_accounts WHERE workspace_id = ?")
        .bind(workspaceId)
        .all<BrandAccount & { brand_id: string }>();
  const out = new Map<string, BrandAccount[]>();
  for (const r of rows.results) out.set(r.brand_id, [...(out.get(r.brand_id) ?? []), r]);
  return out;
}

export function brandRef(row: Pick<OutputJoinRow, "brand_id" | "brand_slug" | "brand_name" | "brand_timezone" | "brand_colors">) {
  return {
    id: row.brand_id,
    slug: row.brand_slug,
    name: row.brand_name,
    timezone: row.brand_timezone,
    color: (JSON.parse(row.brand_colors) as { primary: string }).primary,
  };
}

export function creatorOf(kind: "user" | "automation", userId: string | null, userName: string | null): Creator {
  return kind === "automation"
    ? { kind: "automation", name: "Automation" }
    : { kind: "user", ...(userId ? { id: userId } : {}), name: userName ?? "Deleted user" };
}

export function scheduleStatusOf(
  env: Env,
  deliveries: ReadonlyArray<{ status: DeliveryStatus }> | undefined,
  scheduledAt: number,
  dispatchedAt: number | null,
  now: number,
) {
  return rollupScheduleStatus(deliveries ?? [], scheduledAt, now, numberVar(env.MISSED_AFTER_HOURS, 6) * HOUR, dispatchedAt != null);
}

export async function toOutputDto(
  env: Env,
  row: OutputJoinRow,
  deliveries: Map<string, DeliveryRow[]>,
  now: number,
  origin: string,
): Promise<Output> {
  return {
    brandId: row.brand_id,
    brand: brandRef(row),
    status: outputStatus(row.status, row.schedule_id != null),
    caption: row.caption,
    title: row.title,
    ytTitle: row.yt_title,
    slideTexts: row.slide_texts ? (JSON.parse(row.slide_texts) as string[]) : [],
    media: await mediaUrls(env, row, origin),
    hold: row.hold === 1,
    schedule:
      row.schedule_id != null && row.scheduled_at != null
        ? {
            scheduleId: row.schedule_id,
            scheduledAt: iso(row.scheduled_at),
            status: scheduleStatusOf(env, deliveries.get(row.schedule_id), row.scheduled_at, row.dispatched_at, now),
          }
        : null,
    error: row.error,
  };
}

export interface JobRow {
  id: number;
  variant: Variant;
  title: string | null;
  topic: string | null;
  platforms: string;
  platforms_explicit: number;
  created_by_kind: "user" | "automation";
  created_by_user_id: string | null;
  creator_name: string | null;
  created_at: number;
  category: Job["category"];
}

/**
 * `connected`: the platforms its brands have connected now, which is where an
 * automatic job's items go when they go out (DESIGN.md §7).
 */
export function toJobDto(job: JobRow, outputs: Output[], rowStatuses: OutputRowStatus[], connected: Platform[] = []): Job {
  return {
    jobId: formatJobId(job.id),
    variant: job.variant,
    contentType: contentTypeOf(job.variant),
    status: jobStatus(rowStatuses.map((status) => ({ status }))),
    // A job without a title of its own is named by what was generated for it.
    title: job.title ?? outputs.find((o) => o.title)?.title ?? job.topic,
    topic: job.topic,
    createdAt: iso(job.created_at),
    createdBy: creatorOf(job.created_by_kind, job.created_by_user_id, job.creator_name),
    category: job.category,
    platforms: job.platforms_explicit ? (JSON.parse(job.platforms) as Platform[]) : connected,
    outputs,
  };
}

export interface ScheduleJoinRow extends OutputJoinRow {
  variant: Variant;
  kind: "reel" | "post";
  created_by_kind: "user" | "automation";
  created_by_user_id: string | null;
  creator_name: string | null;
  job_platforms: string;
  platforms_explicit: number;
}

function deliveryDto(d: DeliveryRow): Delivery {
  return {
    platform: d.platform,
    status: d.status,
    attempts: d.attempts,
    permalink: d.permalink,
    error: d.last_error,
    errorClass: d.error_class,
    publishedAt: isoOrNull(d.published_at),
    metrics: d.metrics_at === null ? null : metricsOf(d),
    metricsAt: isoOrNull(d.metrics_at),
    // Only when there is one: most deliveries never carry it, and the field is additive to API.md's shape.
    ...(d.warning ? { warning: d.warning } : {}),
    log: d.log.map((a) => ({
      attempt: a.attempt,
      step: a.step,
      startedAt: iso(a.started_at),
      endedAt: isoOrNull(a.ended_at),
      errorClass: a.error_class,
      message: a.raw_message,
    })),
  };
}

/**
 * Before an item goes out it has no deliveries of its own: show where it will
 * go if it went out now (pending, or skipped with the reason), so the side
 * panel answers "where will this post?".
 */
function plannedDeliveries(row: ScheduleJoinRow, accounts: BrandAccount[]): Delivery[] {
  const targets = { explicit: row.platforms_explicit === 1, platforms: JSON.parse(row.job_platforms) as Platform[] };
  return planDeliveries(targets, accounts, "planned", row.kind).map((p) => ({
    platform: p.platform,
    status: p.status,
    attempts: 0,
    permalink: null,
    error: p.reason,
    errorClass: null,
    publishedAt: null,
    metrics: null,
    metricsAt: null,
    log: [],
  }));
}

export async function toScheduleDto(
  env: Env,
  row: ScheduleJoinRow,
  deliveries: Map<string, DeliveryRow[]>,
  accounts: Map<string, BrandAccount[]>,
  now: number,
  origin: string,
): Promise<Schedule> {
  const scheduleId = row.schedule_id!;
  const scheduledAt = row.scheduled_at!;
  const list = row.dispatched_at != null ? (deliveries.get(scheduleId) ?? []).map(deliveryDto) : plannedDeliveries(row, accounts.get(row.brand_id) ?? []);
  const media: Media = await mediaUrls(env, row, origin);
  return {
    scheduleId,
    jobId: formatJobId(row.job_id),
    brandId: row.brand_id,
    brand: brandRef(row),
    variant: row.variant,
    contentType: row.kind,
    scheduledAt: iso(scheduledAt),
    status: scheduleStatusOf(env, list, scheduledAt, row.dispatched_at, now),
    createdBy: creatorOf(row.created_by_kind, row.created_by_user_id, row.creator_name),
    title: row.title,
    caption: row.caption,
    media,
    deliveries: list,
  };
}
