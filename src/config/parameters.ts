/**
 * Every number the GIP Pix may change (Conv art. 8) lives here, once.
 * Rule files read them through the `parameters` fact; domain code imports them.
 * Keys name the rule they come from, so a reader can go from a clause to its value.
 */
export const PARAMETERS = {
  application: {
    /** APP-7: the whole procedure takes 2 months, net of the applicant's waits. */
    procedureMonths: 2,
    /** APP-3: conformity visit at the applicant's cost, capped. */
    conformityVisitCapEur: 250,
    /** APP-5: agrément granted for 1 to 3 years, 3 by default (Conv art. 6.1). */
    grantYears: { min: 1, max: 3, default: 3 },
    /** APP-8: centres outside France, experimentally, at most 1 year. */
    foreignMaxYears: 1,
  },
  dossier: {
    /** DOC-1, DOC-2: proof of legal existence less than 3 months old. */
    proofOfExistenceMaxAgeMonths: 3,
  },
  eligibility: {
    /** ELIG-3, QUO-1: individual centre commitment over 3 years. */
    centreCandidates: 600,
    /** ELIG-5, QUO-1: network commitment over 3 years. */
    networkCandidates: 2500,
    /** ELIG-4: type B networks cover more than 50 % of the 101 departments. */
    totalDepartments: 101,
    networkBMinDepartments: 51,
  },
} as const;

export type Parameters = typeof PARAMETERS;
