import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { PARAMETERS } from '../../config/parameters';
import { DEFAULT_POOL_SIZE } from '../../config/topology';
import { ENTITIES } from '../../entities';
import { MIGRATIONS } from './migrations';
import { closeReadPool } from './prepared-query';

/** A data source that, destroyed, also closes the pool its prepared reads opened beside its own (prepared-query.ts). */
class PixDataSource extends DataSource {
  override async destroy(): Promise<void> {
    await closeReadPool(this);
    return super.destroy();
  }
}

/** Schema changes go through migrations only: `synchronize` stays off. */
export function createDataSource(url: string, options: { poolSize?: number } = {}): DataSource {
  return new PixDataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    // Fail fast when PostgreSQL is down or stopped (issue 11): the API answers 503, the activity retries.
    extra: {
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      connectionTimeoutMillis: PARAMETERS.resilience.databaseConnectTimeoutMs,
      query_timeout: PARAMETERS.resilience.databaseQueryTimeoutMs,
    },
  });
}

/** The connections the data source's pool may open. */
export function poolSizeOf(db: DataSource): number {
  return (db.options as { extra?: { max?: number } }).extra?.max ?? DEFAULT_POOL_SIZE;
}

const cache = new Map<string, Promise<DataSource>>();

/** One initialised DataSource per URL and process (activities and API share it); the pool's size when first created (issue 15: DATABASE_POOL_SIZE). */
export function dataSourceFor(url: string, options: { poolSize?: number } = {}): Promise<DataSource> {
  let ds = cache.get(url);
  if (!ds) {
    ds = createDataSource(url, options).initialize();
    ds.catch(() => cache.delete(url));
    cache.set(url, ds);
  }
  return ds;
}

export async function closeDataSources(): Promise<void> {
  const all = [...cache.values()];
  cache.clear();
  await Promise.all(all.map(async (p) => (await p.catch(() => null))?.destroy()));
}
