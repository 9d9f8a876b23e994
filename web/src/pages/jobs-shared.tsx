// Output chips: shared by the Jobs list and Job detail.
import type { Job } from "../api/types";
import { chipState } from "../state/jobs";
import { formatDateTime, formatInZone } from "../state/time";

export { chipState };

export function OutputChips({ job }: { job: Job }) {
  return (
    <ul class="out-chips" aria-label="Outputs per brand">
      {job.outputs.map((o) => {
        const s = chipState(o);
        const at = o.schedule ? Date.parse(o.schedule.scheduledAt) : null;
        return (
          <li
            key={o.brandId}
            class={`out-chip tone-${s.tone}`}
            style={{ "--brand": o.brand.color }}
            data-brand={o.brand.slug}
            data-state={s.tone}
            title={at ? `${o.brand.name}: ${s.label}, ${formatInZone(at, o.brand.timezone)}` : `${o.brand.name}: ${s.label}`}
          >
            <span class="swatch" aria-hidden="true" />
            <span class="out-brand">{o.brand.name}</span>
            <span class="out-state">
              {s.label}
              {at ? ` · ${formatDateTime(at)}` : ""}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

