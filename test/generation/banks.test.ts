// The offline writer writes what its title promises (issue 15 item 9,
// REGRESSIONS #26): for every niche × topic × language × hook, the post's
// slides are the topic's own tips, as many as the title counts, never one
// twice; titles and tips read in their own language; what a brief forbids is
// never shown, and the count still holds.
import { describe, expect, it } from "vitest";
import type { Brief } from "../../worker/contract/schemas";
import { readsWell, titleFor } from "../../worker/generation/arm-choice";
import { HOOKS, isNumbered, MAX_STEPS, MIN_STEPS, NICHES, type NicheBank, type TopicBank } from "../../worker/generation/banks";
import { EMPTY_BRIEF, type WriterLanguage } from "../../worker/generation/brief";
import { findViolation, fold } from "../../worker/generation/brief-rules";
import { TitleIndex } from "../../worker/generation/similarity";
import { draftTemplateProposals, writeContent } from "../../worker/generation/template-writer";
import { defaultTipCount, fillTemplate } from "../../worker/generation/tips";
import { parseTitle, promisedSteps } from "../../worker/generation/titles";
import type { Variant } from "../../worker/scheduling/variants";

const LANGS: WriterLanguage[] = ["en", "pt", "es"];
const brand = { slug: "bank-brand", name: "Bank Brand", handle: "@bankbrand" };
const briefFor = (niche: NicheBank, lang: WriterLanguage, over: Partial<Brief> = {}): Brief => ({
  ...EMPTY_BRIEF,
  niche: niche.id === "generic" ? "competitive birdwatching" : niche.keywords[0]!,
  language: lang,
  ...over,
});

/** A slide's tip without its number ("3. Dry the vegetables well…" → "Dry the vegetables well…"). */
const tipOf = (slide: string, i: number) => {
  expect(slide.startsWith(`${i + 1}. `), slide).toBe(true);
  return slide.slice(`${i + 1}. `.length);
};

/** The promise: as many slides as the title counts (or the variant's default), each a tip of `bank`, none twice. */
function expectTitleKept(title: string, slides: string[], bank: TopicBank, lang: WriterLanguage, variant: Variant) {
  const promised = promisedSteps(title, lang, bank.topic) ?? defaultTipCount(variant);
  expect(slides, `${title}: ${slides.join(" / ")}`).toHaveLength(promised);
  const tips = slides.map(tipOf);
  for (const t of tips) expect(bank.tips, `“${t}” under “${title}”`).toContain(t);
  expect(new Set(tips).size).toBe(tips.length);
  // In the bank's own order, so a "steps" title reads as steps.
  const order = tips.map((t) => bank.tips.indexOf(t));
  expect([...order].sort((a, b) => a - b)).toEqual(order);
}

