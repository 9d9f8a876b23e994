// A brand's best-times suggestions (API.md best-times, DESIGN.md §10): which
// slot to move where, and how sure that is. Nothing moves a brand's slots
// without a person's click: each suggestion says what applying it changes,
// and its button patches the brand's slot grid with exactly that one move.
import { useEffect, useState } from "preact/hooks";
import type { BestTimeSuggestion, BestTimes, Brand } from "../../api/types";
import type { AppState } from "../../state/app";
import { messageOf } from "../../state/calendar";
import { InlineError, Spinner } from "../ui";

const KIND = { reel: "reel", post: "post" } as const;

/** The brand's slot grid with the suggestion's move made, or why it cannot be made any more. */
export function slotsAfter(brand: Pick<Brand, "slots">, s: BestTimeSuggestion): Brand["slots"] | string {
  const { reel, post } = brand.slots;
  const has = s.kind === "reel" ? reel.some((r) => r.time === s.from) : post.includes(s.from);
  if (!has) return `The grid has no ${KIND[s.kind]} slot at ${s.from} any more.`;
  if (reel.some((r) => r.time === s.to) || post.includes(s.to)) return `A slot already publishes at ${s.to}.`;
  return s.kind === "reel"
    ? { reel: reel.map((r) => (r.time === s.from ? { ...r, time: s.to } : r)), post }
    : { reel, post: post.map((t) => (t === s.from ? s.to : t)) };
}

/** A grid time as published: the brand's offset moves every slot (API.md: `from`/`to` are grid times, before the offset). */
export const publishedAt = (hhmm: string, offset: number) => {
  const h = (((Number(hhmm.slice(0, 2)) + offset) % 24) + 24) % 24;
  return `${String(h).padStart(2, "0")}${hhmm.slice(2)}`;
};

/** "Move the reel slot at 00:00 to 14:00": the times it publishes at, as the heatmap and the reason give them. */
export const suggestionTitle = (s: BestTimeSuggestion, brand: Pick<Brand, "scheduleOffset">) =>
  `Move the ${KIND[s.kind]} slot at ${publishedAt(s.from, brand.scheduleOffset)} to ${publishedAt(s.to, brand.scheduleOffset)}`;

/** What applying changes, in words, before the click: the grid's own times, which the slot editor shows. */
export function suggestionEffect(s: BestTimeSuggestion, brand: Pick<Brand, "timezone" | "scheduleOffset">): string {
  const o = brand.scheduleOffset;
  const where = o ? `the brand's ${o > 0 ? "+" : "−"}${Math.abs(o)} h offset makes it publish at ${publishedAt(s.to, o)}, ${brand.timezone}` : brand.timezone;
  return `Applying this changes one ${KIND[s.kind]} time in the slot grid: ${s.from} becomes ${s.to} (${where}). The other slots stay as they are. Items already on the calendar keep their times; new ${KIND[s.kind]}s use the new one.`;
}

export const confidenceLabel = (c: number) => `${Math.round(c * 100)}% likely to do better`;

export function BestTimeSuggestions({ app, brand, canEdit }: { app: AppState; brand: Brand; canEdit: boolean }) {
  const { brands } = app;
  const [data, setData] = useState<BestTimes | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const grid = JSON.stringify([brand.slots, brand.scheduleOffset, brand.timezone]);
  useEffect(() => {
    let live = true;
    app.api.bestTimes(brand.id).then(
      (r) => live && (setData(r), setError(null)),
      (err) => live && setError(messageOf(err)),
    );
    return () => void (live = false);
  }, [brand.id, grid]);

  const key = `${brand.id}:best-times`;
  const busy = brands.busy.value === key;
  const failed = brands.formErrors.value[key]?.message;
  const apply = async (s: BestTimeSuggestion) => {
    const slots = slotsAfter(brand, s);
    if (typeof slots === "string") return;
    setDone(null);
    if (await brands.applySlots(brand.id, slots))
      setDone(`Moved the ${KIND[s.kind]} slot from ${publishedAt(s.from, brand.scheduleOffset)} to ${publishedAt(s.to, brand.scheduleOffset)}.`);
  };

  return (
    <section class="card best-times" id="best-times" aria-labelledby="bt-h">
      <h2 id="bt-h">Best times</h2>
      <p class="muted">
        Suggestions from this brand's last 90 days of posts, once their numbers have settled.
        {brand.accounts.some((a) => a.platform === "sandbox") && " Sandbox numbers in them are simulated."} Nothing changes until you apply one.{" "}
        <a href={`/analytics?brand=${encodeURIComponent(brand.id)}&days=90`}>See the heatmap on Analytics</a>
      </p>
      {done && (
        <p class="saved" role="status">
          {done}
        </p>
      )}
      {error ? (
        <p class="inline-error">Couldn't load suggestions: {error}</p>
      ) : !data ? (
        <Spinner label="Loading suggestions…" />
      ) : data.suggestions.length === 0 ? (
        <p>No suggestions now: the current slots do as well as any other hour with enough posts, or there are not enough settled posts yet.</p>
      ) : (
        <ul class="suggestions">
          {data.suggestions.map((s) => {
            const after = slotsAfter(brand, s);
            return (
              <li key={`${s.kind}:${s.from}:${s.to}`}>
                <p class="suggestion-title">
                  <strong>{suggestionTitle(s, brand)}</strong> <span class="confidence">{confidenceLabel(s.confidence)}</span>
                </p>
                <p class="muted">{s.reason}</p>
                {typeof after === "string" ? (
                  <p class="muted">{after}</p>
                ) : (
                  <>
                    <p class="suggestion-effect">{suggestionEffect(s, brand)}</p>
                    {canEdit && (
                      <button type="button" class="btn" disabled={busy} onClick={() => void apply(s)}>
                        Move the {KIND[s.kind]} slot to {publishedAt(s.to, brand.scheduleOffset)}
                      </button>
                    )}
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <InlineError message={failed} />
    </section>
  );
}
