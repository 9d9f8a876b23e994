// Brands, their slot grids and connected accounts.
import { batch, computed, signal } from "@preact/signals";
import { ApiError, type Api } from "../api/client";
import type { AccountInput, Brand, BrandCreateInput, BrandUpdateInput, Platform } from "../api/types";
import { messageOf } from "./calendar";

export interface FormErrors {
  message: string;
  fields: Record<string, string>;
}

const toFormErrors = (err: unknown): FormErrors => ({ message: messageOf(err), fields: err instanceof ApiError ? err.fieldErrors() : {} });

export function createBrands(api: Api) {
  const list = signal<Brand[] | null>(null);
  const error = signal<string | null>(null);
  /** Form errors keyed by form: "create", "<brandId>", "<brandId>:<platform>". */
  const formErrors = signal<Record<string, FormErrors>>({});
  const busy = signal<string | null>(null);
  const saved = signal<string | null>(null);

  const byId = computed(() => new Map((list.value ?? []).map((b) => [b.id, b])));

  async function load() {
    try {
      const res = await api.listBrands();
      batch(() => {
        list.value = res.brands;
        error.value = null;
      });
    } catch (err) {
      error.value = messageOf(err);
    }
  }

  async function submit<T>(key: string, fn: () => Promise<T>): Promise<T | null> {
    const { [key]: _, ...rest } = formErrors.peek();
    batch(() => {
      busy.value = key;
      formErrors.value = rest;
      saved.value = null;
    });
    try {
      const res = await fn();
      saved.value = key;
      await load();
      return res;
    } catch (err) {
      formErrors.value = { ...formErrors.peek(), [key]: toFormErrors(err) };
      return null;
    } finally {
      busy.value = null;
    }
  }

  return {
    list, error, formErrors, busy, saved, byId, load,
    create: (input: BrandCreateInput) => submit("create", () => api.createBrand(input)),
    update: (id: string, input: BrandUpdateInput) => submit(id, () => api.updateBrand(id, input)),
    /** A best-times suggestion applied (components/brands/BestTimes.tsx): the slot grid only, its errors kept apart from the editor's. */
    applySlots: (id: string, slots: Brand["slots"]) => submit(`${id}:best-times`, () => api.updateBrand(id, { slots })),
    remove: (id: string) => submit(`${id}:delete`, () => api.deleteBrand(id)),
    connect: (id: string, platform: Platform, input: AccountInput) => submit(`${id}:${platform}`, () => api.connectAccount(id, platform, input)),
    disconnect: (id: string, platform: Platform) => submit(`${id}:${platform}`, () => api.disconnectAccount(id, platform)),
    reset: () => (list.value = null),
  };
}

export type BrandsModel = ReturnType<typeof createBrands>;
