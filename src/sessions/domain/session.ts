/**
 * A certification session as the centre declares it in Pix Certif (SES-1, CdC §2.1.1), with what the
 * session rules need (SES-2..9, PRI-1..5) and what finalisation adds. Pure types.
 *
 * Candidate data stays within DATA-1 (Conv annexe 3): identity, local id, extra time, session data,
 * incidents, fraud and end-of-test findings. The other candidate fields are the centre's declarations
 * the cahier asks for: staff of the centre (SES-4), billing mode (PRI-1..3, BIL-1), certifiability
 * (SES-8); a report may omit them (src/sessions/usecases/session-report.ts says what stands in).
 */

/** SES-1: internal publics are detailed for higher education; external ones are private or open to free candidates. */
export const SESSION_PUBLICS = [
  'internal-initial',
  'internal-continuing',
  'internal-apprenticeship',
  'external-private',
  'external-open',
] as const;
export type SessionPublic = (typeof SESSION_PUBLICS)[number];

/** Who organises: an agreed centre, a member of a type B network (PRI-4), a higher-education establishment, a school (SCO-1). */
export const CENTRE_KINDS = ['centre', 'network-b-member', 'higher-education', 'secondary-school'] as const;
export type CentreKind = (typeof CENTRE_KINDS)[number];

export const BILLING_MODES = ['free-candidate', 'funded-cohort', 'free-of-charge'] as const;
export type BillingMode = (typeof BILLING_MODES)[number];

/** PRI-3: the only cases certified free of charge (CdC annexe 4, « tarif dérogatoire »). */
export const FREE_OF_CHARGE_REASONS = [
  /** Students of a public higher-education establishment in initial training for a state diploma (not apprentices, not continuing education). */
  'higher-education-initial-training',
  /** Free auditors of the CNAM's continuing education. */
  'cnam-free-auditor',
  /** Staff of a MENJ/MESRI public establishment (not an EPLE) certified by their own establishment. */
  'public-establishment-staff',
] as const;
export type FreeOfChargeReason = (typeof FREE_OF_CHARGE_REASONS)[number];

export type CandidateBilling =
  /** PRI-1: registers individually and pays the centre. */
  | { mode: 'free-candidate' }
  /** PRI-2: an organisation pays the price agreed with the centre (null: not recorded). */
  | { mode: 'funded-cohort'; agreedPriceEur: number | null }
  /** PRI-3: nothing charged, nothing owed to Pix; the reason justifies it (Conv art. 13). */
  | { mode: 'free-of-charge'; reason: FreeOfChargeReason | null };

export interface SessionCandidate {
  /** DATA-1: the centre's local id (student number…); conflicts (SES-5) refer to it. */
  localId: string;
  lastName: string;
  firstName: string;
  /** ISO date. */
  birthDate: string;
  birthPlace?: string;
  /** SES-1: extra time granted on a doctor's advice, in % of the test (0 when none). */
  extraTimePercent: number;
  /** SES-4: employed by the centre or working on the site, declared at registration. */
  staffOfCentre: boolean;
  billing: CandidateBilling;
  /** SES-8: competences (of 16) in which the candidate's Pix profile has level ≥ 1; null when not declared (DATA-1: optional). */
  certifiableCompetences: number | null;
  /** SES-8: date of the candidate's previous certification session, if any (ISO date). */
  previousSessionDate: string | null;
}

export interface Invigilator {
  lastName: string;
  firstName: string;
  /** SES-4: the centre's référent Pix, who invigilates sessions dedicated to the centre's staff. */
  referent: boolean;
  /** SES-5, as declared: local ids of candidates this invigilator trained in the last 6 months… */
  trainedCandidateIds: readonly string[];
  /** …relatives (spouse, partner, parent, child, and theirs)… */
  relativeCandidateIds: readonly string[];
  /** …and people in a line of subordination with them. */
  subordinateCandidateIds: readonly string[];
}

/** SES-6: what external candidates must know before registering, beyond date, time and place (Conv art. 9). */
export interface PublicInformation {
  /** Computers made available (OS, office suite, browsers: CdC §1.4.1). */
  equipment: string | null;
  registrationTerms: string | null;
  /** E-mail address and/or telephone number. */
  contact: string | null;
}

