// BrandScheduler: one Durable Object per brand (idFromName(brandId)), the only
// writer of that brand's schedule rows (DESIGN.md §2, invariant 3), and the
// one that sends its items out: it keeps a DO alarm at the brand's next item
// not yet gone out, and claims it when the alarm fires (DESIGN.md §5, §7).
//
// Every method runs through one SerialQueue because the input gate opens on
// each D1 await; so bookings, moves, unschedules and claims of a brand happen
// one after another, and whichever comes second sees the first.
// UNIQUE(brand_id, scheduled_at) in D1 is only a backstop.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { DAY, MINUTE, numberVar } from "../lib/time";
import { loadBrandMemory, nextUndispatched, type BrandMemory } from "./brand-memory";
import {
  bookOutputs,
  moveSchedule,
  unscheduleOutput,
  type BookingPolicy,
  type BookingResult,
  type BookRequest,
  type MoveResult,
  type UnscheduleResult,
} from "./booking";
import { CLAIM_LIMIT, claimSchedules, retrySchedule, type ClaimResult, type RetryOutcome } from "./dispatch";
import { SerialQueue } from "./serial";
import { logError } from "../lib/log";

/** After a failed claim or re-arm, try again this soon (the per-minute cron is the net below that). */
const REARM_AFTER_ERROR_MS = 15_000;

interface QueuedBooking {
  req: BookRequest;
  resolve: (r: BookingResult[]) => void;
  reject: (e: unknown) => void;
}

export type PublishNowResult = { ok: true; claim: ClaimResult } | { ok: false; status: 404 | 409; code: string; message: string };

export class BrandScheduler extends DurableObject<Env> {
  private readonly serial = new SerialQueue();
  private memory: BrandMemory | null = null;
  private brandId: string | null = null;
  /** The alarm time this object last set (null: none). */
  private armedAt: number | null = null;
  private bookings: QueuedBooking[] = [];

  private policy(): BookingPolicy {
    return {
      now: Date.now(),
      leadMs: numberVar(this.env.SLOT_LEAD_MINUTES, 15) * MINUTE,
      horizonMs: numberVar(this.env.SLOT_HORIZON_DAYS, 30) * DAY,
    };
  }

  /**
   * Runs `fn` with the brand's memory, inside the serial queue's turn. Drops the
   * memory on any error (what D1 holds is then uncertain) and re-arms the alarm.
   */
  private async withMemory<T>(brandId: string, fn: (memory: BrandMemory) => Promise<T>): Promise<T> {
    if (this.brandId !== brandId) {
      this.brandId = brandId;
      // alarm() gets no arguments: it learns which brand it serves from storage.
      await this.ctx.storage.put("brandId", brandId);
    }
    try {
      this.memory ??= await loadBrandMemory(this.env.DB, brandId, Date.now());
      const result = await fn(this.memory);
      if (this.memory.invalid) this.memory = null;
      return result;
    } catch (err) {
      this.memory = null;
      throw err;
    } finally {
      await this.rearm(brandId);
    }
  }

  /** Arms the alarm at the earliest item not yet gone out, or clears it. */
  private async rearm(brandId: string): Promise<void> {
    try {
      this.memory ??= await loadBrandMemory(this.env.DB, brandId, Date.now());
      const next = nextUndispatched(this.memory);
      if (next === this.armedAt) return;
      if (next === null) await this.ctx.storage.deleteAlarm();
      else await this.ctx.storage.setAlarm(next);
      this.armedAt = next;
    } catch (err) {
      logError("could not re-arm the dispatch alarm", { brandId, error: String(err) });
      this.armedAt = Date.now() + REARM_AFTER_ERROR_MS;
      await this.ctx.storage.setAlarm(this.armedAt);
    }
  }

  /**
   * Books each output into an explicit time or the brand's next free slot.
   * Requests that queue up while another booking runs are booked together
   * (one read and one write round trip for all of them), each keeping its
   * own results.
   */
  async book(req: BookRequest): Promise<BookingResult[]> {
    return new Promise<BookingResult[]>((resolve, reject) => {
      this.bookings.push({ req, resolve, reject });
      if (this.bookings.length === 1) void this.serial.run(() => this.drainBookings());
    });
  }

