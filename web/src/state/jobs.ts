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

const PAGE = 50;

/**
 * The server filters by category and pages by cursor; its `counts` cover the
 * same filters, so tab counts are exact however many jobs a workspace has.
 */
export function createJobs(api: Api) {
  const category = signal<JobCategory>("to_schedule");
  const variant = signal<Variant | "">("");
  const brand = signal("");
  const filterKey = computed(() => `${category.value}|${variant.value}|${brand.value}`);
  const data = signal<{ key: string; jobs: Job[]; counts: Record<JobCategory, number>; nextCursor: string | null } | null>(null);
  const error = signal<string | null>(null);

  const current = computed(() => (data.value && data.value.key === filterKey.value ? data.value : null));
  const jobs = computed(() => current.value?.jobs ?? null);
  const counts = computed(() => current.value?.counts ?? { to_schedule: 0, scheduled: 0, in_progress: 0, other: 0 });
  const visible = jobs;
  const hasMore = computed(() => Boolean(current.value?.nextCursor));

  const query = (cursor?: string) => ({
    category: category.peek(),
    variant: variant.peek() || undefined,
    brand: brand.peek() || undefined,
    limit: PAGE,
    cursor,
  });

  let seq = 0;
  /** (Re)loads the first page, or as many jobs as are already shown, so a refresh never shrinks the list. */
  async function load() {
    const key = filterKey.peek();
    const mine = ++seq;
    const shown = data.peek()?.key === key ? data.peek()!.jobs.length : 0;
    try {
      const res = await api.listJobs({ ...query(), limit: Math.min(100, Math.max(PAGE, shown)) });
      if (mine !== seq) return;
      batch(() => {
        data.value = { key, jobs: res.jobs, counts: res.counts, nextCursor: res.nextCursor };
        error.value = null;
      });
    } catch (err) {
      if (mine === seq) error.value = messageOf(err);
    }
  }

  async function loadMore() {
    const d = current.peek();
    if (!d?.nextCursor) return;
    const mine = ++seq;
    try {
      const res = await api.listJobs(query(d.nextCursor));
      if (mine !== seq) return;
      data.value = { key: d.key, jobs: [...d.jobs, ...res.jobs], counts: res.counts, nextCursor: res.nextCursor };
    } catch (err) {
      if (mine === seq) error.value = messageOf(err);
    }
  }

  function setCategory(c: JobCategory) {
    category.value = c;
    void load();
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

  return { category, variant, brand, data, error, jobs, counts, visible, hasMore, load, loadMore, setCategory, setFilter, reset };
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
