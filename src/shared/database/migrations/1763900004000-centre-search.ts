import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, the "Centres et réseaux" search (GET /centres): a name searched as a substring, whatever its case and
 * accents ("lycee" finds "Lycée"), and a UAI by its prefix, over some 10,000 organisations, without reading them all.
 * pg_trgm's GIN index answers `LIKE '%…%'` on the name as the search compares it (`unaccent_lower`: unaccent is only
 * STABLE, as its dictionary could change, so an index needs this IMMUTABLE wrapper naming the dictionary); a
 * text_pattern_ops index answers the UAI prefix. Both extensions ship with PostgreSQL (contrib) and are trusted: a
 * database owner without superuser creates them.
 */
export class CentreSearch1763900004000 implements MigrationInterface {
  name = 'CentreSearch1763900004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    const schema: { schema: string }[] = await q.query(
      `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'`,
    );
    const s = `"${schema[0]!.schema.replace(/"/g, '""')}"`;
    await q.query(`
      CREATE FUNCTION unaccent_lower(value text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT lower(${s}.unaccent('${s}.unaccent'::regdictionary, value)) $$`);
    await q.query(`CREATE INDEX organisations_name_search_idx ON organisations USING gin (unaccent_lower(name) gin_trgm_ops)`);
    await q.query(`CREATE INDEX organisations_uai_idx ON organisations (uai text_pattern_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX organisations_uai_idx`);
    await q.query(`DROP INDEX organisations_name_search_idx`);
    await q.query(`DROP FUNCTION unaccent_lower(text)`);
    // The extensions stay: other objects of the database may have come to use them.
  }
}
