import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { queueEmail } from '../../src/mail/usecases/queue-email';
import { LEGAL_EMAIL, OPERATIONS_EMAIL } from './harness';

/** SUS-1's letter to a centre ("Suspension de votre agrément…"), queued in the outbox as the engine queues it; its key. */
export async function suspensionLetter(
  db: DataSource,
  to: string,
  organisationName: string,
  audience: 'centre' | 'operations' = 'centre',
  reason = 'Fraude constatée',
): Promise<string> {
  const key = `test-letter-${randomUUID()}`;
  await queueEmail(
    { db, operationsEmail: OPERATIONS_EMAIL, legalEmail: LEGAL_EMAIL },
    {
      key,
      to,
      audience,
      template: 'agrement-suspended',
      data: { organisationName, agrementReference: `AGR-${key.slice(-6)}`, since: '2026-03-02', reason },
    },
  );
  return key;
}
