/**
 * The facts the eligibility and dossier rule files read, computed from an application.
 * Pure: same inputs, same facts; `today` is the caller's (Europe/Paris) calendar date.
 */
import { PARAMETERS } from '../../config/parameters';
import {
  ELIGIBILITY_CATEGORIES,
  PIECE_TYPES,
  type ApplicantCommitments,
  type ApplicantKind,
  type ApplicationData,
  type EligibilityCategory,
  type NetworkType,
  type Piece,
  type PieceType,
} from '../domain/application';
import { DEPARTMENTS } from '../../shared/domain/regions';

/** ELIG-1 (CdC §3.1.1): every category but `other` may apply individually. */
export const INDIVIDUALLY_ELIGIBLE_CATEGORIES: readonly EligibilityCategory[] = ELIGIBILITY_CATEGORIES.filter(
  (category) => category !== 'other',
);

/** ELIG-4 type B: the 101 departments of metropolitan France (2A/2B for Corsica) and overseas (INSEE). */
export const FRENCH_DEPARTMENTS: ReadonlySet<string> = DEPARTMENTS;

/** DOC-1..3 (CdC annexes 1–3, §3.2.2): the pieces each kind of applicant must provide. */
interface PieceRequirement {
  piece: PieceType;
  /**
   * `no-uai`: the proof of legal existence is needed only without a UAI code.
   * `no-proof`: the legal status document is needed only "si cela n'apparaît pas dans le précédent
   * document", and the proofs the annexes name (Kbis, avis de situation SIRENE) state the legal form.
   */
  when?: 'no-uai' | 'no-proof';
}

export const DOSSIER_REQUIREMENTS: Readonly<Record<ApplicantKind, readonly PieceRequirement[]>> = {
  // Annexe 1; reference attestations are optional ("le cas échéant").
  individual: [
    { piece: 'adhesion-form' },
    { piece: 'referent-cv' },
    { piece: 'proof-of-legal-existence', when: 'no-uai' },
    { piece: 'legal-status', when: 'no-proof' },
    { piece: 'site-control-procedures' },
  ],
  // Annexe 2 (no référent CV: référents are set in the convention, §3.1.2) and §3.2.2 for the member list.
  network: [
    { piece: 'adhesion-form' },
    { piece: 'proof-of-legal-existence', when: 'no-uai' },
    { piece: 'legal-status', when: 'no-proof' },
    { piece: 'site-control-procedures' },
    { piece: 'member-list' },
  ],
  // Annexe 3: these three pieces only.
  'higher-education': [{ piece: 'adhesion-form' }, { piece: 'referent-cv' }, { piece: 'site-control-procedures' }],
};

export type ApplicationFacts = {
  today: string;
  kind: ApplicantKind;
  category: EligibilityCategory;
  hasUai: boolean;
  foreign: boolean;
  /** APP-1. */
  argument: string;
  /** ELIG-2, ELIG-3, ELIG-5. */
  commitments: ApplicantCommitments;
  /** ELIG-4, ELIG-5: null / empty for non-networks. */
  networkType: NetworkType | null;
  coordinatingEntity: string | null;
  networkMembers: string[];
  membersNotIndividuallyEligible: string[];
  departmentsCoveredCount: number;
  departmentsNotRecognised: string[];
  /** DOC-1..4. */
  piecesPresent: PieceType[];
  requiredPieces: PieceType[];
  missingPieces: PieceType[];
  proofOfLegalExistenceRequired: boolean;
  proofOfLegalExistenceIssuedOn: string | null;
  oldestAcceptedProofDate: string;
};

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// Arithmetic, not Date: this runs for every evaluation (hot path).
function isValidIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(Number(m[1]), month);
}

function assertIsoDate(value: string, name: string): void {
  if (typeof value !== 'string' || !isValidIsoDate(value)) {
    throw new RangeError(`${name} must be an ISO calendar date (YYYY-MM-DD), got ${JSON.stringify(value)}`);
  }
}

