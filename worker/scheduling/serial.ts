/**
 * Runs async functions one at a time, in arrival order. A Durable Object's
 * input gate does not hold across awaits on D1 or fetch (CLOUDFLARE.md §2), so
 * the allocator's read-decide-write must queue behind this itself.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    // Keep the chain alive whatever fn does; callers see fn's own outcome.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
