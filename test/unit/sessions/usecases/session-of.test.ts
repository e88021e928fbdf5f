import { describe, expect, it } from 'vitest';
import { sessionOf } from '../../../../src/sessions/usecases/report-sessions';
import type { SessionReport } from '../../../../src/sessions/usecases/session-report';
import type { SessionCentre } from '../../../../src/sessions/domain/session';
import { sessionReport } from '../../../support/session-fixtures';

const centre = {
  id: '00000000-0000-4000-8000-000000000001',
  kind: 'centre',
  publicEstablishment: true,
  higherEducation: false,
  educationMinistriesPublic: false,
} as SessionCentre;

/** What sessionOf derives rather than copies: the people (defaults filled in), the centre, the finalisation (null until one). */
const DERIVED = [
  'invigilators',
  'candidates',
  'finalisation',
  'centreId',
  'centreKind',
  'centrePublicEstablishment',
  'centreHigherEducation',
  'centreEducationMinistriesPublic',
];

describe('sessionOf: the session as the rules see it (SES-1)', () => {
  it('SES-1 passes every other field of the report on as it is (issue 15: named one by one, as the object rest did), present, absent or null', () => {
    const full = sessionReport(centre.id, {
      thirdPartyVenue: true,
      thirdPartyVenueDetails: 'Salle municipale',
      public: 'external-open',
      publicInformation: { equipment: null, registrationTerms: 'en ligne', contact: 'accueil@example.test' },
      minimumCandidates: 4,
      confirmation: { decision: 'confirmed', notifiedOn: '2026-01-02' },
      status: 'cancelled',
      cancellation: { reason: 'travaux' },
    });
    const sparse = sessionReport(centre.id, {}) as Partial<SessionReport>;
    for (const k of ['thirdPartyVenueDetails', 'publicInformation', 'minimumCandidates', 'confirmation'] as const) delete sparse[k];
    for (const report of [full, sparse as SessionReport, sessionReport(centre.id, { thirdPartyVenueDetails: null, confirmation: null })]) {
      // What the object rest passed on: the report less what the session does not hold and what it derives.
      const { organisationId: _o, status: _s, cancellation: _c, ...rest } = report as SessionReport & Record<string, unknown>;
      for (const k of DERIVED) delete rest[k];
      const session = sessionOf(report, centre) as unknown as Record<string, unknown>;
      const copied = Object.fromEntries(Object.entries(session).filter(([k, v]) => !DERIVED.includes(k) && v !== undefined));
      expect(copied).toStrictEqual(rest);
      expect(session.centreId).toBe(centre.id);
      expect(session.finalisation).toBe(report.finalisation ?? null);
    }
  });
});
