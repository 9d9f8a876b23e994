// The Members page's model (API.md "Members"): the members and open
// invitations; owners invite (the link is shown once, here, until the next
// invitation or a reload), change roles, remove members, revoke invitations.
// Each row's error stays next to that row.
import { batch, signal } from "@preact/signals";
import { ApiError, type Api } from "../api/client";
import type { InvitationCreated, InvitationInput, MemberList, Role } from "../api/types";
import { messageOf } from "./calendar";

export function createMembers(api: Api) {
  const list = signal<MemberList | null>(null);
  const error = signal<string | null>(null);
  /** The row (a user id or an invitation id) an action is running for. */
  const busy = signal<string | null>(null);
  const rowErrors = signal<Record<string, string>>({});
  const lastInvite = signal<InvitationCreated | null>(null);
  const inviting = signal(false);
  const inviteError = signal<string | null>(null);
  const inviteFieldErrors = signal<Record<string, string>>({});

  async function load() {
    try {
      const l = await api.listMembers();
      batch(() => {
        list.value = l;
        error.value = null;
      });
    } catch (err) {
      error.value = messageOf(err);
    }
  }

  /** Runs one row's action; its error (a 409 for the last owner, say) shows on that row. True when it went through. */
  async function rowAction(key: string, fn: () => Promise<unknown>): Promise<boolean> {
    const { [key]: _, ...rest } = rowErrors.peek();
    batch(() => {
      busy.value = key;
      rowErrors.value = rest;
    });
    try {
      await fn();
      return true;
    } catch (err) {
      rowErrors.value = { ...rowErrors.peek(), [key]: messageOf(err) };
      return false;
    } finally {
      busy.value = null;
      await load();
    }
  }

  async function invite(input: InvitationInput): Promise<boolean> {
    batch(() => {
      inviting.value = true;
      inviteError.value = null;
      inviteFieldErrors.value = {};
      lastInvite.value = null;
    });
    try {
      lastInvite.value = await api.invite(input);
      await load();
      return true;
    } catch (err) {
      batch(() => {
        inviteError.value = messageOf(err);
        if (err instanceof ApiError) inviteFieldErrors.value = err.fieldErrors();
      });
      return false;
    } finally {
      inviting.value = false;
    }
  }

  const changeRole = (userId: string, role: Role) => rowAction(userId, () => api.changeRole(userId, role));
  const remove = (userId: string) => rowAction(userId, () => api.removeMember(userId));
  const revoke = (id: string) => rowAction(id, () => api.revokeInvitation(id));

  function reset() {
    batch(() => {
      list.value = null;
      error.value = null;
      rowErrors.value = {};
      lastInvite.value = null;
      inviteError.value = null;
      inviteFieldErrors.value = {};
    });
  }

  return { list, error, busy, rowErrors, lastInvite, inviting, inviteError, inviteFieldErrors, load, invite, changeRole, remove, revoke, reset };
}

export type MembersModel = ReturnType<typeof createMembers>;
