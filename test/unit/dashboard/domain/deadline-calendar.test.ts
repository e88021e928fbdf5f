import { describe, expect, it } from 'vitest';
import { type CalendarDeadline, deadlineEvent, frenchDate, hasOwnTime } from '../../../../src/dashboard/domain/deadline-calendar';

const options = { timeZone: 'Europe/Paris', uidDomain: 'agrements.pix.fr' };
const base: CalendarDeadline = {
  subject: 'agrement',
  subjectId: '11111111-1111-4111-8111-111111111111',
  key: 'cure-due:2025-03-01',
  organisationName: 'Centre Lumière, Lyon',
  deadline: 'cure-due',
  ruleId: 'BRE-2',
  on: '2025-03-01',
  at: '2025-03-01T23:00:00.000Z', // the end of 1 March in Paris: a date, no time of its own
};

describe('deadlines as calendar events (issue 14)', () => {
  it('BRE-2 an all-day event on the legal date, named in French with the centre, its rule in the description, a UID from its key', () => {
    expect(deadlineEvent(base, options)).toEqual({
      uid: 'agrement-11111111-1111-4111-8111-111111111111-cure-due:2025-03-01@agrements.pix.fr',
      date: '2025-03-01',
      summary: 'Fin du délai de mise en demeure – Centre Lumière, Lyon',
      description:
        'Fin du délai de mise en demeure (BRE-2) : Centre Lumière, Lyon.\nDate légale : 1er mars 2025.\nRègle : BRE-2.\nObjet : agrément 11111111-1111-4111-8111-111111111111.',
      categories: ['BRE-2'],
    });
  });

  it('SES-10 a deadline in hours shows its exact time (Paris) and instant', () => {
    const e = deadlineEvent(
      {
        ...base,
        subject: 'session',
        subjectId: 's-1',
        key: 'finalisation-due',
        deadline: 'finalisation-due',
        ruleId: 'SES-10',
        on: '2025-07-15',
        at: '2025-07-15T14:30:00.000Z',
      },
      options,
    );
    expect(e.uid).toBe('session-s-1-finalisation-due@agrements.pix.fr');
    expect(e.summary).toBe('Finalisation de session (48 h) – Centre Lumière, Lyon');
    expect(e.description).toContain('Échéance exacte : le 15 juillet 2025 à 16 h 30 (heure de Paris), soit 2025-07-15T14:30:00.000Z.');
  });

  it('a day boundary (start, end, or its last millisecond) is no time of its own', () => {
    expect(hasOwnTime('2025-03-01', new Date('2025-02-28T23:00:00.000Z'), 'Europe/Paris')).toBe(false);
    expect(hasOwnTime('2025-03-01', new Date('2025-03-01T23:00:00.000Z'), 'Europe/Paris')).toBe(false);
    expect(hasOwnTime('2025-03-01', new Date('2025-03-01T22:59:59.999Z'), 'Europe/Paris')).toBe(false);
    expect(hasOwnTime('2025-03-01', new Date('2025-03-01T13:00:00.000Z'), 'Europe/Paris')).toBe(true);
  });

  it('an unknown deadline name is shown as is; French dates say "1er"', () => {
    expect(deadlineEvent({ ...base, deadline: 'new-kind' }, options).summary).toBe('new-kind – Centre Lumière, Lyon');
    expect(frenchDate('2025-01-01')).toBe('1er janvier 2025');
    expect(frenchDate('2025-08-15')).toBe('15 août 2025');
  });
});
