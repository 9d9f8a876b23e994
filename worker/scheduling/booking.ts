// The one scheduling function every path uses (REGRESSIONS #23): a user's
// click, "schedule all", the catch-up pass, the burst and "book on ready" all
// end here, inside the brand's BrandScheduler, which serialises calls. Nothing
// else inserts, moves or deletes schedule rows. Booking writes no deliveries:
// those are decided when the item goes out (dispatch.ts, DESIGN.md §7).
import { brandGrid } from "../services/brands";
import { chunkedStatements } from "../db/bounded";
import { newId } from "../lib/ids";
import { DAY, MINUTE } from "../lib/time";
import type { BrandMemory } from "./brand-memory";
import { DaySlotCache, nextFreeSlot } from "./slot-grid";
import { contentTypeOf, type Variant } from "./variants";
import { logError } from "../lib/log";

export type BookingError = { ok: false; outputId: string; status: 404 | 409 | 422 | 500; code: string; message: string };
export type Booked = { ok: true; outputId: string; scheduleId: string; scheduledAt: number };
export type Skipped = { ok: "skipped"; outputId: string; reason: string };
export type BookingResult = Booked | BookingError | Skipped;

export interface BookRequest {
  workspaceId: string;
  brandId: string;
  outputIds: string[];
  /** Explicit time (epoch ms); without it, the next free slot. */
  at?: number;
  /**
   * Who asks. A person's booking is recorded as theirs. Automation's (book on
   * ready, catch-up) is recorded as the job's creator: a person's own post stays
   * theirs on the calendar, automation's stays automation's, whichever path books it.
   */
  actor: { kind: "user" | "automation"; userId: string | null };
}

export interface BookingPolicy {
  now: number;
  leadMs: number;
  horizonMs: number;
}

/** Explicit times may reach further than automatic ones, but not without bound. */
const EXPLICIT_LIMIT_MS = 366 * DAY;
/** Statements per write batch; whole outputs only, so each output's rows commit together. */
export const WRITE_BATCH_STATEMENTS = 200;

interface OutputRow {
  id: string;
  job_id: number;
  status: string;
  hold: number;
  variant: Variant;
  schedule_id: string | null;
  created_by_kind: "user" | "automation";
  created_by_user_id: string | null;
}

/** Grid days are pure in (grid, date) and cost dozens of Intl calls each: cache them per isolate. */
const gridDays = new DaySlotCache();

function fail(outputId: string, status: BookingError["status"], code: string, message: string): BookingError {
  return { ok: false, outputId, status, code, message };
}

/** One output's writes, committed in one batch with nothing of another output's split across. */
interface PendingWrite {
  result: Booked;
  statements: D1PreparedStatement[];
}

/**
 * Books several requests of one brand and one workspace together (the
 * BrandScheduler groups requests that queued up behind each other): one read
 * batch for the brand and the outputs, then the writes. Returns one result
 * list per request, in order.
 */
