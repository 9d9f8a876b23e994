// One scheduling function for every path (REGRESSIONS #23) and one variant
// rule along the whole way (REGRESSIONS #11, #12). The old system's catch-up
// path dropped fields the main path set, so posts went out without a cover:
// here a person's click, "schedule all", the catch-up pass and book-on-ready
// each book a post, the rows they write are the same, and the posts the
// sandbox publishes from them carry the same cover and slides. Then each
// variant goes the whole way: create, generate, book, publish.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Job, Schedule } from "../worker/contract/schemas";
import type { GenerateMessage, PublishMessage } from "../worker/env";
import { handleGenerateBatch } from "../worker/generation/generate-consumer";
import { generateOutput, type MediaStep } from "../worker/generation/generate-output";
import worker from "../worker/index";
import { createMediaStep } from "../worker/media/media-step";
import { renderMedia } from "../worker/media/renderer";
import { putMedia } from "../worker/media/storage";
import { contentTypeOf, slotAccepts, VARIANTS, type Variant } from "../worker/scheduling/variants";
import { captureDoQueue, connect } from "./support/dispatch";
import { call, json, runPass, signup, createBrand, type Session } from "./support/fixtures";

/** Real rendering (the media Worker over MEDIA_RENDERER): what the variant test publishes. */
const rendered = createMediaStep(renderMedia);

/**
 * A post's media as the renderer stores it (PNG cover and slides, their JPEG
 * versions), as small real objects in R2: the booking paths, not rendering,
 * are what the #23 test compares, and real renders of four posts cost seconds each.
 */
const postMedia: MediaStep = async (_env, ctx) => {
  const put = (ext: "png" | "jpg", n: number) => putMedia(env.MEDIA, ctx.workspaceId, new TextEncoder().encode(`${ctx.outputId} ${ext} ${n}`), ext);
  const slides = [await put("png", 0), await put("png", 1), await put("png", 2)];
  const jpegs = [await put("jpg", 0), await put("jpg", 1), await put("jpg", 2)];
  return { thumbnailKey: slides[0], coverKey: slides[0], slideKeys: slides, publishCoverKey: jpegs[0], publishSlideKeys: jpegs };
};

async function newJob(s: Session, brandId: string, variant: Variant): Promise<{ jobId: string; outputId: string }> {
  const job = await json<Job>("/api/jobs", { ...s, body: { variant, brands: [brandId] } }, 201);
  const row = await env.DB.prepare("SELECT id FROM job_outputs WHERE job_id = ?").bind(Number(job.jobId.slice(4))).first<{ id: string }>();
  return { jobId: job.jobId, outputId: row!.id };
}

/** Generates but books nothing (what a person then schedules by hand). */
async function generateOnly(outputId: string) {
  expect(await generateOutput(env, outputId, postMedia)).toBe("ready");
}

/** Generates through the generate consumer, as the queue would: book-on-ready follows. */
async function generateThroughQueue(outputIds: string[], media: MediaStep) {
  const batch = createMessageBatch<GenerateMessage>(
    "brandcast-generate",
    outputIds.map((outputId) => ({ id: `g-${outputId}`, timestamp: new Date(), attempts: 1, body: { kind: "generate", outputId } })),
  );
  const ctx = createExecutionContext();
  await handleGenerateBatch(batch, env, media);
  const result = await getQueueResult(batch, ctx);
  expect(result.explicitAcks.sort()).toEqual(outputIds.map((id) => `g-${id}`).sort());
}