  private async drainBookings(): Promise<void> {
    const queued = this.bookings;
    this.bookings = [];
    const byWorkspace = new Map<string, QueuedBooking[]>();
    for (const q of queued) {
      const group = byWorkspace.get(q.req.workspaceId);
      if (group) group.push(q);
      else byWorkspace.set(q.req.workspaceId, [q]);
    }
    for (const group of byWorkspace.values()) {
      const brandId = group[0]!.req.brandId;
      const sameBrand = group.filter((q) => q.req.brandId === brandId);
      for (const q of group) if (q.req.brandId !== brandId) q.reject(new Error("a BrandScheduler books one brand"));
      try {
        const results = await this.withMemory(brandId, (m) => bookOutputs(this.env.DB, m, sameBrand.map((q) => q.req), this.policy()));
        sameBrand.forEach((q, i) => q.resolve(results[i]!));
      } catch (err) {
        for (const q of sameBrand) q.reject(err);
      }
    }
  }

  async move(req: { workspaceId: string; brandId: string; scheduleId: string; at: number }): Promise<MoveResult> {
    return this.serial.run(() => this.withMemory(req.brandId, (m) => moveSchedule(this.env.DB, m, req, this.policy())));
  }

  async unschedule(req: { workspaceId: string; brandId: string; scheduleId: string }): Promise<UnscheduleResult> {
    return this.serial.run(() => this.withMemory(req.brandId, (m) => unscheduleOutput(this.env.DB, m, req, Date.now())));
  }

  /** Claims every due item of the brand (the alarm's work; the cron's safety net calls it too). */
  async dispatchDue(brandId: string): Promise<ClaimResult> {
    return this.serial.run(() =>
      this.withMemory(brandId, async (m) => {
        const now = Date.now();
        const claim = await claimSchedules(this.env, { brandId, now, lateness: "auto" });
        for (const id of claim.claimed) m.undispatched.delete(id);
        // A full page leaves due items behind: they keep the alarm in the past, so it fires again at once.
        // Otherwise whatever memory still holds as due is gone from D1 (a cascade): forget it, or the alarm would spin.
        if (claim.claimed.length < CLAIM_LIMIT) for (const [id, at] of m.undispatched) if (at <= now) m.undispatched.delete(id);
        return claim;
      }),
    );
  }

  /** Sends one item out now, keeping its scheduled time (REGRESSIONS #18); 409 once it has gone out. */
  async publishNow(req: { workspaceId: string; brandId: string; scheduleId: string }): Promise<PublishNowResult> {
    return this.serial.run(() =>
      this.withMemory(req.brandId, async (m): Promise<PublishNowResult> => {
        const claim = await claimSchedules(this.env, {
          brandId: req.brandId,
          now: Date.now(),
          only: { scheduleId: req.scheduleId, workspaceId: req.workspaceId },
          lateness: "never",
        });
        if (!claim.claimed.length) {
          const exists = await this.env.DB.prepare("SELECT 1 AS x FROM schedules WHERE id = ? AND brand_id = ? AND workspace_id = ?")
            .bind(req.scheduleId, req.brandId, req.workspaceId)
            .first();
          return exists
            ? { ok: false, status: 409, code: "wrong_state", message: "Publishing has already started or finished for this item." }
            : { ok: false, status: 404, code: "not_found", message: "Schedule not found." };
        }
        m.undispatched.delete(req.scheduleId);
        return { ok: true, claim };
      }),
    );
  }

  /** Re-queues failed or missed platforms (dispatch.ts retrySchedule). */
  async retry(req: { workspaceId: string; brandId: string; scheduleId: string }): Promise<RetryOutcome> {
    return this.serial.run(() =>
      this.withMemory(req.brandId, async (m) => {
        const out = await retrySchedule(this.env, { ...req, now: Date.now() });
        if (out.ok) m.undispatched.delete(req.scheduleId);
        return out;
      }),
    );
  }

  /**
   * The dispatch net's call (automation/dispatch.ts): items of this brand are
   * past due and unclaimed, so the alarm was lost or is stale. Forget what
   * memory holds and fire the alarm now; it claims whatever D1 says is due.
   */
  async wake(brandId: string): Promise<void> {
    return this.serial.run(async () => {
      if (this.brandId !== brandId) {
        this.brandId = brandId;
        await this.ctx.storage.put("brandId", brandId);
      }
      this.memory = null;
      this.armedAt = Date.now();
      await this.ctx.storage.setAlarm(this.armedAt);
    });
  }

  override async alarm(): Promise<void> {
    this.armedAt = null;
    const brandId = this.brandId ?? (await this.ctx.storage.get<string>("brandId"));
    if (!brandId) return;
    // A throw makes the runtime retry the alarm with backoff; the cron is the net below that.
    await this.dispatchDue(brandId);
  }
}

export function brandScheduler(env: Env, brandId: string) {
  return env.BRAND_SCHEDULER.get(env.BRAND_SCHEDULER.idFromName(brandId));
}
