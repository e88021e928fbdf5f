import { describe, expect, it } from 'vitest';
import { InvalidCommand } from '../../../../src/shared/domain/errors';
import { qualityEvent } from '../../../../src/visits/domain/quality-events';

const field = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return err instanceof InvalidCommand ? err.field : String(err);
  }
  return null;
};

describe('a centre’s quality record (VIS-1)', () => {
  it('SES-13 a complaint reaches the jury within 2 months of the results’ publication: on the last day it is in time, the day after it is not', () => {
    const base = { kind: 'complaint' as const, summary: 'Salle bruyante', resultsPublishedOn: '2026-03-31' };
    expect(qualityEvent({ ...base, occurredOn: '2026-05-31' }, '2026-11-24')).toMatchObject({
      ruleId: 'SES-13',
      complaint: { deadline: '2026-05-31', withinTime: true },
    });
    expect(qualityEvent({ ...base, occurredOn: '2026-06-01' }, '2026-11-24').complaint).toEqual({
      deadline: '2026-05-31',
      withinTime: false,
    });
    expect(qualityEvent({ kind: 'complaint', summary: 'x', occurredOn: '2026-06-01' }, '2026-11-24').complaint).toBeNull();
  });

  it('names the rule of each kind, and refuses a future date, an unknown kind, or a publication date for anything but a complaint', () => {
    expect(qualityEvent({ kind: 'incident', summary: 'Coupure', occurredOn: '2026-11-24' }, '2026-11-24').ruleId).toBe('SES-12');
    expect(qualityEvent({ kind: 'fraud-report', summary: 'Triche', occurredOn: '2026-11-01' }, '2026-11-24').ruleId).toBe('SUS-1');
    expect(field(() => qualityEvent({ kind: 'incident', summary: 'x', occurredOn: '2026-11-25' }, '2026-11-24'))).toBe('occurredOn');
    expect(field(() => qualityEvent({ kind: 'rumour' as never, summary: 'x', occurredOn: '2026-11-01' }, '2026-11-24'))).toBe('kind');
    expect(
      field(() =>
        qualityEvent({ kind: 'incident', summary: 'x', occurredOn: '2026-11-01', resultsPublishedOn: '2026-10-01' }, '2026-11-24'),
      ),
    ).toBe('resultsPublishedOn');
    expect(
      field(() =>
        qualityEvent({ kind: 'complaint', summary: 'x', occurredOn: '2026-11-01', resultsPublishedOn: '2026-12-01' }, '2026-11-24'),
      ),
    ).toBe('resultsPublishedOn');
  });
});

describe('DATA-2: a personal-data breach is notified to Pix within 72 hours', () => {
  const breach = (discoveredAt: string, notifiedAt: string) =>
    qualityEvent(
      {
        kind: 'data-breach',
        summary: 'Liste des candidats envoyée au mauvais destinataire',
        occurredOn: '2026-11-20',
        discoveredAt,
        notifiedAt,
      },
      '2026-11-24',
    );

  it('DATA-2 notified 72 hours after the discovery to the second is in time; one second later it is late', () => {
    expect(breach('2026-11-20T14:30:00+01:00', '2026-11-23T14:30:00+01:00')).toMatchObject({
      ruleId: 'DATA-2',
      dataBreach: { notifyBy: '2026-11-23T13:30:00.000Z', withinTime: true },
    });
    expect(breach('2026-11-20T14:30:00+01:00', '2026-11-23T14:30:01+01:00').dataBreach).toEqual({
      notifyBy: '2026-11-23T13:30:00.000Z',
      withinTime: false,
    });
  });

  it('DATA-2 needs both instants, in order, not in the future, and only for a breach', () => {
    const f = (input: Partial<Parameters<typeof qualityEvent>[0]>) =>
      field(() =>
        qualityEvent(
          {
            kind: 'data-breach',
            summary: 'x',
            occurredOn: '2026-11-20',
            discoveredAt: '2026-11-20T10:00:00Z',
            notifiedAt: '2026-11-21T10:00:00Z',
            ...input,
          },
          '2026-11-24',
        ),
      );
    expect(f({})).toBeNull();
    expect(f({ discoveredAt: null })).toBe('discoveredAt');
    expect(f({ notifiedAt: '2026-11-21' })).toBe('notifiedAt');
    expect(f({ notifiedAt: '2026-11-19T10:00:00Z' })).toBe('notifiedAt');
    expect(f({ notifiedAt: '2026-11-25T10:00:00Z' })).toBe('notifiedAt');
    expect(f({ kind: 'incident' })).toBe('discoveredAt');
  });
});
