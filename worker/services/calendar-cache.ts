// Calendar windows kept in the isolate, so that a repeat view of a month does
// not carry its ~4,800 rows across D1 and build a ~450 KB body again: that
// transfer and the large strings it allocates (in D1 and here) were most of
// the month's time and all of its tail.
//
// Exact, not "fresh enough": each window is kept with the workspace's calendar
// version it was read with (migrations/0021: SQLite triggers move the version
// with every change a window shows, from any code path) and the instant its
// first item turns missed by time alone. A view shows a kept window only when
// the version read now, in the same batch as the caller's identity check,
// equals it and that instant has not come. An age limit bounds the one thing
// no trigger sees (the rename of a creator who has since left the workspace).
//
// Keyed by credential and query: a window is only ever shown to the session or
// token that read it, and every view still checks that credential first.

/** A window's body as sent, and what it is good for. */
export interface KeptWindow {
  workspaceId: string;
  version: number;
  /** Good while now < validUntil (services/calendar.ts WindowRead). */
  validUntil: number;
  keptAt: number;
  body: Uint8Array<ArrayBuffer>;
}

export class WindowCache {
  /** Insertion order is recency: a hit moves its entry to the end, eviction takes from the front. */
  readonly #entries = new Map<string, KeptWindow>();
  #bytes = 0;
  /** Views answered with a kept window, since the isolate started. */
  hits = 0;

  constructor(
    readonly maxBytes = 16 * 1024 * 1024,
    readonly maxAgeMs = 10 * 60_000,
  ) {}

  /** The entry kept for `key`, unless time has ended it (the caller still checks its version). */
  peek(key: string, now: number): KeptWindow | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (now >= e.validUntil || now - e.keptAt >= this.maxAgeMs) {
      this.delete(key);
      return undefined;
    }
    return e;
  }

  /** `e` (from peek) when the caller's workspace and its version now are the ones it was read with. */
  hit(key: string, e: KeptWindow, workspaceId: string | null, version: number): KeptWindow | undefined {
    if (e.workspaceId !== workspaceId || e.version !== version) {
      this.delete(key);
      return undefined;
    }
    this.#entries.delete(key);
    this.#entries.set(key, e);
    this.hits++;
    return e;
  }

  put(key: string, e: KeptWindow): void {
    this.delete(key);
    // One window may not take more than a quarter of the budget (a 93-day window of a big workspace is read each time).
    if (e.body.byteLength > this.maxBytes / 4) return;
    this.#entries.set(key, e);
    this.#bytes += e.body.byteLength;
    for (const [k] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.delete(k);
    }
  }

  delete(key: string): void {
    const e = this.#entries.get(key);
    if (!e) return;
    this.#entries.delete(key);
    this.#bytes -= e.body.byteLength;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }
}

/** The isolate's windows: one per isolate, as module state lives. */
export const calendarCache = new WindowCache();
