import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { QueryRunner } from 'typeorm';
import { portfolioRepository } from '../../../../src/agrement/infra/portfolio.repository';
import { explainingDb, MANY_ORGANISATIONS, useManyOrganisations } from '../../../support/query-plans';

/**
 * Issue 14: the centre search reads an index, not every organisation. Some 5,000 organisations with their agréments
 * are written in a transaction that is rolled back (the run's database is shared), analysed, and the repository's own
 * SQL is explained: the name goes through pg_trgm's index on unaccent_lower(name) (migration 1763900004000) and the UAI
 * through its prefix index, with no sequential scan of the organisations. The plan is checked, never a duration. (A part
 * that most names share, "formation", is rightly read sequentially: PostgreSQL's planner weighs the index against it.)
 */
let tx: QueryRunner;

useManyOrganisations(
  {
    count: 5_000,
    analyse: ['organisations', 'agrements'],
    more: (t) =>
      t.query(
        `INSERT INTO agrements (id, organisation_id, kind, state, start_on, term_on, first_grant_on, snapshot, quota_window_end_on)
         SELECT gen_random_uuid(), o.id, 'centre', 'active', DATE '2025-01-01', DATE '2028-01-01', DATE '2025-01-01', '{}', DATE '2028-01-01'
           FROM organisations o WHERE ${MANY_ORGANISATIONS}`,
      ),
  },
  (t) => (tx = t),
);

/** The plans of the statements the repository runs for a search (its count and its page), in the transaction. */
async function plansOf(search: Parameters<ReturnType<typeof portfolioRepository>['searchCentres']>[0]): Promise<string[][]> {
  const plans: string[][] = [];
  await portfolioRepository(explainingDb(tx, plans)).searchCentres(search);
  return plans;
}

const page = { sort: 'name', order: 'asc', limit: 50, offset: 0 } as const;

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
