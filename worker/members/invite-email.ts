// The invitation email, sent through Cloudflare Email Service's `send_email`
// binding (its Workers API: `send({from, to, subject, text, html})`) when the
// deployment has one and a sender address. Without them nothing is sent and
// the owner copies the link from the app; a failed send never fails the
// invitation, which is made either way.
import { emailConfigured, escapeHtml, sendEmail, type EmailEnv } from "../lib/email";
import { logError } from "../lib/log";
import type { Role } from "../auth/context";

export interface InviteEmail {
  to: string;
  workspaceName: string;
  invitedBy: string;
  role: Role;
  url: string;
}

const ROLE_WORDS: Record<Role, string> = {
  owner: "an owner (everything, including members and settings)",
  editor: "an editor (brands, jobs and the calendar)",
  viewer: "a viewer (sees everything, changes nothing)",
};

/** Subject and bodies, in words an invitee reads once and acts on. */
export function composeInviteEmail(m: InviteEmail) {
  const subject = `${m.invitedBy} invited you to ${m.workspaceName} on Brandcast`;
  const text = [
    `${m.invitedBy} invited you to join the workspace "${m.workspaceName}" on Brandcast as ${ROLE_WORDS[m.role]}.`,
    "",
    "Accept the invitation:",
    m.url,
    "",
    "The link works once and expires in 7 days. If you did not expect this, ignore this email.",
  ].join("\n");
  const html = `<p>${escapeHtml(m.invitedBy)} invited you to join the workspace <strong>${escapeHtml(m.workspaceName)}</strong> on Brandcast as ${escapeHtml(ROLE_WORDS[m.role])}.</p>
<p><a href="${escapeHtml(m.url)}">Accept the invitation</a></p>
<p>The link works once and expires in 7 days. If you did not expect this, ignore this email.</p>`;
  return { subject, text, html };
}

/** Whether this deployment emails invitations (a binding and a sender address). */
export const canEmailInvitations = emailConfigured;

/** Sends the invitation; true when the binding accepted it. */
export async function sendInviteEmail(env: EmailEnv, m: InviteEmail): Promise<boolean> {
  if (!canEmailInvitations(env)) return false;
  try {
    await sendEmail(env, { to: m.to, ...composeInviteEmail(m) });
    return true;
  } catch (err) {
    logError("invitation email not sent", { error: String(err) });
    return false;
  }
}
