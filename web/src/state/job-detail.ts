// One job: its per-brand outputs and every action on them. Polls quickly while
// anything is still generating so "watch it become ready" needs no reload.
import { batch, computed, signal } from "@preact/signals";
import type { Api } from "../api/client";
import type { Job, OutputUpdateInput } from "../api/types";
import { messageOf } from "./calendar";

export function createJobDetail(api: Api) {
  const jobId = signal<string | null>(null);
  const data = signal<Job | null>(null);
  const loadError = signal<string | null>(null);
  /** Errors keyed by `<brandId>:<action>` (or `job:<action>`), shown next to the control that caused them. */
  const errors = signal<Record<string, string>>({});
  const busy = signal<string | null>(null);

  const job = computed(() => (data.value && data.value.jobId === jobId.value ? data.value : null));
  const inProgress = computed(() => job.value?.outputs.some((o) => o.status === "pending" || o.status === "generating") ?? false);

  async function load() {
    const id = jobId.peek();
    if (!id) return;
    try {
      const j = await api.getJob(id);
      if (jobId.peek() !== id) return;
      batch(() => {
        data.value = j;
        loadError.value = null;
      });
    } catch (err) {
      if (jobId.peek() === id) loadError.value = messageOf(err);
    }
  }

  function open(id: string) {
    if (jobId.peek() === id) return void load();
    batch(() => {
      jobId.value = id;
      errors.value = {};
      loadError.value = null;
    });
    void load();
  }

  async function act(key: string, fn: () => Promise<unknown>): Promise<boolean> {
    const { [key]: _, ...rest } = errors.peek();
    batch(() => {
      busy.value = key;
      errors.value = rest;
    });
    try {
      await fn();
      return true;
    } catch (err) {
      errors.value = { ...errors.peek(), [key]: messageOf(err) };
      return false;
    } finally {
      busy.value = null;
      await load();
    }
  }

  const id = () => jobId.peek()!;
  return {
    jobId, job, loadError, errors, busy, inProgress, load, open,
    schedule: (brandId: string, at?: string) => act(`${brandId}:schedule`, () => api.scheduleOutput(id(), brandId, at)),
    unschedule: (brandId: string, scheduleId: string) => act(`${brandId}:unschedule`, () => api.unschedule(scheduleId)),
    saveText: (brandId: string, input: OutputUpdateInput) => act(`${brandId}:save`, () => api.updateOutput(id(), brandId, input)),
    scheduleAll: () => act("job:scheduleAll", () => api.scheduleAll(id())),
    retry: () => act("job:retry", () => api.retryJob(id())),
  };
}

export type JobDetailModel = ReturnType<typeof createJobDetail>;
