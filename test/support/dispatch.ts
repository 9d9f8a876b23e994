// Helpers for dispatch tests: connect accounts, move an item's time into the
// past (the clock is real, so tests travel the item instead), fire the brand's
// alarm, and count what the BrandScheduler puts on the publish queue.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { Job, Schedule } from "../../worker/contract/schemas";
import type { Env, PublishMessage } from "../../worker/env";
import { brandScheduler } from "../../worker/scheduling/brand-scheduler";
import { call, generateJob, json, scheduleOne, type Caller } from "./fixtures";

export const MINUTE = 60_000;
export const HOUR = 3_600_000;

export async function connect(s: Caller, brandId: string, platform: string) {
  return json(`/api/brands/${brandId}/accounts/${platform}`, { ...s, method: "PUT", body: { externalId: `${platform}-${brandId}`, accessToken: "tok" } }, 200);
}

export async function disconnect(s: Caller, brandId: string, platform: string) {
  const res = await call(`/api/brands/${brandId}/accounts/${platform}`, { ...s, method: "DELETE" });
  expect(res.status).toBeLessThan(300);
}

/** A ready job; without `platforms` it is automatic (its items go where the brand is connected when they go out). */
export async function readyJob(s: Caller, brandId: string, platforms?: string[]): Promise<Job> {
  const job = await json<Job>("/api/jobs", { ...s, body: { variant: "light", brands: [brandId], ...(platforms ? { platforms } : {}) } }, 201);
  return generateJob(s, job.jobId);
}

export async function book(s: Caller, jobId: string, brandId: string): Promise<Schedule> {
  const res = await scheduleOne(s, jobId, brandId);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Schedule;
}

/** Moves the item's time to `at` behind the scheduler's back: the only way to make it due with a real clock. */
export async function travel(scheduleId: string, at: number) {
  await env.DB.prepare("UPDATE schedules SET scheduled_at = ? WHERE id = ?").bind(at, scheduleId).run();
}

export function fireAlarm(brandId: string): Promise<boolean> {
  return runDurableObjectAlarm(brandScheduler(env, brandId));
}

export async function alarmOf(brandId: string): Promise<number | null> {
  return runInDurableObject(brandScheduler(env, brandId), (_, state) => state.storage.getAlarm());
}

/** Replaces the brand DO's publish queue with one that records delivery ids (each send, in order). */
export async function captureDoQueue(brandId: string): Promise<string[]> {
  const sent: string[] = [];
  await runInDurableObject(brandScheduler(env, brandId), (instance) => {
    const holder = instance as unknown as { env: Env };
    holder.env = { ...holder.env, PUBLISH_QUEUE: recordingQueue(sent) };
  });
  return sent;
}

export function recordingQueue(sent: string[]): Queue<PublishMessage> {
  return {
    send: async (body: PublishMessage) => void sent.push(body.deliveryId),
    sendBatch: async (batch: Iterable<MessageSendRequest<PublishMessage>>) => {
      for (const m of batch) sent.push(m.body.deliveryId);
    },
  } as unknown as Queue<PublishMessage>;
}

export interface DeliveryDbRow {
  id: string;
  platform: string;
  status: string;
  account_id: string | null;
  last_error: string | null;
  queued_at: number | null;
  attempts: number;
  container_id: string | null;
}

export async function deliveriesOf(scheduleId: string): Promise<DeliveryDbRow[]> {
  const rows = await env.DB.prepare("SELECT * FROM deliveries WHERE schedule_id = ? ORDER BY platform").bind(scheduleId).all<DeliveryDbRow>();
  return rows.results;
}

export async function setDelivery(scheduleId: string, platform: string, set: string, ...binds: unknown[]) {
  await env.DB.prepare(`UPDATE deliveries SET ${set} WHERE schedule_id = ? AND platform = ?`).bind(...binds, scheduleId, platform).run();
}
