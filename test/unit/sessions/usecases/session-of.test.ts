import { describe, expect, it } from 'vitest';
import { sessionOf } from '../../../../src/sessions/usecases/report-sessions';
import { candidateOf, type SessionReport } from '../../../../src/sessions/usecases/session-report';
import type { SessionCentre } from '../../../../src/sessions/domain/session';
import { sessionReport } from '../../../support/session-fixtures';

const centre: SessionCentre = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'Centre',
  email: 'centre@example.test',
  kind: 'centre',
  publicEstablishment: true,
  higherEducation: false,
  educationMinistriesPublic: false,
  agrementOrganisationId: '00000000-0000-4000-8000-000000000001',
} as SessionCentre;

/** sessionOf as written before issue 15 (an object rest): what the rules were given. */
function before(report: SessionReport, c: SessionCentre) {
  const { organisationId: _o, status: _s, cancellation: _c, invigilators, candidates, ...rest } = report;
  return {
    ...rest,
    invigilators: invigilators.map((i) => ({
      referent: false,
      trainedCandidateIds: [],
      relativeCandidateIds: [],
      subordinateCandidateIds: [],
      ...i,
    })),
    candidates: candidates.map(candidateOf),
    centreId: c.id,
    centreKind: c.kind,
    centrePublicEstablishment: c.publicEstablishment,
    centreHigherEducation: c.higherEducation,
    centreEducationMinistriesPublic: c.educationMinistriesPublic,
    finalisation: report.finalisation ?? null,
  };
}

describe('sessionOf: the session as the rules see it (SES-1)', () => {
  it('SES-1 gives the rules what it gave them before, with every optional field present, absent or null', () => {
    const full = sessionReport(centre.id, {
      thirdPartyVenue: true,
      thirdPartyVenueDetails: 'Salle municipale',
      public: 'everyone',
      publicInformation: { equipment: null, registrationTerms: 'en ligne', contact: 'accueil@example.test' },
      minimumCandidates: 4,
      confirmation: { decision: 'confirmed', notifiedOn: '2026-01-02' },
      status: 'cancelled',
      cancellation: { reason: 'travaux' },
    });
    const sparse = sessionReport(centre.id, {}) as Partial<SessionReport>;
    for (const k of ['thirdPartyVenueDetails', 'publicInformation', 'minimumCandidates', 'confirmation'] as const) delete sparse[k];
    for (const report of [full, sparse as SessionReport, sessionReport(centre.id, { thirdPartyVenueDetails: null, confirmation: null })]) {
      const session = sessionOf(report, centre);
      const expected = before(report, centre);
      // The same fields with the same values; a field the report leaves out is undefined in both (absent from the rest's).
      expect(session).toStrictEqual({ ...expected, ...undefinedFields(session) });
      expect(Object.keys(undefinedFields(session)).every((k) => !(k in expected))).toBe(true);
    }
  });
});

/** The fields left undefined (a report without them). */
function undefinedFields(o: object) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v === undefined));
}
