// The accept page's model: what an invitation link is for (POST
// /api/auth/invitation), looked up once per token. Accepting goes through the
// session (session.acceptInvitation), which signs the person in.
import { batch, signal } from "@preact/signals";
import type { Api } from "../api/client";
import type { InvitationPreview } from "../api/types";
import { messageOf } from "./calendar";

export function createInvitationLookup(api: Api) {
  const token = signal<string | null>(null);
  const preview = signal<InvitationPreview | null>(null);
  /** Why the link cannot be used (unknown, revoked, used, expired), in the server's words. */
  const error = signal<string | null>(null);

  async function load(t: string) {
    if (token.peek() === t && (preview.peek() || error.peek())) return;
    batch(() => {
      token.value = t;
      preview.value = null;
      error.value = null;
    });
    try {
      const p = await api.previewInvitation(t);
      if (token.peek() === t) preview.value = p;
    } catch (err) {
      if (token.peek() === t) error.value = messageOf(err);
    }
  }

  return { token, preview, error, load };
}

export type InvitationLookup = ReturnType<typeof createInvitationLookup>;
