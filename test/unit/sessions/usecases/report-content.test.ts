import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { reportContentHash, sameStoredReport } from '../../../../src/sessions/usecases/report-content';
import type { SessionReport } from '../../../../src/sessions/usecases/session-report';
import { sessionReport } from '../../../support/session-fixtures';

const ORG = '00000000-0000-4000-8000-000000000001';
/** As PostgreSQL's jsonb gives a report back: the same content, its keys in another order. */
const asStored = (r: SessionReport) => JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(r).reverse()))) as SessionReport;

describe('SES-1 a report sent again for a stored session is unchanged when it says the same (report-content)', () => {
  const report = sessionReport(ORG, { id: 'RC-1' }, 3);
  const changed = { ...report, room: 'Salle B' };

  it('SES-1 compares with the stored report whatever the order of its fields', () => {
    expect(sameStoredReport({ report: asStored(report), content_hash: null }, report)).toBe(true);
    expect(sameStoredReport({ report: asStored(report), content_hash: null }, changed)).toBe(false);
  });

  it('SES-11 once the report is erased, compares with the hash the erasure kept of it', () => {
    const erased = { report: null, content_hash: reportContentHash(asStored(report)) };
    expect(sameStoredReport(erased, report)).toBe(true);
    expect(sameStoredReport(erased, changed)).toBe(false);
    expect(sameStoredReport({ report: null, content_hash: null }, report)).toBe(false);
  });

  it('SES-1 a session stored before issue 15 matches the hash it was stored with (canonical, or its fields as received)', () => {
    const received = createHash('sha256').update(JSON.stringify(report)).digest('hex');
    const stale = { ...report, room: 'what an older version stored' };
    expect(sameStoredReport({ report: stale, content_hash: received }, report)).toBe(true);
    expect(sameStoredReport({ report: stale, content_hash: reportContentHash(report) }, report)).toBe(true);
    expect(sameStoredReport({ report: stale, content_hash: received }, changed)).toBe(false);
  });
});
