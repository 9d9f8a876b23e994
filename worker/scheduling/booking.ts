// The one scheduling function every path uses (REGRESSIONS #23): a user's
// click, "schedule all", the catch-up pass and the burst all end here, inside
// the brand's BrandScheduler, which serialises calls. Nothing else inserts,
// moves or deletes schedule rows.
import { brandGrid } from "../services/brands";
import { newId } from "../lib/ids";
import { DAY, MINUTE } from "../lib/time";
import { DaySlotCache, nextFreeSlot } from "./slot-grid";
import { contentTypeOf, type Platform, type Variant } from "./variants";

export type BookingError = { ok: false; outputId: string; status: 404 | 409 | 422; code: string; message: string };
export type Booked = { ok: true; outputId: string; scheduleId: string; scheduledAt: number };
export type Skipped = { ok: "skipped"; outputId: string; reason: string };
export type BookingResult = Booked | BookingError | Skipped;

export interface BookRequest {
  workspaceId: string;
  brandId: string;
  outputIds: string[];
  /** Explicit time (epoch ms); without it, the next free slot. */
  at?: number;
  actor: { kind: "user" | "automation"; userId: string | null };
}

export interface BookingPolicy {
  now: number;
  leadMs: number;
  horizonMs: number;
}

/** Explicit times may reach further than automatic ones, but not without bound. */
const EXPLICIT_LIMIT_MS = 366 * DAY;
const STARTED = new Set(["queued", "publishing", "published", "failed"]);

interface OutputRow {
  id: string;
  job_id: number;
  status: string;
  hold: number;
  variant: Variant;
  platforms: string;
  schedule_id: string | null;
}

/** Grid days are pure in (grid, date) and cost dozens of Intl calls each: cache them per isolate. */
const gridDays = new DaySlotCache();

function fail(outputId: string, status: BookingError["status"], code: string, message: string): BookingError {
  return { ok: false, outputId, status, code, message };
}

