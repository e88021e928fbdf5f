import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { inject } from 'vitest';
import { prepareAppDatabase } from '../../src/shared/database/app-role';
import { createDataSource } from '../../src/shared/database/data-source';
import { migrate } from '../../src/shared/database/migrate';
import { createScratchDatabase, dropDatabase, withDatabase } from '../../src/shared/database/postgres';
import { TEST_APP_ROLE } from './app-role';

/**
 * A database of the test's own (migrated, with the app's least-privilege role), for what must see only its
 * own rows: periodic jobs sweep whole tables, which the run's shared database fills with other files' rows.
 * `replica()` opens another pool on it, as another process would (issue 15: several replicas, one database).
 */
export interface ScratchDatabase {
  name: string;
  ownerUrl: string;
  appUrl: string;
  replica(poolSize?: number): Promise<DataSource>;
  drop(): Promise<void>;
}

export async function scratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const admin = withDatabase(inject('ownerDatabaseUrl'), 'postgres');
  // pix_test_: the global set-up drops those a killed run left.
  const name = `pix_test_${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const ownerUrl = await createScratchDatabase(admin, name);
  await migrate(ownerUrl);
  const appUrl = await prepareAppDatabase(ownerUrl, {
    appDatabaseUrl: null,
    role: TEST_APP_ROLE.role,
    password: () => TEST_APP_ROLE.password,
  });
  const pools: DataSource[] = [];
  return {
    name,
    ownerUrl,
    appUrl,
    async replica(poolSize = 4) {
      const ds = await createDataSource(appUrl, { poolSize }).initialize();
      pools.push(ds);
      return ds;
    },
    async drop() {
      for (const p of pools) await p.destroy().catch(() => undefined);
      await dropDatabase(admin, name);
    },
  };
}
