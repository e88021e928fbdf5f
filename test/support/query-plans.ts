import type { DataSource, QueryRunner } from 'typeorm';
import { afterAll, beforeAll } from 'vitest';
import type { Db } from '../../src/shared/database/db';
import { ownerDb } from './harness';

/**
 * Issue 14: what a repository's SQL would read, checked by its plan (never a duration). A Db over the transaction
 * `tx` that explains each statement instead of running it, pushing its plan onto `plans` as its nodes, and answers
 * what `answer` gives for the statement (what the repository expects back: a count's row by default).
 */
export function explainingDb(tx: QueryRunner, plans: string[][], answer: (sql: string) => unknown[] = () => [{ total: 0 }]): Db {
  return {
    query: async (sql: string, params?: unknown[]) => {
      const rows: { 'QUERY PLAN': unknown }[] = await tx.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
      plans.push(nodesOf(rows[0]!['QUERY PLAN']));
      return answer(sql);
    },
  } as unknown as Db;
}

/** Every node of an EXPLAIN (FORMAT JSON) plan, as "node type on relation using index". */
export function nodesOf(plan: unknown): string[] {
  const nodes: string[] = [];
  const walk = (node: Record<string, unknown>) => {
    nodes.push(`${String(node['Node Type'])} on ${String(node['Relation Name'] ?? '-')} using ${String(node['Index Name'] ?? '-')}`);
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  for (const root of plan as { Plan: Record<string, unknown> }[]) walk(root.Plan);
  return nodes;
}

/** Picks out, as `o`, the organisations useManyOrganisations writes. */
export const MANY_ORGANISATIONS = `o.email LIKE 'c%@test.fr' AND o.name LIKE 'Centre de formation n°%'`;

/**
 * For the file's tests, a transaction on the owner's connection, rolled back after them (the run's database is
 * shared), holding `count` organisations named "Centre de formation n°<i> <md5 of i>" (distinct UAIs, departments
 * spread) and what `more` writes with them; then the tables `analyse` names are analysed, so that the planner sees
 * them full. `assign` hands the transaction to the file.
 */
export function useManyOrganisations(
  options: { count: number; analyse: string[]; more?: (tx: QueryRunner) => Promise<void> },
  assign: (tx: QueryRunner) => void,
): void {
  let owner: DataSource | undefined;
  let tx: QueryRunner | undefined;
  beforeAll(async () => {
    owner = await ownerDb();
    tx = owner.createQueryRunner();
    await tx.startTransaction();
    await tx.query(
      `INSERT INTO organisations (id, name, category, uai, department, is_foreign, email)
       SELECT gen_random_uuid(), 'Centre de formation n°' || i || ' ' || md5(i::text), 'datadock-training-provider',
              lpad(i::text, 7, '0') || 'A', lpad((1 + i % 95)::text, 2, '0'), false, 'c' || i || '@test.fr'
         FROM generate_series(1, ${Number(options.count)}) i`,
    );
    await options.more?.(tx);
    for (const table of options.analyse) await tx.query(`ANALYZE ${table}`);
    assign(tx);
  });
  afterAll(async () => {
    await tx?.rollbackTransaction();
    await tx?.release();
    // ANALYZE wrote the row counts in place (not rolled back): the tables' own statistics again, for the files after.
    for (const table of options.analyse) await owner?.query(`ANALYZE ${table}`);
    await owner?.destroy();
  });
}