export async function bookOutputs(
  d1: D1Database,
  memory: BrandMemory,
  requests: readonly BookRequest[],
  policy: BookingPolicy,
): Promise<BookingResult[][]> {
  const first = requests[0];
  if (!first) return [];
  const { brandId, workspaceId } = first;
  if (requests.some((r) => r.brandId !== brandId || r.workspaceId !== workspaceId)) throw new Error("bookOutputs: one brand and workspace per call");

  const allIds = [...new Set(requests.flatMap((r) => r.outputIds))];
  // Every read in one D1 batch: one round trip and one consistent snapshot. The
  // taken slots come from memory, not D1. The outputs come in chunks within D1's
  // bound-parameter limit (db/bounded.ts).
  const [brandRes, ...outputRes] = await d1.batch<unknown>([
    d1
      .prepare("SELECT id, timezone, slots, schedule_offset AS scheduleOffset FROM brands WHERE id = ? AND workspace_id = ?")
      .bind(brandId, workspaceId),
    ...chunkedStatements(
      d1,
      `SELECT o.id, o.job_id, o.status, o.hold, j.variant, s.id AS schedule_id, j.created_by_kind, j.created_by_user_id
       FROM job_outputs o JOIN generation_jobs j ON j.id = o.job_id
       LEFT JOIN schedules s ON s.output_id = o.id
       WHERE o.brand_id = ?1 AND o.workspace_id = ?2 AND o.id IN (:list)`,
      [brandId, workspaceId],
      allIds,
    ),
  ]);
  const brand = (brandRes!.results as Array<{ id: string; timezone: string; slots: string; scheduleOffset: number }>)[0];
  if (!brand) return requests.map((r) => r.outputIds.map((id) => fail(id, 404, "not_found", "Brand not found.")));

  const outputs = new Map<string, OutputRow>();
  for (const rows of outputRes) for (const r of rows.results as OutputRow[]) outputs.set(r.id, r);

  const earliest = policy.now + policy.leadMs;
  const horizonEnd = policy.now + policy.horizonMs;
  const grid = brandGrid(brand);
  const days = gridDays.for(`${brand.timezone}|${brand.scheduleOffset}|${brand.slots}`);
  const booked = new Set<string>();
  const writes: PendingWrite[] = [];

  const results = requests.map((req) =>
    req.outputIds.map((outputId): BookingResult => {
      const o = outputs.get(outputId);
      if (!o) return fail(outputId, 404, "not_found", "Output not found.");
      if (o.schedule_id || booked.has(outputId)) return fail(outputId, 409, "already_scheduled", "This output is already scheduled.");
      if (o.status !== "ready") return fail(outputId, 409, "wrong_state", `Only ready outputs can be scheduled; this one is ${o.status}.`);
      // Unschedule sticks (invariant 5): automation never re-books a held output; a person may.
      if (o.hold && req.actor.kind === "automation") return { ok: "skipped", outputId, reason: "held" };

      let at: number;
      if (req.at !== undefined) {
        const explicit = explicitTime(outputId, req.at, policy);
        if (typeof explicit !== "number") return explicit;
        at = explicit;
        if (memory.taken.has(at)) return fail(outputId, 409, "slot_taken", "That time is already taken for this brand.");
      } else {
        const slot = nextFreeSlot(grid, o.variant, memory.taken, earliest, horizonEnd, days);
        if (!slot) return fail(outputId, 409, "horizon_full", `No free ${o.variant} slot in the next ${Math.round(policy.horizonMs / DAY)} days.`);
        at = slot.at;
      }

      // Taken now, so the next output of this call sees it; a failed batch invalidates memory.
      memory.taken.add(at);
      booked.add(outputId);
      const scheduleId = newId("sch");
      const result: Booked = { ok: true, outputId, scheduleId, scheduledAt: at };
      const by = req.actor.kind === "user" ? req.actor : { kind: o.created_by_kind, userId: o.created_by_user_id };
      writes.push({
        result,
        statements: [
          d1
            .prepare(
              `INSERT INTO schedules (id, workspace_id, brand_id, output_id, job_id, scheduled_at, kind, variant, created_by_kind, created_by_user_id)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .bind(scheduleId, workspaceId, brandId, outputId, o.job_id, at, contentTypeOf(o.variant), o.variant, by.kind, by.userId),
          d1.prepare("UPDATE job_outputs SET hold = 0, updated_at = ? WHERE id = ?").bind(policy.now, outputId),
        ],
      });
      return result;
    }),
  );

  const failed = await commitWholeOutputs(d1, writes);
  for (const w of writes) if (!failed.has(w)) memory.undispatched.set(w.result.scheduleId, w.result.scheduledAt);
  if (failed.size) {
    memory.invalid = true;
    const lost = new Set<BookingResult>([...failed].map((w) => w.result));
    for (const list of results) list.forEach((r, i) => lost.has(r) && (list[i] = bookingWriteFailed(r.outputId)));
  }
  return results;
}

/**
 * Commits each output's rows in one batch (a batch is one transaction), whole
 * outputs per batch up to WRITE_BATCH_STATEMENTS. A batch that fails rolls back
 * only its own outputs; the others stay committed, and the caller is told which
 * is which.
 */
async function commitWholeOutputs(d1: D1Database, writes: PendingWrite[]): Promise<Set<PendingWrite>> {
  const failed = new Set<PendingWrite>();
  let group: PendingWrite[] = [];
  let size = 0;
  const flush = async () => {
    if (!group.length) return;
    const current = group;
    group = [];
    size = 0;
    try {
      await d1.batch(current.flatMap((w) => w.statements));
    } catch (err) {
      logError("booking batch failed", { outputs: current.length, error: String(err) });
      for (const w of current) failed.add(w);
    }
  };
  for (const w of writes) {
    if (size + w.statements.length > WRITE_BATCH_STATEMENTS) await flush();
    group.push(w);
    size += w.statements.length;
  }
  await flush();
  return failed;
}

function bookingWriteFailed(outputId: string): BookingError {
  return fail(outputId, 500, "booking_failed", "This output could not be booked just now; it stays ready and the next catch-up tries again.");
}

/** A time a person picked: whole minutes, in the future, within a year. */
function explicitTime(id: string, requested: number, policy: BookingPolicy): number | BookingError {
  const at = Math.floor(requested / MINUTE) * MINUTE;
  if (at <= policy.now) return fail(id, 422, "unprocessable", "That time is in the past.");
  if (at > policy.now + EXPLICIT_LIMIT_MS) return fail(id, 422, "unprocessable", "Pick a time within the next year.");
  return at;
}

const MOVE_STARTED = "Publishing has started; this item can no longer move.";
const UNSCHEDULE_STARTED = "Publishing has started; this item and its history are kept.";

interface ScheduleRef {
  id: string;
  output_id: string;
  scheduled_at: number;
  dispatched_at: number | null;
}

async function scheduleRef(d1: D1Database, req: { workspaceId: string; brandId: string; scheduleId: string }) {
  return d1
    .prepare("SELECT id, output_id, scheduled_at, dispatched_at FROM schedules WHERE id = ? AND brand_id = ? AND workspace_id = ?")
    .bind(req.scheduleId, req.brandId, req.workspaceId)
    .first<ScheduleRef>();
}

export type MoveResult = { ok: true; scheduledAt: number } | BookingError;

/** Moves an item that has not gone out; after the dispatch claim it is a 409 (DESIGN.md §7). */
export async function moveSchedule(
  d1: D1Database,
  memory: BrandMemory,
  req: { workspaceId: string; brandId: string; scheduleId: string; at: number },
  policy: BookingPolicy,
): Promise<MoveResult> {
  const id = req.scheduleId;
  const s = await scheduleRef(d1, req);
  if (!s) return fail(id, 404, "not_found", "Schedule not found.");
  if (s.dispatched_at != null) return fail(id, 409, "wrong_state", MOVE_STARTED);
  const at = explicitTime(id, req.at, policy);
  if (typeof at !== "number") return at;
  if (at === s.scheduled_at) return { ok: true, scheduledAt: at };
  if (memory.taken.has(at)) return fail(id, 409, "slot_taken", "That time is already taken for this brand.");
  // Conditional on the pre-publish state: the claim and this update never both win.
  const res = await d1.prepare("UPDATE schedules SET scheduled_at = ? WHERE id = ? AND dispatched_at IS NULL").bind(at, id).run();
  if (!res.meta.changes) return fail(id, 409, "wrong_state", MOVE_STARTED);
  memory.taken.delete(s.scheduled_at);
  memory.taken.add(at);
  memory.undispatched.set(id, at);
  return { ok: true, scheduledAt: at };
}

export type UnscheduleResult = { ok: true; outputId: string } | BookingError;

/** Removes an item that has not gone out and holds its output; published history is never deleted (REGRESSIONS #19). */
export async function unscheduleOutput(
  d1: D1Database,
  memory: BrandMemory,
  req: { workspaceId: string; brandId: string; scheduleId: string },
  now: number,
): Promise<UnscheduleResult> {
  const id = req.scheduleId;
  const s = await scheduleRef(d1, req);
  if (!s) return fail(id, 404, "not_found", "Schedule not found.");
  if (s.dispatched_at != null) return fail(id, 409, "wrong_state", UNSCHEDULE_STARTED);
  // Delete and hold in one transaction, both conditional on the item not having gone out.
  const [del] = await d1.batch([
    d1.prepare("DELETE FROM schedules WHERE id = ? AND dispatched_at IS NULL").bind(id),
    d1.prepare("UPDATE job_outputs SET hold = 1, updated_at = ? WHERE id = ? AND NOT EXISTS (SELECT 1 FROM schedules WHERE output_id = ?)").bind(
      now,
      s.output_id,
      s.output_id,
    ),
  ]);
  if (!del!.meta.changes) return fail(id, 409, "wrong_state", UNSCHEDULE_STARTED);
  memory.taken.delete(s.scheduled_at);
  memory.undispatched.delete(id);
  return { ok: true, outputId: s.output_id };
}