/** Publish-now for each schedule, then the publish consumer on the messages it sent. */
async function publishAll(s: Session, brandId: string, scheduleIds: string[]) {
  // Captured just before: an idle Durable Object is evicted (after seconds of rendering), and a new instance has the real queue.
  const sent = await captureDoQueue(brandId);
  for (const id of scheduleIds) await json(`/api/schedules/${id}/publish-now`, { ...s, body: {} }, 200);
  const batch = createMessageBatch<PublishMessage>(
    "brandcast-publish",
    sent.map((deliveryId) => ({ id: `p-${deliveryId}`, timestamp: new Date(), attempts: 1, body: { kind: "publish", deliveryId } })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<GenerateMessage | PublishMessage>, env);
  await getQueueResult(batch, ctx);
}

interface ScheduleRow {
  id: string;
  workspace_id: string;
  brand_id: string;
  output_id: string;
  job_id: number;
  scheduled_at: number;
  kind: string;
  variant: string;
  created_by_kind: string;
  created_by_user_id: string | null;
  dispatched_at: number | null;
}

async function scheduleRowOf(outputId: string): Promise<ScheduleRow> {
  return (await env.DB.prepare("SELECT * FROM schedules WHERE output_id = ?").bind(outputId).first<ScheduleRow>())!;
}

describe("every booking path writes the same thing (REGRESSIONS #23)", () => {
  it("click, schedule-all, catch-up and book-on-ready give equal rows, and their sandbox posts carry the same cover and slides", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await connect(s, brand.id, "sandbox");
    const paths = ["click", "schedule-all", "catch-up", "book-on-ready"] as const;
    const jobs = Object.fromEntries(await Promise.all(paths.map(async (p) => [p, await newJob(s, brand.id, "post")] as const))) as Record<
      (typeof paths)[number],
      { jobId: string; outputId: string }
    >;

    await generateOnly(jobs.click.outputId);
    expect((await call(`/api/jobs/${jobs.click.jobId}/outputs/${brand.id}/schedule`, { ...s, body: {} })).status).toBe(201);
    await generateOnly(jobs["schedule-all"].outputId);
    expect((await json<{ schedules: Schedule[] }>(`/api/jobs/${jobs["schedule-all"].jobId}/schedule-all`, { ...s, body: {} }, 200)).schedules).toHaveLength(1);
    // Catch-up: the only ready, unscheduled output of the workspace is this one.
    await generateOnly(jobs["catch-up"].outputId);
    expect(await runPass(s, "catchup")).toMatchObject({ processed: 1, succeeded: 1, failed: 0 });
    await generateThroughQueue([jobs["book-on-ready"].outputId], postMedia);

    const rows = Object.fromEntries(await Promise.all(paths.map(async (p) => [p, await scheduleRowOf(jobs[p].outputId)] as const)));
    const times = new Set<number>();
    for (const p of paths) {
      const r = rows[p]!;
      expect(r, p).toBeDefined();
      expect(`GEN-${String(r.job_id).padStart(6, "0")}`, `${p}: the schedule's job (REGRESSIONS #20)`).toBe(jobs[p].jobId);
      times.add(r.scheduled_at);
      // Everything but the ids, the output's own job and the time is the same whichever path booked it.
      const { id: _id, output_id: _o, job_id: _j, scheduled_at: _t, ...rest } = r;
      expect(rest, p).toEqual({
        workspace_id: s.workspaceId,
        brand_id: brand.id,
        kind: "post",
        variant: "post",
        created_by_kind: "user",
        created_by_user_id: s.userId,
        dispatched_at: null,
        created_at: expect.any(Number),
      });
    }
    expect(times.size).toBe(4);

    await publishAll(s, brand.id, paths.map((p) => rows[p]!.id));
    const shapes: Array<Record<string, unknown>> = [];
    for (const p of paths) {
      const out = (await env.DB.prepare("SELECT cover_key, slide_keys, publish_cover_key, publish_slide_keys FROM job_outputs WHERE id = ?")
        .bind(jobs[p].outputId)
        .first<{ cover_key: string; slide_keys: string; publish_cover_key: string; publish_slide_keys: string }>())!;
      const post = await env.DB.prepare(
        `SELECT p.delivery_id, p.kind, p.cover_key, p.slide_keys, d.status FROM sandbox_posts p JOIN deliveries d ON d.id = p.delivery_id
         JOIN schedules s ON s.id = d.schedule_id WHERE s.output_id = ?`,
      )
        .bind(jobs[p].outputId)
        .first<{ delivery_id: string; kind: string; cover_key: string | null; slide_keys: string | null; status: string }>();
      expect(post, `${p}: published to the sandbox`).toMatchObject({ kind: "post", status: "published" });
      // What goes out is the JPEG set (Instagram takes JPEG only), rendered alongside the PNGs.
      expect(out.cover_key && out.slide_keys && out.publish_cover_key && out.publish_slide_keys, p).toBeTruthy();
      expect(post!.cover_key, `${p}: the post's cover`).toBe(out.publish_cover_key);
      expect(post!.slide_keys, `${p}: the post's slides`).toBe(out.publish_slide_keys);
      const slides = JSON.parse(post!.slide_keys!) as string[];
      shapes.push({ cover: !!post!.cover_key, slides: slides.length, jpegCover: !!out.publish_cover_key, jpegSlides: (JSON.parse(out.publish_slide_keys) as string[]).length });
      // The page shows them: every slide, served through signed URLs.
      const html = await (await call(`/sandbox/${post!.delivery_id}`)).text();
      expect([...html.matchAll(/<img src=/g)], p).toHaveLength(slides.length);
    }
    expect(shapes.every((x) => JSON.stringify(x) === JSON.stringify(shapes[0])), JSON.stringify(shapes)).toBe(true);
    expect(shapes[0]!.slides as number).toBeGreaterThan(1);
  });
});