/** SES-7: the centre's confirmation or cancellation sent to registered candidates. */
export interface SessionConfirmation {
  decision: 'confirmed' | 'cancelled';
  /** ISO date the candidates were told. */
  notifiedOn: string;
}

/** SES-12: an incident reported on the minutes. */
export interface SessionIncident {
  candidateLocalId: string | null;
  description: string;
  attributableToCentre: boolean;
}

export interface FraudReport {
  candidateLocalId: string;
  description: string;
}

/** DATA-1: end-of-test findings, per candidate (e.g. « test non terminé », « sortie anticipée »). */
export interface EndOfTestCheck {
  candidateLocalId: string;
  finding: string;
}

/** SES-10: what finalisation records. */
export interface SessionFinalisationReport {
  /** ISO instant. */
  finalisedAt: string;
  incidents: readonly SessionIncident[];
  fraudReports: readonly FraudReport[];
  endOfTestChecks: readonly EndOfTestCheck[];
}

export interface Session {
  id: string;
  /** The organisation that runs the session. */
  centreId: string;
  centreKind: CentreKind;
  /** PRI-3: public establishment (the free-of-charge cases are for public establishments only). */
  centrePublicEstablishment: boolean;
  /**
   * SES-5, PRI-3: a higher-education establishment, whatever network it belongs to: a university member
   * of a type B network has centreKind network-b-member (PRI-4) and is still higher education.
   */
  centreHigherEducation: boolean;
  /** PRI-3: a public establishment under the MENJ or the MESRI, EPLE (collèges, lycées) excepted: its own staff sit free. */
  centreEducationMinistriesPublic: boolean;
  /** ISO date, local to `timeZone`: AGR-6 picks the rule set in force on it. */
  date: string;
  /** Local times HH:MM in `timeZone`. */
  startTime: string;
  endTime: string;
  /** IANA zone of the venue: Europe/Paris, America/Guadeloupe, Indian/Reunion… */
  timeZone: string;
  address: string;
  room: string;
  /** SES-1, CdC §1.2: a session in a third party's premises needs details of the material conditions. */
  thirdPartyVenue: boolean;
  thirdPartyVenueDetails: string | null;
  invigilators: readonly Invigilator[];
  public: SessionPublic;
  /** SES-6: ISO date the session was planned (published, for open sessions). */
  plannedOn: string;
  /** SES-6: required for sessions open to all. */
  publicInformation: PublicInformation | null;
  /** SES-7: the centre's minimum number of candidates, if it set one. */
  minimumCandidates: number | null;
  /** SES-7: null until sent. */
  confirmation: SessionConfirmation | null;
  /** SES-3: spare computers available in the room. */
  spareComputers: number;
  candidates: readonly SessionCandidate[];
  /** Null until finalised (SES-10). */
  finalisation: SessionFinalisationReport | null;
}

/** SES-9: what forbids the centre any session (from its agrément's state), named by the rule that forbids it. */
export interface SessionBlocker {
  /** e.g. REF-2 (référent untrained), SUS-2 (suspended), AGR-4 (expired), TER-5 (terminated). */
  ruleId: string;
  /** French, shown with the verdict. */
  reason: string;
}

export interface SessionContext {
  /** SES-9: fed by the caller from the agrément (secondary schools: null, SCO-1). */
  sessionBlocker: SessionBlocker | null;
  /** ISO date of the evaluation (SES-7: is the confirmation overdue?). */
  today: string;
}

/** The organisation running a session, as the rules need it (centre kind from its category, SCO-1, PRI-3, PRI-4). */
export interface SessionCentre {
  id: string;
  name: string;
  email: string;
  category: string;
  kind: CentreKind;
  publicEstablishment: boolean;
  /** SES-5, PRI-3: from the category, whatever the network (a university in a type B network stays one). */
  higherEducation: boolean;
  /** PRI-3: a MENJ/MESRI public establishment, EPLE excepted. */
  educationMinistriesPublic: boolean;
  /** QUO-3: the organisation whose agrément counts the session; null for a secondary school (SCO-1). */
  agrementOrganisationId: string | null;
}
