// Brands and their platform accounts. Every function takes the workspace id
// and filters on it: another workspace's brand is simply "not found".
import { and, asc, eq, sql } from "drizzle-orm";
import { readStoredCredentials } from "../accounts/credentials";
import { keyRingOrConflict, startConnect } from "../accounts/connect";
import { providerFor } from "../accounts/providers";
import type { LoginVia } from "../accounts/providers/types";
import { accountRow, listCandidates, saveConnected, selectCandidate } from "../accounts/store";
import type { Actor } from "../auth/context";
import type { Account, Brand, BrandColors, BriefInput } from "../contract/schemas";
import { getDb, type Db } from "../db/client";
import { brands, deliveries, platformAccounts, schedules } from "../db/schema";
import type { Env } from "../env";
import { isoOrNull } from "../lib/time";
import { logError } from "../lib/log";
import { conflict, notFound } from "../errors";
import { EMPTY_BRIEF, mergeBrief, readBrief } from "../generation/brief";
import { newId } from "../lib/ids";
import { DEFAULT_SLOTS, slotsBetween, type BrandGrid, type GridSlot, type SlotConfig } from "../scheduling/slot-grid";
import type { Platform } from "../scheduling/variants";
import { brandGate, quotaError, readUsage, type QuotaDay } from "./quotas";

export type BrandRow = typeof brands.$inferSelect;

const PALETTE = ["#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed", "#0891b2", "#dc2626", "#4f46e5"];

/** Brand-aware defaults: a colour picked from the slug so brands look different out of the box. */
export function defaultColors(slug: string): BrandColors {
  let h = 0;
  for (const ch of slug) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const primary = PALETTE[h % PALETTE.length]!;
  // Unsigned shift: h often exceeds 2^31, and `>>` would give a negative index (an undefined accent).
  const accent = PALETTE[(h >>> 3) % PALETTE.length]!;
  return { primary, accent, light: { bg: "#ffffff", fg: "#111827" }, dark: { bg: "#0b1020", fg: "#f9fafb" } };
}

export function brandGrid(row: Pick<BrandRow, "timezone" | "slots" | "scheduleOffset">): BrandGrid {
  return { timezone: row.timezone, slots: JSON.parse(row.slots) as SlotConfig, scheduleOffset: row.scheduleOffset };
}

/**
 * The brand's grid slots with `from <= at < to`, each marked taken or not from
 * the schedules table: what the web app draws and what the burst's quotas count.
 */
export async function slotsWithOccupancy(
  d1: D1Database,
  brand: { id: string } & Pick<BrandRow, "timezone" | "slots" | "scheduleOffset">,
  from: number,
  to: number,
): Promise<Array<GridSlot & { taken: boolean }>> {
  const rows = await d1
    .prepare("SELECT scheduled_at FROM schedules WHERE brand_id = ? AND scheduled_at >= ? AND scheduled_at < ?")
    .bind(brand.id, from, to)
    .all<{ scheduled_at: number }>();
  const taken = new Set(rows.results.map((r) => r.scheduled_at));
  return slotsBetween(brandGrid(brand), from, to).map((s) => ({ ...s, taken: taken.has(s.at) }));
}

export function brandColorsOf(row: Pick<BrandRow, "colors">): BrandColors {
  return JSON.parse(row.colors) as BrandColors;
}

type AccountRow = typeof platformAccounts.$inferSelect;

export function toBrandDto(row: BrandRow, accounts: AccountRow[], logoUrl: string | null = null): Brand {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    timezone: row.timezone,
    colors: brandColorsOf(row),
    slots: JSON.parse(row.slots) as SlotConfig,
    scheduleOffset: row.scheduleOffset,
    handle: row.handle,
    logoUrl,
    hasMusic: row.musicKey != null,
    brief: readBrief(row.brief),
    accounts: accounts.filter((a) => a.brandId === row.id).map(toAccountDto),
  };
}

/** Signs an R2 key into a URL the browser can load (the logo). */
export type KeySigner = (key: string) => Promise<string>;

export async function listBrands(db: Db, workspaceId: string, sign?: KeySigner): Promise<Brand[]> {
  const rows = await db.select().from(brands).where(eq(brands.workspaceId, workspaceId)).orderBy(asc(brands.name));
  // A join on the workspace rather than `brand_id IN (...)`: D1 binds at most 100 parameters.
  const accounts = rows.length
    ? (
        await db
          .select({ account: platformAccounts })
          .from(platformAccounts)
          .innerJoin(brands, eq(brands.id, platformAccounts.brandId))
          .where(eq(brands.workspaceId, workspaceId))
      ).map((r) => r.account)
    : [];
  return Promise.all(rows.map(async (r) => toBrandDto(r, accounts, r.logoKey && sign ? await sign(r.logoKey) : null)));
}

