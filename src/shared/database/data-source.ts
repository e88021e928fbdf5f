import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { PARAMETERS } from '../../config/parameters';
import { ENTITIES } from '../../entities';
import { MIGRATIONS } from './migrations';

/** Schema changes go through migrations only: `synchronize` stays off. */
export function createDataSource(url: string, options: { poolSize?: number } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    // Fail fast when PostgreSQL is down or stopped (issue 11): the API answers 503, the activity retries.
    extra: {
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: PARAMETERS.resilience.databaseConnectTimeoutMs,
      query_timeout: PARAMETERS.resilience.databaseQueryTimeoutMs,
    },
  });
}

const cache = new Map<string, Promise<DataSource>>();

/** One initialised DataSource per URL and process (activities and API share it). */
export function dataSourceFor(url: string): Promise<DataSource> {
  let ds = cache.get(url);
  if (!ds) {
    ds = createDataSource(url).initialize();
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
