// Drives the publish consumer the way Queues would, under chaos: every
// message delivered more than once, retried messages delivered as soon as
// their delay has passed on a shared virtual clock (the consumer's and the
// fakes', moved together instead of sleeping), random faults injected into
// the fake platforms, and consumers killed mid-step — either throwing right
// after a checkpoint was persisted, or dying outright (never answering, the
// message redelivered later). Shared by chaos.test.ts and the publishing bench.
import { env } from "cloudflare:workers";
import { CLIENTS } from "../../worker/publishing/clients";
import { handlePublishBatch } from "../../worker/publishing/consumer";
import type { PlatformClient, PublishContext, PublishPlatform } from "../../worker/publishing/types";
import { inject } from "vitest";
import type { Env, PublishMessage } from "../../worker/env";
import { fakeAdminAt, type FaultRule } from "../fakes/admin";
import type { Clients } from "./support";
import { rng as prng } from "../../worker/generation/template-writer";

/** A small deterministic PRNG (mulberry32), so a failing chaos run can be replayed from its seed. */
export { prng };

export type FakeName = "instagram" | "facebook" | "youtube";

/**
 * The chaos runs' own fake servers (global-setup.ts `chaosFakes`): other test
 * files reset and reconfigure the shared fakes while they run.
 */
export function chaosFake(name: FakeName) {
  const url = inject("chaosFakes")[name];
  if (!url) throw new Error(`No chaos fake named ${name} (test/fakes/index.mjs).`);
  return fakeAdminAt(url, `chaos ${name}`);
}

/** The Worker's env with the platform bases pointing at the chaos fakes. */
export function chaosEnv(): Env {
  const u = inject("chaosFakes");
  return {
    ...env,
    INSTAGRAM_API_BASE: u.instagram,
    FACEBOOK_API_BASE: u.facebook,
    FACEBOOK_UPLOAD_BASE: u.facebook,
    YOUTUBE_API_BASE: `${u.youtube}/youtube/v3`,
    YOUTUBE_UPLOAD_BASE: `${u.youtube}/upload/youtube/v3`,
    GOOGLE_OAUTH_BASE: u.youtube,
  };
}

/**
 * The fakes close idle keep-alive connections after a second, and workerd may
 * reuse one just as it closes ("Network connection lost"): admin calls, which
 * are idempotent here, are tried again.
 */
export async function admin<T>(call: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await call();
    } catch (err) {
      if (i >= 3 || !/Network connection lost|connection/i.test(String(err))) throw err;
    }
  }
}

const graph429: FaultRule["action"] = {
  status: 429,
  headers: { "retry-after": "30" },
  body: { error: { message: "(#4) Application request limit reached", type: "OAuthException", code: 4, is_transient: true } },
};
const graph500: FaultRule["action"] = { status: 500, body: { error: { message: "An unexpected error has occurred. Please retry your request later.", type: "OAuthException", code: 2, is_transient: true } } };
const graphExpired: FaultRule["action"] = {
  status: 400,
  body: { error: { message: "Error validating access token: Session has expired.", type: "OAuthException", code: 190, error_subcode: 463 } },
};
const google = (status: number, reason: string, message: string): FaultRule["action"] => ({
  status,
  ...(status === 429 ? { headers: { "retry-after": "30" } } : {}),
  body: { error: { code: status, message, errors: [{ domain: "youtube", reason, message }] } },
});

/** Every fault kind of issue 7, per fake, on the paths where it matters. */
export const FAULT_MENU: Record<FakeName, FaultRule[]> = {
  instagram: [
    { match: { method: "POST", path: "/media$" }, action: graph429 },
    { match: { method: "POST", path: "/media$" }, action: graph500 },
    { match: { method: "POST", path: "/media_publish$" }, action: graph500 },
    { match: { method: "POST", path: "/media_publish$" }, action: { hang: true } },
    { match: { method: "POST", path: "/media_publish$" }, action: { dropAfterCommit: true } },
    { match: { method: "POST", path: "/media_publish$" }, action: { dropAfterCommit: true } },
    { match: { method: "GET" }, action: graph500 },
    { match: { method: "POST", path: "/media$" }, action: graphExpired },
  ],
  facebook: [
    { match: { method: "POST", path: "/video_reels$" }, action: graph429 },
    { match: { method: "POST", path: "/video_reels$" }, action: { dropAfterCommit: true } },
    { match: { method: "POST", path: "/video_reels$" }, action: { hang: true } },
    { match: { method: "POST", path: "/video-upload/" }, action: { truncate: 10 } },
    { match: { method: "POST", path: "/video-upload/" }, action: graph500 },
    { match: { method: "POST", path: "/feed$" }, action: { dropAfterCommit: true } },
    { match: { method: "POST", path: "/photos$" }, action: { dropAfterCommit: true } },
    { match: { method: "POST", path: "/photos$" }, action: graphExpired },
  ],
  youtube: [
    { match: { method: "POST", path: "/upload/youtube/v3/videos" }, action: google(429, "rateLimitExceeded", "Too many requests.") },
    { match: { method: "PUT" }, action: google(503, "backendError", "Backend Error") },
    { match: { method: "PUT" }, action: { truncate: 1000 } },
    { match: { method: "PUT" }, action: { dropAfterCommit: true } },
    { match: { method: "PUT" }, action: { dropAfterCommit: true } },
    { match: { method: "PUT" }, action: { hang: true } },
    { match: { method: "PUT" }, action: google(401, "authError", "Invalid Credentials") },
  ],
};