describe("one variant rule everywhere (REGRESSIONS #11, #12)", () => {
  it("each variant goes create → generate → book → publish as its content type, into a slot that takes it", async () => {
    const s = await signup();
    const brand = await createBrand(s);
    await connect(s, brand.id, "sandbox");
    const made = await Promise.all(VARIANTS.map(async (variant) => ({ variant, ...(await newJob(s, brand.id, variant)) })));
    await generateThroughQueue(made.map((m) => m.outputId), rendered);

    const slots = await json<{ slots: Array<{ at: string; kind: "reel" | "post"; variant: Variant }> }>(
      `/api/brands/${brand.id}/slots?${new URLSearchParams({ from: new Date().toISOString(), to: new Date(Date.now() + 30 * 86_400_000).toISOString() })}`,
      s,
      200,
    );
    const schedules: Schedule[] = [];
    for (const m of made) {
      const job = await json<Job>(`/api/jobs/${m.jobId}`, s, 200);
      expect(job.contentType, m.variant).toBe(contentTypeOf(m.variant));
      const sched = job.outputs[0]!.schedule!;
      expect(sched, `${m.variant}: booked as soon as it was ready`).not.toBeNull();
      const full = await json<Schedule>(`/api/schedules/${sched.scheduleId}`, s, 200);
      expect(full).toMatchObject({ variant: m.variant, contentType: contentTypeOf(m.variant) });
      const slot = slots.slots.find((x) => x.at === full.scheduledAt);
      expect(slot && slotAccepts(slot, m.variant), `${m.variant}: its slot takes it`).toBe(true);
      schedules.push(full);
    }

    await publishAll(s, brand.id, schedules.map((x) => x.scheduleId));
    for (const [i, m] of made.entries()) {
      const post = await env.DB.prepare(
        `SELECT p.kind, p.video_key, p.slide_keys FROM sandbox_posts p JOIN deliveries d ON d.id = p.delivery_id WHERE d.schedule_id = ?`,
      )
        .bind(schedules[i]!.scheduleId)
        .first<{ kind: string; video_key: string | null; slide_keys: string | null }>();
      expect(post, m.variant).toMatchObject({ kind: contentTypeOf(m.variant) });
      if (contentTypeOf(m.variant) === "reel") expect(post!.video_key, m.variant).toMatch(/\.mp4$/);
      else expect((JSON.parse(post!.slide_keys!) as string[]).length, m.variant).toBeGreaterThan(1);
      expect((await json<Schedule>(`/api/schedules/${schedules[i]!.scheduleId}`, s, 200)).status, m.variant).toBe("published");
    }
  });
});
