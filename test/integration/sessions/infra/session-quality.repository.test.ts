import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeDataSources, dataSourceFor } from '../../../../src/shared/database/data-source';
import { sessionQualityRepository } from '../../../../src/sessions/infra/session-quality.repository';

let db: DataSource;
beforeAll(async () => {
  db = await dataSourceFor(inject('databaseUrl'));
});
afterAll(async () => {
  await closeDataSources();
});

const rowOf = async (sessionId: string) =>
  (
    await db.query(
      `SELECT finalised_at, late, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS recorded FROM session_quality WHERE session_id = $1`,
      [sessionId],
    )
  )[0];

describe('session_quality has one writer (SES-10), whichever path records a session', () => {
  it('SES-10 a stale overdue write never undoes a recorded finalisation nor its lateness', async () => {
    const sessionId = `q-${randomUUID()}`;
    const base = { session_id: sessionId, organisation_id: randomUUID(), deadline_at: '2026-03-12T17:00:00.000Z' };
    // Reported already finalised, late (the report path).
    await db.transaction((m) =>
      sessionQualityRepository(m).upsertQuality([{ ...base, finalised_at: '2026-03-13T09:00:00.000Z', late: true }]),
    );
    // The workflow's overdue record arriving after it (a retried activity): changes neither.
    await db.transaction((m) =>
      sessionQualityRepository(m).upsertQuality([{ ...base, finalised_at: null, late: true, recorded_at: '2026-03-12T17:00:00.000Z' }]),
    );
    expect(await rowOf(sessionId)).toMatchObject({
      finalised_at: new Date('2026-03-13T09:00:00.000Z'),
      late: true,
      recorded: '2026-03-12T17:00',
    });
  });

  it('SES-10 an overdue session later finalised in time by a correction becomes finalised, lateness from the finalisation', async () => {
    const sessionId = `q-${randomUUID()}`;
    const base = { session_id: sessionId, organisation_id: randomUUID(), deadline_at: '2026-03-12T17:00:00.000Z' };
    await db.transaction((m) =>
      sessionQualityRepository(m).upsertQuality([{ ...base, finalised_at: null, late: true, recorded_at: '2026-03-12T17:00:00.000Z' }]),
    );
    expect(await rowOf(sessionId)).toMatchObject({ finalised_at: null, late: true });
    await db.transaction((m) =>
      sessionQualityRepository(m).upsertQuality([{ ...base, finalised_at: '2026-03-12T16:00:00.000Z', late: false }]),
    );
    expect(await rowOf(sessionId)).toMatchObject({ finalised_at: new Date('2026-03-12T16:00:00.000Z'), late: false });
  });
});
