// The Jobs page's model. Categories and output chips come straight from the
// API's rows (`job.category`, `output.schedule`), which the server computes
// from the schedules table: the same rows the Calendar reads (REGRESSIONS #3).
import { batch, computed, signal } from "@preact/signals";
import type { Api } from "../api/client";
import type { Job, JobCategory, Output, ScheduleStatus, Variant } from "../api/types";
import { messageOf } from "./calendar";

export const CATEGORIES: Array<{ id: JobCategory; label: string }> = [
  { id: "to_schedule", label: "To schedule" },
  { id: "scheduled", label: "Scheduled" },
  { id: "in_progress", label: "In progress" },
  { id: "other", label: "Other" },
];

/** Jobs fetched for the counts; beyond this the counts say "500+". */
const MAX_JOBS = 500;

export function createJobs(api: Api) {
  const category = signal<JobCategory>("to_schedule");
  const variant = signal<Variant | "">("");
  const brand = signal("");
  const filterKey = computed(() => `${variant.value}|${brand.value}`);
  const data = signal<{ key: string; jobs: Job[]; truncated: boolean } | null>(null);
  const error = signal<string | null>(null);

  const jobs = computed(() => (data.value && data.value.key === filterKey.value ? data.value.jobs : null));
  const counts = computed(() => {
    const c: Record<JobCategory, number> = { to_schedule: 0, scheduled: 0, in_progress: 0, other: 0 };
    for (const j of jobs.value ?? []) c[j.category]++;
    return c;
  });
  const visible = computed(() => jobs.value?.filter((j) => j.category === category.value) ?? null);

  let seq = 0;
  async function load() {
    const key = filterKey.peek();
    const mine = ++seq;
    try {
      const all: Job[] = [];
      let cursor: string | undefined;
      do {
        const res = await api.listJobs({ limit: 100, cursor, variant: variant.peek() || undefined, brand: brand.peek() || undefined });
        all.push(...res.jobs);
        cursor = res.nextCursor ?? undefined;
      } while (cursor && all.length < MAX_JOBS);
      if (mine !== seq) return;
      batch(() => {
        data.value = { key, jobs: all, truncated: Boolean(cursor) };
        error.value = null;
      });
    } catch (err) {
      if (mine === seq) error.value = messageOf(err);
    }
  }

  function setFilter(f: { variant?: Variant | ""; brand?: string }) {
    batch(() => {
      if (f.variant !== undefined) variant.value = f.variant;
      if (f.brand !== undefined) brand.value = f.brand;
    });
    void load();
  }

  function reset() {
    batch(() => {
      data.value = null;
      brand.value = "";
    });
  }

  return { category, variant, brand, data, error, jobs, counts, visible, load, setFilter, reset };
}

export type JobsModel = ReturnType<typeof createJobs>;

/** What an output chip says and how it is coloured: a scheduled output shows its schedule's status, as the Calendar does. */
export function chipState(o: Output): { tone: ScheduleStatus | "pending" | "generating" | "ready" | "gen-failed"; label: string } {
  if (o.schedule) return { tone: o.schedule.status, label: o.schedule.status };
  switch (o.status) {
    case "pending":
      return { tone: "pending", label: "queued" };
    case "generating":
      return { tone: "generating", label: "generating" };
    case "ready":
      return { tone: "ready", label: o.hold ? "ready (held)" : "ready" };
    case "failed":
      return { tone: "gen-failed", label: "generation failed" };
    case "scheduled":
      return { tone: "scheduled", label: "scheduled" };
  }
}
