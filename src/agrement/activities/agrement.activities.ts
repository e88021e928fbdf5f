import type { DataSource } from 'typeorm';
import { recordAgrement, type RecordAgrementInput } from '../infra/agrement.repository';

/** Thin, idempotent activities of the agrément workflow. */
export function createAgrementActivities({ db }: { db: DataSource }) {
  return {
    async recordAgrement(input: RecordAgrementInput): Promise<void> {
      await recordAgrement(db, input);
    },
  };
}

export type AgrementActivities = ReturnType<typeof createAgrementActivities>;
