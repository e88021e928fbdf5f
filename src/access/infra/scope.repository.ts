import type { Db } from '../../shared/database/db';
import type { ScopeRepository } from '../usecases/ports';

export function scopeRepository(db: Db): ScopeRepository {
  return {
    async networkOf(organisationId) {
      const rows: { network_id: string | null }[] = await db.query('SELECT network_id FROM organisations WHERE id = $1', [organisationId]);
      return rows[0]?.network_id ?? null;
    },

    async organisationAndMembers(organisationId) {
      const rows: { id: string }[] = await db.query('SELECT id FROM organisations WHERE id = $1 OR network_id = $1 ORDER BY id', [
        organisationId,
      ]);
      return rows.map((r) => r.id);
    },

    async applicationOrganisation(applicationId) {
      const rows: { organisation_id: string; network_id: string | null }[] = await db.query(
        'SELECT a.organisation_id, o.network_id FROM applications a JOIN organisations o ON o.id = a.organisation_id WHERE a.id = $1',
        [applicationId],
      );
      return rows[0] ? { organisationId: rows[0].organisation_id, networkId: rows[0].network_id } : null;
    },
  };
}
