import campaigns from '../../rules/sessions/sco-campaigns.json';

/**
 * SCO-2: collèges and lycées certify during campaign windows set each year per school type. The windows
 * are data (src/rules/sessions/sco-campaigns.json), maintained each school year; a college may run
 * until its derogation date. Pure.
 */
export interface CampaignWindow {
  schoolType: string;
  from: string;
  to: string;
  derogationTo?: string;
}

export interface CampaignFailure {
  ruleId: 'SCO-2';
  check: string;
  clause: string;
  message: string;
  actual: unknown;
  expected: unknown;
}

/** The school year of a date: from 1 September to 31 August. */
export function schoolYearOf(date: string): string {
  const year = Number(date.slice(0, 4));
  return Number(date.slice(5, 7)) >= 9 ? `${year}-${year + 1}` : `${year - 1}-${year}`;
}

export function campaignWindow(schoolType: string, date: string): CampaignWindow | null {
  const year = campaigns.schoolYears.find((y) => y.schoolYear === schoolYearOf(date));
  return (year?.windows.find((w) => w.schoolType === schoolType) as CampaignWindow | undefined) ?? null;
}

/** Null when the session falls in its school type's window (derogation included), else the failure that explains it. */
export function checkCampaignWindow(schoolType: string, date: string): CampaignFailure | null {
  const window = campaignWindow(schoolType, date);
  const clause = 'FAQ collèges et lycées : campagnes de certification';
  if (!window) {
    return {
      ruleId: 'SCO-2',
      check: 'SCO-2.campaign-window',
      clause,
      message: `Aucune fenêtre de campagne n'est fixée pour les établissements de type « ${schoolType} » en ${schoolYearOf(date)}.`,
      actual: date,
      expected: `une fenêtre ${schoolYearOf(date)} pour ${schoolType}`,
    };
  }
  const end = window.derogationTo ?? window.to;
  if (date >= window.from && date <= end) return null;
  return {
    ruleId: 'SCO-2',
    check: 'SCO-2.campaign-window',
    clause,
    message: `La session du ${date} est hors de la campagne ${schoolYearOf(date)} (du ${window.from} au ${end}${window.derogationTo ? ' par dérogation' : ''}).`,
    actual: date,
    expected: { from: window.from, to: end },
  };
}
