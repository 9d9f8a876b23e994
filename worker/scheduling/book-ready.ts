// Book on ready (issue 10 item 5): an output that turns ready goes onto the
// calendar at once, through its brand's BrandScheduler, as automation (so a
// held output stays off, invariant 5), recorded as its job's creator: a
// person's job is theirs on the calendar (issue 16 item 8; booking.ts). The
// 10-minute catch-up remains the net for anything this misses (a failed call,
// an output made ready another way), and records the same creator.
import type { Env } from "../env";
import { brandScheduler } from "./brand-scheduler";
import type { BookingResult } from "./booking";
import { logError } from "../lib/log";

export async function bookReadyOutput(env: Env, outputId: string): Promise<BookingResult | null> {
  try {
    const o = await env.DB.prepare("SELECT workspace_id, brand_id FROM job_outputs WHERE id = ? AND status = 'ready' AND hold = 0")
      .bind(outputId)
      .first<{ workspace_id: string; brand_id: string }>();
    if (!o) return null;
    const [result] = await brandScheduler(env, o.brand_id).book({
      workspaceId: o.workspace_id,
      brandId: o.brand_id,
      outputIds: [outputId],
      actor: { kind: "automation", userId: null },
    });
    return result ?? null;
  } catch (err) {
    // Generation succeeded; only the booking is left, and catch-up will do it.
    logError("book on ready failed; catch-up will book it", { outputId, error: String(err) });
    return null;
  }
}
