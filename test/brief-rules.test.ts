// The pure parts of issue 9: what a brief forbids (found and scrubbed however
// it is spelled), near-duplicate titles across languages, and the template
// writer's proposals (deterministic per seed, brief-aware).
import { describe, expect, it } from "vitest";
import { EMPTY_BRIEF, mergeBrief } from "../worker/generation/brief";
import { capHashtags, enforceBrief, findViolation, scrubText } from "../worker/generation/brief-rules";
import { resolveNiche } from "../worker/generation/banks";
import { TitleIndex, titleSimilarity } from "../worker/generation/similarity";
import { draftTemplateProposals } from "../worker/generation/template-writer";

const brief = mergeBrief(EMPTY_BRIEF, { bannedWords: ["sugar", "açúcar", "cheap eats"], avoid: ["weight loss"], hashtags: ["#qk"] });

describe("what a brief forbids", () => {
  it("is found whatever the case, accents, plural or hashtag, and not inside other words", () => {
    for (const text of ["SUGAR rush", "No sugars today", "acucar mascavado", "Açúcar!", "#sugarfree life", "Cheap-eats guide", "#cheap_eats", "Weight  loss tips"]) {
      expect(findViolation(text, brief), text).not.toBeNull();
    }
    for (const text of ["Sugarcane fields", "cheapest flights", "weightlifting basics", "A calm kitchen"]) {
      expect(findViolation(text, brief), text).toBeNull();
    }
  });

  it("is scrubbed from text, keeping the rest (and its accents) readable", () => {
    expect(scrubText("Less sugar, more flavour #sugarfree #cooking", brief)).toBe("Less, more flavour #cooking");
    expect(scrubText("Pão sem açúcar, à portuguesa", brief)).toBe("Pão sem, à portuguesa");
    expect(findViolation(scrubText("Cheap eats and weight loss: SUGAR", brief), brief)).toBeNull();
  });

  it("enforceBrief cleans every field and adds the required hashtags, within Instagram's 30", () => {
    const many = Array.from({ length: 40 }, (_, i) => `#tag${i}`).join(" ");
    const out = enforceBrief({ title: "Sugar-free cakes", ytTitle: "Sugar | Brand", caption: `Bake it. ${many}`, slideTexts: ["Sugar", "Flour"] }, brief);
    for (const v of [out.title, out.ytTitle, out.caption, ...out.slideTexts]) expect(findViolation(v, brief), v).toBeNull();
    expect(out.caption).toContain("#qk");
    expect(out.caption.match(/#\w+/g)!.length).toBe(30);
    expect(out.slideTexts).toEqual(["Flour"]);
    expect(capHashtags("#a #b #qk", ["#qk"], 2)).toBe("#a  #qk");
  });
});

describe("near-duplicate titles", () => {
  it("normalise number words in English, Portuguese and Spanish, and stop words", () => {
    expect(titleSimilarity("5 easy breakfast ideas", "Five easy breakfast ideas!")).toBe(1);
    expect(titleSimilarity("Três erros com marmitas", "3 erros com marmitas")).toBe(1);
    expect(titleSimilarity("Tres errores con tuppers", "3 errores con los tuppers")).toBe(1);
    expect(titleSimilarity("The beginner's guide to meal prep", "Knife skills: myth vs fact")).toBe(0);
    const index = new TitleIndex(["One-pan dinners in 5 simple steps"]);
    expect(index.isNearDuplicate("One pan dinners in five simple steps")).toBe(true);
    expect(index.isNearDuplicate("One-pan dinners: what nobody tells you")).toBe(false);
  });
});

describe("template proposals", () => {
  const brand = { slug: "quick-kitchen", name: "Quick Kitchen", handle: "@qk" };
  const req = (seed: number) => ({ brand, brief: { ...brief, niche: "food" }, variants: ["light", "dark", "post"] as const, seed, recent: new TitleIndex() });

  it("are deterministic for a seed, differ across seeds, and follow the brief", () => {
    const a = draftTemplateProposals({ ...req(7), variants: [...req(7).variants] });
    expect(draftTemplateProposals({ ...req(7), variants: [...req(7).variants] })).toEqual(a);
    expect(draftTemplateProposals({ ...req(8), variants: [...req(8).variants] }).map((p) => p.title)).not.toEqual(a.map((p) => p.title));
    expect(a.map((p) => p.variant)).toEqual(["light", "dark", "post"]);
    for (const p of a) {
      expect(findViolation(`${p.title} ${p.caption}`, brief)).toBeNull();
      expect(p.caption).toContain("#qk");
    }
  });

  it("skip titles close to the brand's recent ones", () => {
    const first = draftTemplateProposals({ ...req(11), variants: ["light"] })[0]!;
    const next = draftTemplateProposals({ ...req(11), variants: ["light"], recent: new TitleIndex([first.title]) })[0]!;
    expect(titleSimilarity(first.title, next.title)).toBeLessThan(0.7);
  });

  it("resolve the niche from the brief, or the brand's name without one; generic only when unknown", () => {
    expect(resolveNiche("Food & cooking", "X").id).toBe("food");
    expect(resolveNiche("finanças pessoais", "X").id).toBe("finance");
    expect(resolveNiche("", "Quick Kitchen").id).toBe("food");
    expect(resolveNiche("", "Money Minute").id).toBe("finance");
    expect(resolveNiche("competitive birdwatching", "Quick Kitchen").id).toBe("generic");
  });
});
