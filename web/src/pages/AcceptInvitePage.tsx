// /invite/<token>: an invitation link. It says who invited whom to which
// workspace and as what, then: a new email chooses a password (and a name);
// an existing account signs in with its password, or joins with one click
// when already signed in as that email. Signed in as someone else, it says so
// and offers to sign out. Joining opens the workspace's calendar.
import { useEffect } from "preact/hooks";
import type { InvitationPreview } from "../api/types";
import { Alert, Field, Spinner } from "../components/ui";
import type { AppState } from "../state/app";
import { formatDateTime } from "../state/time";

const ROLE_WORDS = { owner: "an owner", editor: "an editor", viewer: "a viewer" } as const;

export function AcceptInvitePage({ app, token }: { app: AppState; token: string }) {
  const { invitation, session, router } = app;
  useEffect(() => {
    void invitation.load(token);
    session.error.value = null;
    session.fieldErrors.value = {};
  }, [token]);
  const preview = invitation.preview.value;
  return (
    <main class="signin" id="main">
      <div class="signin-card invite-card">
        <p class="logo">Brandcast</p>
        {invitation.error.value ? (
          <>
            <h1>This invitation can't be used</h1>
            <Alert>{invitation.error.value}</Alert>
            <p>
              <a href="/calendar">Go to Brandcast</a>
            </p>
          </>
        ) : !preview ? (
          <Spinner />
        ) : (
          <Invitation app={app} token={token} preview={preview} onJoined={() => router.navigate("/calendar", { replace: true })} />
        )}
      </div>
    </main>
  );
}

function Invitation({ app, token, preview, onJoined }: { app: AppState; token: string; preview: InvitationPreview; onJoined: () => void }) {
  const { session } = app;
  const me = session.me.value;
  const fe = session.fieldErrors.value;
  const join = async (input: { password?: string; name?: string }) => {
    if (await session.acceptInvitation({ token, ...input })) onJoined();
  };
  const onSubmit = (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    void join({ password: String(f.get("password") ?? ""), name: String(f.get("name") ?? "").trim() || undefined });
  };
  const ws = preview.workspace.name;
  return (
    <>
      <h1>Join {ws}</h1>
      <p class="invite-summary">
        {preview.invitedBy ?? "An owner"} invited <strong>{preview.email}</strong> to join <strong>{ws}</strong> as {ROLE_WORDS[preview.role]}. The link works
        until {formatDateTime(Date.parse(preview.expiresAt))}.
      </p>
      {me && me.user.email !== preview.email ? (
        <>
          <Alert kind="info">
            You're signed in as {me.user.email}. This invitation is for {preview.email}: sign out, then accept it.
          </Alert>
          <button type="button" class="btn btn-block" onClick={() => session.signOut()}>
            Sign out
          </button>
        </>
      ) : me ? (
        <>
          {session.error.value && <Alert>{session.error.value}</Alert>}
          <button type="button" class="btn btn-primary btn-block" disabled={session.pending.value} onClick={() => join({})}>
            Join {ws}
          </button>
        </>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          {/* The account's email, for password managers and for the reader: the invitation decides it. */}
          <Field id="inv-accept-email" label="Email">
            {(id) => <input id={id} name="email" type="email" autoComplete="username" readOnly value={preview.email} />}
          </Field>
          {!preview.hasAccount && (
            <Field id="inv-accept-name" label="Your name" error={fe["name"]}>
              {(id, d) => <input id={id} name="name" autoComplete="name" aria-describedby={d} />}
            </Field>
          )}
          <Field
            id="inv-accept-password"
            label={preview.hasAccount ? "Your Brandcast password" : "Choose a password"}
            error={fe["password"]}
            hint={preview.hasAccount ? undefined : "At least 10 characters."}
          >
            {(id, d) => (
              <input
                id={id}
                name="password"
                type="password"
                autoComplete={preview.hasAccount ? "current-password" : "new-password"}
                required
                aria-describedby={d}
                aria-invalid={!!fe["password"]}
              />
            )}
          </Field>
          {session.error.value && <Alert>{session.error.value}</Alert>}
          <button type="submit" class="btn btn-primary btn-block" disabled={session.pending.value}>
            {preview.hasAccount ? `Sign in and join ${ws}` : `Create account and join ${ws}`}
          </button>
        </form>
      )}
    </>
  );
}
