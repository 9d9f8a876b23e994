// Who is signed in and which workspace they act in. The workspace is sent as
// X-Workspace on every request (API.md) and remembered per browser.
import { batch, computed, signal } from "@preact/signals";
import { ApiError, type Api } from "../api/client";
import type { AcceptInvitationInput, LoginInput, Me, SignupInput } from "../api/types";
import { messageOf } from "./calendar";

const KEY = "brandcast.workspace";

export function createSession(api: Api, storage: Pick<Storage, "getItem" | "setItem" | "removeItem"> | null, onWorkspaceChange: () => void) {
  /** undefined: not known yet; null: signed out. */
  const me = signal<Me | null | undefined>(undefined);
  const error = signal<string | null>(null);
  const fieldErrors = signal<Record<string, string>>({});
  const pending = signal(false);

  const workspace = computed(() => {
    const m = me.value;
    return m ? (m.workspaces.find((w) => w.id === m.currentWorkspaceId) ?? null) : null;
  });
  const role = computed(() => me.value?.role ?? workspace.value?.role ?? "viewer");
  const canEdit = computed(() => role.value === "owner" || role.value === "editor");
  const isOwner = computed(() => role.value === "owner");

  async function refresh(): Promise<void> {
    api.setWorkspace(storage?.getItem(KEY) ?? null);
    try {
      me.value = await api.me();
    } catch (err) {
      if (err instanceof ApiError && err.status === 403 && api.workspace) {
        // The remembered workspace is no longer ours: fall back to the session's own.
        storage?.removeItem(KEY);
        api.setWorkspace(null);
        return refresh();
      }
      if (err instanceof ApiError && err.status === 401) me.value = null;
      else throw err;
    }
  }

  async function submit(fn: () => Promise<unknown>) {
    batch(() => {
      pending.value = true;
      error.value = null;
      fieldErrors.value = {};
    });
    try {
      await fn();
      storage?.removeItem(KEY);
      onWorkspaceChange();
      await refresh();
      return true;
    } catch (err) {
      batch(() => {
        error.value = messageOf(err);
        if (err instanceof ApiError) fieldErrors.value = err.fieldErrors();
      });
      return false;
    } finally {
      pending.value = false;
    }
  }

  const signIn = (input: LoginInput) => submit(() => api.login(input));
  const signUp = (input: SignupInput) => submit(() => api.signup(input));
  /** Joins through an invitation link: the new session is in the workspace joined, which becomes the current one. */
  const acceptInvitation = (input: AcceptInvitationInput) => submit(() => api.acceptInvitation(input));

  async function signOut() {
    try {
      await api.logout();
    } finally {
      storage?.removeItem(KEY);
      api.setWorkspace(null);
      onWorkspaceChange();
      me.value = null;
    }
  }

  async function switchWorkspace(id: string) {
    storage?.setItem(KEY, id);
    onWorkspaceChange();
    await refresh();
  }

  /** The server said 401 mid-session: show sign-in. */
  function expired() {
    if (me.peek()) me.value = null;
  }

  return { me, error, fieldErrors, pending, workspace, role, canEdit, isOwner, refresh, signIn, signUp, acceptInvitation, signOut, switchWorkspace, expired };
}

export type Session = ReturnType<typeof createSession>;
