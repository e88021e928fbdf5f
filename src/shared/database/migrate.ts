import { createDataSource } from './data-source';
import { MIGRATIONS } from './migrations';
import { withClient } from './postgres';

/** Issue 15: the advisory lock every migrate holds, so that replicas or runs starting together migrate one after the other. */
const MIGRATION_LOCK_KEY = 748215001;

/**
 * Applies pending migrations; safe to run at every start, and from several processes at once: each waits for
 * the others under a PostgreSQL advisory lock (held on a connection of its own), then finds nothing left to do.
 */
export async function migrate(url: string): Promise<string[]> {
  return withClient(url, async (lock) => {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const ds = await createDataSource(url, { poolSize: 1 }).initialize();
      try {
        const applied = await ds.runMigrations({ transaction: 'each' });
        return applied.map((m) => m.name);
      } finally {
        await ds.destroy();
      }
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  });
}

/** The migrations this code knows that the database has not applied (issue 15: the API and worker do not migrate). */
export async function pendingMigrations(url: string): Promise<string[]> {
  const names = MIGRATIONS.map((m) => (new (m as new () => { name?: string })().name ?? m.name) as string);
  const applied = await withClient(url, async (c) => {
    const exists = await c.query(`SELECT to_regclass('migrations') IS NOT NULL AS present`);
    if (!exists.rows[0].present) return new Set<string>();
    return new Set((await c.query<{ name: string }>('SELECT name FROM migrations')).rows.map((r) => r.name));
  });
  return names.filter((name) => !applied.has(name));
}

/** Refuses to start the API or a worker on a database older than its code: migrations first (`npm run migrate`). */
export async function assertMigrated(url: string): Promise<void> {
  const pending = await pendingMigrations(url);
  if (pending.length)
    throw new Error(
      `The database lacks ${pending.length} migration${pending.length > 1 ? 's' : ''} this code needs (${pending.slice(0, 3).join(', ')}${pending.length > 3 ? ', …' : ''}): run \`npm run migrate\` with DATABASE_URL set to the owner first.`,
    );
}
