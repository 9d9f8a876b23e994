// Jobs: the four categories with counts, filters, and per-brand output chips
// whose state comes from the same schedule rows the Calendar shows.
import { useEffect, useState } from "preact/hooks";
import type { Brand, Job, Platform, Variant } from "../api/types";
import { Alert, CreatorTag, Empty, Field, InlineError, Spinner, StatusBadge, TypeIcon } from "../components/ui";
import type { AppState } from "../state/app";
import { CATEGORIES } from "../state/jobs";
import { OutputChips } from "./jobs-shared";
import { formatDateTime } from "../state/time";
import { ApiError } from "../api/client";
import { messageOf } from "../state/calendar";

export function JobsPage({ app }: { app: AppState }) {
  const { jobs, brands, network, session } = app;
  const [creating, setCreating] = useState(false);
  useEffect(() => {
    void jobs.load();
    if (!brands.list.peek()) void brands.load();
    const t = setInterval(() => document.visibilityState === "visible" && void jobs.load(), 10_000);
    const off = network.onReconnect(() => void jobs.load());
    return () => {
      clearInterval(t);
      off();
    };
  }, []);
  const counts = jobs.counts.value;
  const visible = jobs.visible.value;
  const brandList = brands.list.value ?? [];
  return (
    <div class="page">
      <div class="page-head">
        <h1>Jobs</h1>
        {session.canEdit.value && (
          <button type="button" class="btn btn-primary" onClick={() => setCreating(!creating)} aria-expanded={creating}>
            New job
          </button>
        )}
      </div>
      {creating && <NewJobForm app={app} brands={brandList} onDone={() => setCreating(false)} />}
      <div class="toolbar">
        <div class="tabs" role="group" aria-label="Category">
          {CATEGORIES.map((c) => (
            <button key={c.id} type="button" aria-pressed={jobs.category.value === c.id} onClick={() => jobs.setCategory(c.id)}>
              {c.label} <span class="count">{jobs.jobs.value ? counts[c.id] : "…"}</span>
            </button>
          ))}
        </div>
        <div class="toolbar-group filters">
          <label class="sr-only" for="jobs-variant">
            Variant
          </label>
          <select id="jobs-variant" value={jobs.variant.value} onChange={(e) => jobs.setFilter({ variant: e.currentTarget.value as Variant | "" })}>
            <option value="">All variants</option>
            <option value="light">Reel (light)</option>
            <option value="dark">Reel (dark)</option>
            <option value="post">Post</option>
          </select>
          <label class="sr-only" for="jobs-brand">
            Brand
          </label>
          <select id="jobs-brand" value={jobs.brand.value} onChange={(e) => jobs.setFilter({ brand: e.currentTarget.value })}>
            <option value="">All brands</option>
            {brandList.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {jobs.error.value && <Alert>Couldn't load jobs: {jobs.error.value}</Alert>}
      {visible === null ? (
        <Spinner />
      ) : visible.length === 0 ? (
        <Empty title={`No jobs in “${CATEGORIES.find((c) => c.id === jobs.category.value)!.label}”.`}>
          {brandList.length === 0 ? (
            <p>
              <a href="/brands">Create a brand</a> first; then create a job here.
            </p>
          ) : (
            <p>Create a job with “New job”, or let the daily burst write some.</p>
          )}
        </Empty>
      ) : (
        <ul class="job-list">
          {visible.map((j) => (
            <li key={j.jobId} class="job-row" data-job={j.jobId}>
              <div class="job-main">
                <TypeIcon variant={j.variant} />
                <a href={`/jobs/${encodeURIComponent(j.jobId)}`} class="job-link">
                  <span class="job-id">{j.jobId}</span> {j.title ?? j.topic ?? "Untitled"}
                </a>
                <StatusBadge status={j.status === "completed" ? "ready" : j.status} label={j.status} />
                <span class="muted job-meta">
                  {formatDateTime(Date.parse(j.createdAt))} · <CreatorTag creator={j.createdBy} />
                </span>
              </div>
              <OutputChips job={j} />
            </li>
          ))}
        </ul>
      )}
      {jobs.hasMore.value && (
        <button type="button" class="btn" onClick={() => void jobs.loadMore()}>
          Show more
        </button>
      )}
    </div>
  );
}

const PLATFORM_CHOICES: Platform[] = ["sandbox", "instagram", "facebook", "youtube"];

function NewJobForm({ app, brands, onDone }: { app: AppState; brands: Brand[]; onDone: () => void }) {
  const [error, setError] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const [pending, setPending] = useState(false);
  if (brands.length === 0)
    return (
      <Alert kind="info">
        You need a brand first. <a href="/brands">Create one</a>.
      </Alert>
    );
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const chosen = f.getAll("brands").map(String);
    const platforms = f.getAll("platforms").map(String) as Platform[];
    setPending(true);
    setError(null);
    try {
      const job = await app.api.createJob({
        variant: String(f.get("variant")) as Variant,
        brands: chosen,
        title: String(f.get("title") ?? "").trim() || undefined,
        topic: String(f.get("topic") ?? "").trim() || undefined,
        platforms: platforms.length ? platforms : undefined,
      });
      onDone();
      app.router.navigate(`/jobs/${encodeURIComponent(job.jobId)}`);
    } catch (err) {
      setError({ message: messageOf(err), fields: err instanceof ApiError ? err.fieldErrors() : {} });
    } finally {
      setPending(false);
    }
  };
  return (
    <form class="card form-grid" onSubmit={submit} aria-label="New job">
      <Field id="nj-variant" label="Variant" error={error?.fields["variant"]}>
        {(id) => (
          <select id={id} name="variant">
            <option value="light">Reel (light)</option>
            <option value="dark">Reel (dark)</option>
            <option value="post">Post (carousel)</option>
          </select>
        )}
      </Field>
      <Field id="nj-title" label="Title (optional)" error={error?.fields["title"]}>
        {(id) => <input id={id} name="title" maxLength={200} />}
      </Field>
      <Field id="nj-topic" label="Topic (optional)" error={error?.fields["topic"]}>
        {(id) => <input id={id} name="topic" maxLength={500} />}
      </Field>
      <fieldset class="field">
        <legend>Brands</legend>
        {brands.map((b, i) => (
          <label key={b.id} class="check">
            <input type="checkbox" name="brands" value={b.id} defaultChecked={i === 0} /> {b.name}
          </label>
        ))}
        {error?.fields["brands"] && <p class="inline-error">{error.fields["brands"]}</p>}
      </fieldset>
      <fieldset class="field">
        <legend>Platforms</legend>
        {PLATFORM_CHOICES.map((p) => (
          <label key={p} class="check">
            <input type="checkbox" name="platforms" value={p} /> {p}
          </label>
        ))}
        <p class="hint">None ticked: Instagram, Facebook and YouTube. Platforms a brand has not connected are skipped.</p>
      </fieldset>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={pending}>
          Create job
        </button>
        <button type="button" class="btn" onClick={onDone}>
          Cancel
        </button>
        <InlineError message={error?.message} />
      </div>
    </form>
  );
}
