// REGRESSIONS #13, end to end: a brand with one post slot a day and 35 ready
// posts. Whichever path books them (a person's "schedule all", automation's
// catch-up), exactly 30 go on the calendar, one a day for the 30-day
// horizon; the other 5 get a clear horizon_full, stay ready and unheld, and
// nothing ever piles up on a day or past the horizon.
import { describe, expect, it } from "vitest";
import type { Run, Schedule } from "../worker/contract/schemas";
import { calendar, call, createBrand, expectClientError, expectHumanMessage, insertOutput, json, outputRow, runPass, signup, type Session } from "./support/fixtures";

const DAY = 86_400_000;
const HORIZON_DAYS = 30; // wrangler.toml SLOT_HORIZON_DAYS

/** A brand in UTC whose one post slot a day is 2 hours ahead of now (so exactly 30 fall inside the horizon). */
async function onePostADay(s: Session) {
  const at = new Date(Date.now() + 2 * 3_600_000);
  const time = `${String(at.getUTCHours()).padStart(2, "0")}:00`;
  return createBrand(s, { timezone: "UTC", slots: { reel: [], post: [time] } });
}

async function readyPosts(s: Session, brandId: string, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await insertOutput(s, brandId, { variant: "post", status: "ready" }));
  return out;
}

/** 30 items, one per UTC day on consecutive days, all inside the horizon. */
function expectOneADayForTheHorizon(items: Array<{ scheduledAt: string }>) {
  const times = items.map((i) => Date.parse(i.scheduledAt)).sort((a, b) => a - b);
  expect(times).toHaveLength(HORIZON_DAYS);
  const days = times.map((t) => Math.floor(t / DAY));
  expect(new Set(days).size).toBe(HORIZON_DAYS);
  expect(days.at(-1)! - days[0]!).toBe(HORIZON_DAYS - 1);
  expect(times.at(-1)!).toBeLessThan(Date.now() + HORIZON_DAYS * DAY);
}

async function expectLeftReadyAndUnheld(outputIds: string[]) {
  for (const id of outputIds) expect(await outputRow(id), id).toMatchObject({ status: "ready", hold: 0 });
}

describe("a full horizon, end to end (REGRESSIONS #13)", () => {
  it("schedule-all books 30, one a day; the rest are horizon_full with a sentence, and a click on one is a 409", async () => {
    const s = await signup();
    const brand = await onePostADay(s);
    const posts = await readyPosts(s, brand.id, 35);
    const booked: Schedule[] = [];
    const refused: Array<{ outputId: string; code: string; message: string }> = [];
    for (const p of posts) {
      const res = await json<{ schedules: Schedule[]; errors: Array<{ brandId: string; code: string; message: string }> }>(
        `/api/jobs/${p.jobId}/schedule-all`,
        { ...s, body: {} },
        200,
      );
      booked.push(...res.schedules);
      refused.push(...res.errors.map((e) => ({ outputId: p.outputId, code: e.code, message: e.message })));
    }
    expect(booked).toHaveLength(30);
    expectOneADayForTheHorizon(booked);
    expect(refused.map((r) => r.code)).toEqual(Array(5).fill("horizon_full"));
    for (const r of refused) {
      expectHumanMessage(r.message);
      expect(r.message).toMatch(/No free post slot in the next 30 days/);
    }
    // The calendar holds the 30 and nothing else.
    expectOneADayForTheHorizon(await calendar(s, { to: new Date(Date.now() + 60 * DAY).toISOString() }));
    // A person's click on a refused one: 409 with the same sentence, nothing booked.
    const last = posts.at(-1)!;
    const err = await expectClientError(await call(`/api/jobs/${last.jobId}/outputs/${brand.id}/schedule`, { ...s, body: {} }), 409, "horizon_full");
    expect(err.message).toMatch(/No free post slot in the next 30 days/);
    await expectLeftReadyAndUnheld(refused.map((r) => r.outputId));
  });

  it("catch-up books 30, one a day; its run reports the 5 it could not book, which stay ready and unheld, and a later run piles nothing up", async () => {
    const s = await signup();
    const brand = await onePostADay(s);
    const posts = await readyPosts(s, brand.id, 35);
    const run = await runPass(s, "catchup");
    expect(run).toMatchObject({ processed: 35, succeeded: 30, failed: 5, remaining: 0 });
    expect((run as Run).error).toMatch(/^horizon_full: No free post slot in the next 30 days\./);
    expectHumanMessage((run as Run).error);
    const cal = await calendar(s, { to: new Date(Date.now() + 60 * DAY).toISOString() });
    expectOneADayForTheHorizon(cal);
    expect(cal.every((c) => c.createdBy.kind === "user")).toBe(true);
    const booked = new Set(cal.map((c) => c.jobId));
    const left = posts.filter((p) => !booked.has(p.jobId));
    expect(left).toHaveLength(5);
    await expectLeftReadyAndUnheld(left.map((p) => p.outputId));

    // The next run tries them again, and still books none past the horizon.
    const again = await runPass(s, "catchup");
    expect(again).toMatchObject({ processed: 5, succeeded: 0, failed: 5 });
    expect(await calendar(s, { to: new Date(Date.now() + 60 * DAY).toISOString() })).toHaveLength(30);
    await expectLeftReadyAndUnheld(left.map((p) => p.outputId));
  });
});