export async function getBrandRow(db: Db, workspaceId: string, brandId: string): Promise<BrandRow> {
  const row = await db.query.brands.findFirst({ where: and(eq(brands.id, brandId), eq(brands.workspaceId, workspaceId)) });
  if (!row) throw notFound("Brand");
  return row;
}

export async function getBrand(db: Db, workspaceId: string, brandId: string, sign?: KeySigner): Promise<Brand> {
  const row = await getBrandRow(db, workspaceId, brandId);
  const accounts = await db.select().from(platformAccounts).where(eq(platformAccounts.brandId, row.id));
  return toBrandDto(row, accounts, row.logoKey && sign ? await sign(row.logoKey) : null);
}

export interface BrandInput {
  slug?: string;
  name?: string;
  timezone?: string;
  colors?: BrandColors;
  slots?: SlotConfig;
  scheduleOffset?: number;
  handle?: string;
  brief?: BriefInput;
}

async function assertSlugFree(db: Db, workspaceId: string, slug: string, exceptId?: string) {
  const existing = await db.query.brands.findFirst({ where: and(eq(brands.workspaceId, workspaceId), eq(brands.slug, slug)) });
  if (existing && existing.id !== exceptId) throw conflict("conflict", `A brand with slug "${slug}" already exists.`);
}

/** Creates the brand if the workspace is under its brand quota: the count and the insert are one statement (quotas.ts). */
export async function createBrand(db: Db, d1: D1Database, q: QuotaDay, input: BrandInput & { slug: string; name: string }) {
  const workspaceId = q.workspaceId;
  await assertSlugFree(db, workspaceId, input.slug);
  const id = newId("brd");
  const room = brandGate(q);
  const inserted = await d1
    .prepare(
      `INSERT INTO brands (id, workspace_id, slug, name, timezone, colors, slots, schedule_offset, handle, brief)
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE ${room.sql}`,
    )
    .bind(
      id,
      workspaceId,
      input.slug,
      input.name,
      input.timezone ?? q.timezone,
      JSON.stringify(input.colors ?? defaultColors(input.slug)),
      JSON.stringify(input.slots ?? DEFAULT_SLOTS),
      input.scheduleOffset ?? 0,
      input.handle ?? `@${input.slug}`,
      input.brief ? JSON.stringify(mergeBrief(EMPTY_BRIEF, input.brief)) : null,
      ...room.binds,
    )
    .run();
  if (!inserted.meta.changes) throw quotaError(q, "brands", await readUsage(d1, q));
  return getBrand(db, workspaceId, id);
}

export async function updateBrand(db: Db, workspaceId: string, brandId: string, input: BrandInput) {
  const current = await getBrandRow(db, workspaceId, brandId);
  if (input.slug) await assertSlugFree(db, workspaceId, input.slug, brandId);
  const patch: Partial<typeof brands.$inferInsert> = {};
  if (input.slug !== undefined) patch.slug = input.slug;
  if (input.name !== undefined) patch.name = input.name;
  if (input.timezone !== undefined) patch.timezone = input.timezone;
  if (input.colors !== undefined) patch.colors = JSON.stringify(input.colors);
  if (input.slots !== undefined) patch.slots = JSON.stringify(input.slots);
  if (input.scheduleOffset !== undefined) patch.scheduleOffset = input.scheduleOffset;
  if (input.handle !== undefined) patch.handle = input.handle;
  if (input.brief !== undefined) patch.brief = JSON.stringify(mergeBrief(readBrief(current.brief), input.brief));
  if (Object.keys(patch).length) {
    await db.update(brands).set(patch).where(and(eq(brands.id, brandId), eq(brands.workspaceId, workspaceId)));
  }
  return getBrand(db, workspaceId, brandId);
}

/**
 * Deletes the brand and, by cascade, its outputs, schedules and deliveries:
 * refused while any delivery is queued or publishing, since a platform call in
 * flight would then post something nobody can see or retract here. One
 * statement, so a delivery queued after the check cannot slip in between.
 */
