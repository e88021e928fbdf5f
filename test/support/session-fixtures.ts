import type { DataSource } from 'typeorm';
import { dateIn } from '../../src/shared/domain/zoned-time';
import type { SessionReport } from '../../src/sessions/usecases/session-report';

/** A session every rule of every version accepts (SES-1..9, PRI), for `organisationId`; tests break one thing at a time. */
export function sessionReport(organisationId: string, overrides: Partial<SessionReport> = {}, candidates = 10): SessionReport {
  return {
    id: `S-${Math.random().toString(36).slice(2, 10)}`,
    organisationId,
    date: '2027-03-26',
    startTime: '14:00',
    endTime: '16:00',
    timeZone: 'Europe/Paris',
    address: '12 rue des Écoles, 69007 Lyon',
    room: 'Salle B12',
    thirdPartyVenue: false,
    thirdPartyVenueDetails: null,
    invigilators: [{ lastName: 'Martin', firstName: 'Jeanne', referent: false }],
    public: 'external-private',
    plannedOn: '2026-11-01',
    publicInformation: null,
    minimumCandidates: null,
    confirmation: null,
    spareComputers: 1,
    candidates: Array.from({ length: candidates }, (_, i) => ({
      localId: `c${i}`,
      lastName: `Nom${i}`,
      firstName: `Prénom${i}`,
      birthDate: '2001-04-02',
      extraTimePercent: 0,
      staffOfCentre: false,
      billing: { mode: 'free-candidate' as const },
      certifiableCompetences: 8,
      previousSessionDate: null,
    })),
    ...overrides,
  };
}

/** A session still to finalise (SES-10), as the sessions API stores it: held 48 hours before `deadlineAt`, in `timeZone`. */
export async function plannedSession(db: DataSource, organisationId: string, id: string, deadlineAt: Date, timeZone: string) {
  await db.query(
    `INSERT INTO sessions (id, organisation_id, agrement_organisation_id, centre_kind, date, start_time, end_time, time_zone, status, deadline_at,
                           candidate_count, rule_set_id, report, content_hash, source)
     VALUES ($1, $2, $2, 'centre', $3, '14:00', '16:00', $4, 'planned', $5, 10, 'sessions@2020-01', '{}', 'h', 'api')`,
    [id, organisationId, dateIn(new Date(deadlineAt.getTime() - 48 * 3_600_000), timeZone), timeZone, deadlineAt],
  );
}
