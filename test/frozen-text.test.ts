// Captions and titles are frozen once an item has gone out (issue 16 item 9):
// recovery after a crash finds the post on the platform by its caption or
// title (PLATFORMS.md), so PATCH answers 409 with a sentence from the dispatch
// claim on, and an edit racing the claim never lands after it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Output } from "../worker/contract/schemas";
import { updateOutput } from "../worker/services/jobs";
import { book, connect, readyJob } from "./support/dispatch";
import { call, createBrand, expectClientError, expectNothingWritten, json, ORIGIN, outputRow, signup, type Session } from "./support/fixtures";

async function scheduledItem(s: Session) {
  const brand = await createBrand(s);
  await connect(s, brand.id, "sandbox");
  const job = await readyJob(s, brand.id);
  const item = await book(s, job.jobId, brand.id);
  const outputId = (await env.DB.prepare("SELECT output_id FROM schedules WHERE id = ?").bind(item.scheduleId).first<{ output_id: string }>())!.output_id;
  return { brand, job, item, outputId, path: `/api/jobs/${job.jobId}/outputs/${brand.id}` };
}

describe("PATCH /api/jobs/:jobId/outputs/:brandId once the item has gone out", () => {
  it("edits a booked item that has not gone out yet", async () => {
    const s = await signup();
    const { path } = await scheduledItem(s);
    const out = await json<Output>(path, { ...s, method: "PATCH", body: { caption: "New words", title: "New title", ytTitle: "New YouTube title" } }, 200);
    expect(out).toMatchObject({ caption: "New words", title: "New title", ytTitle: "New YouTube title", status: "scheduled" });
  });

  it("answers 409 with a sentence for the caption, the title and the YouTube title, and changes nothing", async () => {
    const s = await signup();
    const { item, path } = await scheduledItem(s);
    await json(`/api/schedules/${item.scheduleId}/publish-now`, { ...s, body: {} }, 200);
    for (const body of [{ caption: "Too late" }, { title: "Too late" }, { ytTitle: "Too late" }]) {
      const res = await expectNothingWritten(s.workspaceId, () => call(path, { ...s, method: "PATCH", body }), JSON.stringify(body));
      const err = await expectClientError(res, 409, "wrong_state", JSON.stringify(body));
      expect(err.message).toMatch(/can no longer change/);
    }
  });

  it("an edit racing the dispatch claim is refused when the claim lands first, even after its own checks passed", async () => {
    const s = await signup();
    const { brand, job, item, outputId } = await scheduledItem(s);
    const before = await outputRow(outputId);
    // The claim lands between the edit's read of the output and its write: the write must see it.
    const claimFirst = new Proxy(env.DB, {
      get(target, prop) {
        if (prop !== "prepare") {
          const value = Reflect.get(target, prop, target) as unknown;
          return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        }
        return (sql: string) => {
          const stmt = target.prepare(sql);
          if (!/^UPDATE job_outputs SET caption/.test(sql)) return stmt;
          return {
            bind: (...binds: unknown[]) => ({
              run: async () => {
                await target.prepare("UPDATE schedules SET dispatched_at = ? WHERE id = ?").bind(Date.now(), item.scheduleId).run();
                return stmt.bind(...binds).run();
              },
            }),
          };
        };
      },
    });
    await expect(updateOutput({ ...env, DB: claimFirst }, s.workspaceId, job.jobId, brand.id, { caption: "Lost the race" }, ORIGIN)).rejects.toMatchObject({
      status: 409,
      code: "wrong_state",
    });
    expect(await outputRow(outputId)).toEqual(before);
  });
});
