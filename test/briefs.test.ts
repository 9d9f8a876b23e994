// Briefs (issue 9): a brand's brief on PATCH /api/brands/:id and in the Brand
// DTO; both writers follow it. A food brand with banned words gets 30 days of
// food proposals that never contain a banned word and always carry the
// required hashtags, whether the template writer or the `llm` writer (a local
// fake chat-completions server, including a reply that sneaks a banned word
// in, malformed JSON, a 429 and a hang) wrote them.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { runBurst } from "../worker/automation/burst";
import type { Brand, Proposal } from "../worker/contract/schemas";
import { NICHES } from "../worker/generation/banks";
import { generateOutput } from "../worker/generation/generate-output";
import type { LlmConfig } from "../worker/generation/llm-client";
import { titleSimilarity } from "../worker/generation/similarity";
import { fakeAdmin, fakeUrl } from "./fakes/admin";
import { call, createBrand, expectClientError, json, outputRow, signup, type Session } from "./support/fixtures";

const DAY = 86_400_000;
const BANNED = ["sugar", "cheap", "diet"];
const REQUIRED = ["#quickkitchen", "#eatwell"];
const FOOD_BRIEF = {
  niche: "food and cooking",
  audience: "busy parents who cook at home",
  tone: "warm, practical",
  language: "en",
  topics: ["sugar-free desserts", "weeknight pasta"],
  avoid: ["weight loss"],
  bannedWords: BANNED,
  hashtags: REQUIRED,
  reelsPerDay: 2,
  postsPerDay: 1,
};
/** Words that say "food": every title of a food brand has one. */
const FOOD = /meal|dinner|cook|pantry|knife|pasta|breakfast|vegetable|bread|soup|salad|rice|herb|leftover|lunch|brunch|recipe|dish|lentil|salmon|risotto|curry|omelette|taco|gnocchi|flatbread|noodle|oat|shakshuka|stew|pesto|pepper|dal|polenta|ramen|falafel/i;

/** The topics of a niche's bank in a language, as titles write them. */
const bankTopics = (id: string, lang: "en" | "pt" | "es") => NICHES.find((n) => n.id === id)!.topics[lang].map((t) => t.topic.toLowerCase());

/** Nothing in a proposal (title, angle, caption, hashtags, reason) contains a banned word or an avoided topic. */
function expectNothingForbidden(label: string, value: unknown) {
  const text = JSON.stringify(value).toLowerCase();
  for (const w of [...BANNED, "weight loss"]) expect(text, `${label} contains “${w}”`).not.toContain(w);
}

function expectRequiredHashtags(label: string, caption: string | undefined | null) {
  const tags = (caption ?? "").toLowerCase().match(/#[\p{L}\p{N}_]+/gu) ?? [];
  for (const t of REQUIRED) expect(tags, `${label}: ${caption}`).toContain(t);
}

async function foodBrand(s: Session, name = "Quick Kitchen") {
  return createBrand(s, { name, brief: FOOD_BRIEF });
}

/** Thirty daily bursts for the workspace; each day the pipeline is emptied so the brief's quota is what gets written. */
async function thirtyDays(s: Session, llm: LlmConfig | null, beforeDay?: (day: number) => Promise<void>) {
  // One brand at a time: the fake's scripted replies go to the brands in name order.
  const first = Date.parse("2026-03-01T13:00:00Z");
  for (let d = 0; d < 30; d++) {
    await beforeDay?.(d);
    const now = first + d * DAY;
    const result = await runBurst(env, s.workspaceId, new Date(now).toISOString().slice(0, 10), { now, llm, parallel: 1 });
    expect(result.error, `day ${d}`).toBeUndefined();
    expect(result.remaining).toBe(0);
    await env.DB.prepare("UPDATE job_outputs SET status = 'failed' WHERE workspace_id = ? AND status = 'pending'").bind(s.workspaceId).run();
  }
}

async function proposalsOf(s: Session, brandId: string): Promise<Proposal[]> {
  const res = await json<{ proposals: Proposal[] }>(`/api/proposals?brand=${brandId}`, s, 200);
  return res.proposals;
}

describe("the brief on the brand", () => {
  it("is set by PATCH, merged field by field, returned in the Brand DTO, and validated", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    expect(brand.brief).toEqual({ niche: "", audience: "", tone: "", language: "en", topics: [], avoid: [], bannedWords: [], hashtags: [], reelsPerDay: null, postsPerDay: null });
    const patched = await json<Brand>(`/api/brands/${brand.id}`, { ...s, method: "PATCH", body: { brief: { niche: "food", hashtags: ["mealprep", "#EatWell"] } } }, 200);
    expect(patched.brief).toMatchObject({ niche: "food", hashtags: ["#mealprep", "#EatWell"], language: "en" });
    const again = await json<Brand>(`/api/brands/${brand.id}`, { ...s, method: "PATCH", body: { brief: { bannedWords: ["sugar"], reelsPerDay: 2 } } }, 200);
    expect(again.brief).toMatchObject({ niche: "food", hashtags: ["#mealprep", "#EatWell"], bannedWords: ["sugar"], reelsPerDay: 2 });
    expect((await json<Brand>(`/api/brands/${brand.id}`, s, 200)).brief).toEqual(again.brief);
    for (const bad of [{ reelsPerDay: -1 }, { hashtags: ["two words"] }, { language: "english" }, { mood: "x" }]) {
      await expectClientError(await call(`/api/brands/${brand.id}`, { ...s, method: "PATCH", body: { brief: bad } }), 400, "invalid_input", JSON.stringify(bad));
    }
  });
});

