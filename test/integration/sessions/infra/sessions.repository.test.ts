import { createHash, randomUUID } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { sessionsRepository } from '../../../../src/sessions/infra/sessions.repository';
import type { SessionFilter } from '../../../../src/sessions/usecases/ports';
import { explainingDb, MANY_ORGANISATIONS, useManyOrganisations } from '../../../support/query-plans';

/**
 * Issue 14: GET /sessions?centre= finds the sessions of a centre by part of its name, whatever its case and accents,
 * through the index GET /centres reads (pg_trgm's on unaccent_lower(name), migration 1763900004000), not by reading
 * every organisation. Some 5,000 organisations, each with a session, are written in a transaction that is rolled back
 * (the run's database is shared), analysed, and the repository's own SQL is explained. The plan is checked, never a
 * duration. The index takes each name as it is written (migration 1763900076000): with a pending list of those 5,000 names
 * the planner priced the index like the whole table and chose either by chance (a CI run read the table).
 */
let tx: QueryRunner;
const tag = randomUUID().slice(0, 8);
const lycee = { organisationId: randomUUID(), sessionId: `SL-${tag}` };

useManyOrganisations(
  {
    count: 5_000,
    analyse: ['organisations', 'sessions'],
    more: async (t) => {
      await t.query(
        `INSERT INTO organisations (id, name, category, uai, department, is_foreign, email)
         VALUES ($1, $2, 'datadock-training-provider', NULL, '69', false, $3)`,
        [lycee.organisationId, `Lycée Émile Zola ${tag}`, `lycee-${tag}@test.fr`],
      );
      // One session a centre, of the file's own ids.
      await t.query(
        `INSERT INTO sessions (id, organisation_id, agrement_organisation_id, centre_kind, date, start_time, end_time, time_zone, status, deadline_at,
                               candidate_count, rule_set_id, report, content_hash, source)
         SELECT CASE WHEN o.id = $2 THEN $3 ELSE 'SL-' || $1 || '-' || o.id END, o.id, o.id, 'centre', DATE '2026-03-12', '14:00', '16:00',
                'Europe/Paris', 'planned', TIMESTAMPTZ '2026-03-14T13:00:00Z', 2, 'sessions@2020-01', '{}', 'h', 'api'
           FROM organisations o
          WHERE o.id = $2 OR (${MANY_ORGANISATIONS})`,
        [tag, lycee.organisationId, lycee.sessionId],
      );
    },
  },
  (t) => (tx = t),
);

const page = { limit: 50, offset: 0 } as const;
const found = async (centre: string) =>
  (await sessionsRepository(tx.manager).listSessions({ ...page, centre })).items.filter((s) => s.organisationId === lycee.organisationId);

/** The plans of the statements the repository runs for a list (its count, then its page, of no rows), in the transaction. */
async function plansOf(filter: SessionFilter): Promise<string[][]> {
  const plans: string[][] = [];
  await sessionsRepository(explainingDb(tx, plans, (sql) => (sql.includes('count(*)') ? [{ total: 0 }] : []))).listSessions(filter);
  return plans;
}

describe('the sessions list by centre name over some 5,000 centres (issue 14, SES-10)', () => {
  it('finds a part of a name whatever its case and accents, its % and _ read literally', async () => {
    expect((await found(`LYCEE emile zola ${tag}`)).map((s) => s.id)).toEqual([lycee.sessionId]);
    expect((await found(`ée Émi`)).map((s) => s.id)).toEqual([lycee.sessionId]);
    expect(await found(`Lycée%Zola ${tag}`)).toEqual([]);
    expect(await found(`Zola_${tag}`)).toEqual([]);
  });

  it('reads the organisations through the trigram index on unaccent_lower(name), never sequentially', async () => {
    // What a person types to find one centre among many: a distinctive part of its name (here, of its hash), in capitals.
    const part = createHash('md5').update('4242').digest('hex').slice(3, 12).toUpperCase();
    const plans = await plansOf({ ...page, centre: part });
    expect(plans).toHaveLength(2);
    for (const plan of plans) {
      expect(plan.join('\n'), plan.join('\n')).toContain('Bitmap Index Scan on - using organisations_name_search_idx');
      expect(plan, plan.join('\n')).not.toContain('Seq Scan on organisations using -');
    }
  });
});
