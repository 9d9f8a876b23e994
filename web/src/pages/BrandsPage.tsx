// Brands: list, create, and edit (name, colours, zone, slot grid, offset),
// with connected accounts per platform.
import { useEffect, useState } from "preact/hooks";
import type { Brand } from "../api/types";
import { Accounts } from "../components/brands/Accounts";
import { lazyComponent } from "../components/lazy";
import { BriefEditor } from "../components/brands/BriefEditor";
import { MusicUpload } from "../components/brands/MusicUpload";
import { SlotEditor, SlotPreview } from "../components/brands/SlotEditor";
import { Alert, Empty, Field, InlineError, Spinner } from "../components/ui";
import type { AppState } from "../state/app";
import type { BrandsModel } from "../state/brands";
import { viewerZone } from "../state/time";

/** Best-times suggestions load on demand, like the Analytics page they come from (web/chunk-budget.ts). */
const BestTimeSuggestions = lazyComponent<{ app: AppState; brand: Brand; canEdit: boolean }>(
  () => import("../components/brands/BestTimes").then((m) => m.BestTimeSuggestions),
  "best-times suggestions",
);

const zones = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf("timeZone");
  } catch {
    return [];
  }
})();

const slugify = (s: string) =>
  s
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);

export function BrandsPage({ app, brandId }: { app: AppState; brandId?: string }) {
  const { brands } = app;
  useEffect(() => void brands.load(), []);
  const list = brands.list.value;
  const current = brandId ? brands.byId.value.get(brandId) : undefined;
  const canEdit = app.session.canEdit.value;
  return (
    <div class="page brands-page">
      <div class="page-head">
        <h1>Brands</h1>
      </div>
      {brands.error.value && <Alert>Couldn't load brands: {brands.error.value}</Alert>}
      <div class="brands-layout">
        <div>
          {list === null ? (
            <Spinner />
          ) : list.length === 0 ? (
            <Empty title="No brands yet.">
              <p>Create your first brand below: it gets a default slot grid you can edit.</p>
            </Empty>
          ) : (
            <ul class="brand-list">
              {list.map((b) => (
                <li key={b.id}>
                  <a href={`/brands/${b.id}`} class={`brand-item${b.id === brandId ? " current" : ""}`} aria-current={b.id === brandId ? "page" : undefined} style={{ "--brand": b.colors.primary }}>
                    <span class="swatch" aria-hidden="true" />
                    <span class="brand-name">{b.name}</span>
                    <span class="muted">{b.timezone}</span>
                    {b.accounts.some((a) => a.status === "needs_reconnect") && <span class="badge tone-failed">reconnect</span>}
                  </a>
                </li>
              ))}
            </ul>
          )}
          {canEdit && <NewBrandForm brands={brands} onCreated={(b) => app.router.navigate(`/brands/${b.id}`)} />}
        </div>
        <div>
          {current ? (
            <BrandEditor key={current.id} app={app} brand={current} canEdit={canEdit} />
          ) : brandId && list ? (
            <Alert>That brand was not found in this workspace.</Alert>
          ) : list?.length ? (
            <p class="muted">Pick a brand to edit its grid, colours and accounts.</p>
          ) : null}
        </div>
      </div>
    </div>
  );
}

function NewBrandForm({ brands, onCreated }: { brands: BrandsModel; onCreated: (b: Brand) => void }) {
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [tz, setTz] = useState(viewerZone());
  const e = brands.formErrors.value["create"];
  return (
    <form
      class="card"
      aria-labelledby="nb-h"
      onSubmit={async (ev) => {
        ev.preventDefault();
        const b = await brands.create({ name, slug: slug || slugify(name), timezone: tz });
        if (b) {
          setName("");
          setSlug("");
          onCreated(b);
        }
      }}
    >
      <h2 id="nb-h">New brand</h2>
      <Field id="nb-name" label="Name" error={e?.fields["name"]}>
        {(id, d) => <input id={id} value={name} required maxLength={80} aria-describedby={d} onInput={(x) => setName(x.currentTarget.value)} />}
      </Field>
      <Field id="nb-slug" label="Slug" error={e?.fields["slug"]} hint="Lowercase letters, digits and dashes.">
        {(id, d) => <input id={id} value={slug} placeholder={slugify(name)} aria-describedby={d} onInput={(x) => setSlug(x.currentTarget.value)} />}
      </Field>
      <Field id="nb-tz" label="Time zone" error={e?.fields["timezone"]}>
        {(id, d) => <input id={id} value={tz} list="tz-list" aria-describedby={d} onInput={(x) => setTz(x.currentTarget.value)} />}
      </Field>
      <datalist id="tz-list">
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <button type="submit" class="btn btn-primary" disabled={brands.busy.value === "create" || !name.trim()}>
        Create brand
      </button>
      <InlineError message={e?.message} />
    </form>
  );
}

function BrandEditor({ app, brand, canEdit }: { app: AppState; brand: Brand; canEdit: boolean }) {
  const { brands } = app;
  const [draft, setDraft] = useState(() => structuredClone(brand));
  useEffect(() => setDraft(structuredClone(brand)), [brand]);
  const e = brands.formErrors.value[brand.id];
  const f = e?.fields ?? {};
  const set = (patch: Partial<Brand>) => setDraft({ ...draft, ...patch });
  const c = draft.colors;
  const colour = (label: string, value: string, apply: (v: string) => void, key: string) => (
    <Field id={`c-${key}`} label={label} error={f[`colors.${key}`]}>
      {(id) => <input id={id} type="color" value={value} disabled={!canEdit} onInput={(x) => apply(x.currentTarget.value)} />}
    </Field>
  );
  return (
    <div class="editor">
      <form
        class="card"
        aria-labelledby="be-h"
        onSubmit={(ev) => {
          ev.preventDefault();
          void brands.update(brand.id, {
            name: draft.name,
            timezone: draft.timezone,
            colors: draft.colors,
            slots: draft.slots,
            scheduleOffset: draft.scheduleOffset,
          });
        }}
      >
        <h2 id="be-h" style={{ "--brand": draft.colors.primary }}>
          <span class="swatch" aria-hidden="true" /> {brand.name} <span class="muted">/{brand.slug}</span>
        </h2>
        <div class="form-grid">
          <Field id="be-name" label="Name" error={f["name"]}>
            {(id) => <input id={id} value={draft.name} disabled={!canEdit} onInput={(x) => set({ name: x.currentTarget.value })} />}
          </Field>
          <Field id="be-tz" label="Time zone" error={f["timezone"]} hint="Slot times are wall-clock in this zone.">
            {(id, d) => <input id={id} list="tz-list-e" value={draft.timezone} aria-describedby={d} disabled={!canEdit} onInput={(x) => set({ timezone: x.currentTarget.value })} />}
          </Field>
          <datalist id="tz-list-e">
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          <Field id="be-offset" label="Schedule offset (hours)" error={f["scheduleOffset"]} hint="Shifts every slot so brands don't publish at the same minute.">
            {(id, d) => (
              <input
                id={id}
                type="number"
                min={-12}
                max={12}
                step={1}
                value={draft.scheduleOffset}
                aria-describedby={d}
                disabled={!canEdit}
                onInput={(x) => set({ scheduleOffset: Number(x.currentTarget.value) })}
              />
            )}
          </Field>
        </div>
        <fieldset class="colours">
          <legend>Colours</legend>
          {colour("Primary", c.primary, (v) => set({ colors: { ...c, primary: v } }), "primary")}
          {colour("Accent", c.accent, (v) => set({ colors: { ...c, accent: v } }), "accent")}
          {colour("Light background", c.light.bg, (v) => set({ colors: { ...c, light: { ...c.light, bg: v } } }), "light.bg")}
          {colour("Light text", c.light.fg, (v) => set({ colors: { ...c, light: { ...c.light, fg: v } } }), "light.fg")}
          {colour("Dark background", c.dark.bg, (v) => set({ colors: { ...c, dark: { ...c.dark, bg: v } } }), "dark.bg")}
          {colour("Dark text", c.dark.fg, (v) => set({ colors: { ...c, dark: { ...c.dark, fg: v } } }), "dark.fg")}
        </fieldset>
        <SlotEditor draft={draft} setDraft={setDraft} canEdit={canEdit} error={f["slots"] ?? Object.entries(f).find(([k]) => k.startsWith("slots"))?.[1]} />
        {canEdit && (
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled={brands.busy.value === brand.id}>
              Save brand
            </button>
            {brands.saved.value === brand.id && (
              <span class="saved" role="status">
                Saved.
              </span>
            )}
            <InlineError message={e?.message} />
          </div>
        )}
      </form>
      <SlotPreview api={app.api} brand={brand} />
      <BestTimeSuggestions app={app} brand={brand} canEdit={canEdit} />
      <BriefEditor brands={brands} brand={brand} canEdit={canEdit} />
      <MusicUpload app={app} brand={brand} canEdit={canEdit} />
      <Accounts app={app} brand={brand} canEdit={canEdit} />
    </div>
  );
}
