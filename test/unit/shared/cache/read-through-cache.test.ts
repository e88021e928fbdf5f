import { describe, expect, it } from 'vitest';
import { until } from '../../../support/waiting';
import { cachingAuthenticator, type Authenticator } from '../../../../src/http/auth/authenticator';
import { ReadThroughCache } from '../../../../src/shared/cache/read-through-cache';
import type { Principal } from '../../../../src/access/domain/roles';

describe('read-through cache (dashboards, bench:api)', () => {
  it('shares one computation between concurrent callers, serves it until the TTL, then serves it once more while one refresh runs', async () => {
    let now = 0;
    let runs = 0;
    const cache = new ReadThroughCache<number>(2000, 10, () => now, true);
    const compute = async () => ++runs;
    expect(await Promise.all([cache.get('k', compute), cache.get('k', compute), cache.get('k', compute)])).toEqual([1, 1, 1]);
    now = 1999;
    expect(await cache.get('k', compute)).toBe(1);
    now = 2000;
    // Stale: the crowd gets the last answer at once, and a single refresh starts.
    expect(await Promise.all([cache.get('k', compute), cache.get('k', compute)])).toEqual([1, 1]);
    // The refresh it started is served once it has stored its answer; no caller started another.
    await until(
      () => cache.get('k', compute),
      (v) => v === 2,
    );
    expect(runs).toBe(2);
    expect(await cache.get('other', compute)).toBe(3);
  });

  it('keeps serving the last good answer when a refresh fails, and retries on the next request', async () => {
    let now = 0;
    let fail = false;
    let runs = 0;
    const cache = new ReadThroughCache<number>(1000, 10, () => now, true);
    const compute = async () => {
      runs++;
      if (fail) throw new Error('db down');
      return runs;
    };
    expect(await cache.get('k', compute)).toBe(1);
    now = 1000;
    fail = true;
    expect(await cache.get('k', compute)).toBe(1);
    await new Promise((r) => setTimeout(r, 0));
    fail = false;
    expect(await cache.get('k', compute)).toBe(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(await cache.get('k', compute)).toBe(3);
  });

  it('issue 15: never serves an answer computed ttl + maxStale ago or more (a quiet view is recomputed, not served from long ago)', async () => {
    let now = 0;
    let runs = 0;
    const cache = new ReadThroughCache<number>(2000, 10, () => now, true);
    const compute = async () => ++runs;
    expect(await cache.get('k', compute)).toBe(1);
    now = 3999;
    // Stale but within the bound (maxStale defaults to the ttl): served while it refreshes.
    expect(await cache.get('k', compute)).toBe(1);
    await until(
      () => cache.get('k', compute),
      (v) => v === 2,
    ); // the refresh it started, once stored
    expect(runs).toBe(2);
    // An hour without a request: recomputed before it is served.
    now += 3_600_000;
    expect(await cache.get('k', compute)).toBe(3);
    const bounded = new ReadThroughCache<number>(2000, 10, () => now, true, 500);
    expect(await bounded.get('k', compute)).toBe(4);
    now += 2500;
    expect(await bounded.get('k', compute)).toBe(5);
  });

  it('without stale-while-revalidate (access), an expired answer is recomputed before it is served', async () => {
    let now = 0;
    let runs = 0;
    const cache = new ReadThroughCache<number>(2000, 10, () => now);
    expect(await cache.get('k', async () => ++runs)).toBe(1);
    now = 2000;
    expect(await cache.get('k', async () => ++runs)).toBe(2);
  });

  it('never keeps a failure', async () => {
    const cache = new ReadThroughCache<number>(60_000, 10, () => 0);
    await expect(cache.get('k', async () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await cache.get('k', async () => 7)).toBe(7);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const cache = new ReadThroughCache<string>(60_000, 2, () => 0);
    for (const k of ['a', 'b', 'c']) await cache.get(k, async () => k);
    expect(await cache.get('a', async () => 'recomputed')).toBe('recomputed');
    expect(await cache.get('c', async () => 'recomputed')).toBe('c');
  });
});

describe('DATA-3 cached principals', () => {
  it('refuses a revoked token at most the TTL later', async () => {
    let now = 0;
    let revoked = false;
    const alice: Principal = { userId: 'u1', name: 'Alice', role: 'operations', organisationId: null };
    const db: Authenticator = { principalFor: async (t) => (t === 'pix_alice' && !revoked ? alice : null) };
    const auth = cachingAuthenticator(db, 5000, () => now);
    expect(await auth.principalFor('pix_alice')).toEqual(alice);
    revoked = true;
    now = 4999;
    expect(await auth.principalFor('pix_alice')).toEqual(alice);
    now = 5000;
    expect(await auth.principalFor('pix_alice')).toBeNull();
    expect(await auth.principalFor('pix_guess')).toBeNull();
  });
});
