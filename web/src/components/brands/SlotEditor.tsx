// The brand's slot grid: reel times with their variant, post times. The grid
// itself is computed by the API (worker/scheduling/slot-grid.ts) and previewed
// from it, so the web app never re-implements it (REGRESSIONS #11).
import { useEffect, useState } from "preact/hooks";
import type { Api } from "../../api/client";
import type { Brand, GridSlotRow } from "../../api/types";
import { addLocalDays, formatInZone, startOfDay } from "../../state/time";
import { Spinner, TypeIcon } from "../ui";

export function SlotEditor({ draft, setDraft, canEdit, error }: { draft: Brand; setDraft: (b: Brand) => void; canEdit: boolean; error?: string }) {
  const s = draft.slots;
  const setSlots = (slots: Brand["slots"]) => setDraft({ ...draft, slots });
  return (
    <fieldset class="slot-editor">
      <legend>Slot grid ({draft.timezone})</legend>
      <div class="slot-cols">
        <div>
          <h3>Reels</h3>
          <ul>
            {s.reel.map((r, i) => (
              <li key={i} class="row-inline">
                <label class="sr-only" for={`reel-t-${i}`}>
                  Reel slot {i + 1} time
                </label>
                <input
                  id={`reel-t-${i}`}
                  type="time"
                  value={r.time}
                  disabled={!canEdit}
                  onInput={(x) => setSlots({ ...s, reel: s.reel.map((y, j) => (j === i ? { ...y, time: x.currentTarget.value } : y)) })}
                />
                <label class="sr-only" for={`reel-v-${i}`}>
                  Reel slot {i + 1} variant
                </label>
                <select
                  id={`reel-v-${i}`}
                  value={r.variant}
                  disabled={!canEdit}
                  onChange={(x) => setSlots({ ...s, reel: s.reel.map((y, j) => (j === i ? { ...y, variant: x.currentTarget.value as "light" | "dark" } : y)) })}
                >
                  <option value="light">light</option>
                  <option value="dark">dark</option>
                </select>
                {canEdit && (
                  <button type="button" class="icon-btn" aria-label={`Remove reel slot ${r.time}`} onClick={() => setSlots({ ...s, reel: s.reel.filter((_, j) => j !== i) })}>
                    ✕
                  </button>
                )}
              </li>
            ))}
          </ul>
          {canEdit && (
            <button type="button" class="btn btn-small" onClick={() => setSlots({ ...s, reel: [...s.reel, { time: "10:00", variant: "light" }] })}>
              Add reel slot
            </button>
          )}
        </div>
        <div>
          <h3>Posts</h3>
          <ul>
            {s.post.map((t, i) => (
              <li key={i} class="row-inline">
                <label class="sr-only" for={`post-t-${i}`}>
                  Post slot {i + 1} time
                </label>
                <input id={`post-t-${i}`} type="time" value={t} disabled={!canEdit} onInput={(x) => setSlots({ ...s, post: s.post.map((y, j) => (j === i ? x.currentTarget.value : y)) })} />
                {canEdit && (
                  <button type="button" class="icon-btn" aria-label={`Remove post slot ${t}`} onClick={() => setSlots({ ...s, post: s.post.filter((_, j) => j !== i) })}>
                    ✕
                  </button>
                )}
              </li>
            ))}
          </ul>
          {canEdit && (
            <button type="button" class="btn btn-small" onClick={() => setSlots({ ...s, post: [...s.post, "18:00"] })}>
              Add post slot
            </button>
          )}
        </div>
      </div>
      {error && <p class="inline-error">{error}</p>}
    </fieldset>
  );
}

export /** The next two days of the saved grid, as the API computes it (one slot definition: REGRESSIONS #11). */
function SlotPreview({ api, brand }: { api: Api; brand: Brand }) {
  const [slots, setSlots] = useState<GridSlotRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const from = Date.now();
    const to = addLocalDays(startOfDay(from), 2);
    api
      .brandSlots(brand.id, new Date(from).toISOString(), new Date(to).toISOString())
      .then((r) => setSlots(r.slots))
      .catch((e: Error) => setError(e.message));
  }, [brand]);
  return (
    <section class="card" aria-labelledby="sp-h">
      <h2 id="sp-h">Upcoming slots</h2>
      {error ? (
        <p class="inline-error">{error}</p>
      ) : !slots ? (
        <Spinner />
      ) : slots.length === 0 ? (
        <p class="muted">No slots in the next two days. Add some to the grid.</p>
      ) : (
        <ul class="slot-preview">
          {slots.map((s) => (
            <li key={s.at + s.kind} class={s.taken ? "taken" : ""} title={formatInZone(Date.parse(s.at), brand.timezone)}>
              <TypeIcon variant={s.variant} /> {s.local.slice(5)} <span class="muted">{s.taken ? "taken" : "free"}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

