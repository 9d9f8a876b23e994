// Needs attention: every delivery a person must act on (failed, missed,
// waiting for a reconnect), grouped, each with its reason in words and a
// Retry that re-runs only what failed. Polls while visible, like the calendar.
import { useEffect } from "preact/hooks";
import type { DeliveryListItem } from "../api/types";
import { Alert, InlineError, Spinner, StatusBadge } from "../components/ui";
import type { AppState } from "../state/app";
import { ATTENTION_GROUPS } from "../state/attention";
import { formatDateTime } from "../state/time";

const PLATFORM_LABEL: Record<string, string> = { instagram: "Instagram", facebook: "Facebook", youtube: "YouTube", sandbox: "Sandbox" };

export function AttentionPage({ app }: { app: AppState }) {
  const { attention: m, brands, session } = app;
  useEffect(() => {
    void m.load();
    if (!brands.list.peek()) void brands.load();
    const t = setInterval(() => document.visibilityState === "visible" && void m.load(), 20_000);
    return () => clearInterval(t);
  }, []);
  const groups = m.visible.value;
  if (!groups) return <div class="page">{m.error.value ? <Alert>{m.error.value}</Alert> : <Spinner />}</div>;
  const canEdit = session.canEdit.value;
  const brandName = (id: string) => brands.byId.value.get(id)?.name ?? "Brand";
  return (
    <div class="page">
      <div class="page-head">
        <h1>Needs attention</h1>
      </div>
      {m.error.value && <Alert>{m.error.value}</Alert>}
      {m.count.value === 0 && (
        <div class="empty" data-testid="attention-empty">
          <p class="empty-title">Nothing needs you</p>
          <p class="muted">Every item published, or is still on its way.</p>
        </div>
      )}
      {ATTENTION_GROUPS.map((g) => {
        const rows = groups[g.status];
        if (!rows.length) return null;
        return (
          <section key={g.status} class="card attention-group" aria-labelledby={`att-${g.status}`}>
            <h2 id={`att-${g.status}`}>
              {g.title} <span class="count">{rows.length}</span>
            </h2>
            <p class="muted">{g.help}</p>
            <div class="table-scroll">
            <table class="runs attention-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Brand</th>
                  <th scope="col">Platform</th>
                  <th scope="col">Status</th>
                  <th scope="col">Reason</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((d) => (
                  <AttentionRow key={d.deliveryId} d={d} brand={brandName(d.brandId)} canEdit={canEdit} app={app} reconnect={g.status === "needs_reconnect"} />
                ))}
              </tbody>
            </table>
            </div>
          </section>
        );
      })}
    </div>
  );
}

function AttentionRow({ d, brand, canEdit, app, reconnect }: { d: DeliveryListItem; brand: string; canEdit: boolean; app: AppState; reconnect: boolean }) {
  const m = app.attention;
  return (
    <tr data-delivery={d.deliveryId}>
      <td>{formatDateTime(Date.parse(d.scheduledAt))}</td>
      <td>{brand}</td>
      <td>{PLATFORM_LABEL[d.platform] ?? d.platform}</td>
      <td>
        <StatusBadge status={d.status} />
        {d.attempts > 0 && <span class="muted"> · {d.attempts} attempt{d.attempts === 1 ? "" : "s"}</span>}
      </td>
      <td class="reason">
        {d.error ?? "No reason was recorded."}
        <InlineError message={m.itemErrors.value[d.scheduleId]} />
      </td>
      <td class="row-actions">
        {reconnect && (
          <a class="btn btn-small" href={`/brands/${encodeURIComponent(d.brandId)}`}>
            Reconnect
          </a>
        )}
        {canEdit && (
          <button type="button" class="btn btn-small" disabled={m.busy.value !== null} onClick={() => m.retry(d)}>
            {m.busy.value === d.scheduleId ? "Retrying…" : "Retry"}
          </button>
        )}
      </td>
    </tr>
  );
}
