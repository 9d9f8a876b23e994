// The `llm` writer (DESIGN.md §6): any OpenAI-compatible chat-completions
// endpoint, configured by secrets. The reply must be a JSON object matching
// `writtenContent`; malformed replies are retried, then fail with a reason.
import { z } from "zod";
import type { WriterInput, WrittenContent } from "./template-writer";

export const writtenContent = z.strictObject({
  title: z.string().trim().min(3).max(200),
  ytTitle: z.string().trim().min(3).max(100),
  caption: z.string().trim().min(10).max(2200),
  slideTexts: z.array(z.string().trim().min(1).max(400)).min(2).max(10),
});

export interface LlmConfig {
  baseUrl: string; // e.g. https://api.openai.com/v1
  apiKey: string;
  model: string;
  fetch?: typeof fetch;
  maxAttempts?: number;
}

export class WriterError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "WriterError";
  }
}

function prompt(input: WriterInput): string {
  const kind = input.variant === "post" ? "an Instagram carousel post (5 slides)" : "a short vertical reel (4 slides)";
  return [
    `Write ${kind} for the brand "${input.brand.name}" (${input.brand.handle ?? "@" + input.brand.slug}).`,
    input.topic ? `Topic: ${input.topic}.` : "Pick a practical everyday topic.",
    input.title ? `Use this title: ${input.title}.` : "",
    input.slideTexts?.length ? `Use these slide texts in order: ${JSON.stringify(input.slideTexts)}.` : "",
    'Answer with only a JSON object: {"title": string, "ytTitle": string (≤100 chars), "caption": string (≤2200 chars, a few hashtags), "slideTexts": string[]}.',
  ]
    .filter(Boolean)
    .join("\n");
}

/** Extracts the first JSON object from a reply, tolerating ```json fences. */
export function parseReply(text: string): WrittenContent {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start < 0 || end <= start) throw new WriterError("The model's reply held no JSON object.", true);
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end + 1));
  } catch {
    throw new WriterError("The model's reply was not valid JSON.", true);
  }
  const parsed = writtenContent.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new WriterError(`The model's reply did not match the schema (${first?.path.join(".")}: ${first?.message}).`, true);
  }
  return parsed.data;
}

export async function writeWithLlm(input: WriterInput, config: LlmConfig): Promise<WrittenContent> {
  const doFetch = config.fetch ?? fetch;
  const attempts = config.maxAttempts ?? 3;
  let last: WriterError = new WriterError("The model was not called.", true);
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const res = await doFetch(`${config.baseUrl.replace(/\/$/, "")}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${config.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: config.model,
        temperature: 0.7,
        seed: input.seed,
        response_format: { type: "json_object" },
        messages: [
          { role: "system", content: "You write concise, accurate social-media copy. Reply with JSON only." },
          { role: "user", content: prompt(input) },
        ],
      }),
    });
    if (res.status === 401 || res.status === 403) throw new WriterError(`The LLM endpoint refused the API key (HTTP ${res.status}).`, false);
    if (!res.ok) {
      last = new WriterError(`The LLM endpoint answered HTTP ${res.status}.`, res.status === 429 || res.status >= 500);
      if (!last.retryable) throw last;
      continue;
    }
    const body = (await res.json().catch(() => null)) as { choices?: Array<{ message?: { content?: string } }> } | null;
    const text = body?.choices?.[0]?.message?.content;
    if (typeof text !== "string") {
      last = new WriterError("The LLM endpoint's answer had no message content.", true);
      continue;
    }
    try {
      return parseReply(text);
    } catch (err) {
      last = err instanceof WriterError ? err : new WriterError(String(err), true);
    }
  }
  throw new WriterError(`${last.message} Gave up after ${attempts} attempts.`, false);
}
