// A chat-completions call that must answer JSON (DESIGN.md §6): any
// OpenAI-compatible endpoint (POST {base}/chat/completions, Bearer key,
// `response_format: {type: "json_object"}`). A malformed reply, a timeout,
// 429 or 5xx is retried with exponential backoff (429 honours Retry-After,
// capped); a refused key or another 4xx is not. Failures are WriterErrors
// whose messages are sentences a person can read.
import { retryAfterSeconds } from "../lib/reply";

export interface LlmConfig {
  baseUrl: string; // e.g. https://api.openai.com/v1
  apiKey: string;
  model: string;
  fetch?: typeof fetch;
  maxAttempts?: number;
  /** Per request; a hung endpoint is abandoned after this. */
  timeoutMs?: number;
  /** First backoff; doubled per attempt. */
  backoffMs?: number;
  /** Longest wait between attempts, whatever Retry-After asks. */
  maxWaitMs?: number;
}

export class WriterError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "WriterError";
  }
}

export interface ChatMessage {
  role: "system" | "user";
  content: string;
}

/** The config from the Worker's secrets, or null when the `llm` writer is not configured. */
export function llmConfigFromEnv(env: { LLM_API_KEY?: string; LLM_BASE_URL?: string; LLM_MODEL?: string }): LlmConfig | null {
  if (!env.LLM_API_KEY || !env.LLM_BASE_URL) return null;
  return { baseUrl: env.LLM_BASE_URL, apiKey: env.LLM_API_KEY, model: env.LLM_MODEL ?? "gpt-4o-mini" };
}

/** Extracts the first JSON object from a reply (tolerating ```json fences) and hands it to `parse`. */
export function parseJsonReply<T>(text: string, parse: (value: unknown) => T): T {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start < 0 || end <= start) throw new WriterError("The model's reply held no JSON object.", true);
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end + 1));
  } catch {
    throw new WriterError("The model's reply was not valid JSON.", true);
  }
  return parse(value);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function retryAfterMs(res: Response): number | undefined {
  const s = retryAfterSeconds(res.headers.get("retry-after"), Date.now());
  return s === undefined ? undefined : s * 1000;
}

async function callOnce(config: LlmConfig, messages: ChatMessage[], seed: number | undefined): Promise<string> {
  const doFetch = config.fetch ?? fetch;
  const timeoutMs = config.timeoutMs ?? 20_000;
  let res: Response;
  try {
    res = await doFetch(`${config.baseUrl.replace(/\/$/, "")}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${config.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: config.model, temperature: 0.7, seed, response_format: { type: "json_object" }, messages }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    throw new WriterError(timedOut ? `The LLM endpoint did not answer within ${Math.round(timeoutMs / 1000)} s.` : "The LLM endpoint could not be reached.", true);
  }
  if (res.status === 401 || res.status === 403) throw new WriterError(`The LLM endpoint refused the API key (HTTP ${res.status}).`, false);
  if (res.status === 429) throw new WriterError("The LLM endpoint is rate limiting requests (HTTP 429).", true, retryAfterMs(res));
  if (res.status >= 500) throw new WriterError(`The LLM endpoint had a server error (HTTP ${res.status}).`, true);
  if (!res.ok) throw new WriterError(`The LLM endpoint refused the request (HTTP ${res.status}).`, false);
  let body: { choices?: Array<{ message?: { content?: string } }> } | null;
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new WriterError("The LLM endpoint's answer was not JSON.", true);
  }
  const text = body?.choices?.[0]?.message?.content;
  if (typeof text !== "string") throw new WriterError("The LLM endpoint's answer had no message content.", true);
  return text;
}

/** Asks until `parse` accepts a reply or the attempts run out. */
export async function chatJson<T>(config: LlmConfig, messages: ChatMessage[], parse: (value: unknown) => T, seed?: number): Promise<T> {
  const attempts = config.maxAttempts ?? 3;
  const backoff = config.backoffMs ?? 1000;
  const maxWait = config.maxWaitMs ?? 20_000;
  let last = new WriterError("The model was not called.", true);
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return parseJsonReply(await callOnce(config, messages, seed), parse);
    } catch (err) {
      last = err instanceof WriterError ? err : new WriterError("The model's reply could not be read.", true);
      if (!last.retryable) throw last;
      if (attempt < attempts) {
        const exp = backoff * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
        await sleep(Math.min(maxWait, Math.max(exp, last.retryAfterMs ?? 0)));
      }
    }
  }
  throw new WriterError(`${last.message} Gave up after ${attempts} attempts.`, false);
}