/** `isoDate` minus `months` calendar months, the day clamped to the target month's end (05-31 − 3 → 02-28). */
export function calendarMonthsBefore(isoDate: string, months: number): string {
  assertIsoDate(isoDate, 'date');
  if (!Number.isInteger(months)) throw new RangeError(`months must be an integer, got ${months}`);
  const [year, month, day] = isoDate.split('-').map(Number);
  const index = year * 12 + (month - 1) - months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12 + 1;
  const lastDay = daysInMonth(targetYear, targetMonth);
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(targetYear, 4)}-${pad(targetMonth, 2)}-${pad(Math.min(day, lastDay), 2)}`;
}

/**
 * DOC-1, DOC-2: a proof dated on or after this day is "de moins de 3 mois". Strict: one dated exactly
 * 3 calendar months before today (clamped to the month's end) is 3 months old, so stale; the day after is the oldest accepted.
 */
export function oldestAcceptedProofDate(today: string): string {
  const exactlyMaxAge = calendarMonthsBefore(today, PARAMETERS.dossier.proofOfExistenceMaxAgeMonths);
  const [year, month, day] = exactlyMaxAge.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
}

/** The day a piece is dated, or null when it has no readable date. */
function issuedDay(piece: Piece): string | null {
  const value = piece.issuedOn;
  if (typeof value !== 'string' || value.length < 10) return null;
  const day = value.slice(0, 10);
  return isValidIsoDate(day) && (value.length === 10 || value[10] === 'T') ? day : null;
}

/**
 * The date of the proof of legal existence to judge: the latest one not after today (the applicant
 * may have sent a fresher one), else the latest one; null when none is dated.
 */
function proofIssuedOn(pieces: readonly Piece[], today: string): string | null {
  let latestValid: string | null = null;
  let latest: string | null = null;
  for (const piece of pieces) {
    if (piece.type !== 'proof-of-legal-existence') continue;
    const day = issuedDay(piece);
    if (day === null) continue;
    if (latest === null || day > latest) latest = day;
    if (day <= today && (latestValid === null || day > latestValid)) latestValid = day;
  }
  return latestValid ?? latest;
}

function presentTypes(pieces: readonly Piece[]): Set<PieceType> {
  return new Set(pieces.map((piece) => piece.type));
}

function required(kind: ApplicantKind, hasUai: boolean, present: ReadonlySet<PieceType>): PieceType[] {
  return DOSSIER_REQUIREMENTS[kind]
    .filter((r) => (r.when !== 'no-uai' || !hasUai) && (r.when !== 'no-proof' || !present.has('proof-of-legal-existence')))
    .map((r) => r.piece);
}

/** DOC-1..3: the pieces this applicant must provide, given what it has sent. */
export function requiredPieces(kind: ApplicantKind, hasUai: boolean, pieces: readonly Piece[]): PieceType[] {
  return required(kind, hasUai, presentTypes(pieces));
}

function missing(
  requiredPieces: readonly PieceType[],
  present: ReadonlySet<PieceType>,
  proofIssuedOnDay: string | null,
  oldestAccepted: string,
  today: string,
): PieceType[] {
  return requiredPieces.filter((piece) => {
    if (!present.has(piece)) return true;
    if (piece !== 'proof-of-legal-existence') return false;
    return proofIssuedOnDay === null || proofIssuedOnDay < oldestAccepted || proofIssuedOnDay > today;
  });
}

/**
 * DOC-4: the required pieces that are absent, or stale (a proof of legal existence dated before
 * `oldestAcceptedProofDate(today)`, after today, or undated), in PIECE_TYPES order.
 * Agrees with the failures of dossier.rules.json (a test checks every combination).
 */
export function missingPieces(kind: ApplicantKind, hasUai: boolean, pieces: readonly Piece[], today: string): PieceType[] {
  assertIsoDate(today, 'today');
  const present = presentTypes(pieces);
  return missing(required(kind, hasUai, present), present, proofIssuedOn(pieces, today), oldestAcceptedProofDate(today), today);
}

function normaliseDepartment(code: string): string {
  const trimmed = code.trim().toUpperCase();
  return /^\d$/.test(trimmed) ? `0${trimmed}` : trimmed;
}

function memberLabel(name: string, index: number): string {
  return name.trim() || `membre n° ${index + 1}`;
}

/** DOC-1, DOC-2: whether the applicant has a UAI code (a blank one does not count). */
export function applicationHasUai(data: ApplicationData): boolean {
  return typeof data.organisation.uai === 'string' && data.organisation.uai.trim().length > 0;
}

/** The facts for eligibility.rules.json and dossier.rules.json. */
export function applicationFacts(data: ApplicationData, pieces: readonly Piece[], today: string): ApplicationFacts {
  assertIsoDate(today, 'today');
  const uai = applicationHasUai(data);
  const network = data.kind === 'network' ? (data.network ?? null) : null;
  const members = network?.members ?? [];

  const departments = new Set<string>();
  const notRecognised = new Set<string>();
  for (const code of network?.departmentsCovered ?? []) {
    const normalised = normaliseDepartment(code);
    (FRENCH_DEPARTMENTS.has(normalised) ? departments : notRecognised).add(normalised);
  }

  const present = presentTypes(pieces);
  const requiredPieces = required(data.kind, uai, present);
  const proofIssuedOnDay = proofIssuedOn(pieces, today);
  const oldestAccepted = oldestAcceptedProofDate(today);
  return {
    today,
    kind: data.kind,
    category: data.organisation.category,
    hasUai: uai,
    foreign: data.organisation.foreign,
    argument: data.argument ?? '',
    commitments: data.commitments,
    networkType: network?.type ?? null,
    coordinatingEntity: network ? (network.coordinatingEntity ?? '') : null,
    networkMembers: members.map((m, i) => memberLabel(m.name, i)),
    membersNotIndividuallyEligible: members
      .map((m, i) => (INDIVIDUALLY_ELIGIBLE_CATEGORIES.includes(m.category) ? null : memberLabel(m.name, i)))
      .filter((label): label is string => label !== null),
    departmentsCoveredCount: departments.size,
    departmentsNotRecognised: [...notRecognised],
    piecesPresent: PIECE_TYPES.filter((type) => present.has(type)),
    requiredPieces,
    missingPieces: missing(requiredPieces, present, proofIssuedOnDay, oldestAccepted, today),
    proofOfLegalExistenceRequired: data.kind !== 'higher-education' && !uai,
    proofOfLegalExistenceIssuedOn: proofIssuedOnDay,
    oldestAcceptedProofDate: oldestAccepted,
  };
}
