/**
 * The data of an agrément application (APP-1), as the applicant declares it.
 * Pure types shared by the API, the workflow, the activities and the rules.
 */

/** APP-1: an organisation applies for itself, or a coordinating entity for a network. DOC-3 has its own dossier. */
export const APPLICANT_KINDS = ['individual', 'network', 'higher-education'] as const;
export type ApplicantKind = (typeof APPLICANT_KINDS)[number];

/** ELIG-1: the categories eligible individually, plus `other` (must go through an agreed centre, CdC §1.2). */
export const ELIGIBILITY_CATEGORIES = [
  'public-higher-education',
  'engineering-or-higher-technical-school',
  'eespig',
  'public-service-or-military-school',
  'public-adult-vocational-training',
  'public-establishment-with-training-mission',
  'datadock-training-provider',
  'apprentice-training-centre',
  'other',
] as const;
export type EligibilityCategory = (typeof ELIGIBILITY_CATEGORIES)[number];

/** DOC-1..3: the pieces of an application dossier (CdC annexes 1–3). */
export const PIECE_TYPES = [
  'adhesion-form',
  'referent-cv',
  'reference-attestations',
  'proof-of-legal-existence',
  'legal-status',
  'site-control-procedures',
  'member-list',
] as const;
export type PieceType = (typeof PIECE_TYPES)[number];

/** ELIG-4: network types. A: every member individually eligible; B: dense coverage. */
export const NETWORK_TYPES = ['A', 'B'] as const;
export type NetworkType = (typeof NETWORK_TYPES)[number];

export interface Organisation {
  name: string;
  category: EligibilityCategory;
  /** UAI: national identifier of an education establishment; without one, DOC-1 asks for a proof of legal existence. */
  uai?: string | null;
  /** Department code (e.g. "75", "974"); null for foreign organisations. */
  department?: string | null;
  /** APP-8: outside France. */
  foreign: boolean;
  /** The IANA zone of the seat, when the department does not give it (a centre abroad, APP-8): its agrément's dates are dates there. */
  timeZone?: string | null;
  email: string;
}

export interface NetworkMember {
  name: string;
  category: EligibilityCategory;
  uai?: string | null;
  department?: string | null;
  email: string;
}

/** ELIG-2 (and ELIG-5 for networks): what the applicant argues and shows. */
export interface ApplicantCommitments {
  /** CVs of the centre's manager and référent show suitable qualifications. */
  qualifiedTeam: boolean;
  /** References for similar services. */
  similarServiceReferences: boolean;
  /** Consistent means for the activity. */
  consistentMeans: boolean;
  /** Compliant material and digital environment. */
  compliantEnvironment: boolean;
  /** Internal control procedures for exam sites. */
  siteControlProcedures: boolean;
  /** No reputational risk to Pix (Pix's own assessment). */
  noReputationalRisk: boolean;
  /** ELIG-3 / ELIG-5: candidates the applicant commits to receive within 3 years. */
  committedCandidates: number;
  /** ELIG-5: networks only — prior real operation as a network. */
  priorNetworkOperation?: boolean;
}

export interface NetworkDetails {
  type: NetworkType;
  /** ELIG-5: a coordinating entity leads the network (it need not itself be a centre). */
  coordinatingEntity: string;
  members: NetworkMember[];
  /** ELIG-4 type B: departments where the network commits to effective presence. */
  departmentsCovered: string[];
}

export interface Referent {
  name: string;
  email: string;
  /** REF-3: recognised digital qualifications exempt the référent from the badge. */
  recognisedQualifications?: boolean;
}

export interface ApplicationData {
  kind: ApplicantKind;
  organisation: Organisation;
  /** APP-1: the application must be argued. */
  argument: string;
  referent: Referent;
  commitments: ApplicantCommitments;
  network?: NetworkDetails | null;
}

export interface Piece {
  id: string;
  type: PieceType;
  /** Date on the document (matters for the proof of legal existence, DOC-1). ISO date. */
  issuedOn?: string | null;
  filename: string;
  /** ISO instant at which Pix received it. */
  receivedAt: string;
}
