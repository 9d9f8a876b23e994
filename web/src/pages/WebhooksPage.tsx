// Webhooks (issue 18 item 7): the workspace's endpoints with their events and
// health, "send test", each one's recent attempts with the endpoint's answers,
// and whether owners get email. Owners add, edit, switch off, rotate and
// delete; a new secret is shown once. Everyone else sees where events go.
import { useEffect, useState } from "preact/hooks";
import type { EventType, Webhook, WebhookAttempt, WebhookFormat } from "../api/types";
import { Alert, Empty, Field, InlineError, Spinner } from "../components/ui";
import type { AppState } from "../state/app";
import { formatDateTime, formatRelative } from "../state/time";
import { DEFAULT_EVENTS, EVENT_CHOICES, type WebhooksModel } from "../state/webhooks";
import "../components/notifications.css";

const FORMATS: Array<{ value: WebhookFormat; label: string; hint: string }> = [
  { value: "standard", label: "Standard Webhooks (JSON, signed)", hint: "Your own endpoint: JSON signed per standardwebhooks.com with the secret shown once." },
  { value: "slack", label: "Slack incoming webhook", hint: "Paste the URL Slack gives an incoming webhook (hooks.slack.com/services/…)." },
  { value: "discord", label: "Discord webhook", hint: "Paste the URL from a Discord channel's Integrations › Webhooks (discord.com/api/webhooks/…)." },
];
const FORMAT_LABEL: Record<WebhookFormat, string> = { standard: "Standard", slack: "Slack", discord: "Discord" };
const EVENT_LABEL = Object.fromEntries(EVENT_CHOICES.map((c) => [c.type, c.label])) as Record<EventType, string>;

export function WebhooksPage({ app }: { app: AppState }) {
  const { webhooks: m, session } = app;
  useEffect(() => {
    void m.load();
  }, []);
  const list = m.list.value;
  const owner = session.isOwner.value;
  if (!list) return <div class="page">{m.error.value ? <Alert>{m.error.value}</Alert> : <Spinner />}</div>;
  return (
    <div class="page webhooks-page">
      <div class="page-head">
        <h1>Webhooks</h1>
      </div>
      <p class="muted page-intro">
        Brandcast tells other systems what happens (a post failed, an account needs reconnecting, proposals wait for review) by posting
        to your endpoints, Slack or Discord. Everyone in the workspace also sees these in the bell at the top.
      </p>
      <EmailStatus enabled={m.emailEnabled.value} />
      {m.error.value && <Alert>{m.error.value}</Alert>}
      <SecretReveal m={m} />
      {list.length === 0 ? (
        <Empty title="No endpoints yet">{owner ? <p>Add one below: your own HTTPS endpoint, a Slack or a Discord webhook.</p> : <p>An owner of the workspace can add one.</p>}</Empty>
      ) : (
        <ul class="hook-list" aria-label="Endpoints">
          {list.map((w) => (
            <HookCard key={w.id} hook={w} m={m} owner={owner} />
          ))}
        </ul>
      )}
      {owner ? <NewHook m={m} /> : <p class="muted">Only owners of the workspace can add or change webhooks.</p>}
    </div>
  );
}

function EmailStatus({ enabled }: { enabled: boolean }) {
  return (
    <p class={`email-status ${enabled ? "is-on" : "is-off"}`} data-testid="email-status">
      {enabled ? (
        <>
          <strong>Email is on.</strong> Owners get what needs attention (failures, accounts to reconnect, switched-off webhooks) as one email an hour
          at most.
        </>
      ) : (
        <>
          <strong>Email is off.</strong> This deployment has no email binding, so nothing is emailed; the bell and webhooks still work. The README's
          "Email" section says how to turn it on.
        </>
      )}
    </p>
  );
}

