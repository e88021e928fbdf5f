import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Db } from './db';

/** What a pg pool answers a query (the part used here). */
type Pool = { query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }> };

/**
 * Issue 15: a read the API repeats many times a second (the dashboards) runs as a named prepared statement: each pool
 * connection parses it once and keeps it, so PostgreSQL skips parsing and analysing it on every later request (bench:api
 * measured 1.7 → 1.1 ms of PostgreSQL CPU per dashboard at 50 connections). The name is derived from the text, so that
 * the text must be bounded: values (limits and offsets included) go in `values`, never in the text.
 */
export async function preparedQuery<T>(db: Db, text: string, values: unknown[]): Promise<T[]> {
  // A transaction's manager keeps its own connection: the statement runs there, unprepared.
  if (!(db instanceof DataSource)) return db.query(text, values);
  const pool = (db.driver as unknown as { master: Pool }).master;
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
