import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource, QueryRunner } from 'typeorm';
import type { Db } from '../../../../src/shared/database/db';
import { portfolioRepository } from '../../../../src/agrement/infra/portfolio.repository';
import { ownerDb } from '../../../support/harness';

/**
 * Issue 14: the centre search reads an index, not every organisation. Some 5,000 organisations with their agréments
 * are written in a transaction that is rolled back (the run's database is shared), analysed, and the repository's own
 * SQL is explained: the name goes through pg_trgm's index on unaccent_lower(name) (migration 1763900004000) and the UAI
 * through its prefix index, with no sequential scan of the organisations. The plan is checked, never a duration. (A part
 * that most names share, "formation", is rightly read sequentially: PostgreSQL's planner weighs the index against it.)
 */
let owner: DataSource;
let tx: QueryRunner;
const ORGANISATIONS = 5_000;

beforeAll(async () => {
  owner = await ownerDb();
  tx = owner.createQueryRunner();
  await tx.startTransaction();
  await tx.query(
    `INSERT INTO organisations (id, name, category, uai, department, is_foreign, email)
     SELECT gen_random_uuid(), 'Centre de formation n°' || i || ' ' || md5(i::text), 'datadock-training-provider',
            lpad(i::text, 7, '0') || 'A', lpad((1 + i % 95)::text, 2, '0'), false, 'c' || i || '@test.fr'
       FROM generate_series(1, ${ORGANISATIONS}) i`,
  );
  await tx.query(
    `INSERT INTO agrements (id, organisation_id, kind, state, start_on, term_on, first_grant_on, snapshot)
     SELECT gen_random_uuid(), o.id, 'centre', 'active', DATE '2025-01-01', DATE '2028-01-01', DATE '2025-01-01', '{}'
       FROM organisations o WHERE o.email LIKE 'c%@test.fr' AND o.name LIKE 'Centre de formation n°%'`,
  );
  await tx.query('ANALYZE organisations');
  await tx.query('ANALYZE agrements');
});

afterAll(async () => {
  await tx?.rollbackTransaction();
  await tx?.release();
  // ANALYZE wrote the row counts in place (not rolled back): the tables' own statistics again, for the files after.
  await owner?.query('ANALYZE organisations');
  await owner?.query('ANALYZE agrements');
  await owner?.destroy();
});

/** The plans of the statements the repository runs for a search (its count and its page), in the transaction. */
async function plansOf(search: Parameters<ReturnType<typeof portfolioRepository>['searchCentres']>[0]): Promise<string[][]> {
  const plans: string[][] = [];
  const explaining = {
    query: async (sql: string, params?: unknown[]) => {
      const rows: { 'QUERY PLAN': unknown }[] = await tx.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
      plans.push(nodesOf(rows[0]!['QUERY PLAN']));
      return [{ total: 0 }];
    },
  } as unknown as Db;
  await portfolioRepository(explaining).searchCentres(search);
  return plans;
}

const page = { sort: 'name', order: 'asc', limit: 50, offset: 0 } as const;
/** Every node of an EXPLAIN (FORMAT JSON) plan, as "node type on relation". */
function nodesOf(plan: unknown): string[] {
  const nodes: string[] = [];
  const walk = (node: Record<string, unknown>) => {
    nodes.push(`${String(node['Node Type'])} on ${String(node['Relation Name'] ?? '-')} using ${String(node['Index Name'] ?? '-')}`);
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  for (const root of plan as { Plan: Record<string, unknown> }[]) walk(root.Plan);
  return nodes;
}

describe('the centre search over some 5,000 organisations (issue 14)', () => {
  it('finds a part of a name, whatever its accents, through the trigram index', async () => {
    // What a person types to find one centre among many: a distinctive part of its name (here, of its hash), in capitals.
    const hash = createHash('md5').update('4242').digest('hex');
    const part = hash.slice(3, 12).toUpperCase();
    const found: { name: string }[] = await tx.query(
      `SELECT name FROM organisations WHERE unaccent_lower(name) LIKE '%' || unaccent_lower($1) || '%'`,
      [part],
    );
    expect(found.map((o) => o.name)).toEqual([`Centre de formation n°4242 ${hash}`]);
    const plans = await plansOf({ ...page, name: part });
    expect(plans).toHaveLength(2);
    for (const plan of plans) {
      expect(plan.join('\n'), plan.join('\n')).toContain('Bitmap Index Scan on - using organisations_name_search_idx');
      expect(plan, plan.join('\n')).not.toContain('Seq Scan on organisations using -');
    }
  });

  it('finds a UAI by its start through its prefix index', async () => {
    for (const plan of await plansOf({ ...page, uaiPrefix: '00042' })) {
      expect(plan.join('\n'), plan.join('\n')).toContain('Bitmap Index Scan on - using organisations_uai_idx');
      expect(plan, plan.join('\n')).not.toContain('Seq Scan on organisations using -');
    }
  });
});
