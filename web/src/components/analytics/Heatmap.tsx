// Best times as a weekday × hour heatmap in the brand's zone (API.md
// best-times). It is a table: every cell is its own number (the cell's
// performance against the brand's median, 1.0 = median), with the weekday and
// hour as its headers, so colour is a second cue, never the only one. Wide
// screens put the hours across; phones put them down, so the seven days fit.
import type { Brand, BestTimeCell } from "../../api/types";
import { hourLabel, WEEKDAYS } from "./format";

/** Colour bands of a score (styles: .hm-*), with the words the legend gives them. */
export const BANDS = [
  { cls: "hm-1", below: 0.75, label: "under 0.75×" },
  { cls: "hm-2", below: 0.95, label: "0.75–0.95×" },
  { cls: "hm-3", below: 1.05, label: "about the median" },
  { cls: "hm-4", below: 1.35, label: "1.05–1.35×" },
  { cls: "hm-5", below: 1.75, label: "1.35–1.75×" },
  { cls: "hm-6", below: Infinity, label: "1.75× or more" },
] as const;

export const bandOf = (score: number) => BANDS.find((b) => score < b.below)!.cls;

/** Local hours (0–23) at which the brand's slots publish, after its offset. */
export function slotHours(brand: Pick<Brand, "slots" | "scheduleOffset"> | null | undefined): Set<number> {
  if (!brand) return new Set();
  const times = [...brand.slots.reel.map((r) => r.time), ...brand.slots.post];
  return new Set(times.map((t) => (((Number(t.slice(0, 2)) + brand.scheduleOffset) % 24) + 24) % 24));
}

function Cell({ cell }: { cell: BestTimeCell | undefined }) {
  const posts = cell?.posts ?? 0;
  const score = cell?.score ?? null;
  const cls = score !== null ? bandOf(score) : posts > 0 ? "hm-few" : "hm-none";
  const tip = score !== null ? `${score.toFixed(2)}× the median, ${posts} posts` : posts > 0 ? `${posts} post${posts === 1 ? "" : "s"}: too few to score` : "no posts";
  return (
    <td class={`hm ${cls}`} title={tip}>
      {score !== null ? score.toFixed(1) : posts > 0 ? <span aria-hidden="true">·</span> : ""}
      <span class="sr-only">
        {score !== null ? `× the median, ${posts} posts` : posts > 0 ? `${posts} post${posts === 1 ? "" : "s"}, too few to score` : "no posts"}
      </span>
    </td>
  );
}

/** An hour's header; a dot marks an hour the brand's slots publish at (said in words to screen readers). */
function HourHead({ hour, slot, short, row }: { hour: number; slot: boolean; short: boolean; row?: boolean }) {
  return (
    <th scope={row ? "row" : "col"} abbr={hourLabel(hour)} class={slot ? "hm-slot-head" : undefined}>
      {slot && <span class="hm-dot" aria-hidden="true" />}
      {short ? String(hour).padStart(2, "0") : hourLabel(hour)}
      {slot && <span class="sr-only">, a slot hour</span>}
    </th>
  );
}

export function Heatmap({ cells, brand, timezone, narrow }: { cells: BestTimeCell[]; brand: Brand | null; timezone: string; narrow: boolean }) {
  const at = new Map(cells.map((c) => [`${c.weekday}:${c.hour}`, c]));
  const slots = slotHours(brand);
  const hours = Array.from({ length: 24 }, (_, h) => h);
  const caption = `Performance by weekday and hour in ${timezone}: each cell is its posts' median against the brand's median (1.0). Hours a slot publishes at are marked with a dot.`;
  return (
    <div class="table-scroll heatmap-wrap" tabIndex={0} role="region" aria-label="Best times heatmap">
      <table class={`heatmap${narrow ? " heatmap-narrow" : ""}`}>
        <caption class="sr-only">{caption}</caption>
        {narrow ? (
          <>
            <thead>
              <tr>
                <td />
                {WEEKDAYS.map((w) => (
                  <th key={w.long} scope="col" abbr={w.long}>
                    {w.short}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {hours.map((h) => (
                <tr key={h}>
                  <HourHead hour={h} slot={slots.has(h)} short={false} row />
                  {WEEKDAYS.map((_, i) => (
                    <Cell key={i} cell={at.get(`${i + 1}:${h}`)} />
                  ))}
                </tr>
              ))}
            </tbody>
          </>
        ) : (
          <>
            <thead>
              <tr>
                <td />
                {hours.map((h) => (
                  <HourHead key={h} hour={h} slot={slots.has(h)} short />
                ))}
              </tr>
            </thead>
            <tbody>
              {WEEKDAYS.map((w, i) => (
                <tr key={w.long}>
                  <th scope="row" abbr={w.long}>
                    {w.short}
                  </th>
                  {hours.map((h) => (
                    <Cell key={h} cell={at.get(`${i + 1}:${h}`)} />
                  ))}
                </tr>
              ))}
            </tbody>
          </>
        )}
      </table>
    </div>
  );
}

export function HeatmapLegend() {
  return (
    <ul class="hm-legend">
      {BANDS.map((b) => (
        <li key={b.cls}>
          <span class={`hm-key ${b.cls}`} aria-hidden="true" />
          {b.label}
        </li>
      ))}
      <li>
        <span class="hm-key hm-few" aria-hidden="true">
          ·
        </span>
        too few posts to score
      </li>
      <li>
        <span class="hm-dot" aria-hidden="true" />a slot publishes at this hour
      </li>
    </ul>
  );
}