describe("the banks", () => {
  it("give every niche, in every language, at least ten topics with their own tips and niche templates naming the topic", () => {
    for (const niche of NICHES) {
      for (const lang of LANGS) {
        const topics = niche.topics[lang];
        expect(topics.length, `${niche.id}/${lang}`).toBeGreaterThanOrEqual(10);
        expect(new Set(topics.map((t) => fold(t.topic))).size).toBe(topics.length);
        for (const t of topics) {
          expect(t.tips.length, `${niche.id}/${lang}/${t.topic}`).toBeGreaterThan(MAX_STEPS);
          for (const tip of t.tips) expect(tip, tip).toMatch(/^\S.{8,118}[.!?»)'”]$/u);
          // No topic in the es bank starts with "el": "de el…" would need to read "del…".
          if (lang === "es") expect(t.topic).not.toMatch(/^el /i);
        }
        expect(niche.templates[lang].length).toBeGreaterThan(MAX_STEPS);
        for (const tpl of niche.templates[lang]) expect(tpl.match(/\{topic\}/g), tpl).toHaveLength(1);
      }
    }
  });

  it("never repeat a tip within a language, so no two topics share advice by copy and paste", () => {
    for (const lang of LANGS) {
      const seen = new Map<string, string>();
      for (const niche of NICHES) {
        for (const t of niche.topics[lang]) {
          for (const tip of t.tips) {
            const k = fold(tip);
            expect(seen.get(k), `“${tip}” in ${niche.id}/${t.topic} and ${seen.get(k)}`).toBeUndefined();
            seen.set(k, `${niche.id}/${t.topic}`);
          }
        }
      }
    }
  });

  it("write each language in its own script: no Spanish marks in Portuguese, no Portuguese ones in Spanish, neither in English", () => {
    const text = (lang: WriterLanguage) =>
      NICHES.flatMap((n) => [...n.topics[lang].flatMap((t) => [t.topic, ...t.tips]), ...n.templates[lang]]).join("\n") +
      HOOKS.map((h) => h.text[lang] + h.angle[lang]).join("\n");
    expect(text("en")).not.toMatch(/[ãõçñ¿¡]/);
    expect(text("pt")).not.toMatch(/[ñ¿¡]/);
    expect(text("es")).not.toMatch(/[ãõç]/);
    // Portugal's Portuguese and Spain's Spanish, as the rest of the product writes them.
    expect(text("pt")).not.toMatch(/\b(celular|ônibus|café da manhã|tela|você)\b/i);
    expect(text("es")).not.toMatch(/\b(celular|computadora|ustedes)\b/i);
  });

  it("read every hook back into its topic and number", () => {
    for (const lang of LANGS) {
      for (const hook of HOOKS) {
        const title = titleFor("sheet-pan vegetables", hook, lang);
        const parsed = parseTitle(title, lang);
        expect(parsed?.hook.id, title).toBe(hook.id);
        expect(fold(parsed!.topic)).toBe("sheet-pan vegetables");
        if (isNumbered(hook)) expect(parsed!.steps).toBeGreaterThanOrEqual(MIN_STEPS);
        else expect(parsed!.steps).toBeNull();
      }
    }
  });
});

describe("every niche × topic × language × hook", () => {
  it("shows exactly the number of tips its title promises, each from the topic's own bank, in a reel and in a carousel", () => {
    let checked = 0;
    for (const niche of NICHES) {
      for (const lang of LANGS) {
        const brief = briefFor(niche, lang);
        for (const bank of niche.topics[lang]) {
          // Reels and carousels alternate over the hooks, so each topic is written as both.
          for (const [h, hook] of HOOKS.filter((x) => readsWell(bank.topic, x, lang)).entries()) {
            const title = titleFor(bank.topic, hook, lang);
            const variant: Variant = h % 2 ? "post" : "light";
            const w = writeContent({ seed: checked, brand, variant, title, topic: bank.topic, brief });
            expect(w.title).toBe(title);
            expectTitleKept(title, w.slideTexts, bank, lang, variant);
            if (isNumbered(hook)) expect(w.slideTexts).toHaveLength(parseTitle(title, lang)!.steps!);
            // The caption lists the same tips under the title.
            expect(w.caption.startsWith(`${title}\n\n${w.slideTexts.join("\n")}\n`)).toBe(true);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(9 * 3 * 10 * 12);
  });

  it("drafts proposals whose titles, arms and captions keep the promise for every niche and language", () => {
    for (const niche of NICHES) {
      for (const lang of LANGS) {
        const brief = briefFor(niche, lang);
        const drafts = draftTemplateProposals({ brand, brief, variants: ["light", "dark", "post", "light", "post"], seed: 17, recent: new TitleIndex() });
        expect(drafts).toHaveLength(5);
        for (const d of drafts) {
          const bank = niche.topics[lang].find((t) => t.topic === d.arm!.topic)!;
          expect(bank, `${niche.id}/${lang}: ${d.arm!.topic}`).toBeDefined();
          expect(parseTitle(d.title, lang)?.hook.id).toBe(d.arm!.hook);
          expect(d.angle).toBe(HOOKS.find((h) => h.id === d.arm!.hook)!.angle[lang]);
          const listed = d.caption!.split("\n\n")[1]!.split("\n");
          expectTitleKept(d.title, listed, bank, lang, d.variant);
        }
        // Five proposals, five topics: a day's posts do not repeat one.
        expect(new Set(drafts.map((d) => d.arm!.topic)).size).toBe(5);
      }
    }
  });
});

describe("titles that were not made from a hook", () => {
  const food = NICHES.find((n) => n.id === "food")!;
  const brief = briefFor(food, "en");
  const sheetPan = food.topics.en.find((t) => t.topic === "sheet-pan vegetables")!;

  it("promise their own number: digits or words, never a duration or part of the topic", () => {
    expect(promisedSteps("7 ways to love sheet-pan vegetables", "en", "sheet-pan vegetables")).toBe(7);
    expect(promisedSteps("Five easy weeknight dinners", "en")).toBe(5);
    expect(promisedSteps("Três ideias para o jantar", "pt")).toBe(3);
    expect(promisedSteps("Cuatro trucos para el arroz", "es")).toBe(4);
    expect(promisedSteps("Dinner in 20 minutes", "en")).toBeNull();
    expect(promisedSteps("A 20-minute full-body workout", "en", "a 20-minute full-body workout")).toBeNull();
    expect(promisedSteps("The 50/30/20 budget explained", "en", "the 50/30/20 budget")).toBeNull();
    expect(promisedSteps("Os dois lados da questão", "en")).toBeNull();
  });

  it("get that many slides: the bank's tips first, then the niche's templates naming the topic", () => {
    const w = writeContent({ seed: 1, brand, variant: "post", title: "7 ways to love sheet-pan vegetables", topic: "sheet-pan vegetables", brief });
    expect(w.slideTexts).toHaveLength(7);
    const tips = w.slideTexts.map(tipOf);
    expect(tips.slice(0, 6)).toEqual([...sheetPan.tips]);
    expect(food.templates.en.map((t) => fillTemplate(t, "sheet-pan vegetables"))).toContain(tips[6]);
  });

  it("of older jobs, whose topic was their title, still find the topic's bank", () => {
    const title = "What I wish I knew about sheet-pan vegetables";
    const w = writeContent({ seed: 5, brand, variant: "light", title, topic: title, brief });
    expectTitleKept(title, w.slideTexts, sheetPan, "en", "light");
    expect(w.ytTitle).toBe("Sheet-pan vegetables | Bank Brand");
  });

  it("on a brief's own topic use the niche's templates, which name it", () => {
    const topic = "weeknight risotto";
    const title = titleFor(topic, HOOKS.find((h) => h.id === "simple-steps")!, "en");
    const w = writeContent({ seed: 2, brand, variant: "light", title, topic, brief });
    expect(w.slideTexts).toHaveLength(promisedSteps(title, "en", topic)!);
    const allowed = food.templates.en.map((t) => fillTemplate(t, topic));
    for (const [i, s] of w.slideTexts.entries()) {
      expect(allowed).toContain(tipOf(s, i));
      expect(s.toLowerCase()).toContain(topic);
    }
  });
});

describe("the brief's rules", () => {
  const food = NICHES.find((n) => n.id === "food")!;
  const sheetPan = food.topics.en.find((t) => t.topic === "sheet-pan vegetables")!;

  it("keep a banned word out of every slide, while the title's count still holds", () => {
    const brief = briefFor(food, "en", { bannedWords: ["lemon", "oven"] });
    for (let seed = 0; seed < 40; seed++) {
      const w = writeContent({ seed, brand, variant: "post", title: "Sheet-pan vegetables in 5 simple steps", topic: "sheet-pan vegetables", brief });
      expect(w.slideTexts).toHaveLength(5);
      for (const s of w.slideTexts) expect(findViolation(s, brief), s).toBeNull();
      expect(new Set(w.slideTexts.map((s, i) => tipOf(s, i))).size).toBe(5);
    }
    // Two of the bank's six tips name a banned word: the fifth tip comes from the templates.
    expect(sheetPan.tips.filter((t) => findViolation(t, brief)).length).toBe(2);
  });

  it("never propose an avoided topic or a banned word, in any language", () => {
    for (const lang of LANGS) {
      const topics = food.topics[lang].map((t) => t.topic);
      const brief = briefFor(food, lang, { avoid: [topics[0]!, topics[1]!], bannedWords: [topics[2]!.split(" ")[0]!] });
      for (let seed = 0; seed < 30; seed++) {
        for (const d of draftTemplateProposals({ brand, brief, variants: ["light", "post"], seed, recent: new TitleIndex() })) {
          expect(findViolation(`${d.title}\n${d.caption}`, brief), d.title).toBeNull();
          expect([topics[0], topics[1], topics[2]]).not.toContain(d.arm!.topic);
        }
      }
    }
  });
});
