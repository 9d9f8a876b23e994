// One social account, one brand (REGRESSIONS #25, issue 16 item 15): the same
// Instagram account, Page or channel connected to two brands would send two
// brands' content to one audience. Every way in refuses it: a pasted token,
// the OAuth callback, the candidates list and the choice, and two connects at
// the same moment (the unique index behind the check).
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { call, createBrand, expectClientError, json, signup, type Session } from "../support/fixtures";
import { accountRow, connectThrough, expectRefusedAndNothingStored, META_PAGES, resetMetaAfterTest } from "./helpers";

const PAGES = META_PAGES;

afterEach(resetMetaAfterTest);

const paste = (s: Session, brandId: string, platform: string, externalId: string) =>
  call(`/api/brands/${brandId}/accounts/${platform}`, { ...s, method: "PUT", body: { externalId, accessToken: `token-${brandId}` } });

describe("one social account, one brand", () => {
  it("paste: a second brand of the workspace gets a 409 naming the first; another workspace only hears 'elsewhere'; nothing is stored", async () => {
    const s = await signup();
    const a = await createBrand(s, { name: "Calm Kitchen" });
    const b = await createBrand(s, { name: "Money Minute" });
    expect((await paste(s, a.id, "instagram", "17841455500000001")).status).toBe(200);

    const same = await expectClientError(await paste(s, b.id, "instagram", "17841455500000001"), 409, "account_in_use");
    expect(same.message).toMatch(/already connected to the brand Calm Kitchen/);
    expect(same.details).toEqual({ brandId: a.id, brandName: "Calm Kitchen" });
    expect(await accountRow(b.id, "instagram")).toBeNull();

    const other = await signup();
    const c = await createBrand(other, { name: "Elsewhere" });
    const far = await expectClientError(await paste(other, c.id, "instagram", "17841455500000001"), 409, "account_in_use");
    expect(far.message).toMatch(/already connected to a brand in another workspace/);
    expect(JSON.stringify(far)).not.toContain("Calm Kitchen");
    expect(JSON.stringify(far)).not.toContain(a.id);
    expect(await accountRow(c.id, "instagram")).toBeNull();

    // The same brand reconnecting it, another platform with the same id, and sandboxes are all fine.
    expect((await paste(s, a.id, "instagram", "17841455500000001")).status).toBe(200);
    expect((await paste(s, b.id, "facebook", "17841455500000001")).status).toBe(200);
    expect((await paste(s, a.id, "sandbox", "sandbox-shared")).status).toBe(200);
    expect((await paste(s, b.id, "sandbox", "sandbox-shared")).status).toBe(200);

    // Once the first brand lets it go, the second may have it.
    expect((await call(`/api/brands/${a.id}/accounts/instagram`, { ...s, method: "DELETE" })).status).toBe(204);
    expect((await paste(s, b.id, "instagram", "17841455500000001")).status).toBe(200);
  });

  it("two brands pasting the same account at the same moment: exactly one has it", async () => {
    const s = await signup();
    const brands = await Promise.all([createBrand(s), createBrand(s), createBrand(s)]);
    const answers = await Promise.all(brands.map((b) => paste(s, b.id, "youtube", "UCsameChannelAtOnce00001")));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM platform_accounts WHERE platform = 'youtube' AND external_id = ?").bind("UCsameChannelAtOnce00001").first<{ n: number }>();
    expect(rows!.n).toBe(1);
  });

  it("the index itself refuses a second brand's row, whatever writes it", async () => {
    const s = await signup();
    const a = await createBrand(s);
    const b = await createBrand(s);
    expect((await paste(s, a.id, "facebook", "101999")).status).toBe(200);
    await expect(
      env.DB.prepare("INSERT INTO platform_accounts (id, workspace_id, brand_id, platform, external_id, credentials) VALUES ('acc_dup', ?, ?, 'facebook', '101999', '')").bind(s.workspaceId, b.id).run(),
    ).rejects.toThrow(/UNIQUE constraint failed/);
  });

  it("OAuth: the callback for an account another brand has lands with the brand's name and stores nothing", async () => {
    const s = await signup();
    const a = await createBrand(s, { name: "Calm Kitchen" });
    const b = await createBrand(s, { name: "Money Minute" });
    expect((await connectThrough(s, a.id, "instagram")).landing.params.get("connected")).toBe("instagram");
    const { landing } = await connectThrough(s, b.id, "instagram");
    await expectRefusedAndNothingStored(landing, b.id, "instagram", /already connected to the brand Calm Kitchen.*Nothing was connected/);

    const other = await signup();
    const c = await createBrand(other);
    const far = await connectThrough(other, c.id, "instagram");
    await expectRefusedAndNothingStored(far.landing, c.id, "instagram", /already connected to a brand in another workspace/);
    expect(far.landing.error).not.toContain("Calm Kitchen");
  });

  it("candidates say which Page another brand has, and selecting it is a 409 while the free one connects", async () => {
    const s = await signup();
    const a = await createBrand(s, { name: "Calm Kitchen" });
    const b = await createBrand(s, { name: "Money Minute" });
    await connectThrough(s, a.id, "facebook");
    await json(`/api/brands/${a.id}/accounts/facebook/select`, { ...s, body: { externalId: PAGES[0]!.id } }, 200);

    expect((await connectThrough(s, b.id, "facebook")).landing.params.get("select")).toBe("facebook");
    const { candidates } = await json(`/api/brands/${b.id}/accounts/facebook/candidates`, s, 200);
    expect(candidates).toEqual([
      { externalId: PAGES[0]!.id, name: "Daily Habits", unavailable: expect.stringMatching(/already connected to the brand Calm Kitchen/) },
      { externalId: PAGES[1]!.id, name: "Money Minute" },
    ]);
    const refused = await expectClientError(await call(`/api/brands/${b.id}/accounts/facebook/select`, { ...s, body: { externalId: PAGES[0]!.id } }), 409, "account_in_use");
    expect(refused.message).toMatch(/Calm Kitchen/);
    expect((await accountRow(b.id, "facebook"))!.status).toBe("pending_selection");
    expect(await json(`/api/brands/${b.id}/accounts/facebook/select`, { ...s, body: { externalId: PAGES[1]!.id } }, 200)).toMatchObject({ status: "connected", externalId: PAGES[1]!.id });

    // In another workspace the candidate only says "elsewhere".
    const other = await signup();
    const c = await createBrand(other);
    await connectThrough(other, c.id, "facebook");
    const far = await json(`/api/brands/${c.id}/accounts/facebook/candidates`, other, 200);
    expect(far.candidates.map((x: { unavailable?: string }) => x.unavailable)).toEqual([
      expect.stringMatching(/another workspace/),
      expect.stringMatching(/another workspace/),
    ]);
    for (const secret of ["Calm Kitchen", a.id, b.id]) expect(JSON.stringify(far)).not.toContain(secret);
  });
});
