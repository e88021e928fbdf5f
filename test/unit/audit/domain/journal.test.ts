import { describe, expect, it } from 'vitest';
import { journalFilter, readActor } from '../../../../src/audit/domain/journal';
import { InvalidCommand } from '../../../../src/shared/domain/errors';

const PARIS = 'Europe/Paris';
const fieldOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidCommand) return err.field;
    throw err;
  }
  return undefined;
};

describe('journalFilter (issue 14, the Journal)', () => {
  it('defaults to the first 50 entries, no filter', () => {
    expect(journalFilter({}, PARIS)).toMatchObject({ limit: 50, offset: 0, from: undefined, to: undefined, role: undefined });
  });

  it('from and to are whole days in the zone, both included (winter and summer time)', () => {
    const f = journalFilter({ from: '2025-01-15', to: '2025-07-15' }, PARIS);
    expect(f.from!.toISOString()).toBe('2025-01-14T23:00:00.000Z');
    expect(f.to!.toISOString()).toBe('2025-07-15T22:00:00.000Z');
  });

  it('a single day is a range of 24 hours', () => {
    const f = journalFilter({ from: '2025-03-10', to: '2025-03-10' }, PARIS);
    expect(f.to!.getTime() - f.from!.getTime()).toBe(86_400_000);
  });

  it.each([
    [{ from: '2025-02-29' }, 'from'],
    [{ to: '15/01/2025' }, 'to'],
    [{ from: '2025-03-02', to: '2025-03-01' }, 'to'],
    [{ role: 'admin' }, 'role'],
    [{ actor: '   ' }, 'actor'],
    [{ userId: 'abc' }, 'userId'],
    [{ streamId: '123' }, 'streamId'],
    [{ streamType: 'Agrement;' }, 'streamType'],
    [{ type: '' }, 'type'],
    [{ ruleId: 'SUS1' }, 'ruleId'],
    [{ limit: '1.5' }, 'limit'],
    [{ limit: '1001' }, 'limit'],
    [{ offset: '-1' }, 'offset'],
  ])('%j is refused naming %s', (q, field) => {
    expect(fieldOf(() => journalFilter(q, PARIS))).toBe(field);
  });

  it('the CSV export pages further', () => {
    expect(journalFilter({ limit: '50000' }, PARIS, { defaultLimit: 100_000, maxLimit: 100_000 }).limit).toBe(50_000);
    expect(journalFilter({}, PARIS, { defaultLimit: 100_000, maxLimit: 100_000 }).limit).toBe(100_000);
  });
});

describe('readActor', () => {
  it('reads "<name> (<role>)" as a person', () => {
    expect(readActor('Jeanne Martin (legal)', 'u1')).toEqual({
      label: 'Jeanne Martin (legal)',
      userId: 'u1',
      name: 'Jeanne Martin',
      role: 'legal',
    });
    expect(readActor('Lecteur (Pix) (read-only)', null)).toMatchObject({ name: 'Lecteur (Pix)', role: 'read-only' });
  });

  it('anything else is a system, with no user nor role', () => {
    expect(readActor('system', 'u1')).toEqual({ label: 'system', userId: null, name: 'system', role: null });
    expect(readActor('Pix Certif (import)', null)).toMatchObject({ name: 'Pix Certif (import)', role: null });
  });
});