function SecretReveal({ m }: { m: WebhooksModel }) {
  const r = m.revealed.value;
  const [copied, setCopied] = useState(false);
  useEffect(() => setCopied(false), [r?.secret]);
  if (!r) return null;
  const hook = m.list.value?.find((w) => w.id === r.webhookId);
  return (
    <section class="card secret-reveal" aria-labelledby="secret-h" data-testid="secret-reveal">
      <h2 id="secret-h">{r.rotated ? "New signing secret" : "Signing secret"}</h2>
      <p>
        Copy it now: it is shown this once. {hook?.format === "standard" ? "Your endpoint checks each request's webhook-signature with it." : "Slack and Discord messages are not signed; keep it in case you move to your own endpoint."}
        {r.rotated && " The previous secret keeps signing alongside it for 24 hours, so you can switch over without dropping events."}
      </p>
      <div class="secret-row">
        <label class="sr-only" for="secret-value">
          Signing secret
        </label>
        <input id="secret-value" class="secret-value" readOnly value={r.secret} onFocus={(e) => e.currentTarget.select()} />
        <button
          type="button"
          class="btn"
          onClick={() =>
            void navigator.clipboard?.writeText(r.secret).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" class="btn btn-primary" onClick={() => (m.revealed.value = null)}>
          I have copied it
        </button>
      </div>
    </section>
  );
}

function HookCard({ hook, m, owner }: { hook: Webhook; m: WebhooksModel; owner: boolean }) {
  const [editing, setEditing] = useState(false);
  const [showAttempts, setShowAttempts] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const busy = m.busy.value === hook.id;
  const headingId = `hook-${hook.id}`;
  const now = Date.now();
  useEffect(() => {
    if (showAttempts) void m.loadAttempts(hook.id);
  }, [showAttempts]);
  const toggleAttempts = () => setShowAttempts(!showAttempts);
  return (
    <li class="card hook-card" data-webhook={hook.id} aria-labelledby={headingId}>
      <div class="hook-head">
        <h2 id={headingId} class="hook-url">
          {hook.url}
        </h2>
        <span class={`badge ${hook.enabled ? "tone-published" : "tone-missed"}`}>
          <span class="dot" aria-hidden="true" />
          {hook.enabled ? "On" : "Off"}
        </span>
        <span class="badge hook-format">{FORMAT_LABEL[hook.format]}</span>
      </div>
      {hook.description && <p class="hook-description">{hook.description}</p>}
      {hook.disabledReason && <p class="hook-disabled">{hook.disabledReason}</p>}
      <p class="hook-health muted">
        Last delivered: {hook.lastSuccessAt ? formatRelative(Date.parse(hook.lastSuccessAt), now) : "never"} · Last failed:{" "}
        {hook.lastFailureAt ? formatRelative(Date.parse(hook.lastFailureAt), now) : "never"}
      </p>
      <ul class="hook-events" aria-label="Events">
        {hook.events.map((e) => (
          <li key={e} class="event-chip" title={e}>
            {EVENT_LABEL[e] ?? e}
          </li>
        ))}
      </ul>
      {editing && owner ? (
        <EditHook hook={hook} m={m} onDone={() => setEditing(false)} />
      ) : (
        owner && (
          <div class="btn-row hook-actions">
            <button type="button" class="btn btn-small" disabled={busy} onClick={() => void m.test(hook.id).then(() => setShowAttempts(true))}>
              Send test
            </button>
            <button type="button" class="btn btn-small" disabled={busy} onClick={() => setEditing(true)}>
              Edit
            </button>
            <button type="button" class="btn btn-small" disabled={busy} onClick={() => void m.update(hook.id, { enabled: !hook.enabled })}>
              {hook.enabled ? "Switch off" : "Switch on"}
            </button>
            <button type="button" class="btn btn-small" disabled={busy} onClick={() => void m.rotate(hook.id)}>
              Rotate secret
            </button>
            {confirmDelete ? (
              <>
                <button type="button" class="btn btn-small btn-danger" disabled={busy} onClick={() => void m.remove(hook.id)}>
                  Delete for good
                </button>
                <button type="button" class="btn btn-small" onClick={() => setConfirmDelete(false)}>
                  Keep it
                </button>
              </>
            ) : (
              <button type="button" class="btn btn-small btn-danger" disabled={busy} onClick={() => setConfirmDelete(true)}>
                Delete
              </button>
            )}
          </div>
        )
      )}
      {m.notices.value[hook.id] && <Alert kind="success">{m.notices.value[hook.id]}</Alert>}
      <InlineError message={m.errors.value[hook.id]} />
      <button type="button" class="link hook-attempts-toggle" aria-expanded={showAttempts} aria-controls={`${headingId}-attempts`} onClick={toggleAttempts}>
        {showAttempts ? "Hide recent attempts" : "Show recent attempts"}
      </button>
      {showAttempts && <Attempts id={`${headingId}-attempts`} attempts={m.attempts.value[hook.id]} />}
    </li>
  );
}

function Attempts({ id, attempts }: { id: string; attempts: WebhookAttempt[] | undefined }) {
  if (!attempts) return <Spinner label="Loading attempts…" />;
  if (!attempts.length)
    return (
      <p id={id} class="muted">
        No attempts yet. Send a test to see what your endpoint answers.
      </p>
    );
  return (
    <ol id={id} class="attempts" aria-label="Recent attempts, newest first">
      {attempts.map((a) => {
        const ok = !a.error;
        return (
          <li key={`${a.eventId}-${a.attempt}`} class={ok ? "attempt ok" : "attempt failed"}>
            <span class={`badge ${ok ? "tone-published" : "tone-failed"}`}>
              <span class="dot" aria-hidden="true" />
              {a.responseStatus ?? "No answer"}
            </span>
            <span class="attempt-what">
              {EVENT_LABEL[a.type as EventType] ?? a.type}
              {a.attempt > 1 ? ` (try ${a.attempt})` : ""}
            </span>
            <span class="attempt-when muted">
              {formatDateTime(Date.parse(a.at))} · {a.durationMs} ms
            </span>
            {a.error && <span class="attempt-error">{a.error}</span>}
            {a.response && (
              <code class="attempt-response" title="The start of the endpoint's answer">
                {a.response}
              </code>
            )}
          </li>
        );
      })}
    </ol>
  );
}

function EventPicker({ idPrefix, value, onChange, error }: { idPrefix: string; value: EventType[]; onChange: (v: EventType[]) => void; error?: string }) {
  const errId = error ? `${idPrefix}-events-err` : undefined;
  return (
    <fieldset class="field event-picker" aria-describedby={errId}>
      <legend>Events</legend>
      {EVENT_CHOICES.map((c) => (
        <label key={c.type} class="check">
          <input
            type="checkbox"
            checked={value.includes(c.type)}
            onChange={(e) => onChange(e.currentTarget.checked ? [...value, c.type] : value.filter((v) => v !== c.type))}
          />
          {c.label} <code class="muted">{c.type}</code>
        </label>
      ))}
      {error && (
        <p class="inline-error" id={errId}>
          {error}
        </p>
      )}
    </fieldset>
  );
}

function NewHook({ m }: { m: WebhooksModel }) {
  const [url, setUrl] = useState("");
  const [format, setFormat] = useState<WebhookFormat>("standard");
  const [events, setEvents] = useState<EventType[]>(DEFAULT_EVENTS);
  const [description, setDescription] = useState("");
  const fe = m.fieldErrors.value;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (await m.create({ url: url.trim(), format, events, description: description.trim() })) {
      setUrl("");
      setDescription("");
    }
  };
  return (
    <section class="card new-hook" aria-labelledby="new-hook-h">
      <h2 id="new-hook-h">Add an endpoint</h2>
      <form onSubmit={submit} noValidate>
        <Field id="hook-url" label="URL" error={fe["url"] ?? (m.errors.value["new"] && !Object.keys(fe).length ? m.errors.value["new"] : undefined)} hint="https only, on a public host.">
          {(id, describedBy) => (
            <input id={id} type="url" inputMode="url" required value={url} aria-describedby={describedBy} placeholder="https://example.com/hooks/brandcast" onInput={(e) => setUrl(e.currentTarget.value)} />
          )}
        </Field>
        <Field id="hook-format" label="Format" hint={FORMATS.find((f) => f.value === format)!.hint}>
          {(id, describedBy) => (
            <select id={id} value={format} aria-describedby={describedBy} onChange={(e) => setFormat(e.currentTarget.value as WebhookFormat)}>
              {FORMATS.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <EventPicker idPrefix="new" value={events} onChange={setEvents} error={fe["events"]} />
        <Field id="hook-description" label="Description (optional)" error={fe["description"]}>
          {(id, describedBy) => <input id={id} value={description} maxLength={200} aria-describedby={describedBy} onInput={(e) => setDescription(e.currentTarget.value)} />}
        </Field>
        {m.errors.value["new"] && Object.keys(fe).length > 0 && <InlineError message={m.errors.value["new"]} />}
        <button type="submit" class="btn btn-primary" disabled={m.busy.value === "new"}>
          Add endpoint
        </button>
      </form>
    </section>
  );
}

function EditHook({ hook, m, onDone }: { hook: Webhook; m: WebhooksModel; onDone: () => void }) {
  const owned = !hook.url.endsWith("/…");
  const [url, setUrl] = useState(owned ? hook.url : "");
  const [events, setEvents] = useState<EventType[]>(hook.events);
  const [description, setDescription] = useState(hook.description);
  const prefix = `edit-${hook.id}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    const input = { events, description: description.trim(), ...(url.trim() && url.trim() !== hook.url ? { url: url.trim() } : {}) };
    if (await m.update(hook.id, input)) onDone();
  };
  return (
    <form class="edit-hook" onSubmit={submit} noValidate>
      <Field id={`${prefix}-url`} label="URL">
        {(id, describedBy) => <input id={id} type="url" value={url} aria-describedby={describedBy} onInput={(e) => setUrl(e.currentTarget.value)} />}
      </Field>
      <EventPicker idPrefix={prefix} value={events} onChange={setEvents} />
      <Field id={`${prefix}-description`} label="Description (optional)">
        {(id, describedBy) => <input id={id} value={description} maxLength={200} aria-describedby={describedBy} onInput={(e) => setDescription(e.currentTarget.value)} />}
      </Field>
      <div class="btn-row">
        <button type="submit" class="btn btn-primary btn-small" disabled={m.busy.value === hook.id}>
          Save
        </button>
        <button type="button" class="btn btn-small" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