export async function bookOutputs(d1: D1Database, req: BookRequest, policy: BookingPolicy): Promise<BookingResult[]> {
  // Every read in one D1 batch: one round trip instead of four or more (from a
  // Durable Object each D1 call is a network hop, and a brand's bookings queue
  // behind one another), and one consistent snapshot.
  const chunks: string[][] = [];
  for (let i = 0; i < req.outputIds.length; i += 90) chunks.push(req.outputIds.slice(i, i + 90));
  const [brandRes, takenRes, accountsRes, ...outputRes] = await d1.batch<unknown>([
    d1
      .prepare("SELECT id, timezone, slots, schedule_offset AS scheduleOffset FROM brands WHERE id = ? AND workspace_id = ?")
      .bind(req.brandId, req.workspaceId),
    d1.prepare("SELECT scheduled_at FROM schedules WHERE brand_id = ? AND scheduled_at >= ?").bind(req.brandId, policy.now - DAY),
    d1.prepare("SELECT platform FROM platform_accounts WHERE brand_id = ? AND status = 'connected'").bind(req.brandId),
    ...chunks.map((ids) =>
      d1
        .prepare(
          `SELECT o.id, o.job_id, o.status, o.hold, j.variant, j.platforms, s.id AS schedule_id
           FROM job_outputs o JOIN generation_jobs j ON j.id = o.job_id
           LEFT JOIN schedules s ON s.output_id = o.id
           WHERE o.brand_id = ?1 AND o.workspace_id = ?2 AND o.id IN (${ids.map((_, k) => `?${k + 3}`).join(",")})`,
        )
        .bind(req.brandId, req.workspaceId, ...ids),
    ),
  ]);
  const brand = (brandRes!.results as Array<{ id: string; timezone: string; slots: string; scheduleOffset: number }>)[0];
  if (!brand) return req.outputIds.map((id) => fail(id, 404, "not_found", "Brand not found."));

  const outputs = new Map<string, OutputRow>();
  for (const rows of outputRes) for (const r of rows.results as OutputRow[]) outputs.set(r.id, r);

  const earliest = policy.now + policy.leadMs;
  const horizonEnd = policy.now + policy.horizonMs;
  const taken = new Set((takenRes!.results as Array<{ scheduled_at: number }>).map((r) => r.scheduled_at));
  const connected = new Set((accountsRes!.results as Array<{ platform: Platform }>).map((a) => a.platform));

  const grid = brandGrid(brand);
  const results: BookingResult[] = [];
  const writes: D1PreparedStatement[] = [];
  const seen = new Set<string>();

  for (const outputId of req.outputIds) {
    const o = outputs.get(outputId);
    if (!o || seen.has(outputId)) {
      results.push(fail(outputId, 404, "not_found", "Output not found."));
      continue;
    }
    seen.add(outputId);
    if (o.schedule_id) {
      results.push(fail(outputId, 409, "already_scheduled", "This output is already scheduled."));
      continue;
    }
    if (o.status !== "ready") {
      results.push(fail(outputId, 409, "wrong_state", `Only ready outputs can be scheduled; this one is ${o.status}.`));
      continue;
    }
    // Unschedule sticks (invariant 5): automation never re-books a held output; a person may.
    if (o.hold && req.actor.kind === "automation") {
      results.push({ ok: "skipped", outputId, reason: "held" });
      continue;
    }

    let at: number;
    if (req.at !== undefined) {
      const explicit = explicitTime(outputId, req.at, policy);
      if (typeof explicit !== "number") {
        results.push(explicit);
        continue;
      }
      at = explicit;
      // `taken` holds every row from a day back, plus this call's bookings: complete for any future time.
      if (taken.has(at)) {
        results.push(fail(outputId, 409, "slot_taken", "That time is already taken for this brand."));
        continue;
      }
    } else {
      const slot = nextFreeSlot(grid, o.variant, taken, earliest, horizonEnd, gridDays.for(`${brand.timezone}|${brand.scheduleOffset}|${brand.slots}`));
      if (!slot) {
        results.push(
          fail(outputId, 409, "horizon_full", `No free ${o.variant} slot in the next ${Math.round(policy.horizonMs / DAY)} days.`),
        );
        continue;
      }
      at = slot.at;
    }

    taken.add(at);
    const scheduleId = newId("sch");
    writes.push(
      d1
        .prepare(
          `INSERT INTO schedules (id, workspace_id, brand_id, output_id, job_id, scheduled_at, kind, variant, created_by_kind, created_by_user_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(scheduleId, req.workspaceId, req.brandId, outputId, o.job_id, at, contentTypeOf(o.variant), o.variant, req.actor.kind, req.actor.userId),
      d1.prepare("UPDATE job_outputs SET hold = 0, updated_at = ? WHERE id = ?").bind(policy.now, outputId),
    );
    // Only connected platforms get live deliveries; the rest are skipped with a reason (REGRESSIONS #15).
    for (const platform of JSON.parse(o.platforms) as Platform[]) {
      const live = connected.has(platform);
      writes.push(
        d1
          .prepare("INSERT INTO deliveries (id, schedule_id, workspace_id, platform, status, last_error) VALUES (?, ?, ?, ?, ?, ?)")
          .bind(newId("dlv"), scheduleId, req.workspaceId, platform, live ? "pending" : "skipped", live ? null : `No connected ${platform} account for this brand.`),
      );
    }
    results.push({ ok: true, outputId, scheduleId, scheduledAt: at });
  }

  // One batch is one transaction; chunked to stay far below D1's per-call limits.
  for (let i = 0; i < writes.length; i += 200) await d1.batch(writes.slice(i, i + 200));
  return results;
}

/** A time a person picked: whole minutes, in the future, within a year. */
function explicitTime(id: string, requested: number, policy: BookingPolicy): number | BookingError {
  const at = Math.floor(requested / MINUTE) * MINUTE;
  if (at <= policy.now) return fail(id, 422, "unprocessable", "That time is in the past.");
  if (at > policy.now + EXPLICIT_LIMIT_MS) return fail(id, 422, "unprocessable", "Pick a time within the next year.");
  return at;
}

async function isTaken(d1: D1Database, brandId: string, at: number): Promise<boolean> {
  const row = await d1.prepare("SELECT 1 AS x FROM schedules WHERE brand_id = ? AND scheduled_at = ?").bind(brandId, at).first();
  return row != null;
}

export type MoveResult = { ok: true; scheduledAt: number } | BookingError;

export async function moveSchedule(
  d1: D1Database,
  req: { workspaceId: string; brandId: string; scheduleId: string; at: number },
  policy: BookingPolicy,
): Promise<MoveResult> {
  const id = req.scheduleId;
  const s = await d1
    .prepare("SELECT id, scheduled_at FROM schedules WHERE id = ? AND brand_id = ? AND workspace_id = ?")
    .bind(id, req.brandId, req.workspaceId)
    .first<{ id: string; scheduled_at: number }>();
  if (!s) return fail(id, 404, "not_found", "Schedule not found.");
  if (await hasStarted(d1, id)) return fail(id, 409, "wrong_state", "Publishing has started; this item can no longer move.");
  const at = explicitTime(id, req.at, policy);
  if (typeof at !== "number") return at;
  if (at === s.scheduled_at) return { ok: true, scheduledAt: at };
  if (await isTaken(d1, req.brandId, at)) return fail(id, 409, "slot_taken", "That time is already taken for this brand.");
  await d1.prepare("UPDATE schedules SET scheduled_at = ? WHERE id = ?").bind(at, id).run();
  return { ok: true, scheduledAt: at };
}

export type UnscheduleResult = { ok: true; outputId: string } | BookingError;

export async function unscheduleOutput(
  d1: D1Database,
  req: { workspaceId: string; brandId: string; scheduleId: string },
  now: number,
): Promise<UnscheduleResult> {
  const id = req.scheduleId;
  const s = await d1
    .prepare("SELECT id, output_id FROM schedules WHERE id = ? AND brand_id = ? AND workspace_id = ?")
    .bind(id, req.brandId, req.workspaceId)
    .first<{ id: string; output_id: string }>();
  if (!s) return fail(id, 404, "not_found", "Schedule not found.");
  if (await hasStarted(d1, id)) {
    return fail(id, 409, "wrong_state", "Publishing has started; published history is kept.");
  }
  // Delete and hold in one transaction: catch-up can never see the gap between them.
  await d1.batch([
    d1.prepare("DELETE FROM schedules WHERE id = ?").bind(id),
    d1.prepare("UPDATE job_outputs SET hold = 1, updated_at = ? WHERE id = ?").bind(now, s.output_id),
  ]);
  return { ok: true, outputId: s.output_id };
}

async function hasStarted(d1: D1Database, scheduleId: string): Promise<boolean> {
  const rows = await d1.prepare("SELECT status FROM deliveries WHERE schedule_id = ?").bind(scheduleId).all<{ status: string }>();
  return rows.results.some((r) => STARTED.has(r.status));
}
