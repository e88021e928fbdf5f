import { describe, expect, it } from 'vitest';
import { NotFound } from '../../../../src/shared/domain/errors';
import { reportInScope } from '../../../../src/sessions/usecases/read-sessions';
import { sessionReport } from '../../../support/session-fixtures';

const MINE = '00000000-0000-4000-8000-000000000001';
const THEIRS = '00000000-0000-4000-8000-000000000002';

describe('DATA-3 a session is read within the caller’s organisations only', () => {
  const report = sessionReport(THEIRS, { id: 'S-1' });
  const sessions = { findStoredReport: async (id: string) => (id === 'S-1' ? { report, organisationId: THEIRS } : null) };

  it('DATA-3 another organisation’s session does not exist for the caller (404, as an unknown id)', async () => {
    await expect(reportInScope(sessions, 'S-1', [MINE])).rejects.toBeInstanceOf(NotFound);
    await expect(reportInScope(sessions, 'S-unknown', [MINE, THEIRS])).rejects.toBeInstanceOf(NotFound);
  });

  it('DATA-3 within scope, or for Pix staff (no scope), the stored report', async () => {
    expect(await reportInScope(sessions, 'S-1', [MINE, THEIRS])).toBe(report);
    expect(await reportInScope(sessions, 'S-1')).toBe(report);
  });
});
