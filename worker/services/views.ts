// Read models for the Jobs page and the Calendar. Both are built from the same
// rows (job_outputs ⋈ schedules ⋈ deliveries), so they cannot disagree
// (invariant 1): an output is "scheduled" iff a schedules row references it.
import { allByList } from "../db/bounded";
import type { Env } from "../env";
import type { Creator, Job, Media, Output, Schedule } from "../contract/schemas";
import { formatJobId } from "../lib/ids";
import { HOUR, iso, numberVar } from "../lib/time";
import { jobStatus, outputStatus, rollupScheduleStatus, type OutputRowStatus } from "../scheduling/status";
import { contentTypeOf, type Platform, type Variant } from "../scheduling/variants";
import type { DeliveryStatus } from "../contract/schemas";
import { mediaUrls } from "./media-urls";

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
}

/** Columns for OutputJoinRow; the query must join `o` (outputs), `b` (brands), `s` (schedules, LEFT). */
export const OUTPUT_COLUMNS = `o.id AS output_id, o.job_id, o.brand_id, o.status, o.caption, o.title, o.yt_title,
  o.slide_texts, o.thumbnail_key, o.yt_thumbnail_key, o.video_key, o.cover_key, o.slide_keys, o.error, o.hold,
  b.slug AS brand_slug, b.name AS brand_name, b.timezone AS brand_timezone, b.colors AS brand_colors,
  s.id AS schedule_id, s.scheduled_at`;

export interface DeliveryRow {
  schedule_id: string;
  platform: Platform;
  status: DeliveryStatus;
  attempts: number;
  permalink: string | null;
  last_error: string | null;
  published_at: number | null;
}

export async function loadDeliveries(d1: D1Database, scheduleIds: string[]): Promise<Map<string, DeliveryRow[]>> {
  const out = new Map<string, DeliveryRow[]>();
  // Chunked in one batch (worker/db/bounded.ts): a month of 20 brands is ~54 chunks, one round trip.
  const rows = await allByList<DeliveryRow>(
    d1,
    `SELECT schedule_id, platform, status, attempts, permalink, last_error, published_at FROM deliveries
     WHERE schedule_id IN (:list) ORDER BY platform`,
    [],
    scheduleIds,
  );
  for (const r of rows) {
    const list = out.get(r.schedule_id) ?? [];
    list.push(r);
    out.set(r.schedule_id, list);
  }
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

function scheduleStatusOf(env: Env, deliveries: DeliveryRow[] | undefined, scheduledAt: number, now: number) {
  return rollupScheduleStatus(deliveries ?? [], scheduledAt, now, numberVar(env.MISSED_AFTER_HOURS, 6) * HOUR);
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
            status: scheduleStatusOf(env, deliveries.get(row.schedule_id), row.scheduled_at, now),
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
  created_by_kind: "user" | "automation";
  created_by_user_id: string | null;
  creator_name: string | null;
  created_at: number;
  category: Job["category"];
}

export function toJobDto(job: JobRow, outputs: Output[], rowStatuses: OutputRowStatus[]): Job {
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
    platforms: JSON.parse(job.platforms) as Platform[],
    outputs,
  };
}

export interface ScheduleJoinRow extends OutputJoinRow {
  variant: Variant;
  kind: "reel" | "post";
  created_by_kind: "user" | "automation";
  created_by_user_id: string | null;
  creator_name: string | null;
}

export async function toScheduleDto(
  env: Env,
  row: ScheduleJoinRow,
  deliveries: Map<string, DeliveryRow[]>,
  now: number,
  origin: string,
): Promise<Schedule> {
  const scheduleId = row.schedule_id!;
  const scheduledAt = row.scheduled_at!;
  const list = deliveries.get(scheduleId) ?? [];
  const media: Media = await mediaUrls(env, row, origin);
  return {
    scheduleId,
    jobId: formatJobId(row.job_id),
    brandId: row.brand_id,
    brand: brandRef(row),
    variant: row.variant,
    contentType: row.kind,
    scheduledAt: iso(scheduledAt),
    status: scheduleStatusOf(env, list, scheduledAt, now),
    createdBy: creatorOf(row.created_by_kind, row.created_by_user_id, row.creator_name),
    title: row.title,
    caption: row.caption,
    media,
    deliveries: list.map((d) => ({
      platform: d.platform,
      status: d.status,
      attempts: d.attempts,
      permalink: d.permalink,
      error: d.last_error,
      publishedAt: d.published_at ? iso(d.published_at) : null,
    })),
  };
}
