import { createDataSource } from './data-source';

/** Applies pending migrations; safe to run at every start. */
export async function migrate(url: string): Promise<string[]> {
  const ds = await createDataSource(url, { poolSize: 1 }).initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
