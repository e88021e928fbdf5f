import type { Db } from '../../shared/database/db';

/** What the demo seed writes to the users besides the access context's functions (src/access/infra). */
export interface DemoUsersRepository {
  /** Re-binds a demo user to the organisation given (null: none) and reactivates it. */
  rebind(userId: string, organisationId: string | null): Promise<void>;
}

export function demoUsersRepository(db: Db): DemoUsersRepository {
  return {
    async rebind(userId: string, organisationId: string | null): Promise<void> {
      await db.query('UPDATE users SET organisation_id = $2, active = true WHERE id = $1', [userId, organisationId]);
    },
  };
}
