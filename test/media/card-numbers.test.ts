// What a brand's audience reads on the cards of a carousel and a reel: the
// counter counts tips (the cover and the title card are not tips), so the
// first tip is "1/5" (carousel) or "01 / 05" (reel), and a tip the writers
// numbered "1. …" does not show its number twice. Read from the layouts'
// element trees, without drawing them.
import { describe, expect, it } from "vitest";
import type { Child, Element } from "../../worker/media/element";
import { carouselLayouts, reelLayouts, withoutOwnNumber, type SlideBrand } from "../../worker/media/layouts";
import type { Layout } from "../../worker/media/render-layout";
import { palette } from "../../worker/media/theme";
import { writeContent } from "../../worker/generation/template-writer";
import { COLORS } from "./helpers";

const brand: SlideBrand = { name: "Quick Kitchen", handle: "quickkitchen", logo: null, language: "en" };

/** Every text a layout draws, in document order. */
function textsOf(layout: Layout): string[] {
  const fitted = Object.fromEntries(Object.entries(layout.texts).map(([k, v]) => [k, { text: v.text, size: 40 }]));
  const out: string[] = [];
  const walk = (c: Child | Child[] | undefined) => {
    if (c == null) return;
    if (typeof c === "string") out.push(c);
    else if (Array.isArray(c)) c.forEach(walk);
    else walk((c as Element).props.children);
  };
  walk(layout.build(fitted));
  return out;
}

const tips = ["1. Heat the oven to 220 °C.", "2. Cut everything to the same size.", "3. Dry the vegetables well.", "4. Toss them with oil in a bowl.", "5. Spread them in one layer."];

describe("carousel", () => {
  it("the cover has no counter; tip n reads n/5 with its text once, unnumbered", () => {
    const [cover, ...cards] = carouselLayouts(brand, palette(COLORS, "light"), "Sheet-pan vegetables in 5 simple steps", tips);
    expect(textsOf(cover!).some((t) => /\d\/\d/.test(t))).toBe(false);
    expect(cards).toHaveLength(5);
    cards.forEach((card, i) => {
      const texts = textsOf(card);
      expect(texts).toContain(`${i + 1}/5`);
      expect(texts).toContain(tips[i]!.slice(3));
      expect(texts.filter((t) => t.startsWith(`${i + 1}.`))).toEqual([]);
    });
  });
});

describe("reel", () => {
  it("the title card has no counter; tip n reads 0n / 05 with its text once, unnumbered", () => {
    const [title, ...cards] = reelLayouts(brand, palette(COLORS, "dark"), "Sheet-pan vegetables in 5 simple steps", tips);
    expect(textsOf(title!).some((t) => /^\d\d$/.test(t))).toBe(false);
    cards.forEach((card, i) => {
      const texts = textsOf(card);
      expect(texts.slice(texts.indexOf(`0${i + 1}`), texts.indexOf(`0${i + 1}`) + 2)).toEqual([`0${i + 1}`, "/ 05"]);
      expect(texts).toContain(tips[i]!.slice(3));
    });
  });

  it("the template writer's reel: each card's counter is the number its tip had", () => {
    const brief = { niche: "food", audience: "", tone: "", language: "en", topics: [], avoid: [], bannedWords: [], hashtags: [], reelsPerDay: null, postsPerDay: null };
    const content = writeContent({ seed: 7, brand: { slug: "quick-kitchen", name: "Quick Kitchen", handle: null }, variant: "dark", brief });
    const [, ...cards] = reelLayouts(brand, palette(COLORS, "dark"), content.title, content.slideTexts);
    expect(cards).toHaveLength(content.slideTexts.length);
    cards.forEach((card, i) => {
      const [own, text] = /^(\d+)\. (.*)$/s.exec(content.slideTexts[i]!)!.slice(1);
      const texts = textsOf(card);
      expect(texts).toContain(own!.padStart(2, "0"));
      expect(texts).toContain(text);
    });
  });
});

describe("a single tip", () => {
  it("has no counter or progress on either card", () => {
    const [, post] = carouselLayouts(brand, palette(COLORS, "light"), "One thing", ["Drink water first."]);
    const [, reel] = reelLayouts(brand, palette(COLORS, "dark"), "One thing", ["Drink water first."]);
    expect(textsOf(post!)).not.toContain("1/1");
    expect(textsOf(reel!)).not.toContain("01");
  });
});

describe("a tip's own number", () => {
  it.each([
    ["1. Heat the oven.", 0, "Heat the oven."],
    ["2) Cut evenly.", 1, "Cut evenly."],
    ["3 – Dry them.", 2, "Dry them."],
    ["1、先喝一杯水", 0, "先喝一杯水"],
    ["01. Heat the oven.", 0, "Heat the oven."],
  ])("%j on tip %i reads %j", (text, tip, shown) => {
    expect(withoutOwnNumber(text, tip)).toBe(shown);
  });

  it.each([
    ["1.5 kg of flour is enough.", 0],
    ["3. Not this card's number.", 0],
    ["10. Ten is not one.", 0],
    ["1.", 0],
    ["#1 Start here", 0],
    ["Rinse the rice.", 0],
  ])("%j on tip %i stays whole", (text, tip) => {
    expect(withoutOwnNumber(text, tip)).toBe(text);
  });
});
