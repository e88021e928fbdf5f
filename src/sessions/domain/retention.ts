/**
 * SES-11: session minutes and attendance sheets are kept 2 years. Past that, the engine's copy of a
 * session keeps what its verdicts, counts and prices rest on and forgets the people (DATA-1: names,
 * birth dates and places and e-mails of candidates, invigilators' names, and the free-text descriptions of incidents,
 * fraud reports and end-of-test findings, which may name them). Pure.
 */
import { PARAMETERS } from '../../config/parameters';
import { addYears, isoDate, parseIsoDate } from '../../shared/domain/dates';
import type { EndOfTestCheck, FraudReport, SessionCandidate, SessionIncident } from './session';

export const ERASED = '(effacé, SES-11)';

/** Sessions held before this date are past their retention on `today`. */
export function retentionCutoff(today: string, years = PARAMETERS.sessions.minutesRetentionYears): string {
  return isoDate(addYears(parseIsoDate(today), -years));
}

/** What erasure reads of a stored report (the reports of the sessions API have this shape). */
interface ErasableReport {
  /** A report's candidates: SessionCandidate's identity, its other fields optional, and the convocation e-mail (DATA-1). */
  candidates: ReadonlyArray<Pick<SessionCandidate, 'lastName' | 'firstName' | 'birthDate' | 'birthPlace'> & { email?: string }>;
  invigilators: ReadonlyArray<{ lastName: string; firstName: string }>;
  finalisation?: {
    incidents?: readonly SessionIncident[];
    fraudReports?: readonly FraudReport[];
    endOfTestChecks?: readonly EndOfTestCheck[];
  } | null;
}

/** The report without the personal data: local ids, counts, extra time, billing and dates stay. */
export function erasePersonalData<R extends ErasableReport>(report: R): R {
  const f = report.finalisation;
  return {
    ...report,
    candidates: report.candidates.map(({ lastName: _l, firstName: _f, birthDate: _b, birthPlace: _p, email: _e, ...c }) => ({
      ...c,
      lastName: ERASED,
      firstName: ERASED,
      birthDate: '1900-01-01',
    })),
    invigilators: report.invigilators.map((i) => ({ ...i, lastName: ERASED, firstName: ERASED })),
    ...(f
      ? {
          finalisation: {
            ...f,
            incidents: (f.incidents ?? []).map((x) => ({ ...x, description: ERASED })),
            fraudReports: (f.fraudReports ?? []).map((x) => ({ ...x, description: ERASED })),
            endOfTestChecks: (f.endOfTestChecks ?? []).map((x) => ({ ...x, finding: ERASED })),
          },
        }
      : {}),
  };
}