export async function deleteBrand(db: Db, workspaceId: string, brandId: string) {
  await getBrandRow(db, workspaceId, brandId);
  const deleted = await db
    .delete(brands)
    .where(
      and(
        eq(brands.id, brandId),
        eq(brands.workspaceId, workspaceId),
        sql`NOT EXISTS (SELECT 1 FROM ${deliveries} JOIN ${schedules} ON ${schedules.id} = ${deliveries.scheduleId}
          WHERE ${schedules.brandId} = ${brandId} AND ${deliveries.status} IN ('queued', 'publishing'))`,
      ),
    )
    .returning({ id: brands.id });
  if (!deleted.length) {
    throw conflict("wrong_state", "This brand has posts being published right now. Wait until they finish, then delete it.");
  }
}

/** API.md's Account: never the credentials. */
export function toAccountDto(a: AccountRow): Account {
  return {
    platform: a.platform,
    externalId: a.externalId,
    name: a.name,
    status: a.status,
    statusReason: a.statusReason,
    expiresAt: isoOrNull(a.expiresAt),
    connectedAt: isoOrNull(a.connectedAt),
    loginVia: a.loginVia,
    analytics: analyticsAccess(a),
  };
}

/** Account.analytics: whether the grant covers insights; "unknown" for a pasted token (and the sandbox's simulated metrics need none). */
function analyticsAccess(a: Pick<AccountRow, "platform" | "insightsAccess">): Account["analytics"] {
  if (a.platform === "sandbox") return "granted";
  return a.insightsAccess ?? "unknown";
}

async function accountDto(db: Db, brandId: string, platform: Platform): Promise<Account> {
  const row = await db.query.platformAccounts.findFirst({ where: and(eq(platformAccounts.brandId, brandId), eq(platformAccounts.platform, platform)) });
  if (!row) throw notFound("Account");
  return toAccountDto(row);
}

/** A pasted token (API.md `PUT …/accounts/:platform`): sealed like a connected one; fails closed without a key. */
export async function upsertAccount(
  env: Env,
  db: Db,
  workspaceId: string,
  brandId: string,
  platform: Platform,
  input: { externalId: string; accessToken: string; refreshToken?: string; expiresAt?: string },
) {
  await getBrandRow(db, workspaceId, brandId);
  const ring = await keyRingOrConflict(env);
  await saveConnected(
    env.DB,
    ring,
    { workspaceId, brandId, platform },
    {
      externalId: input.externalId,
      name: null,
      loginVia: null,
      credentials: { accessToken: input.accessToken, refreshToken: input.refreshToken ?? null },
      expiresAt: input.expiresAt ? Date.parse(input.expiresAt) : null,
    },
    null,
    // A pasted token's permissions are unknown until the sampler finds out.
    null,
  );
  return accountDto(db, brandId, platform);
}

/** Revokes the grant where the platform allows it (Google), then deletes the account and its credentials. */
export async function deleteAccount(env: Env, db: Db, workspaceId: string, brandId: string, platform: Platform) {
  await getBrandRow(db, workspaceId, brandId);
  const row = await accountRow(env.DB, { workspaceId, brandId, platform });
  if (!row) throw notFound("Account");
  const provider = providerFor(platform, row.login_via);
  if (provider?.revoke && row.credentials) {
    try {
      await provider.revoke(env, await readStoredCredentials(env, row));
    } catch (err) {
      // The grant may already be gone (or the key missing): deleting our copy still goes ahead.
      logError("revoke on disconnect failed", { platform, error: err });
    }
  }
  await db
    .delete(platformAccounts)
    .where(and(eq(platformAccounts.id, row.id), eq(platformAccounts.workspaceId, workspaceId)));
}

export async function connectAccount(env: Env, actor: Actor, sessionHash: string | null, brandId: string, platform: Platform, via: LoginVia | undefined, origin: string) {
  await getBrandRow(getDb(env.DB), actor.workspaceId, brandId);
  return startConnect(env, actor, sessionHash, { brandId, platform, via }, origin);
}

export async function accountCandidates(db: Db, d1: D1Database, workspaceId: string, brandId: string, platform: Platform) {
  await getBrandRow(db, workspaceId, brandId);
  return { candidates: await listCandidates(d1, { workspaceId, brandId, platform }) };
}

export async function selectAccount(db: Db, d1: D1Database, workspaceId: string, brandId: string, platform: Platform, externalId: string) {
  await getBrandRow(db, workspaceId, brandId);
  await selectCandidate(d1, { workspaceId, brandId, platform }, externalId);
  return accountDto(db, brandId, platform);
}
