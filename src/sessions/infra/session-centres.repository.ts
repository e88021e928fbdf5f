import type { Agrement } from '../../agrement/domain/agrement';
import type { Db } from '../../shared/database/db';
import type { CentreRow, SessionCentresRepository } from '../usecases/ports';

/**
 * What a session is judged with, read from the tables of the organisations, their applications and their
 * agréments: the centre's category and its network's type (PRI-4, SCO-1), and the agrément's snapshot (SES-9).
 */
export function sessionCentresRepository(db: Db): SessionCentresRepository {
  return {
    async findCentres(organisationIds) {
      const rows: CentreRow[] = await db.query(
        `SELECT o.id, o.name, o.email, o.category, o.network_id,
            (SELECT a.data->'network'->>'type' FROM applications a WHERE a.organisation_id = o.network_id ORDER BY a.received_at DESC LIMIT 1) AS network_type
       FROM organisations o WHERE o.id = ANY($1)`,
        [organisationIds],
      );
      return rows;
    },

    async findAgrements(organisationIds) {
      if (organisationIds.length === 0) return new Map();
      const rows: { organisation_id: string; snapshot: Agrement }[] = await db.query(
        `SELECT organisation_id, snapshot FROM agrements WHERE organisation_id = ANY($1)`,
        [organisationIds],
      );
      return new Map(rows.map((r) => [r.organisation_id, r.snapshot]));
    },
  };
}
