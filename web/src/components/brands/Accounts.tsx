// Connected accounts per platform: status, name, expiry; Connect and
// Reconnect open the platform's consent page (PLATFORMS.md §7); a grant that
// covers several accounts asks which one; the sandbox (and operators with a
// token in hand) can still paste one.
import { useState } from "preact/hooks";
import type { Account, Brand, Platform } from "../../api/types";
import type { AppState } from "../../state/app";
import { messageOf } from "../../state/calendar";
import { Alert, Field, InlineError, StatusBadge } from "../ui";
import { CandidatePicker } from "./CandidatePicker";
import { PLATFORM_LABEL, shortDate } from "./platforms";
import "./accounts.css";

const PLATFORMS: Platform[] = ["instagram", "facebook", "youtube", "sandbox"];

/** What the OAuth callback said when it sent the browser back here (`?connected=`, `?select=`, `?connect_error=`). */
function callbackNotice(): { error?: string; connected?: string } {
  const q = new URLSearchParams(typeof window === "undefined" ? "" : window.location.search);
  const connected = q.get("connected") as Platform | null;
  return { error: q.get("connect_error") ?? undefined, connected: connected && PLATFORM_LABEL[connected] ? PLATFORM_LABEL[connected] : undefined };
}

export function Accounts({ app, brand, canEdit }: { app: AppState; brand: Brand; canEdit: boolean }) {
  const notice = callbackNotice();
  return (
    <section class="card" aria-labelledby="acc-h">
      <h2 id="acc-h">Connected accounts</h2>
      {notice.error && <Alert>Not connected: {notice.error}</Alert>}
      {notice.connected && <Alert kind="success">{notice.connected} connected.</Alert>}
      <ul class="accounts">
        {PLATFORMS.map((p) => (
          <AccountRow key={p} app={app} brand={brand} platform={p} account={brand.accounts.find((x) => x.platform === p)} canEdit={canEdit} />
        ))}
      </ul>
    </section>
  );
}

function statusBadge(a: Account | undefined) {
  if (!a) return <StatusBadge status="skipped" label="Not connected" />;
  if (a.status === "connected") return <StatusBadge status="published" label="Connected" />;
  if (a.status === "pending_selection") return <StatusBadge status="queued" label="Choose one" />;
  return <StatusBadge status="failed" label="Needs reconnecting" />;
}

function AccountRow({ app, brand, platform, account: a, canEdit }: { app: AppState; brand: Brand; platform: Platform; account?: Account; canEdit: boolean }) {
  const { brands } = app;
  const [pasting, setPasting] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const e = brands.formErrors.value[`${brand.id}:${platform}`];
  const label = PLATFORM_LABEL[platform];

  async function connect(via?: "facebook" | "instagram") {
    setBusy(true);
    setError(null);
    try {
      const { authorizeUrl } = await app.api.startConnect(brand.id, platform, via);
      window.location.assign(authorizeUrl);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  }

  const meta: string[] = [];
  if (a?.status !== "pending_selection" && a) {
    meta.push(a.name ? (platform === "instagram" ? `@${a.name}` : a.name) : a.externalId);
    meta.push(a.expiresAt ? `token expires ${shortDate(a.expiresAt)}` : "token does not expire");
    if (a.connectedAt) meta.push(`connected ${shortDate(a.connectedAt)}`);
  }
  const oauth = platform !== "sandbox";
  const reconnectVia = platform === "instagram" ? (a?.loginVia ?? "instagram") : undefined;
  return (
    <li aria-label={label}>
      <div class="account-head">
        <span class="platform">{label}</span>
        {statusBadge(a)}
      </div>
      {meta.length > 0 && <p class="account-meta">{meta.join(" · ")}</p>}
      {a?.statusReason && <p class="inline-error">{a.statusReason}</p>}
      {a?.status === "connected" && a.analytics === "missing" && (
        <p class="account-note">
          Publishing works. Reconnect to see analytics: the {label} sign-in did not allow Brandcast to read this account's insights.
        </p>
      )}
      {a?.status === "pending_selection" && <CandidatePicker app={app} brandId={brand.id} platform={platform} canEdit={canEdit} />}
      {canEdit && (
        <div class="account-actions">
          {oauth && (
            <button type="button" class="btn btn-small btn-primary" disabled={busy} onClick={() => connect(a ? reconnectVia : undefined)}>
              {a ? "Reconnect" : `Connect ${label}`}
            </button>
          )}
          {platform === "instagram" && !a && (
            <button type="button" class="btn btn-small" disabled={busy} onClick={() => connect("facebook")}>
              Connect through a Facebook Page
            </button>
          )}
          <button type="button" class="btn btn-small" aria-expanded={pasting} onClick={() => setPasting(!pasting)}>
            {oauth ? "Paste a token" : a ? "Change" : "Add sandbox account"}
          </button>
          {a && (
            <button type="button" class="btn btn-small btn-danger" onClick={() => brands.disconnect(brand.id, platform)}>
              Disconnect
            </button>
          )}
        </div>
      )}
      {pasting && (
        <form
          class="account-form"
          onSubmit={async (ev) => {
            ev.preventDefault();
            const fd = new FormData(ev.currentTarget as HTMLFormElement);
            const ok = await brands.connect(brand.id, platform, { externalId: String(fd.get("externalId") ?? ""), accessToken: String(fd.get("accessToken") ?? "") });
            if (ok !== null) setPasting(false);
          }}
        >
          <Field id={`${platform}-ext`} label={platform === "youtube" ? "Channel id" : platform === "sandbox" ? "Sandbox name" : "Account id"} error={e?.fields["externalId"]}>
            {(id) => <input id={id} name="externalId" required defaultValue={a?.externalId || (platform === "sandbox" ? brand.slug : "")} />}
          </Field>
          <Field id={`${platform}-tok`} label="Access token" error={e?.fields["accessToken"]} hint="Stored encrypted; never shown again.">
            {(id, d) => <input id={id} name="accessToken" type="password" required aria-describedby={d} defaultValue={platform === "sandbox" ? "sandbox" : ""} />}
          </Field>
          <button type="submit" class="btn btn-primary btn-small">
            Save account
          </button>
        </form>
      )}
      <InlineError message={error ?? e?.message} />
    </li>
  );
}
