import type { Db } from './db';

/** The readiness probe's check of PostgreSQL: a round trip that reads nothing. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.query('SELECT 1');
}
