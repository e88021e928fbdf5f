import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { assertMigrated, migrate, pendingMigrations } from '../../../../src/shared/database/migrate';
import { MIGRATIONS } from '../../../../src/shared/database/migrations';
import { createScratchDatabase, dropDatabase, withDatabase } from '../../../../src/shared/database/postgres';

/** Issue 15: `npm run migrate` and ROLE=all starts may run together (replicas, a deploy job): each migration runs once. */
const admin = withDatabase(inject('ownerDatabaseUrl'), 'postgres');
const name = `pix_test_migrate_${randomBytes(3).toString('hex')}`;
let url: string;

beforeAll(async () => {
  url = await createScratchDatabase(admin, name);
});

afterAll(async () => {
  await dropDatabase(admin, name);
});

describe('migrations under an advisory lock', () => {
  it('an empty database lacks every migration: a replica refuses to start on it, naming `npm run migrate`', async () => {
    expect(await pendingMigrations(url)).toHaveLength(MIGRATIONS.length);
    await expect(assertMigrated(url)).rejects.toThrow(/lacks \d+ migrations this code needs .*run `npm run migrate`/);
  });

  it('three runs at once apply each migration exactly once, then the database is up to date', async () => {
    const runs = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    const applied = runs.flat();
    expect(applied).toHaveLength(MIGRATIONS.length);
    expect(new Set(applied).size).toBe(MIGRATIONS.length);
    // One run did the work; the others waited for the lock and found nothing left.
    expect(runs.filter((r) => r.length > 0)).toHaveLength(1);
    expect(await pendingMigrations(url)).toEqual([]);
    await expect(assertMigrated(url)).resolves.toBeUndefined();
    expect(await migrate(url)).toEqual([]);
  });
});
