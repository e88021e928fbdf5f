import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, the centre search (GET /centres, GET /sessions?centre=): its GIN index (migration 1763900004000) gathered
 * new names in a pending list until a vacuum merged them. Every search reads that whole list, and the planner prices it:
 * after some thousands of new organisations an index search was costed like reading the whole table, and the planner
 * chose either by chance. Organisations are written rarely and searched often: each name goes into the index as it is
 * written, and the list gathered so far is merged now.
 */
export class CentreSearchWithoutPendingList1763900076000 implements MigrationInterface {
  name = 'CentreSearchWithoutPendingList1763900076000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX organisations_name_search_idx SET (fastupdate = off)`);
    await q.query(`SELECT gin_clean_pending_list('organisations_name_search_idx')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX organisations_name_search_idx RESET (fastupdate)`);
  }
}
