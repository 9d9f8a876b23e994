// The proposals inbox: what the burst wrote, with the gate's score and reason
// in words, filtered by brand and status; a person accepts one (the job is
// created as them) or rejects it with a reason.
import { useEffect, useState } from "preact/hooks";
import type { Proposal, ProposalStatus } from "../../api/types";
import type { AutomationModel } from "../../state/automation";
import { formatDateTime } from "../../state/time";
import { BrandOptions, InlineError, StatusBadge } from "../ui";

const STATUSES: Array<{ id: ProposalStatus | ""; label: string }> = [
  { id: "pending", label: "Waiting for review" },
  { id: "accepted", label: "Accepted" },
  { id: "rejected", label: "Rejected" },
  { id: "failed", label: "Failed" },
  { id: "", label: "All" },
];

const BADGE: Record<ProposalStatus, "scheduled" | "published" | "failed" | "publishing"> = {
  pending: "publishing",
  accepted: "published",
  rejected: "failed",
  failed: "failed",
};

export function ProposalsInbox({ model, brands, canEdit }: { model: AutomationModel; brands: Array<{ id: string; name: string }>; canEdit: boolean }) {
  useEffect(() => void model.loadProposals(), []);
  const list = model.proposals.value;
  const f = model.proposalFilter.value;
  const count = model.state.value?.pendingProposals ?? 0;
  return (
    <section class="card" aria-labelledby="inbox-h">
      <h2 id="inbox-h">
        Proposals <span class="count" aria-label={`${count} waiting for review`}>{count}</span>
      </h2>
      <div class="filters">
        <label>
          Status{" "}
          <select value={f.status} onChange={(e) => void model.filterProposals({ status: e.currentTarget.value as ProposalStatus | "" })}>
            {STATUSES.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Brand{" "}
          <select value={f.brand} onChange={(e) => void model.filterProposals({ brand: e.currentTarget.value })}>
            <BrandOptions brands={brands} />
          </select>
        </label>
      </div>
      <InlineError message={model.errors.value["proposals"]} />
      {list === null ? null : list.length === 0 ? (
        <p class="muted">No proposals here. The daily burst writes them; in manual review they wait here for you.</p>
      ) : (
        <ul class="proposals">
          {list.map((p) => (
            <ProposalItem key={p.id} p={p} model={model} canEdit={canEdit} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ProposalItem({ p, model, canEdit }: { p: Proposal; model: AutomationModel; canEdit: boolean }) {
  const [reason, setReason] = useState("");
  const busy = model.busy.value;
  const canAccept = canEdit && (p.status === "pending" || p.status === "rejected");
  return (
    <li class="proposal">
      <div>
        <strong>{p.title}</strong>{" "}
        <StatusBadge status={BADGE[p.status]} label={p.status} />
        <p class="muted">
          {p.brand} · {p.variant === "post" ? "post" : `${p.variant} reel`} · {p.angle} · written by {p.writer === "llm" ? "the LLM" : "templates"} ·{" "}
          {formatDateTime(Date.parse(p.createdAt))}
        </p>
        {p.arm && (
          // Why this topic: the arm the learning loop sampled from the brand's past posts (or explored).
          <p class="muted arm">
            Learning loop's pick: topic “{p.arm.topic}”, hook “{p.arm.hook}”
          </p>
        )}
        <p>
          <span class="score" title="Quality score out of 100">
            {p.score}/100
          </span>{" "}
          {p.reason}
        </p>
        {p.caption && (
          <details>
            <summary>Caption</summary>
            <pre class="caption">{p.caption}</pre>
          </details>
        )}
        {p.jobId && <a href={`/jobs/${p.jobId}`}>View job {p.jobId}</a>}
        <InlineError message={model.errors.value[`accept:${p.id}`] ?? model.errors.value[`reject:${p.id}`]} />
      </div>
      {canEdit && (p.status === "pending" || canAccept) && (
        <div class="proposal-actions">
          {canAccept && (
            <button type="button" class="btn btn-primary" disabled={busy !== null} onClick={() => void model.accept(p.id)}>
              {busy === `accept:${p.id}` ? "Accepting…" : "Accept"}
            </button>
          )}
          {p.status === "pending" && (
            <>
              <input aria-label={`Reason for rejecting “${p.title}”`} placeholder="Reason (optional)" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
              <button type="button" class="btn" disabled={busy !== null} onClick={() => void model.reject(p.id, reason.trim() || undefined)}>
                {busy === `reject:${p.id}` ? "Rejecting…" : "Reject"}
              </button>
            </>
          )}
        </div>
      )}
    </li>
  );
}
