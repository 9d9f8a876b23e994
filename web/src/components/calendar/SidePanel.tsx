// The item panel: media, caption, per-platform delivery status, and actions.
// Errors from an action appear right under the actions, in the server's words.
import { useEffect, useRef, useState } from "preact/hooks";
import { platformLabel } from "../../../../worker/scheduling/variants";
import type { AttemptLogEntry, Delivery, Schedule } from "../../api/types";
import type { CalendarModel } from "../../state/calendar";
import { formatDateTime, formatInZone, formatRelative, fromInputValue, toInputValue, viewerZone } from "../../state/time";
import { CreatorTag, InlineError, StatusBadge, TypeIcon, contentLabel } from "../ui";
import { MediaPreview } from "../MediaPreview";
import { permalinkHref } from "./permalink";
import { MetricsList, SimulatedTag } from "../metrics";

const ERROR_CLASS_LABEL: Record<NonNullable<Delivery["errorClass"]>, string> = {
  retryable: "Will retry",
  reconnect: "Reconnect needed",
  permanent: "Refused",
  unknown_outcome: "Checking with the platform",
};

/** Every attempt at one platform, oldest first: step, timing, and the platform's own words. */
function AttemptLog({ log }: { log: AttemptLogEntry[] }) {
  return (
    <details class="attempt-log">
      <summary>Attempt log ({log.length})</summary>
      <ol>
        {log.map((a, i) => {
          const started = Date.parse(a.startedAt);
          const ended = a.endedAt ? Date.parse(a.endedAt) : null;
          return (
            <li key={i}>
              #{a.attempt} · {a.step} · {formatDateTime(started)}
              {ended !== null && <span class="muted"> · {Math.max(0, Math.round((ended - started) / 100) / 10)} s</span>}
              {a.errorClass && <span class="err"> · {ERROR_CLASS_LABEL[a.errorClass]}</span>}
              {a.message && <div class="muted">{a.message}</div>}
            </li>
          );
        })}
      </ol>
    </details>
  );
}

/** A platform's permalink: a link only when it is safe to follow (permalink.ts), otherwise said so. */
function Permalink({ url }: { url: string }) {
  const href = permalinkHref(url, window.location.href);
  if (href) {
    return (
      <a href={href} target="_blank" rel="noreferrer">
        View post
      </a>
    );
  }
  return <span class="muted">Published; its link is not shown because the platform sent an address that is not https.</span>;
}

/**
 * What a published delivery did: its latest reading (API.md: a delivery's
 * `metrics` and `metricsAt`), when it was taken, and whether it is simulated.
 */
function DeliveryMetrics({ d }: { d: Delivery }) {
  if (d.status !== "published") return null;
  const simulated = d.platform === "sandbox";
  if (!d.metrics || !d.metricsAt)
    return <p class="muted delivery-note">No numbers yet: the first reading comes within the hour after publishing.</p>;
  const at = Date.parse(d.metricsAt);
  return (
    <section class="delivery-metrics" aria-label={`${platformLabel(d.platform)} numbers`}>
      <MetricsList metrics={d.metrics} platformName={platformLabel(d.platform)} />
      <p class="as-of muted">
        As of <time dateTime={d.metricsAt}>{formatDateTime(at)}</time> ({formatRelative(at, Date.now())}){simulated && <> · </>}
        {simulated && <SimulatedTag />}
      </p>
    </section>
  );
}

