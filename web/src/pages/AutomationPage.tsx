// Automation: paused/running, review mode, burst time and zone, last and next
// runs, each brand's quota today, the proposals inbox, the recent run log, and
// "run now" for each pass (owners).
import { useEffect, useState } from "preact/hooks";
import { BrandQuotas } from "../components/automation/BrandQuotas";
import { ProposalsInbox } from "../components/automation/ProposalsInbox";
import { WorkspaceUsage } from "../components/automation/WorkspaceUsage";
import { Alert, Field, InlineError, Spinner, StatusBadge } from "../components/ui";
import type { Run } from "../api/types";
import type { AppState } from "../state/app";
import { PASSES } from "../state/automation";
import { formatDateTime, formatRelative } from "../state/time";

export function AutomationPage({ app }: { app: AppState }) {
  const { automation: m, session } = app;
  useEffect(() => {
    void m.load();
    const t = setInterval(() => document.visibilityState === "visible" && void m.load(), 20_000);
    return () => clearInterval(t);
  }, []);
  const s = m.state.value;
  const [burstTime, setBurstTime] = useState("");
  const [zone, setZone] = useState("");
  useEffect(() => {
    if (s) {
      setBurstTime(s.burstTime);
      setZone(s.timezone);
    }
  }, [s?.burstTime, s?.timezone]);
  if (!s) return <div class="page">{m.error.value ? <Alert>{m.error.value}</Alert> : <Spinner />}</div>;
  const owner = session.isOwner.value;
  const canEdit = session.canEdit.value;
  const now = Date.now();
  const when = (v: Run | string | null) => {
    const iso = typeof v === "string" ? v : v?.startedAt;
    const t = iso ? Date.parse(iso) : NaN;
    if (Number.isNaN(t)) return "never";
    const run = typeof v === "object" && v ? ` · ${v.status}, ${v.processed} processed${v.failed ? `, ${v.failed} failed` : ""}` : "";
    return (
      <span>
        {formatDateTime(t)} ({formatRelative(t, now)}){run}
      </span>
    );
  };
  return (
    <div class="page">
      <div class="page-head">
        <h1>Automation</h1>
      </div>
      <section class="card auto-status" aria-labelledby="as-h">
        <h2 id="as-h">
          Automation is <span class={s.paused ? "paused" : "running"}>{s.paused ? "paused" : "running"}</span>
        </h2>
        <p class="muted">{s.paused ? "The daily burst is skipped. Scheduled items still publish." : "The daily burst writes and generates content; catch-up schedules ready outputs."}</p>
        {canEdit && (
          <button type="button" class="btn" aria-pressed={!s.paused} disabled={m.busy.value === "toggle"} onClick={() => m.setPaused(!s.paused)}>
            {s.paused ? "Resume automation" : "Pause automation"}
          </button>
        )}
        <InlineError message={m.errors.value["toggle"]} />
        <fieldset class="review-mode">
          <legend>Review</legend>
          <label>
            <input type="radio" name="review" value="auto" checked={s.review === "auto"} disabled={!owner || m.busy.value === "review"} onChange={() => m.setReview("auto")} />{" "}
            Automatic: the quality gate decides, accepted proposals become jobs
          </label>
          <label>
            <input type="radio" name="review" value="manual" checked={s.review === "manual"} disabled={!owner || m.busy.value === "review"} onChange={() => m.setReview("manual")} />{" "}
            Manual: proposals wait in the inbox for a person
          </label>
          {!owner && <p class="muted">Only owners can change the review mode.</p>}
          <InlineError message={m.errors.value["review"]} />
        </fieldset>
        <dl class="facts">
          <dt>Last burst</dt>
          <dd>{when(s.lastBurst)}</dd>
          <dt>Next burst</dt>
          <dd>{s.paused ? "paused" : when(s.nextBurst)}</dd>
          <dt>Last catch-up</dt>
          <dd>{when(s.lastCatchup)}</dd>
        </dl>
      </section>
      <ProposalsInbox model={m} brands={s.quotas.map((q) => ({ id: q.brandId, name: q.brand }))} canEdit={canEdit} />
      {s.usage && <WorkspaceUsage usage={s.usage} />}
      <BrandQuotas quotas={s.quotas} />
      <form
        class="card form-grid"
        aria-labelledby="bt-h"
        onSubmit={(e) => {
          e.preventDefault();
          void m.save({ burstTime, timezone: zone });
        }}
      >
        <h2 id="bt-h">Daily burst</h2>
        <Field id="au-time" label="Burst time">
          {(id) => <input id={id} type="time" value={burstTime} disabled={!canEdit} onInput={(e) => setBurstTime(e.currentTarget.value)} />}
        </Field>
        <Field id="au-zone" label="Workspace time zone">
          {(id) => <input id={id} value={zone} disabled={!canEdit} onInput={(e) => setZone(e.currentTarget.value)} />}
        </Field>
        {canEdit && (
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled={m.busy.value === "settings"}>
              Save
            </button>
            <InlineError message={m.errors.value["settings"]} />
          </div>
        )}
      </form>
      <section class="card" aria-labelledby="rn-h">
        <h2 id="rn-h">Run a pass now</h2>
        {!owner && <p class="muted">Only owners can run passes by hand.</p>}
        <ul class="passes">
          {PASSES.map((p) => (
            <li key={p.id}>
              <div>
                <strong>{p.label}</strong>
                <p class="muted">{p.help}</p>
                <InlineError message={m.errors.value[`run:${p.id}`]} />
              </div>
              <button type="button" class="btn" disabled={!owner || m.busy.value !== null || (s.available !== undefined && !s.available.includes(p.id))} onClick={() => m.run(p.id)} aria-label={`${m.busy.value === `run:${p.id}` ? "Running…" : "Run now"}: ${p.label}`}>
                {m.busy.value === `run:${p.id}` ? "Running…" : "Run now"}
              </button>
            </li>
          ))}
        </ul>
        {m.lastRun.value && (
          <Alert kind="success">
            {PASSES.find((p) => p.id === m.lastRun.value!.kind)?.label}: {m.lastRun.value.processed} processed, {m.lastRun.value.succeeded} succeeded,{" "}
            {m.lastRun.value.failed} failed{m.lastRun.value.remaining ? `, ${m.lastRun.value.remaining} remaining` : ""}.
          </Alert>
        )}
      </section>
      <section class="card" aria-labelledby="log-h">
        <h2 id="log-h">Recent runs</h2>
        {s.recent.length === 0 ? (
          <p class="muted">No runs yet. Passes run every 10 minutes, or use “Run now”.</p>
        ) : (
          <div class="table-scroll">
            <table class="runs">
              <thead>
                <tr>
                  <th scope="col">Pass</th>
                  <th scope="col">Started</th>
                  <th scope="col">Trigger</th>
                  <th scope="col">Status</th>
                  <th scope="col">Processed</th>
                  <th scope="col">OK</th>
                  <th scope="col">Failed</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {s.recent.map((r) => (
                  <tr key={r.id}>
                    <td>{PASSES.find((p) => p.id === r.kind)?.label ?? r.kind}</td>
                    <td>{formatDateTime(Date.parse(r.startedAt))}</td>
                    <td>{r.trigger}</td>
                    <td>
                      <StatusBadge status={r.status === "succeeded" ? "published" : r.status === "failed" ? "failed" : "publishing"} label={r.status} />
                    </td>
                    <td>{r.processed}</td>
                    <td>{r.succeeded}</td>
                    <td>{r.failed}</td>
                    <td class="run-error">{r.error ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
