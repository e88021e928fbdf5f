/**
 * A small in-process read-through cache with single flight: concurrent requests for the same key share
 * one computation, and its result is served for `ttlMs`. With `staleWhileRevalidate`, past that the last
 * answer is still served while one refresh runs in the background, so a busy view never makes a crowd wait for
 * its recomputation — but never an answer whose computation started `ttlMs + maxStaleMs` ago or more (default
 * `maxStaleMs` = `ttlMs`): that one is recomputed before it is served. The dashboards are views of a read model
 * that workflows update; a couple of seconds of staleness is what lets 50 concurrent dashboard users be served
 * without running the same aggregate 50 times (issue 5, bench:api). Failures are never cached.
 *
 * Issue 15 (docs/adr/0005): an optimisation only. Each process has its own and nothing invalidates it on a
 * write, so what a process serves is bounded by the age above whichever replica took the write, and a caller
 * who needs the current state asks past it (the dashboards: `Cache-Control: no-cache`).
 */
interface Entry<T> {
  at: number;
  value: Promise<T>;
  /** The answer has arrived (only then may it be served stale). */
  settled: boolean;
  refreshing: boolean;
}

export class ReadThroughCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1000,
    private readonly clock: () => number = Date.now,
    /** Serve an expired answer while refreshing it (views); false: an expired answer is never served (access). */
    private readonly staleWhileRevalidate = false,
    /** How long past `ttlMs` an expired answer may still be served while refreshing (staleWhileRevalidate). */
    private readonly maxStaleMs = ttlMs,
  ) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return compute();
    const now = this.clock();
    const hit = this.entries.get(key);
    if (hit && (now - hit.at < this.ttlMs || !hit.settled)) return hit.value;
    const servable = hit && this.staleWhileRevalidate && now - hit.at < this.ttlMs + this.maxStaleMs;
    if (hit && servable && !hit.refreshing) {
      // Stale: answer with it, and refresh once in the background (its age counts from the refresh's start).
      hit.refreshing = true;
      const next = compute();
      next.then(
        () => {
          if (this.entries.get(key) === hit) this.store(key, next, now); // unless recomputed meanwhile
        },
        () => {
          hit.refreshing = false; // keep serving the last good answer; the next request retries
        },
      );
      return hit.value;
    }
    if (hit && servable) return hit.value;
    const value = compute();
    this.store(key, value, now);
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    if (this.entries.size > this.maxEntries) this.evictExpired(now);
    return value;
  }

  /** Forgets everything (e.g. after a write the caller must see at once). */
  clear(): void {
    this.entries.clear();
  }

  private store(key: string, value: Promise<T>, at: number): void {
    const entry: Entry<T> = { at, value, settled: false, refreshing: false };
    this.entries.set(key, entry);
    value.then(
      () => (entry.settled = true),
      () => undefined,
    );
  }

  private evictExpired(now: number): void {
    for (const [key, entry] of this.entries) if (now - entry.at >= this.ttlMs && !entry.refreshing) this.entries.delete(key);
    // Still full of fresh entries: drop the oldest (Map keeps insertion order).
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}
