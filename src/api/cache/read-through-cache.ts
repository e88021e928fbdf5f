/**
 * A small in-process read-through cache with single flight: concurrent requests for the same key share
 * one computation, and its result is served for `ttlMs`. The dashboards are views of a read model that
 * workflows update; a couple of seconds of staleness is what lets 50 concurrent dashboard users be served
 * without running the same aggregate 50 times (issue 5, bench:api). Failures are never cached.
 */
export class ReadThroughCache<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1000,
    private readonly clock: () => number = Date.now,
  ) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const now = this.clock();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    if (this.ttlMs <= 0) return compute();
    const value = compute();
    this.entries.set(key, { at: now, value });
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

  private evictExpired(now: number): void {
    for (const [key, entry] of this.entries) if (now - entry.at >= this.ttlMs) this.entries.delete(key);
    // Still full of fresh entries: drop the oldest (Map keeps insertion order).
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}