export interface ChaosOptions {
  seed: number;
  /** Fault rules injected per round, as a share of the round's messages. */
  faultRate: number;
  /** Per checkpoint: the consumer throws right after it was persisted. */
  softKillRate: number;
  /** Per checkpoint: the consumer dies outright after it was persisted. */
  hardKillRate: number;
  /** Extra copy of a retried message. */
  duplicateRate: number;
  requestTimeoutMs: number;
  concurrency: number;
  fakes: FakeName[];
  /** Copies of each first message (Queues deliver at least once); 2 unless set. */
  initialCopies?: number;
  maxRounds?: number;
  /** The env the consumer runs with (default chaosEnv()): the cost bench passes a counted one. */
  env?: Env;
  /**
   * The driver's clock and the fakes' move only by the driver's advances (the
   * fakes' clocks are frozen for the run): how often a client finds a
   * platform still processing no longer depends on the machine's speed (the
   * cost bench counts every poll).
   */
  frozenClock?: boolean;
}

export interface ChaosStats {
  rounds: number;
  messages: number;
  softKills: number;
  hardKills: number;
  faultsInjected: number;
  virtualMs: number;
}

interface Pending {
  deliveryId: string;
  notBefore: number;
  attempts: number;
}

class Killed extends Error {
  override name = "Killed";
}

/** Runs every delivery to the end; returns what happened along the way. */
export async function driveUntilQuiet(deliveryIds: string[], opts: ChaosOptions): Promise<ChaosStats> {
  if (opts.frozenClock) await Promise.all(opts.fakes.map((f) => admin(() => chaosFake(f).freeze(true))));
  try {
    return await drive(deliveryIds, opts, opts.frozenClock ? Date.now() : null);
  } finally {
    if (opts.frozenClock) await Promise.all(opts.fakes.map((f) => admin(() => chaosFake(f).freeze(false))));
  }
}