export function SidePanel({ cal, item, canEdit }: { cal: CalendarModel; item: Schedule; canEdit: boolean }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  const at = Date.parse(item.scheduledAt);
  const [when, setWhen] = useState(toInputValue(at));
  const busy = cal.busy.value;
  const err = cal.itemError.value?.scheduleId === item.scheduleId ? cal.itemError.value.message : null;
  const id = item.scheduleId;

  useEffect(() => setWhen(toInputValue(at)), [at]);
  useEffect(() => {
    closeRef.current?.focus();
    const chipSelector = `[data-id="${CSS.escape(id)}"]`;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && cal.select(null);
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
      document.querySelector<HTMLElement>(chipSelector)?.focus();
    };
  }, [id]);

  const started = item.status !== "scheduled" && item.status !== "missed";
  return (
    <aside class="panel" aria-labelledby="panel-title" style={{ "--brand": item.brand.color }}>
      <div class="panel-head">
        <div>
          <p class="panel-brand">
            <span class="swatch" aria-hidden="true" />
            {item.brand.name} · <TypeIcon variant={item.variant} /> {contentLabel(item.contentType)}
            {item.variant !== "post" ? ` (${item.variant})` : ""}
          </p>
          <h2 id="panel-title">{item.title ?? "Untitled"}</h2>
        </div>
        <button ref={closeRef} type="button" class="icon-btn" onClick={() => cal.select(null)} aria-label="Close panel">
          ✕
        </button>
      </div>
      <dl class="facts">
        <dt>When</dt>
        <dd>
          <span title={formatInZone(at, item.brand.timezone)}>{formatDateTime(at)}</span>
          <span class="muted"> · brand time {formatInZone(at, item.brand.timezone)}</span>
        </dd>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={item.status} />
        </dd>
        <dt>Created by</dt>
        <dd>
          <CreatorTag creator={item.createdBy} />
        </dd>
        <dt>Job</dt>
        <dd>
          <a href={`/jobs/${encodeURIComponent(item.jobId)}`}>{item.jobId}</a>
        </dd>
      </dl>

      <MediaPreview media={item.media} contentType={item.contentType} title={item.title} />

      {item.caption && (
        <section>
          <h3>Caption</h3>
          {/* Scrolls when long: focusable, so keyboard users can scroll it too. */}
          <p class="caption" tabIndex={0} role="region" aria-label="Caption">
            {item.caption}
          </p>
        </section>
      )}

      <section>
        <h3>Platforms</h3>
        {item.deliveries.length === 0 ? (
          <p class="muted">No platform deliveries yet. Connect an account on the Brands page.</p>
        ) : (
          <ul class="deliveries">
            {item.deliveries.map((d) => (
              <li key={d.platform}>
                <span class="platform">{d.platform}</span>
                <StatusBadge status={d.status} />
                {d.attempts > 0 && <span class="muted">{d.attempts} attempt{d.attempts === 1 ? "" : "s"}</span>}
                {d.permalink && <Permalink url={d.permalink} />}
                {d.publishedAt && <span class="muted">at {formatDateTime(Date.parse(d.publishedAt))}</span>}
                {d.error && (
                  <p class={d.status === "skipped" ? "muted delivery-note" : "inline-error"}>
                    {d.errorClass && d.status !== "skipped" && <strong>{ERROR_CLASS_LABEL[d.errorClass]}: </strong>}
                    {d.error}
                  </p>
                )}
                {d.warning && (
                  <p class="delivery-note delivery-warning" role="note">
                    <strong>Published with a warning: </strong>
                    {d.warning}
                  </p>
                )}
                <DeliveryMetrics d={d} />
                {d.log && d.log.length > 0 && <AttemptLog log={d.log} />}
              </li>
            ))}
          </ul>
        )}
      </section>

      {canEdit && (
        <section class="actions">
          <h3>Actions</h3>
          <form
            class="move-form"
            onSubmit={(e) => {
              e.preventDefault();
              const t = fromInputValue(when);
              if (t !== null) void cal.move(item, t);
            }}
          >
            <label for="move-at">New time ({viewerZone()})</label>
            <div class="row-inline">
              <input id="move-at" type="datetime-local" value={when} onInput={(e) => setWhen(e.currentTarget.value)} disabled={started} />
              <button type="submit" class="btn" disabled={started || busy === `${id}:move`}>
                Move
              </button>
            </div>
          </form>
          <div class="btn-row">
            {(item.status === "failed" || item.status === "partial" || item.status === "missed") && (
              <button type="button" class="btn" disabled={busy !== null} onClick={() => cal.retry(item)}>
                Retry failed platforms
              </button>
            )}
            {item.status === "scheduled" && (
              <button type="button" class="btn" disabled={busy !== null} onClick={() => cal.publishNow(item)}>
                Publish now
              </button>
            )}
            {!started && (
              <button type="button" class="btn btn-danger" disabled={busy !== null} onClick={() => cal.unschedule(item)}>
                Unschedule
              </button>
            )}
          </div>
          <InlineError message={err} />
        </section>
      )}
    </aside>
  );
}
