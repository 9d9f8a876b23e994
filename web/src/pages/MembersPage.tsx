// Members: who is in the workspace and with which role, and the invitations
// still open. Owners invite by email (the link is shown once, to copy),
// change roles, remove people and revoke invitations; editors and viewers
// see the same lists, read-only.
import { useEffect, useRef, useState } from "preact/hooks";
import type { Invitation, Member, Role } from "../api/types";
import { Alert, Field, InlineError, Spinner } from "../components/ui";
import type { AppState } from "../state/app";
import type { MembersModel } from "../state/members";
import { formatDay, formatDateTime } from "../state/time";

const ROLES: Array<{ role: Role; label: string; help: string }> = [
  { role: "owner", label: "Owner", help: "everything, including members and automation settings" },
  { role: "editor", label: "Editor", help: "brands, jobs and the calendar" },
  { role: "viewer", label: "Viewer", help: "sees everything, changes nothing" },
];
const roleLabel = (r: Role) => ROLES.find((x) => x.role === r)!.label;

export function MembersPage({ app }: { app: AppState }) {
  const { members: m, session } = app;
  useEffect(() => void m.load(), []);
  const list = m.list.value;
  if (!list) return <div class="page">{m.error.value ? <Alert>{m.error.value}</Alert> : <Spinner />}</div>;
  const owner = session.isOwner.value;
  const meId = session.me.value?.user.id;
  return (
    <div class="page members-page">
      <div class="page-head">
        <h1>Members</h1>
      </div>
      {m.error.value && <Alert>{m.error.value}</Alert>}
      {owner ? <InviteForm m={m} /> : <p class="muted">Only owners invite people and change roles.</p>}
      <section class="card" aria-labelledby="members-h">
        <h2 id="members-h">
          People <span class="count">{list.members.length}</span>
        </h2>
        <ul class="member-list">
          {list.members.map((p) => (
            <MemberRow key={p.userId} p={p} m={m} owner={owner} self={p.userId === meId} onSelfChange={() => session.refresh()} />
          ))}
        </ul>
      </section>
      <section class="card" aria-labelledby="invites-h">
        <h2 id="invites-h">
          Open invitations <span class="count">{list.invitations.length}</span>
        </h2>
        {list.invitations.length === 0 ? (
          <p class="muted">No invitation is waiting for an answer.</p>
        ) : (
          <ul class="member-list">
            {list.invitations.map((i) => (
              <InvitationRow key={i.id} i={i} m={m} owner={owner} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function InviteForm({ m }: { m: MembersModel }) {
  const fe = m.inviteFieldErrors.value;
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("editor");
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (await m.invite({ email, role })) {
      setEmail("");
      setRole("editor");
    }
  };
  return (
    <section class="card" aria-labelledby="invite-h">
      <h2 id="invite-h">Invite someone</h2>
      <form class="invite-form" onSubmit={onSubmit} noValidate>
        <Field id="inv-email" label="Email" error={fe["email"]}>
          {(id, d) => (
            <input
              id={id}
              name="email"
              type="email"
              autoComplete="off"
              required
              value={email}
              onInput={(e) => setEmail(e.currentTarget.value)}
              aria-describedby={d}
              aria-invalid={!!fe["email"]}
            />
          )}
        </Field>
        <Field id="inv-role" label="Role" error={fe["role"]}>
          {(id, d) => (
            <select id={id} name="role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)} aria-describedby={d}>
              {ROLES.map((r) => (
                <option key={r.role} value={r.role}>
                  {r.label}: {r.help}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={m.inviting.value}>
            {m.inviting.value ? "Inviting…" : "Create invitation"}
          </button>
        </div>
      </form>
      {m.inviteError.value && !Object.keys(fe).length && <Alert>{m.inviteError.value}</Alert>}
      {m.lastInvite.value && <NewInvitation inv={m.lastInvite.value} />}
    </section>
  );
}

/** The link, shown once: a read-only field to select and a button that copies it. */
function NewInvitation({ inv }: { inv: NonNullable<MembersModel["lastInvite"]["value"]> }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const field = useRef<HTMLInputElement>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(inv.url);
      setCopied("yes");
    } catch {
      // No clipboard access (an http page, a refused permission): select it for Ctrl-C.
      field.current?.select();
      setCopied("no");
    }
  };
  return (
    <div class="alert alert-success new-invite" role="status">
      <p>
        <strong>Invitation for {inv.email}</strong> ({roleLabel(inv.role)}).{" "}
        {inv.emailed ? "We emailed them the link; you can also send it yourself." : "Send them this link."} It works once, until{" "}
        {formatDateTime(Date.parse(inv.expiresAt))}, and is not shown again.
      </p>
      <div class="row-inline invite-link">
        <label class="sr-only" for="invite-url">
          Invitation link
        </label>
        <input id="invite-url" ref={field} readOnly value={inv.url} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" class="btn" onClick={copy}>
          Copy link
        </button>
      </div>
      <p class="copy-note" aria-live="polite">
        {copied === "yes" ? "Copied." : copied === "no" ? "Selected: press Ctrl-C (⌘-C) to copy." : ""}
      </p>
    </div>
  );
}

function MemberRow({ p, m, owner, self, onSelfChange }: { p: Member; m: MembersModel; owner: boolean; self: boolean; onSelfChange: () => void }) {
  const [confirming, setConfirming] = useState<boolean | null>(null);
  const busy = m.busy.value !== null;
  const name = p.name || p.email;
  // The button pressed goes away: focus moves to the one that replaces it.
  const confirmButton = useRef<HTMLButtonElement>(null);
  const removeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming === null) return;
    (confirming ? confirmButton : removeButton).current?.focus();
  }, [confirming]);
  return (
    <li class="member-row">
      <div class="member-who">
        <span class="member-name">
          {name}
          {self && <span class="muted"> (you)</span>}
        </span>
        <span class="muted member-email">{p.email}</span>
      </div>
      <div class="member-role">
        {owner ? (
          <>
            <label class="sr-only" for={`role-${p.userId}`}>
              Role of {name}
            </label>
            <select
              id={`role-${p.userId}`}
              value={p.role}
              disabled={busy}
              onChange={async (e) => {
                const ok = await m.changeRole(p.userId, e.currentTarget.value as Role);
                if (ok && self) onSelfChange();
              }}
            >
              {ROLES.map((r) => (
                <option key={r.role} value={r.role}>
                  {r.label}
                </option>
              ))}
            </select>
          </>
        ) : (
          <span class={`role-tag role-${p.role}`}>{roleLabel(p.role)}</span>
        )}
      </div>
      <div class="member-meta muted">Joined {formatDay(Date.parse(p.joinedAt))}</div>
      {owner && !self && (
        <div class="row-actions">
          {confirming ? (
            <>
              <button type="button" ref={confirmButton} class="btn btn-small btn-danger" disabled={busy} onClick={() => m.remove(p.userId)}>
                Remove {name}
              </button>
              <button type="button" class="btn btn-small" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </>
          ) : (
            <button type="button" ref={removeButton} class="btn btn-small" disabled={busy} aria-label={`Remove ${name}`} onClick={() => setConfirming(true)}>
              Remove
            </button>
          )}
        </div>
      )}
      <InlineError message={m.rowErrors.value[p.userId]} />
    </li>
  );
}

function InvitationRow({ i, m, owner }: { i: Invitation; m: MembersModel; owner: boolean }) {
  return (
    <li class="member-row">
      <div class="member-who">
        <span class="member-name">{i.email}</span>
        <span class="muted member-email">{i.createdBy ? `Invited by ${i.createdBy.name}` : "Invited"}</span>
      </div>
      <div class="member-role">
        <span class={`role-tag role-${i.role}`}>{roleLabel(i.role)}</span>
      </div>
      <div class="member-meta muted">Expires {formatDateTime(Date.parse(i.expiresAt))}</div>
      {owner && (
        <div class="row-actions">
          <button type="button" class="btn btn-small" disabled={m.busy.value !== null} aria-label={`Revoke the invitation for ${i.email}`} onClick={() => m.revoke(i.id)}>
            Revoke
          </button>
        </div>
      )}
      <InlineError message={m.rowErrors.value[i.id]} />
    </li>
  );
}