async function drive(deliveryIds: string[], opts: ChaosOptions, frozenAt: number | null): Promise<ChaosStats> {
  const rng = prng(opts.seed);
  let offset = 0;
  const now = () => (frozenAt ?? Date.now()) + offset;
  const stats: ChaosStats = { rounds: 0, messages: 0, softKills: 0, hardKills: 0, faultsInjected: 0, virtualMs: 0 };
  const advance = async (ms: number) => {
    offset += ms;
    stats.virtualMs += ms;
    await Promise.all(opts.fakes.map((f) => admin(() => chaosFake(f).advance(ms))));
  };

  // Hard kills: the checkpoint never returns; the driver sees it and gives the message back to the "queue".
  const hardKilled = new Map<string, () => void>();
  const zombies: Array<() => void> = [];
  const zombieRuns: Array<Promise<unknown>> = [];
  const wrap = (inner: PlatformClient): PlatformClient => ({
    platform: inner.platform,
    publish: (ctx: PublishContext) =>
      inner.publish({
        ...ctx,
        checkpoint: async (patch) => {
          await ctx.checkpoint(patch);
          const r = rng();
          if (r < opts.hardKillRate) {
            stats.hardKills++;
            hardKilled.get(ctx.delivery.id)?.();
            // Frozen until the end of the run, then woken: a zombie consumer must not be able to write anything.
            return new Promise<void>((resolve) => zombies.push(resolve));
          }
          if (r < opts.hardKillRate + opts.softKillRate) {
            stats.softKills++;
            throw new Killed("the consumer was killed right after a checkpoint");
          }
        },
      }),
  });
  const workerEnv = opts.env ?? chaosEnv();
  const clients = Object.fromEntries(Object.entries(CLIENTS).map(([p, c]) => [p, wrap(c)])) as Clients;

  // Queues deliver at least once: every message starts out twice.
  const copies = Array.from({ length: opts.initialCopies ?? 2 });
  let pending: Pending[] = deliveryIds.flatMap((id) => copies.map(() => ({ deliveryId: id, notBefore: 0, attempts: 1 })));
  const maxRounds = opts.maxRounds ?? 5000;
  while (pending.length) {
    if (++stats.rounds > maxRounds) throw new Error(`chaos: still ${pending.length} messages after ${maxRounds} rounds`);
    let ready = pending.filter((m) => m.notBefore <= now());
    if (!ready.length) {
      await advance(Math.min(...pending.map((m) => m.notBefore)) - now() + 1);
      continue;
    }
    shuffle(ready, rng);
    // One message per delivery per round: a consumer killed outright is told apart by its delivery.
    const seen = new Set<string>();
    ready = ready.filter((m) => !seen.has(m.deliveryId) && seen.add(m.deliveryId)).slice(0, opts.concurrency);
    const taken = new Set(ready);
    pending = pending.filter((m) => !taken.has(m));
    stats.messages += ready.length;

    await injectFaults(opts, ready.length, rng, stats);
    const results = await Promise.all(ready.map((m) => deliverOne(m, workerEnv, clients, opts, now, hardKilled, zombieRuns)));
    for (const [i, r] of results.entries()) {
      const m = ready[i]!;
      if (r.kind === "ack") continue;
      // A retried message (or one whose consumer died) comes back after its delay, maybe twice.
      const delayMs = r.kind === "retry" ? r.delaySeconds * 1000 : 1000;
      const back = { deliveryId: m.deliveryId, notBefore: now() + delayMs, attempts: m.attempts + 1 };
      pending.push(back);
      if (rng() < opts.duplicateRate) pending.push({ ...back });
    }
  }
  await Promise.all(opts.fakes.map((f) => admin(() => chaosFake(f).clearFaults())));
  for (const wake of zombies) wake();
  await Promise.allSettled(zombieRuns);
  return stats;
}

async function injectFaults(opts: ChaosOptions, messages: number, rng: () => number, stats: ChaosStats) {
  await Promise.all(
    opts.fakes.map(async (name) => {
      const fake = chaosFake(name);
      await admin(() => fake.clearFaults());
      const count = Math.round(messages * opts.faultRate * (0.5 + rng()));
      const menu = FAULT_MENU[name];
      const rules: FaultRule[] = [];
      for (let i = 0; i < count; i++) {
        const pick = menu[Math.floor(rng() * menu.length)]!;
        rules.push({ match: { ...pick.match, nth: 1 + Math.floor(rng() * messages * 2) }, action: pick.action, times: 1 });
      }
      if (rules.length) await admin(() => fake.fault(rules));
      stats.faultsInjected += rules.length;
    }),
  );
}

type Result = { kind: "ack" } | { kind: "retry"; delaySeconds: number } | { kind: "died" };

async function deliverOne(
  m: Pending,
  workerEnv: Env,
  clients: Clients,
  opts: ChaosOptions,
  now: () => number,
  hardKilled: Map<string, () => void>,
  zombieRuns: Array<Promise<unknown>>,
): Promise<Result> {
  let result: Result | null = null;
  const message = {
    id: crypto.randomUUID(),
    timestamp: new Date(),
    attempts: m.attempts,
    body: { kind: "publish", deliveryId: m.deliveryId } as PublishMessage,
    ack: () => void (result ??= { kind: "ack" }),
    retry: (o?: QueueRetryOptions) => void (result ??= { kind: "retry", delaySeconds: o?.delaySeconds ?? 0 }),
  };
  const batch = {
    queue: "brandcast-publish",
    messages: [message],
    ackAll: () => message.ack(),
    retryAll: (o?: QueueRetryOptions) => message.retry(o),
  } as unknown as MessageBatch<PublishMessage>;
  const died = new Promise<"died">((resolve) => hardKilled.set(m.deliveryId, () => resolve("died")));
  const run = handlePublishBatch(batch, workerEnv, clients, { now, requestTimeoutMs: opts.requestTimeoutMs });
  const outcome = await Promise.race([run.then(() => "done" as const), died]);
  hardKilled.delete(m.deliveryId);
  if (outcome === "died") {
    zombieRuns.push(run);
    return { kind: "died" };
  }
  // An invocation that ends without acking or retrying a message: Queues retry it.
  return result ?? { kind: "retry", delaySeconds: 0 };
}

function shuffle<T>(items: T[], rng: () => number) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

export type { PublishPlatform };
