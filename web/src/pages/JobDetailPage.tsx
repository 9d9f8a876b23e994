// One job: per-brand outputs with media, caption edit, and every scheduling action.
import { useEffect, useState } from "preact/hooks";
import type { Output } from "../api/types";
import { MediaPreview } from "../components/MediaPreview";
import { Alert, CreatorTag, InlineError, Spinner, StatusBadge, TypeIcon } from "../components/ui";
import type { AppState } from "../state/app";
import type { JobDetailModel } from "../state/job-detail";
import { chipState, OutputChips } from "./jobs-shared";
import { formatDateTime, formatInZone, fromInputValue, toInputValue, viewerZone } from "../state/time";

export function JobDetailPage({ app, jobId }: { app: AppState; jobId: string }) {
  const m = app.jobDetail;
  useEffect(() => {
    m.open(jobId);
    let t: ReturnType<typeof setTimeout>;
    // Fast while generating (watch it become ready), slow otherwise.
    const tick = () => {
      t = setTimeout(async () => {
        if (document.visibilityState === "visible") await m.load();
        tick();
      }, m.inProgress.peek() ? 2000 : 15_000);
    };
    tick();
    const off = app.network.onReconnect(() => void m.load());
    return () => {
      clearTimeout(t);
      off();
    };
  }, [jobId]);
  const job = m.job.value;
  if (!job) return <div class="page">{m.loadError.value ? <Alert>{m.loadError.value}</Alert> : <Spinner />}</div>;
  const canEdit = app.session.canEdit.value;
  const anyReady = job.outputs.some((o) => o.status === "ready");
  const anyFailed = job.outputs.some((o) => o.status === "failed");
  return (
    <div class="page">
      <p class="crumbs">
        <a href="/jobs">Jobs</a> / {job.jobId}
      </p>
      <div class="page-head">
        <div>
          <h1>
            <TypeIcon variant={job.variant} /> {job.title ?? job.topic ?? "Untitled"}
          </h1>
          <p class="muted">
            {job.jobId} · {job.variant === "post" ? "Post" : `Reel (${job.variant})`} · created {formatDateTime(Date.parse(job.createdAt))} by{" "}
            <CreatorTag creator={job.createdBy} /> · <StatusBadge status={job.status === "completed" ? "ready" : job.status} label={job.status} />
          </p>
        </div>
        {canEdit && (
          <div class="btn-row">
            <button type="button" class="btn btn-primary" disabled={!anyReady || m.busy.value !== null} onClick={() => m.scheduleAll()}>
              Schedule all
            </button>
            <button type="button" class="btn" disabled={!anyFailed || m.busy.value !== null} onClick={() => m.retry()}>
              Retry generation
            </button>
          </div>
        )}
      </div>
      <InlineError message={m.errors.value["job:scheduleAll"] ?? m.errors.value["job:retry"]} />
      <OutputChips job={job} />
      <div class="outputs">
        {job.outputs.map((o) => (
          <OutputCard key={o.brandId} m={m} o={o} canEdit={canEdit} contentType={job.contentType} />
        ))}
      </div>
    </div>
  );
}

function OutputCard({ m, o, canEdit, contentType }: { m: JobDetailModel; o: Output; canEdit: boolean; contentType: "reel" | "post" }) {
  const [caption, setCaption] = useState(o.caption ?? "");
  const [title, setTitle] = useState(o.title ?? "");
  const [when, setWhen] = useState("");
  useEffect(() => setCaption(o.caption ?? ""), [o.caption]);
  useEffect(() => setTitle(o.title ?? ""), [o.title]);
  const err = (a: string) => m.errors.value[`${o.brandId}:${a}`];
  const busy = m.busy.value;
  const s = chipState(o);
  const id = (x: string) => `${o.brandId}-${x}`;
  const at = o.schedule ? Date.parse(o.schedule.scheduledAt) : null;
  const dirty = caption !== (o.caption ?? "") || title !== (o.title ?? "");
  // The text is frozen once the item has gone out (the server answers 409): the same rule as Unschedule.
  const notGoneOut = !o.schedule || o.schedule.status === "scheduled" || o.schedule.status === "missed";
  return (
    <section class="card output" style={{ "--brand": o.brand.color }} data-brand={o.brand.slug} aria-labelledby={id("h")}>
      <header class="output-head">
        <h2 id={id("h")}>
          <span class="swatch" aria-hidden="true" />
          {o.brand.name}
        </h2>
        <StatusBadge status={s.tone === "gen-failed" ? "failed" : s.tone} label={s.label} />
      </header>
      {o.error && <p class="inline-error">{o.error}</p>}
      {o.status === "pending" || o.status === "generating" ? (
        <p class="muted">Generating… this page updates by itself.</p>
      ) : (
        <MediaPreview media={o.media} contentType={contentType} title={o.title} />
      )}
      {canEdit && o.status !== "pending" && o.status !== "generating" && notGoneOut ? (
        <form
          class="output-text"
          onSubmit={(e) => {
            e.preventDefault();
            void m.saveText(o.brandId, { caption, ...(title.trim() ? { title } : {}) });
          }}
        >
          <label for={id("title")}>Title</label>
          <input id={id("title")} value={title} maxLength={200} onInput={(e) => setTitle(e.currentTarget.value)} />
          <label for={id("caption")}>Caption</label>
          <textarea id={id("caption")} rows={4} maxLength={2200} value={caption} onInput={(e) => setCaption(e.currentTarget.value)} />
          <div class="row-inline">
            <button type="submit" class="btn" disabled={!dirty || busy !== null}>
              Save text
            </button>
            <span class="muted">{caption.length}/2200</span>
          </div>
          <InlineError message={err("save")} />
        </form>
      ) : (
        o.caption && <p class="caption">{o.caption}</p>
      )}
      <div class="output-schedule">
        {o.schedule && at !== null ? (
          <>
            <p>
              <span title={formatInZone(at, o.brand.timezone)}>{formatDateTime(at)}</span> <StatusBadge status={o.schedule.status} />{" "}
              <a href="/calendar">On the calendar</a>
            </p>
            {canEdit && notGoneOut && (
              <button type="button" class="btn btn-danger" disabled={busy !== null} onClick={() => m.unschedule(o.brandId, o.schedule!.scheduleId)}>
                Unschedule
              </button>
            )}
            <InlineError message={err("unschedule")} />
          </>
        ) : o.status === "ready" && canEdit ? (
          <>
            {o.hold && <p class="muted">Held: automation will not schedule this one; you can.</p>}
            <div class="row-inline wrap">
              <button type="button" class="btn btn-primary" disabled={busy !== null} onClick={() => m.schedule(o.brandId)}>
                Schedule in next slot
              </button>
              <label class="sr-only" for={id("at")}>
                Pick a time ({viewerZone()})
              </label>
              <input id={id("at")} type="datetime-local" value={when} min={toInputValue(Date.now())} onInput={(e) => setWhen(e.currentTarget.value)} />
              <button
                type="button"
                class="btn"
                disabled={!when || busy !== null}
                onClick={() => {
                  const t = fromInputValue(when);
                  if (t !== null) void m.schedule(o.brandId, new Date(t).toISOString());
                }}
              >
                Schedule at time
              </button>
            </div>
            <InlineError message={err("schedule")} />
          </>
        ) : null}
      </div>
    </section>
  );
}
