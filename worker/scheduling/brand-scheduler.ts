// BrandScheduler: one Durable Object per brand (idFromName(brandId)), the only
// writer of that brand's schedule rows (DESIGN.md §2, invariant 3). Every
// method runs through a SerialQueue because the input gate opens on each D1
// await; UNIQUE(brand_id, scheduled_at) in D1 is only a backstop.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { DAY, MINUTE, numberVar } from "../lib/time";
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
import { SerialQueue } from "./serial";

export class BrandScheduler extends DurableObject<Env> {
  private readonly serial = new SerialQueue();

  private policy(): BookingPolicy {
    return {
      now: Date.now(),
      leadMs: numberVar(this.env.SLOT_LEAD_MINUTES, 15) * MINUTE,
      horizonMs: numberVar(this.env.SLOT_HORIZON_DAYS, 30) * DAY,
    };
  }

  /** Books each output into an explicit time or the brand's next free slot. */
  async book(req: BookRequest): Promise<BookingResult[]> {
    return this.serial.run(() => bookOutputs(this.env.DB, req, this.policy()));
  }

  async move(req: { workspaceId: string; brandId: string; scheduleId: string; at: number }): Promise<MoveResult> {
    return this.serial.run(() => moveSchedule(this.env.DB, req, this.policy()));
  }

  async unschedule(req: { workspaceId: string; brandId: string; scheduleId: string }): Promise<UnscheduleResult> {
    return this.serial.run(() => unscheduleOutput(this.env.DB, req, Date.now()));
  }
}

export function brandScheduler(env: Env, brandId: string) {
  return env.BRAND_SCHEDULER.get(env.BRAND_SCHEDULER.idFromName(brandId));
}
