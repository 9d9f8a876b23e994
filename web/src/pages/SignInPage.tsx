import { useState } from "preact/hooks";
import { Alert, Field } from "../components/ui";
import type { Session } from "../state/session";

export function SignInPage({ session }: { session: Session }) {
  const [mode, setMode] = useState<"signin" | "signup">("signin");
  const fe = session.fieldErrors.value;
  const onSubmit = (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const email = String(f.get("email") ?? "");
    const password = String(f.get("password") ?? "");
    if (mode === "signin") void session.signIn({ email, password });
    else void session.signUp({ email, password, workspaceName: String(f.get("workspaceName") ?? ""), name: String(f.get("name") ?? "") || undefined });
  };
  return (
    <main class="signin" id="main">
      <div class="signin-card">
        <p class="logo">Brandcast</p>
        <h1>{mode === "signin" ? "Sign in" : "Create your workspace"}</h1>
        <form onSubmit={onSubmit} noValidate>
          {mode === "signup" && (
            <Field id="su-name" label="Your name" error={fe["name"]}>
              {(id, d) => <input id={id} name="name" autoComplete="name" aria-describedby={d} />}
            </Field>
          )}
          <Field id="si-email" label="Email" error={fe["email"]}>
            {(id, d) => <input id={id} name="email" type="email" autoComplete="email" required aria-describedby={d} aria-invalid={!!fe["email"]} />}
          </Field>
          <Field id="si-password" label="Password" error={fe["password"]} hint={mode === "signup" ? "At least 10 characters." : undefined}>
            {(id, d) => (
              <input
                id={id}
                name="password"
                type="password"
                autoComplete={mode === "signin" ? "current-password" : "new-password"}
                required
                aria-describedby={d}
                aria-invalid={!!fe["password"]}
              />
            )}
          </Field>
          {mode === "signup" && (
            <Field id="su-ws" label="Workspace name" error={fe["workspaceName"]}>
              {(id, d) => <input id={id} name="workspaceName" required aria-describedby={d} aria-invalid={!!fe["workspaceName"]} />}
            </Field>
          )}
          {session.error.value && <Alert>{session.error.value}</Alert>}
          <button type="submit" class="btn btn-primary btn-block" disabled={session.pending.value}>
            {mode === "signin" ? "Sign in" : "Create account"}
          </button>
        </form>
        <p class="switch">
          {mode === "signin" ? "New here? " : "Have an account? "}
          <button
            type="button"
            class="link"
            onClick={() => {
              session.error.value = null;
              session.fieldErrors.value = {};
              setMode(mode === "signin" ? "signup" : "signin");
            }}
          >
            {mode === "signin" ? "Create an account" : "Sign in"}
          </button>
        </p>
      </div>
    </main>
  );
}
