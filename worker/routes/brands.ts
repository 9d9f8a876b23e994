import { Hono, type Context } from "hono";
import type { AppEnv } from "../auth/context";
import { requireRole, writesNeedEditor } from "../auth/middleware";
import { accountInput, brandCreateInput, connectInput, selectInput, brandUpdateInput, platform, slotsQuery } from "../contract/schemas";
import { accountCandidates, connectAccount, createBrand, deleteAccount, selectAccount, deleteBrand, getBrand, getBrandRow, listBrands, updateBrand, slotsWithOccupancy, upsertAccount } from "../services/brands";
import { parseWith, readJson, readQuery } from "../lib/validate";
import { iso } from "../lib/time";
import { signForView } from "../services/media-urls";
import { quotaDay } from "../services/quotas";
import { brandAssetRoutes } from "./brand-assets";

const signer = (c: Context<AppEnv>) => (key: string) => signForView(c.env, key, new URL(c.req.url).origin);

export const brandRoutes = new Hono<AppEnv>()
  .use(writesNeedEditor)
  .get("/", async (c) => c.json({ brands: await listBrands(c.get("db"), c.get("actor").workspaceId, signer(c)) }))
  .post("/", async (c) => {
    const input = await readJson(c, brandCreateInput);
    const actor = c.get("actor");
    return c.json(await createBrand(c.get("db"), c.env.DB, await quotaDay(c.env, actor.workspaceId), input), 201);
  })
  .get("/:brandId", async (c) => c.json(await getBrand(c.get("db"), c.get("actor").workspaceId, c.req.param("brandId"), signer(c))))
  .patch("/:brandId", async (c) => {
    const input = await readJson(c, brandUpdateInput);
    return c.json(await updateBrand(c.get("db"), c.get("actor").workspaceId, c.req.param("brandId"), input));
  })
  // Deleting a brand takes its whole history with it: owners only.
  .delete("/:brandId", requireRole("owner"), async (c) => {
    await deleteBrand(c.get("db"), c.get("actor").workspaceId, c.req.param("brandId"));
    return c.body(null, 204);
  })
  // The brand's slot grid with occupancy: the one slot definition the web app uses (REGRESSIONS #11).
  .get("/:brandId/slots", async (c) => {
    const q = readQuery(c, slotsQuery);
    const workspaceId = c.get("actor").workspaceId;
    const row = await getBrandRow(c.get("db"), workspaceId, c.req.param("brandId"));
    const slots = (await slotsWithOccupancy(c.env.DB, row, Date.parse(q.from), Date.parse(q.to))).map((s) => ({ ...s, at: iso(s.at) }));
    return c.json({ timezone: row.timezone, slots });
  })
  .put("/:brandId/accounts/:platform", async (c) => {
    const p = parseWith(platform, c.req.param("platform"));
    const input = await readJson(c, accountInput);
    return c.json(await upsertAccount(c.env, c.get("db"), c.get("actor").workspaceId, c.req.param("brandId"), p, input));
  })
  .delete("/:brandId/accounts/:platform", async (c) => {
    const p = parseWith(platform, c.req.param("platform"));
    await deleteAccount(c.env, c.get("db"), c.get("actor").workspaceId, c.req.param("brandId"), p);
    return c.body(null, 204);
  })
  // The OAuth connect flow (PLATFORMS.md §7): the consent page's URL with a one-time state.
  .post("/:brandId/accounts/:platform/connect", async (c) => {
    const p = parseWith(platform, c.req.param("platform"));
    const { via } = await readJson(c, connectInput);
    const origin = new URL(c.req.url).origin;
    return c.json(await connectAccount(c.env, c.get("actor"), c.get("sessionHash") ?? null, c.req.param("brandId"), p, via, origin));
  })
  .get("/:brandId/accounts/:platform/candidates", async (c) => {
    const p = parseWith(platform, c.req.param("platform"));
    return c.json(await accountCandidates(c.get("db"), c.env.DB, c.get("actor").workspaceId, c.req.param("brandId"), p));
  })
  .post("/:brandId/accounts/:platform/select", async (c) => {
    const p = parseWith(platform, c.req.param("platform"));
    const { externalId } = await readJson(c, selectInput);
    return c.json(await selectAccount(c.get("db"), c.env.DB, c.get("actor").workspaceId, c.req.param("brandId"), p, externalId));
  })
  .route("/", brandAssetRoutes);