describe("template writer following the brief", () => {
  it("30 days of bursts stay on food, never use a banned word, carry the required hashtags, and never repeat a title", async () => {
    const s = await signup();
    const brand = await foodBrand(s);
    await thirtyDays(s, null);
    const all = await proposalsOf(s, brand.id);
    expect(all.length).toBeGreaterThanOrEqual(85); // 3 a day
    expect(all.every((p) => p.writer === "template")).toBe(true);
    const titles = all.map((p) => p.title);
    expect(new Set(titles.map((t) => t.toLowerCase())).size).toBe(titles.length);
    for (let i = 0; i < titles.length; i++) {
      for (let j = i + 1; j < titles.length; j++) expect(titleSimilarity(titles[i]!, titles[j]!), `${titles[i]} / ${titles[j]}`).toBeLessThan(0.7);
    }
    for (const p of all) {
      expect(p.title, p.title).toMatch(FOOD);
      expectNothingForbidden(p.title, p);
      expect(p.status).toBe("accepted");
      expectRequiredHashtags(p.title, p.caption);
      expect(p.jobId).toMatch(/^GEN-\d{6}$/);
    }
  });

  it("writes captions in Portuguese and Spanish, and falls back to the generic bank only for an unknown niche", async () => {
    const s = await signup();
    const pt = await createBrand(s, { name: "Cozinha Rápida", brief: { niche: "culinária", language: "pt", reelsPerDay: 1, postsPerDay: 0 } });
    const es = await createBrand(s, { name: "Dinero Claro", brief: { niche: "finanzas personales", language: "es", reelsPerDay: 1, postsPerDay: 0 } });
    const odd = await createBrand(s, { name: "Odd", brief: { niche: "competitive birdwatching", reelsPerDay: 1, postsPerDay: 0 } });
    await runBurst(env, s.workspaceId, "2026-04-01", { now: Date.parse("2026-04-01T13:00:00Z"), llm: null });
    const [p] = await proposalsOf(s, pt.id);
    const [e] = await proposalsOf(s, es.id);
    const [o] = await proposalsOf(s, odd.id);
    expect(p!.caption).toMatch(/Guarda|Partilha|Segue|Qual vais/);
    expect(bankTopics("food", "pt").some((t) => p!.title.toLowerCase().includes(t)), p!.title).toBe(true);
    expect(e!.caption).toMatch(/Guárdalo|Compártelo|Síguenos|Cuál vas/);
    expect(bankTopics("finance", "es").some((t) => e!.title.toLowerCase().includes(t)), e!.title).toBe(true);
    expect(o!.caption).toMatch(/#tips|#dailytips|#learnsomething/);
  });

  it("generation scrubs what the brief forbids from a person's job, and adds the required hashtags", async () => {
    const s = await signup();
    const brand = await foodBrand(s);
    const job = await json<{ jobId: string; outputs: Array<{ brandId: string }> }>(
      "/api/jobs",
      { ...s, body: { variant: "post", brands: [brand.id], title: "Cheap sugar snacks for a diet", topic: "cheap sugar-free diet snacks", platforms: ["sandbox"] } },
      201,
    );
    const row = await env.DB.prepare("SELECT id FROM job_outputs WHERE job_id = ?").bind(Number(job.jobId.slice(4))).first<{ id: string }>();
    expect(await generateOutput(env, row!.id, null, Date.now(), { llm: null })).toBe("ready");
    const out = (await outputRow(row!.id))!;
    expect(out.status).toBe("ready");
    expectNothingForbidden("output", { title: out.title, yt: out.yt_title, caption: out.caption, slides: out.slide_texts });
    expectRequiredHashtags("output", out.caption as string);
  });
});

describe("llm writer following the brief (fake chat-completions server)", () => {
  const llmFake = fakeAdmin("llm");
  const config = (): LlmConfig => ({ baseUrl: `${fakeUrl("llm")}/v1`, apiKey: "sk-fake", model: "fake-model", timeoutMs: 400, backoffMs: 5, maxWaitMs: 40 });
  beforeEach(async () => {
    await llmFake.reset();
  });

  it("30 days: on food, no banned word even when the model sneaks one in, hashtags present; malformed replies, a 429 and a hang are survived", async () => {
    const s = await signup();
    const brand = await foodBrand(s);
    const other = await createBrand(s, { name: "Zeta Pantry", brief: { ...FOOD_BRIEF, reelsPerDay: 1, postsPerDay: 0 } });
    await thirtyDays(s, config(), async (day) => {
      // Brands run in name order: "Quick Kitchen" first, then "Zeta Pantry".
      if (day === 2) await llmFake.seed({ replies: [{ sneak: "Sugar" }] });
      if (day === 4) await llmFake.seed({ replies: [{ content: "Sure! Here are some ideas: pasta, soup." }, { content: "{not json" }, { content: '{"proposals": []}' }] });
      if (day === 6) await llmFake.fault({ match: { path: "/v1/chat/completions" }, action: { status: 429, headers: { "retry-after": "1" }, body: { error: { message: "Rate limit reached" } } } });
      if (day === 8) await llmFake.fault({ match: { path: "/v1/chat/completions" }, action: { hang: true } });
      if (day === 10) await llmFake.fault({ match: { path: "/v1/chat/completions" }, action: { status: 503 }, times: 3 });
    });

    const all = await proposalsOf(s, brand.id);
    expect(all.every((p) => p.writer === "llm")).toBe(true);
    // The prompt carries the brief and the recent titles.
    const prompts = (await llmFake.state<{ prompts: string[] }>()).prompts;
    expect(prompts[0]).toMatch(/Niche: food and cooking/);
    expect(prompts[0]).toMatch(/Never use these words, in any form or hashtag: sugar, cheap, diet/);
    expect(prompts[0]).toMatch(/#quickkitchen #eatwell/);
    expect(prompts.some((p) => /Do not repeat or closely rephrase these recent titles:\n- /.test(p))).toBe(true);

    for (const p of [...all, ...(await proposalsOf(s, other.id))]) expectNothingForbidden(p.title, p);
    const kept = all.filter((p) => p.status === "accepted");
    expect(kept.length).toBeGreaterThanOrEqual(80);
    for (const p of kept) {
      expect(p.title).toMatch(FOOD);
      expectRequiredHashtags(p.title, p.caption);
    }
    // The sneaky reply was rejected by the gate, saying why, and stored without the word.
    const sneaky = all.find((p) => p.status === "rejected" && /banned list/.test(p.reason));
    expect(sneaky).toBeDefined();
    // Three malformed replies: that brand's proposals for the day are failed with the reason; the burst went on.
    const failed = all.filter((p) => p.status === "failed");
    expect(failed).toHaveLength(3 + 3); // day 4 (malformed) and day 10 (three 503s)
    expect(failed.some((p) => /did not match the schema|not valid JSON|no JSON object/.test(p.reason) && /Gave up after 3 attempts/.test(p.reason))).toBe(true);
    expect(failed.some((p) => /server error \(HTTP 503\)/.test(p.reason))).toBe(true);
    const day4 = "2026-03-05";
    const otherDay4 = await env.DB.prepare("SELECT status FROM burst_progress WHERE brand_id = ? AND run_key = ?").bind(other.id, day4).first<{ status: string }>();
    expect(otherDay4?.status).toBe("done");
    // The 429 and the hang were retried: those days still have their accepted proposals.
    for (const day of ["2026-03-07", "2026-03-09"]) {
      const n = await env.DB.prepare("SELECT COUNT(*) AS n FROM proposals WHERE brand_id = ? AND run_key = ? AND status = 'accepted'").bind(brand.id, day).first<{ n: number }>();
      expect(n!.n, day).toBe(3);
    }
  });

  it("an output's copy from the llm writer is scrubbed of what the model slipped in", async () => {
    const s = await signup();
    const brand = await foodBrand(s);
    const job = await json<{ jobId: string }>("/api/jobs", { ...s, body: { variant: "light", brands: [brand.id], topic: "weeknight pasta", platforms: ["sandbox"] } }, 201);
    const row = await env.DB.prepare("SELECT id FROM job_outputs WHERE job_id = ?").bind(Number(job.jobId.slice(4))).first<{ id: string }>();
    await llmFake.seed({ replies: [{ sneak: "diet" }] });
    expect(await generateOutput(env, row!.id, null, Date.now(), { llm: config() })).toBe("ready");
    const out = (await outputRow(row!.id))!;
    expectNothingForbidden("output", { title: out.title, caption: out.caption, slides: out.slide_texts });
    expectRequiredHashtags("output", out.caption as string);
    expect(out.caption).toMatch(/Shop, chop, cook, enjoy/);
  });
});
