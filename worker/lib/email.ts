// Email through Cloudflare Email Service's `send_email` binding (EMAIL; its
// Workers API: `send({from, to, subject, text, html})`) from EMAIL_FROM. Both
// are optional: without them nothing is sent, and whoever would have emailed
// goes on (an invitation's link is copied from the app; notifications stay in
// the bell and the webhooks). One sender for every email Brandcast writes.
import type { Env } from "../env";

export type EmailEnv = Pick<Env, "EMAIL" | "EMAIL_FROM">;

export interface Email {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Whether this deployment sends email (a binding and a sender address). */
export const emailConfigured = (env: EmailEnv) => !!(env.EMAIL && env.EMAIL_FROM);

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** Sends one email as "Brandcast" from EMAIL_FROM. Throws what the binding throws; callers decide what a failure means. */
export async function sendEmail(env: EmailEnv, mail: Email): Promise<void> {
  if (!emailConfigured(env)) throw new Error("Email is not configured (the EMAIL binding and EMAIL_FROM).");
  await env.EMAIL!.send({ from: { name: "Brandcast", email: env.EMAIL_FROM! }, ...mail });
}
