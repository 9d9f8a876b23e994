// The llm writer against a fake OpenAI-compatible chat-completions server:
// replies are validated with zod, malformed ones retried, then failed with a reason.
import { describe, expect, it } from "vitest";
import { parseReply, writeWithLlm, WriterError } from "../worker/generation/llm-writer";

const input = { seed: 7, brand: { slug: "daily", name: "Daily Habits", handle: "@daily" }, variant: "post" as const, topic: "walking meetings" };
const good = { title: "Walk and talk", ytTitle: "Walking meetings | Daily Habits", caption: "Take your next 1:1 outside. #daily", slideTexts: ["Walk", "Talk"] };

/** A fake chat-completions endpoint: answers each call with the next scripted reply and records requests. */
function fakeServer(replies: Array<{ status?: number; content?: string }>) {
  const requests: Array<{ url: string; auth: string | null; body: any }> = [];
  const fetch = (async (url: string, init: RequestInit) => {
    requests.push({ url, auth: new Headers(init.headers).get("authorization"), body: JSON.parse(String(init.body)) });
    const r = replies.shift() ?? { status: 500 };
    if (r.status && r.status !== 200) return new Response(JSON.stringify({ error: { message: "nope" } }), { status: r.status });
    return Response.json({ id: "cmpl-1", object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: r.content }, finish_reason: "stop" }] });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, requests };
}

const config = (fetch: typeof globalThis.fetch) => ({ baseUrl: "http://llm.test/v1/", apiKey: "sk-test", model: "m", fetch, backoffMs: 1 });

describe("llm writer", () => {
  it("posts a chat-completions request and returns the validated content", async () => {
    const server = fakeServer([{ content: "```json\n" + JSON.stringify(good) + "\n```" }]);
    expect(await writeWithLlm(input, config(server.fetch))).toEqual(good);
    expect(server.requests[0]!.url).toBe("http://llm.test/v1/chat/completions");
    expect(server.requests[0]!.auth).toBe("Bearer sk-test");
    expect(server.requests[0]!.body.model).toBe("m");
    expect(server.requests[0]!.body.messages.at(-1).content).toContain("walking meetings");
  });

  it("retries malformed replies and server errors, then succeeds", async () => {
    const server = fakeServer([{ content: "Sure! Here you go" }, { status: 503 }, { content: JSON.stringify(good) }]);
    expect(await writeWithLlm(input, config(server.fetch))).toEqual(good);
    expect(server.requests).toHaveLength(3);
  });

  it("fails with the reason after the last malformed reply", async () => {
    const bad = JSON.stringify({ ...good, slideTexts: [] });
    const server = fakeServer([{ content: bad }, { content: bad }, { content: bad }]);
    await expect(writeWithLlm(input, config(server.fetch))).rejects.toThrow(/slideTexts.*Gave up after 3 attempts/);
  });

  it("does not retry a refused API key", async () => {
    const server = fakeServer([{ status: 401 }, { content: JSON.stringify(good) }]);
    await expect(writeWithLlm(input, config(server.fetch))).rejects.toThrow(/refused the API key/);
    expect(server.requests).toHaveLength(1);
  });

  it("rejects unknown fields and missing ones", () => {
    expect(() => parseReply(JSON.stringify({ ...good, extra: 1 }))).toThrow(WriterError);
    expect(() => parseReply(JSON.stringify({ title: "x" }))).toThrow(WriterError);
  });
});
