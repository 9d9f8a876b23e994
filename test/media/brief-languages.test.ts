// A brief names one of the languages slides render (contract/languages.ts):
// region subtags and Chinese scripts are accepted, languages whose script
// slides cannot draw yet are a 400 that says so, and nothing changes.
import { describe, expect, it } from "vitest";
import type { Brand } from "../../worker/contract/schemas";
import { briefLanguage } from "../../worker/contract/languages";
import { call, createBrand, expectClientError, json, signup } from "../support/fixtures";

describe("brief languages", () => {
  it.each([
    ["ja", "ja"],
    ["zh-Hant", "zh-Hant"],
    ["zh-TW", "zh-Hant"],
    ["zh-CN", "zh-Hans"],
    ["zh", "zh-Hans"],
    ["pt-BR", "pt"],
    ["uk", "uk"],
    ["el", "el"],
    ["ar", null],
    ["he", null],
    ["hi", null],
  ])("%s → %s", (tag, expected) => {
    expect(briefLanguage(tag)).toBe(expected);
  });

  it("a supported language is stored as given; Arabic, Hebrew and Hindi are refused with the list", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    for (const language of ["ja", "zh-Hant", "pt-BR", "ko"]) {
      const patched = await json<Brand>(`/api/brands/${brand.id}`, { ...s, method: "PATCH", body: { brief: { language } } }, 200);
      expect(patched.brief.language).toBe(language);
    }
    for (const language of ["ar", "he", "hi", "english"]) {
      const err = await expectClientError(await call(`/api/brands/${brand.id}`, { ...s, method: "PATCH", body: { brief: { language } } }), 400, "invalid_input", language);
      if (language !== "english") expect(JSON.stringify(err)).toMatch(/not supported on slides yet/);
    }
    expect((await json<Brand>(`/api/brands/${brand.id}`, s, 200)).brief.language).toBe("ko");
  });
});
