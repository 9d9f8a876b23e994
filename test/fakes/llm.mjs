// A fake OpenAI-compatible chat-completions server (POST /v1/chat/completions)
// for the `llm` writer. It checks the Bearer key, answers `json_object`
// requests with a chat.completion whose message content is JSON written from
// the prompt (proposals for "Propose N pieces…", an output's copy for
// "Write …"), and can be scripted through `/__admin/seed`:
//   {apiKey}                    the key it accepts (default "sk-fake");
//   {replies: [{content} | {sneak: word}]}  the next replies, in order:
//     `content` is returned verbatim as the message (malformed JSON, prose…),
//     `sneak` writes a normal answer with `word` slipped into a title, a
//     caption and a hashtag (a model ignoring the brief).
// 429, 5xx and hangs come from the frame's faults (fake-server.mjs).
import { FakeServer } from "./fake-server.mjs";

const FORMATS = ["Three ways to cook", "The weeknight guide to", "Batch-cook", "A beginner's take on", "Upgrade your", "Ten-minute"];
const DISHES = [
  "lentils", "salmon", "risotto", "chickpea curry", "roast vegetables", "omelettes", "tacos", "gnocchi", "miso soup", "flatbreads",
  "stir-fried noodles", "baked oats", "shakshuka", "fish stew", "pesto pasta", "stuffed peppers", "dal", "polenta", "ramen", "falafel",
];

function field(prompt, label) {
  const m = new RegExp(`${label}: ([^\\n]*?)\\.?$`, "m").exec(prompt);
  return m ? m[1] : "";
}

function proposals(state, prompt, sneak) {
  const n = Number(/Propose (\d+) pieces/.exec(prompt)?.[1] ?? 1);
  const tags = (field(prompt, "Always include these hashtags in the caption").match(/#\w+/g) ?? []).slice(0, 5);
  const out = [];
  for (let i = 0; i < n; i++) {
    const k = state.counter++;
    let title = `${FORMATS[k % FORMATS.length]} ${DISHES[Math.floor(k / FORMATS.length) % DISHES.length]}`;
    let caption = `${title}: a simple recipe for busy evenings. Save it for later.`;
    const hashtags = ["#homecooking", ...tags];
    if (sneak && i === 0) {
      title = `${title} with ${sneak}`;
      caption = `${caption} Add ${sneak.toUpperCase()} to taste!`;
      hashtags.push(`#${sneak}lovers`);
    }
    out.push({ title, angle: "step-by-step", caption: `${caption}\n${hashtags.join(" ")}`, hashtags });
  }
  return { proposals: out };
}

function copy(prompt, sneak) {
  const title = field(prompt, "Use this title") || field(prompt, "Topic") || "A simple recipe";
  const tags = field(prompt, "Always include these hashtags in the caption").match(/#\w+/g) ?? [];
  const extra = sneak ? ` Best with ${sneak}. #${sneak}` : "";
  return {
    title,
    ytTitle: title.slice(0, 90),
    caption: `${title}\n\nShop, chop, cook, enjoy.${extra}\n${["#homecooking", ...tags].join(" ")}`,
    slideTexts: [title, `1. Shop the list${sneak ? ` (skip the ${sneak})` : ""}`, "2. Chop everything first", "3. Cook in one pan"],
  };
}

export function createFake() {
  return new FakeServer(
    "llm",
    (req) => {
      if (req.method !== "POST" || req.path !== "/v1/chat/completions") return { status: 404, body: { error: { message: "Unknown route" } } };
      const state = req.fake.state;
      if (req.headers.authorization !== `Bearer ${state.apiKey}`) {
        return { status: 401, body: { error: { message: "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key" } } };
      }
      let body;
      try {
        body = JSON.parse(req.body.toString("utf8"));
      } catch {
        return { status: 400, body: { error: { message: "We could not parse the JSON body of your request." } } };
      }
      const prompt = body.messages?.at(-1)?.content ?? "";
      state.prompts.push(prompt);
      const scripted = state.replies.shift();
      let content;
      if (scripted?.content !== undefined) content = scripted.content;
      else {
        const value = /Propose \d+ pieces/.test(prompt) ? proposals(state, prompt, scripted?.sneak) : copy(prompt, scripted?.sneak);
        content = JSON.stringify(value);
      }
      return {
        status: 200,
        body: {
          id: `chatcmpl-${state.prompts.length}`,
          object: "chat.completion",
          created: Math.floor(req.fake.now() / 1000),
          model: body.model,
          choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
          usage: { prompt_tokens: prompt.length, completion_tokens: content.length, total_tokens: prompt.length + content.length },
        },
      };
    },
    {
      initialState: () => ({ apiKey: "sk-fake", replies: [], prompts: [], counter: 0 }),
      seed: (state, input) => {
        if (input.apiKey) state.apiKey = input.apiKey;
        if (Array.isArray(input.replies)) state.replies.push(...input.replies);
        return { ok: true, queued: state.replies.length };
      },
    },
  );
}
