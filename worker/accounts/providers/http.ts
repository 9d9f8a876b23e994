// The few HTTP shapes the OAuth providers use, with one rule for failures:
// no answer, a 5xx or a body that is not JSON is ProviderUnavailable
// (transient); any other answer is returned for the provider to judge.
import { ProviderUnavailable } from "./types";

const TIMEOUT_MS = 20_000;

export interface JsonReply {
  status: number;
  body: any;
}

export async function requestJson(url: string, init: RequestInit = {}): Promise<JsonReply> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw new ProviderUnavailable(`${new URL(url).host} did not answer (${err instanceof Error ? err.message : String(err)}).`);
  }
  const text = await res.text();
  if (res.status >= 500) throw new ProviderUnavailable(`${new URL(url).host} answered HTTP ${res.status}.`);
  try {
    return { status: res.status, body: text ? JSON.parse(text) : {} };
  } catch {
    throw new ProviderUnavailable(`${new URL(url).host} answered HTTP ${res.status} with a body that is not JSON.`);
  }
}

export const getJson = (url: string, headers: Record<string, string> = {}) => requestJson(url, { headers });

export function postForm(url: string, form: Record<string, string>) {
  return requestJson(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
}

export function withQuery(base: string, query: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

/** The human part of the error bodies the three providers send (Graph `error.message`, IG `error_message`, Google `error_description`). */
export function errorText(body: any): string {
  return rawErrorText(body).trim().replace(/\.$/, "");
}

function rawErrorText(body: any): string {
  if (!body || typeof body !== "object") return "no details";
  if (body.error && typeof body.error === "object") return String(body.error.message ?? body.error.type ?? "unknown error");
  if (typeof body.error_message === "string") return body.error_message;
  if (typeof body.error_description === "string") return `${body.error}: ${body.error_description}`;
  if (typeof body.error === "string") return body.error;
  return "no details";
}

export const trimBase = (s: string) => s.replace(/\/+$/, "");
