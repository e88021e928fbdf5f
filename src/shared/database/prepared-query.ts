import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DEFAULT_POOL_SIZE } from '../../config/topology';
import type { Db } from './db';

/** The pg pool parts used here: a query, its options (to open a second pool like it), its events, its end. */
type Pool = {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
  options: Record<string, unknown> & { max?: number; options?: string };
  on(event: 'error', listener: (error: Error) => void): void;
  end(): Promise<void>;
};

/**
 * Issue 15: a read the API repeats many times a second (the dashboards) runs as a named prepared statement: each pool
 * connection parses it once and keeps it, so PostgreSQL skips parsing and analysing it on every later request (bench:api
 * measured 1.7 → 1.1 ms of PostgreSQL CPU per dashboard at 50 connections). The name is derived from the text, so that
 * the text must be bounded: values (limits and offsets included) go in `values`, never in the text.
 */
export async function preparedQuery<T>(db: Db, text: string, values: unknown[]): Promise<T[]> {
  // A transaction's manager keeps its own connection: the statement runs there, unprepared.
  if (!(db instanceof DataSource)) return db.query(text, values);
  const pool = readPoolOf(db);
  try {
    return (await pool.query({ name: statementName(text), text, values })).rows as T[];
  } catch (e) {
    // A migration changed what a prepared statement returns (SQLSTATE 0A000, "cached plan must not change result
    // type"): name the statements afresh, so that each connection prepares them again, and run this one once more.
    if ((e as { code?: string }).code !== '0A000') throw e;
    generation++;
    names.clear();
    return (await pool.query({ name: statementName(text), text, values })).rows as T[];
  }
}

/**
 * Issue 15: the prepared reads go through a pool of their own, beside the data source's, whose connections plan each
 * statement once for any values (`plan_cache_mode = force_generic_plan`): under the default mode PostgreSQL planned
 * the dashboards' statements again at every call (bench:api: the overdue list's 0.9 ms of planning for 2.3 ms of
 * execution; a quarter of the dashboards' PostgreSQL CPU). TypeORM's unnamed statements, planned for their values,
 * keep the default. The pool also keeps a burst of dashboard reads from taking the connections the writes need; it
 * opens at most half as many. Behind PgBouncer, list `options` in its `ignore_startup_parameters` (README, Production):
 * a session's setting does not follow a transaction pooler's connections, and there the statements are planned as before.
 */
const readPools = new WeakMap<DataSource, Pool>();
/** The setting, as each connection of the read pool starts (a startup option: no round trip, no SET that would outlive it). */
const PLAN_ONCE = '-c plan_cache_mode=force_generic_plan';

function readPoolOf(db: DataSource): Pool {
  let pool = readPools.get(db);
  if (!pool) {
    const main = (db.driver as unknown as { master: Pool }).master;
    const PoolClass = main.constructor as new (options: Record<string, unknown>) => Pool;
    // Its idle connections do not keep a process alive (a data source never destroyed), nor does one that PostgreSQL
    // closed (a restart) raise: the pool opens another when next asked.
    pool = new PoolClass({
      ...main.options,
      max: Math.max(1, Math.ceil((main.options.max ?? DEFAULT_POOL_SIZE) / 2)),
      options: [main.options.options, PLAN_ONCE].filter(Boolean).join(' '),
      allowExitOnIdle: true,
    });
    pool.on('error', () => undefined);
    readPools.set(db, pool);
  }
  return pool;
}

/** Closes the prepared reads' pool of a data source, if it opened one (PixDataSource.destroy). */
export async function closeReadPool(db: DataSource): Promise<void> {
  const pool = readPools.get(db);
  readPools.delete(db);
  await pool?.end();
}

let generation = 0;
const names = new Map<string, string>();
/** Bounds the memo of names (texts are bounded; this only guards against a caller that is not). */
const MAX_NAMES = 1_000;

function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    if (names.size >= MAX_NAMES) names.clear();
    name = `pix_${generation}_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}
