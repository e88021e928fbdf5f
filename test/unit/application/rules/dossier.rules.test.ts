import { describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../../src/config/parameters';
import {
  APPLICANT_KINDS,
  PIECE_TYPES,
  type ApplicantKind,
  type ApplicationData,
  type Piece,
  type PieceType,
} from '../../../../src/application/domain/application';
import {
  applicationFacts,
  calendarMonthsBefore,
  DOSSIER_RULES,
  evaluateDossier,
  missingPieces,
  oldestAcceptedProofDate,
  type Evaluation,
} from '../../../../src/application/rules/index';

const TODAY = '2026-05-31';
const THREE_MONTHS_AGO = '2026-02-28'; // 2026-05-31 minus 3 months, clamped to February's end: stale (DOC-1 strict)
const OLDEST_ACCEPTED = '2026-03-01'; // the day after: less than 3 months old

function application(
  kind: ApplicantKind,
  uai: string | null = null,
  category: ApplicationData['organisation']['category'] = 'datadock-training-provider',
): ApplicationData {
  return {
    kind,
    organisation: { name: 'Organisme Test', category, uai, department: '69', foreign: false, email: 'o@test.fr' },
    argument: 'Argumentée.',
    referent: { name: 'Alex Dupont', email: 'alex@test.fr' },
    commitments: {
      qualifiedTeam: true,
      similarServiceReferences: true,
      consistentMeans: true,
      compliantEnvironment: true,
      siteControlProcedures: true,
      noReputationalRisk: true,
      committedCandidates: kind === 'network' ? 2500 : 600,
      priorNetworkOperation: kind === 'network' ? true : undefined,
    },
    network:
      kind === 'network'
        ? {
            type: 'A',
            coordinatingEntity: 'Organisme Test',
            members: [{ name: 'CFA', category: 'apprentice-training-centre', email: 'c@test.fr' }],
            departmentsCovered: [],
          }
        : null,
  };
}

const HIGHER_EDUCATION = () => application('higher-education', '0751234A', 'public-higher-education');

let nextId = 0;
function piece(type: PieceType, issuedOn: string | null = null): Piece {
  nextId += 1;
  return { id: `p${nextId}`, type, issuedOn, filename: `${type}.pdf`, receivedAt: '2026-05-30T10:00:00Z' };
}

function pieces(types: readonly PieceType[], proofIssuedOn: string | null = TODAY): Piece[] {
  return types.map((type) => piece(type, type === 'proof-of-legal-existence' ? proofIssuedOn : null));
}

const INDIVIDUAL_NO_UAI: PieceType[] = ['adhesion-form', 'referent-cv', 'proof-of-legal-existence', 'site-control-procedures'];
const NETWORK_NO_UAI: PieceType[] = ['adhesion-form', 'proof-of-legal-existence', 'site-control-procedures', 'member-list'];
const checks = (evaluation: Evaluation) => evaluation.failures.map((f) => f.check);

describe('dossier rules (DOC-1..4)', () => {
  describe('DOC-1 individual dossier (annexe 1)', () => {
    it('DOC-1 a dossier with form, CV, fresh proof and procedures is complete (references optional; the proof shows the legal status)', async () => {
      const evaluation = await evaluateDossier(application('individual'), pieces(INDIVIDUAL_NO_UAI), TODAY);
      expect(evaluation).toMatchObject({ ruleSet: 'dossier', passed: true, failures: [] });
    });

    it.each(INDIVIDUAL_NO_UAI)('DOC-1 without %s fails on that piece, by name', async (absent) => {
      const evaluation = await evaluateDossier(application('individual'), pieces(INDIVIDUAL_NO_UAI.filter((t) => t !== absent)), TODAY);
      const expected = absent === 'proof-of-legal-existence' ? [`DOC-1.${absent}`, 'DOC-1.legal-status'] : [`DOC-1.${absent}`];
      expect(checks(evaluation)).toEqual(expected);
      expect(evaluation.failures[0]).toMatchObject({ ruleId: 'DOC-1', fact: 'piecesPresent', operator: 'contains', expected: absent });
      expect(evaluation.failures[0]!.message).toMatch(/^Pièce manquante : /);
      expect(evaluation.failures[0]!.clause).toContain('annexe 1');
    });

    it('DOC-1 with a UAI code needs no proof of legal existence, but then the legal status document', async () => {
      const withUai = application('individual', '0691234X');
      const types: PieceType[] = ['adhesion-form', 'referent-cv', 'site-control-procedures'];
      const evaluation = await evaluateDossier(withUai, pieces(types), TODAY);
      expect(checks(evaluation)).toEqual(['DOC-1.legal-status']);
      expect(evaluation.notApplicable).toContain('DOC-1.proof-of-legal-existence');
      expect((await evaluateDossier(withUai, pieces([...types, 'legal-status']), TODAY)).passed).toBe(true);
    });

    it('DOC-1 a blank UAI is no UAI', async () => {
      const evaluation = await evaluateDossier(
        application('individual', '  '),
        pieces(['adhesion-form', 'referent-cv', 'site-control-procedures']),
        TODAY,
      );
      expect(checks(evaluation)).toEqual(['DOC-1.proof-of-legal-existence', 'DOC-1.legal-status']);
    });

    it('DOC-1 an empty dossier reports every required piece at once', async () => {
      const evaluation = await evaluateDossier(application('individual'), [], TODAY);
      expect(checks(evaluation)).toEqual([
        'DOC-1.adhesion-form',
        'DOC-1.referent-cv',
        'DOC-1.proof-of-legal-existence',
        'DOC-1.legal-status',
        'DOC-1.site-control-procedures',
      ]);
      expect(evaluation.notApplicable).toEqual(
        expect.arrayContaining(['DOC-2.member-list', 'DOC-3.referent-cv', 'DOC-4.proof-of-legal-existence.stale']),
      );
    });
  });

  describe('DOC-2 network dossier (annexe 2, §3.2.2)', () => {
    it('DOC-2 needs form, proof, procedures and the member list, but no référent CV', async () => {
      expect((await evaluateDossier(application('network'), pieces(NETWORK_NO_UAI), TODAY)).passed).toBe(true);
      const evaluation = await evaluateDossier(application('network'), pieces(['adhesion-form', 'referent-cv']), TODAY);
      expect(checks(evaluation)).toEqual([
        'DOC-2.proof-of-legal-existence',
        'DOC-2.legal-status',
        'DOC-2.site-control-procedures',
        'DOC-2.member-list',
      ]);
      expect(evaluation.failures.every((f) => f.ruleId === 'DOC-2')).toBe(true);
    });

    it('DOC-2 a coordinator with a UAI code needs no proof, but the legal status', async () => {
      const evaluation = await evaluateDossier(
        application('network', '0751234A'),
        pieces(['adhesion-form', 'site-control-procedures', 'member-list']),
        TODAY,
      );
      expect(checks(evaluation)).toEqual(['DOC-2.legal-status']);
    });
  });

  describe('DOC-3 higher-education dossier (annexe 3)', () => {
    it('DOC-3 needs only form, référent CV and procedures, even without UAI', async () => {
      const types: PieceType[] = ['adhesion-form', 'referent-cv', 'site-control-procedures'];
      expect((await evaluateDossier(HIGHER_EDUCATION(), pieces(types), TODAY)).passed).toBe(true);
      const noUai = { ...HIGHER_EDUCATION(), organisation: { ...HIGHER_EDUCATION().organisation, uai: null } };
      expect((await evaluateDossier(noUai, pieces(types), TODAY)).passed).toBe(true);
      const evaluation = await evaluateDossier(HIGHER_EDUCATION(), [], TODAY);
      expect(checks(evaluation)).toEqual(['DOC-3.adhesion-form', 'DOC-3.referent-cv', 'DOC-3.site-control-procedures']);
    });

    it('DOC-3 the short dossier is refused to an organisation that is not a higher-education establishment', async () => {
      const datadock = application('higher-education', null, 'datadock-training-provider');
      const evaluation = await evaluateDossier(datadock, pieces(['adhesion-form', 'referent-cv', 'site-control-procedures']), TODAY);
      expect(checks(evaluation)).toEqual(['DOC-3.higher-education-establishment']);
      expect(evaluation.failures[0]).toMatchObject({ actual: 'datadock-training-provider' });
    });
  });

  describe('DOC-4 stale or missing pieces', () => {
    it('DOC-1 oldest accepted proof date: the day after today minus 3 calendar months, clamped to month end', () => {
      expect(oldestAcceptedProofDate('2026-05-31')).toBe('2026-03-01');
      expect(oldestAcceptedProofDate('2024-05-31')).toBe('2024-03-01');
      expect(oldestAcceptedProofDate('2026-05-15')).toBe('2026-02-16');
      expect(oldestAcceptedProofDate('2026-01-31')).toBe('2025-11-01');
      expect(oldestAcceptedProofDate('2026-02-28')).toBe('2025-11-29');
      expect(oldestAcceptedProofDate('2026-03-31')).toBe('2026-01-01');
      expect(calendarMonthsBefore('2026-03-31', 1)).toBe('2026-02-28');
      expect(calendarMonthsBefore('2026-03-31', 12)).toBe('2025-03-31');
      expect(PARAMETERS.dossier.proofOfExistenceMaxAgeMonths).toBe(3);
    });

    it('DOC-4 rejects an invalid today rather than guessing', () => {
      expect(() => oldestAcceptedProofDate('2026-02-30')).toThrow(RangeError);
      expect(() => applicationFacts(application('individual'), [], '2026-05-31T10:00:00Z')).toThrow(/ISO calendar date/);
      expect(() => missingPieces('individual', false, [], '31/05/2026')).toThrow(RangeError);
    });

    it('DOC-1 « de moins de 3 mois » is strict: a proof dated exactly 3 months before today is stale, the day after is accepted', async () => {
      const accepted = await evaluateDossier(application('individual'), pieces(INDIVIDUAL_NO_UAI, OLDEST_ACCEPTED), TODAY);
      expect(accepted.passed).toBe(true);
      const stale = await evaluateDossier(application('individual'), pieces(INDIVIDUAL_NO_UAI, THREE_MONTHS_AGO), TODAY);
      expect(checks(stale)).toEqual(['DOC-4.proof-of-legal-existence.stale']);
      expect(stale.failures[0]).toMatchObject({
        ruleId: 'DOC-4',
        fact: 'proofOfLegalExistenceIssuedOn',
        operator: 'onOrAfter',
        actual: THREE_MONTHS_AGO,
        expected: OLDEST_ACCEPTED,
      });
      expect(stale.failures[0]!.message).toBe(
        "Le justificatif d'existence légale est périmé : daté du 28/02/2026, il doit dater de moins de 3 mois, soit du 01/03/2026 au plus tôt.",
      );
      // Mid-month: dated 15 February is exactly 3 months before 15 May.
      expect(checks(await evaluateDossier(application('individual'), pieces(INDIVIDUAL_NO_UAI, '2026-02-15'), '2026-05-15'))).toEqual([
        'DOC-4.proof-of-legal-existence.stale',
      ]);
      expect((await evaluateDossier(application('individual'), pieces(INDIVIDUAL_NO_UAI, '2026-02-16'), '2026-05-15')).passed).toBe(true);
      expect(missingPieces('individual', false, pieces(INDIVIDUAL_NO_UAI, '2026-02-15'), '2026-05-15')).toEqual([
        'proof-of-legal-existence',
      ]);
    });

    it("DOC-4 a network coordinator's stale proof fails too", async () => {
      const stale = await evaluateDossier(application('network'), pieces(NETWORK_NO_UAI, '2025-12-01'), TODAY);
      expect(checks(stale)).toEqual(['DOC-4.proof-of-legal-existence.stale']);
    });

    it('DOC-4 an undated or future-dated proof cannot be shown fresh', async () => {
      const undated = await evaluateDossier(application('individual'), pieces(INDIVIDUAL_NO_UAI, null), TODAY);
      expect(checks(undated)).toEqual(['DOC-4.proof-of-legal-existence.dated']);
      const garbage = await evaluateDossier(application('individual'), pieces(INDIVIDUAL_NO_UAI, '31/03/2026'), TODAY);
      expect(checks(garbage)).toEqual(['DOC-4.proof-of-legal-existence.dated']);
      const future = await evaluateDossier(application('individual'), pieces(INDIVIDUAL_NO_UAI, '2026-06-01'), TODAY);
      expect(checks(future)).toEqual(['DOC-4.proof-of-legal-existence.not-future-dated']);
      expect(future.failures[0]).toMatchObject({ actual: '2026-06-01', expected: TODAY });
    });

    it('DOC-4 the freshest of several proofs counts', async () => {
      const both = [...pieces(INDIVIDUAL_NO_UAI, '2025-01-10'), piece('proof-of-legal-existence', '2026-05-02')];
      expect((await evaluateDossier(application('individual'), both, TODAY)).passed).toBe(true);
      expect(applicationFacts(application('individual'), both, TODAY).proofOfLegalExistenceIssuedOn).toBe('2026-05-02');
      // A future-dated copy does not hide a valid one.
      const withFuture = [...pieces(INDIVIDUAL_NO_UAI, '2026-05-02'), piece('proof-of-legal-existence', '2026-06-15')];
      expect((await evaluateDossier(application('individual'), withFuture, TODAY)).passed).toBe(true);
      expect(missingPieces('individual', false, withFuture, TODAY)).toEqual([]);
    });

    it('DOC-4 a stale proof does not matter when the proof is not required (UAI, annexe 3)', async () => {
      const withUai = await evaluateDossier(application('individual', '0691234X'), pieces(INDIVIDUAL_NO_UAI, '2020-01-01'), TODAY);
      expect(withUai.passed).toBe(true);
      expect(withUai.notApplicable).toContain('DOC-4.proof-of-legal-existence.stale');
    });

    it('DOC-4 missingPieces names absent and stale pieces, in piece order', () => {
      expect(missingPieces('individual', false, [], TODAY)).toEqual([
        'adhesion-form',
        'referent-cv',
        'proof-of-legal-existence',
        'legal-status',
        'site-control-procedures',
      ]);
      expect(missingPieces('individual', false, pieces(INDIVIDUAL_NO_UAI, '2026-02-27'), TODAY)).toEqual(['proof-of-legal-existence']);
      expect(missingPieces('individual', false, pieces(INDIVIDUAL_NO_UAI, THREE_MONTHS_AGO), TODAY)).toEqual(['proof-of-legal-existence']);
      expect(missingPieces('individual', false, pieces(INDIVIDUAL_NO_UAI, OLDEST_ACCEPTED), TODAY)).toEqual([]);
      expect(missingPieces('network', true, [], TODAY)).toEqual([
        'adhesion-form',
        'legal-status',
        'site-control-procedures',
        'member-list',
      ]);
      expect(missingPieces('higher-education', false, [], TODAY)).toEqual(['adhesion-form', 'referent-cv', 'site-control-procedures']);
    });

    it('DOC-4 missingPieces agrees with the dossier rule failures for every kind, UAI, piece set and proof date', async () => {
      const checkedPieces = new Set<string>(PIECE_TYPES);
      const proofDates = [TODAY, OLDEST_ACCEPTED, THREE_MONTHS_AGO, '2026-02-27', '2026-06-01', null];
      let combinations = 0;
      for (const kind of APPLICANT_KINDS) {
        for (const uai of [null, '0691234X']) {
          const data = application(kind, uai, kind === 'higher-education' ? 'public-higher-education' : 'datadock-training-provider');
          for (let mask = 0; mask < 1 << PIECE_TYPES.length; mask++) {
            const types = PIECE_TYPES.filter((_, i) => mask & (1 << i));
            for (const proofDate of types.includes('proof-of-legal-existence') ? proofDates : [null]) {
              const given = pieces(types, proofDate);
              const evaluation = await evaluateDossier(data, given, TODAY);
              // Checks are named <rule>.<piece type>[.<qualifier>] (dossier.rules.json notes).
              const failed = [...new Set(evaluation.failures.map((f) => f.check.split('.')[1]!).filter((p) => checkedPieces.has(p)))];
              const expected = missingPieces(kind, uai !== null, given, TODAY);
              expect(failed.sort(), `${kind} uai=${uai} ${types.join(',')} proof=${proofDate}`).toEqual([...expected].sort());
              expect(evaluation.passed).toBe(expected.length === 0);
              combinations += 1;
            }
          }
        }
      }
      expect(combinations).toBe(6 * (64 + 64 * proofDates.length));
    });

    it('DOC-4 every dossier check names its piece or is the annexe 3 category check', () => {
      for (const rule of DOSSIER_RULES.rules) {
        const [id, subject] = rule.check.split('.');
        expect(rule.id).toBe(id);
        expect(rule.clause).toMatch(/annexe|§3\.2\.2/);
        if (rule.check !== 'DOC-3.higher-education-establishment') expect(PIECE_TYPES).toContain(subject);
      }
    });
  });
});
