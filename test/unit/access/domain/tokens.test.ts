import { describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../../src/config/parameters';
import { accessReviewDue } from '../../../../src/access/domain/review';
import {
  lastUseIsStale,
  tokenExpiresAt,
  tokenFlags,
  tokenLifetimeDays,
  tokenStatus,
  userFlags,
} from '../../../../src/access/domain/tokens';
import { identityMismatches } from '../../../../src/application/domain/applicant';
import { InvalidCommand } from '../../../../src/shared/domain/errors';

const at = (iso: string) => new Date(iso);
const DAY = 86_400_000;

describe('DATA-3 token lifetime', () => {
  it('defaults to the parameter, accepts 1..max days, refuses beyond the maximum naming lifetimeDays', () => {
    expect(tokenLifetimeDays(undefined)).toBe(PARAMETERS.access.tokenDefaultLifetimeDays);
    expect(tokenLifetimeDays(null)).toBe(PARAMETERS.access.tokenDefaultLifetimeDays);
    expect(tokenLifetimeDays(1)).toBe(1);
    expect(tokenLifetimeDays(PARAMETERS.access.tokenMaxLifetimeDays)).toBe(PARAMETERS.access.tokenMaxLifetimeDays);
    for (const bad of [0, -1, 1.5, PARAMETERS.access.tokenMaxLifetimeDays + 1, '30']) {
      expect(() => tokenLifetimeDays(bad), String(bad)).toThrow(InvalidCommand);
      try {
        tokenLifetimeDays(bad);
      } catch (err) {
        expect((err as InvalidCommand).field).toBe('lifetimeDays');
      }
    }
  });

  it('no token outlives a year: the maximum is at most the review interval', () => {
    expect(PARAMETERS.access.tokenMaxLifetimeDays).toBeLessThanOrEqual(366);
    expect(PARAMETERS.access.tokenDefaultLifetimeDays).toBeLessThanOrEqual(PARAMETERS.access.tokenMaxLifetimeDays);
  });

  it('expires lifetimeDays after issue; revoked wins over expired; active before expiry only', () => {
    const issued = at('2026-01-10T08:00:00Z');
    const expiresAt = tokenExpiresAt(issued, 90);
    expect(expiresAt.toISOString()).toBe('2026-04-10T08:00:00.000Z');
    expect(tokenStatus({ expiresAt, revokedAt: null }, at('2026-04-10T07:59:59Z'))).toBe('active');
    expect(tokenStatus({ expiresAt, revokedAt: null }, expiresAt)).toBe('expired');
    expect(tokenStatus({ expiresAt, revokedAt: at('2026-05-01T00:00:00Z') }, at('2026-06-01T00:00:00Z'))).toBe('revoked');
  });

  it('last use is written at most once per resolution', () => {
    const now = at('2026-03-01T10:00:00Z');
    expect(lastUseIsStale(null, now, 60)).toBe(true);
    expect(lastUseIsStale(new Date(now.getTime() - 59_000), now, 60)).toBe(false);
    expect(lastUseIsStale(new Date(now.getTime() - 60_000), now, 60)).toBe(true);
  });
});

describe('DATA-3 obsolete accesses flagged by the annual review', () => {
  const now = at('2026-06-01T00:00:00Z');
  const token = (o: Partial<{ createdAt: Date; expiresAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }> = {}) => ({
    createdAt: new Date(now.getTime() - 10 * DAY),
    expiresAt: new Date(now.getTime() + 30 * DAY),
    lastUsedAt: new Date(now.getTime() - DAY),
    revokedAt: null,
    ...o,
  });

  it('a token: expired, unused for N days (never used: since issue), none when revoked or in use', () => {
    expect(tokenFlags(token(), now, 90)).toEqual([]);
    expect(tokenFlags(token({ expiresAt: new Date(now.getTime() - DAY) }), now, 90)).toEqual(['expired']);
    expect(tokenFlags(token({ lastUsedAt: new Date(now.getTime() - 91 * DAY) }), now, 90)).toEqual(['unused']);
    expect(tokenFlags(token({ lastUsedAt: null, createdAt: new Date(now.getTime() - 91 * DAY) }), now, 90)).toEqual(['unused']);
    expect(tokenFlags(token({ lastUsedAt: null, createdAt: new Date(now.getTime() - 5 * DAY) }), now, 90)).toEqual([]);
    expect(tokenFlags(token({ revokedAt: now, expiresAt: new Date(now.getTime() - DAY) }), now, 90)).toEqual([]);
  });

  it('a user: no active token, unused, scoped without organisation, organisation whose agrément ended; none once deactivated', () => {
    const user = {
      role: 'centre' as const,
      active: true,
      organisationId: 'org',
      createdAt: new Date(now.getTime() - 400 * DAY),
      tokens: [token()],
    };
    expect(userFlags(user, now, 90)).toEqual([]);
    expect(userFlags({ ...user, tokens: [token({ revokedAt: now })] }, now, 90)).toEqual(['no-active-token']);
    expect(userFlags({ ...user, tokens: [] }, now, 90)).toEqual(['no-active-token', 'unused']);
    expect(userFlags({ ...user, tokens: [token({ lastUsedAt: new Date(now.getTime() - 100 * DAY) })] }, now, 90)).toEqual(['unused']);
    expect(userFlags({ ...user, organisationId: null }, now, 90)).toEqual(['no-organisation']);
    expect(userFlags({ ...user, organisationAgrementEnded: true }, now, 90)).toEqual(['organisation-agrement-ended']);
    // Pix staff have no organisation and no agrément.
    expect(userFlags({ ...user, role: 'legal', organisationId: null, organisationAgrementEnded: true }, now, 90)).toEqual([]);
    expect(userFlags({ ...user, active: false, tokens: [] }, now, 90)).toEqual([]);
  });
});

describe('DATA-3 the annual review is due a year after the last one', () => {
  it('last review + 12 months; never reviewed: first user + 12 months; no user: nothing due', () => {
    const last = at('2025-03-31T09:00:00Z');
    expect(accessReviewDue(last, at('2024-01-01T00:00:00Z'), at('2026-03-30T00:00:00Z'))).toEqual({
      dueAt: at('2026-03-31T09:00:00Z'),
      overdue: false,
      basis: 'last-review',
    });
    expect(accessReviewDue(last, null, at('2026-03-31T09:00:00Z')).overdue).toBe(true);
    expect(accessReviewDue(null, at('2025-02-28T00:00:00Z'), at('2026-03-01T00:00:00Z'))).toEqual({
      dueAt: at('2026-02-28T00:00:00Z'),
      overdue: true,
      basis: 'first-user',
    });
    expect(accessReviewDue(null, null, at('2026-03-01T00:00:00Z'))).toEqual({ dueAt: null, overdue: false, basis: 'none' });
  });
});

describe('APP-1 a centre applies for its own organisation: identity fields compared', () => {
  const recorded = { name: 'Formation Numérique Lyon', uai: '0691234A', email: 'contact@fn-lyon.fr' };
  it('case, spacing and e-mail case do not make another organisation', () => {
    expect(identityMismatches(recorded, { name: '  formation  numérique LYON ', uai: '0691234a', email: 'Contact@FN-Lyon.fr' })).toEqual(
      [],
    );
  });
  it('another name, UAI or address does', () => {
    expect(identityMismatches(recorded, { name: 'Autre Centre', uai: '0691234A', email: 'contact@fn-lyon.fr' })).toEqual(['name']);
    expect(identityMismatches(recorded, { name: recorded.name, uai: null, email: 'contact@fn-lyon.fr' })).toEqual(['uai']);
    expect(identityMismatches({ ...recorded, uai: null }, { name: recorded.name, uai: '0750001X', email: 'victime@ailleurs.fr' })).toEqual([
      'uai',
      'email',
    ]);
  });
});
