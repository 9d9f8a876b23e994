// What every fleet fan-out shares (DESIGN.md §9): pages of a bounded size, a
// bounded number of pages per invocation (the rest continues in a `fanout`
// message, so one cron firing covers any fleet), and sends to the `passes`
// queue in batches of at most 100 messages (Queues' sendBatch limit,
// CLOUDFLARE.md §3).
import type { Env, PassMessage } from "../env";

/** Workspaces per page: one indexed query and one sendBatch. */
export const FANOUT_PAGE = 100;
/** Pages one invocation hands out before it passes the rest on (a few dozen subrequests). */
export const FANOUT_MAX_PAGES = 10;
const SEND_MAX = 100;

export interface FanoutResult {
  /** Messages sent, one per workspace share (or per brand alarm woken, for dispatch). */
  handedOut: number;
  pages: number;
  /** The invocation stopped at FANOUT_MAX_PAGES and sent a `fanout` message for the rest. */
  continued: boolean;
}

/** A page of workspaces walked by a discovery query, in id order; `due` ones get a message, the last id is the next page's cursor. */
export type DiscoveryPage = Array<{ id: string; due: number }>;

export interface FanoutLimits {
  pageSize?: number;
  maxPages?: number;
}

export function fanoutLimits(opts: FanoutLimits = {}) {
  return { pageSize: Math.min(opts.pageSize ?? FANOUT_PAGE, SEND_MAX), maxPages: opts.maxPages ?? FANOUT_MAX_PAGES };
}

/** Sends to the back of the `passes` queue. */
export async function sendPassMessages(env: Env, bodies: readonly PassMessage[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += SEND_MAX) {
    await env.PASSES_QUEUE.sendBatch(bodies.slice(i, i + SEND_MAX).map((body) => ({ body })));
  }
}
