/**
 * SCO-2: collèges and lycées certify during campaign windows set each year per school type. The windows
 * are data that operations enter per school year (stored in PostgreSQL); a school may run until the date
 * of the derogation granted to it (within the window's derogation limit, if any). A school year without a
 * window for the school type is never judged against another year's. Pure.
 */
export const SCHOOL_TYPES = ['college', 'lycee', 'agricultural-lycee'] as const;
export type SchoolType = (typeof SCHOOL_TYPES)[number];

const SCHOOL_TYPE_FR: Record<string, string> = { college: 'collège', lycee: 'lycée', 'agricultural-lycee': 'établissement agricole' };

export interface CampaignWindow {
  schoolYear: string;
  schoolType: string;
  from: string;
  to: string;
  /** The latest date a derogation may grant (FAQ: collèges up to 20 May); null: no limit set. */
  derogationLimit: string | null;
}

/** A derogation granted to one school for one school year. */
export interface CampaignDerogation {
  organisationId: string;
  schoolYear: string;
  until: string;
}

export interface CampaignFailure {
  ruleId: 'SCO-2';
  check: string;
  clause: string;
  message: string;
  actual: unknown;
  expected: unknown;
}

const CLAUSE = 'FAQ collèges et lycées : campagnes de certification';
const SCHOOL_YEAR = /^(\d{4})-(\d{4})$/;

/** The school year of a date: from 1 September to 31 August. */
export function schoolYearOf(date: string): string {
  const year = Number(date.slice(0, 4));
  return Number(date.slice(5, 7)) >= 9 ? `${year}-${year + 1}` : `${year - 1}-${year}`;
}

export function isSchoolYear(value: string): boolean {
  const m = SCHOOL_YEAR.exec(value);
  return m !== null && Number(m[2]) === Number(m[1]) + 1;
}

/** First and last days of a school year ("2020-2021": 2020-09-01 to 2021-08-31). */
export function schoolYearBounds(schoolYear: string): { from: string; to: string } {
  const start = Number(schoolYear.slice(0, 4));
  return { from: `${start}-09-01`, to: `${start + 1}-08-31` };
}

export function schoolTypeLabel(schoolType: string): string {
  return SCHOOL_TYPE_FR[schoolType] ?? schoolType;
}

/** SCO-2: the message of a refusal when no window is published (409). */
export function noWindowMessage(schoolType: string, schoolYear: string): string {
  return `Aucune fenêtre de campagne n'est publiée pour l'année scolaire ${schoolYear} et le type d'établissement « ${schoolTypeLabel(schoolType)} » (${schoolType}) : la session ne peut pas être acceptée (SCO-2).`;
}

/** A window's dates, checked: problems as [field, message] (inside the school year, from ≤ to ≤ derogationLimit). */
export function windowProblems(w: CampaignWindow): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  const year = schoolYearBounds(w.schoolYear);
  for (const field of ['from', 'to', 'derogationLimit'] as const) {
    const value = w[field];
    if (value !== null && (value < year.from || value > year.to))
      problems.push([field, `${field} ${value} is outside the school year ${w.schoolYear} (${year.from} to ${year.to})`]);
  }
  if (w.from > w.to) problems.push(['to', `to (${w.to}) is before from (${w.from})`]);
  if (w.derogationLimit !== null && w.derogationLimit < w.to)
    problems.push(['derogationLimit', `derogationLimit (${w.derogationLimit}) is before the end of the window (${w.to})`]);
  return problems;
}

/** Why a derogation until `until` cannot be granted under `window`, or null (SCO-2: after the window's end, within its limit). */
export function derogationProblem(window: CampaignWindow, until: string): string | null {
  if (until <= window.to) return `a derogation extends the window: ${until} is not after its end (${window.to}) (SCO-2)`;
  if (window.derogationLimit !== null && until > window.derogationLimit) {
    return `derogations for ${window.schoolType} in ${window.schoolYear} are limited to ${window.derogationLimit} (SCO-2)`;
  }
  const year = schoolYearBounds(window.schoolYear);
  if (until > year.to) return `${until} is outside the school year ${window.schoolYear} (SCO-2)`;
  return null;
}

/**
 * Null when the session falls in its school type's window (the school's derogation included), else the
 * failure that explains it. The caller has checked that `window` is the one of the session's school year.
 */
export function checkCampaignWindow(date: string, window: CampaignWindow, derogation: CampaignDerogation | null): CampaignFailure | null {
  const end = derogation && derogation.until > window.to ? derogation.until : window.to;
  if (date >= window.from && date <= end) return null;
  return {
    ruleId: 'SCO-2',
    check: 'SCO-2.campaign-window',
    clause: CLAUSE,
    message: `La session du ${date} est hors de la campagne ${window.schoolYear} des établissements de type « ${schoolTypeLabel(window.schoolType)} » (du ${window.from} au ${end}${end !== window.to ? ' par dérogation' : ''}).`,
    actual: date,
    expected: { from: window.from, to: end },
  };
}
