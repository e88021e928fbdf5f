import { describe, expect, it } from 'vitest';
import {
  decide,
  grantedYears,
  openProcedure,
  requireReferentCount,
  type DossierVerdict,
  type Procedure,
  type ProcedureCommand,
} from '../../../../src/application/domain/procedure';
import { InvalidCommand, TransitionRefused } from '../../../../src/shared/domain/errors';

const complete: DossierVerdict = { complete: true, eligible: true, missingPieces: [], failures: [] };
const t0 = new Date('2026-01-15T09:00:00Z');
const day = (n: number) => new Date(t0.getTime() + n * 86_400_000);

function open(foreign = false): Procedure {
  return { ...openProcedure({ applicationId: 'a1', kind: 'individual', foreign, receivedAt: t0 }), dossier: complete };
}

function run(p: Procedure, ...commands: [ProcedureCommand, Date][]): Procedure {
  return commands.reduce((acc, [c, at]) => decide(acc, c, at).procedure, p);
}

function refusal(fn: () => unknown): TransitionRefused {
  try {
    fn();
  } catch (e) {
    if (e instanceof TransitionRefused) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

const toGranted = (p: Procedure): Procedure =>
  run(
    p,
    [{ type: 'admissibility-decided', decision: 'admissible' }, day(5)],
    [{ type: 'referent-trained', on: '2026-02-01' }, day(20)],
    [{ type: 'agrement-granted' }, day(25)],
  );

describe('application procedure state machine', () => {
  it('APP-2..6 the happy path ends with the attestation and a term 3 years after its receipt', () => {
    const p = run(
      toGranted(open()),
      [{ type: 'adhesion-form-received', on: '2026-02-20' }, day(36)],
      [{ type: 'attestation-issued', receivedOn: '2026-02-25' }, day(40)],
    );
    expect(p.state).toBe('attestation-issued');
    expect(p.grantedYears).toBe(3);
    expect(p.termOn).toBe('2029-02-25');
    expect(p.clock.stoppedAt).toBe(day(40).toISOString());
    expect(p.version).toBe(5);
  });

  it('DOC-4 incomplete ⇄ submitted stops the APP-7 clock while pieces are missing', () => {
    let p = run(open(), [{ type: 'admissibility-decided', decision: 'incomplete', missingPieces: ['referent-cv'] }, day(3)]);
    expect(p.state).toBe('incomplete');
    expect(p.missingPieces).toEqual(['referent-cv']);
    expect(p.clock.pausedSince).toBe(day(3).toISOString());
    p = run(p, [{ type: 'pieces-submitted', verdict: complete, pieceTypes: ['referent-cv'] }, day(13)]);
    expect(p.state).toBe('submitted');
    expect(p.clock.pausedMs).toBe(10 * 86_400_000);
    expect(p.missingPieces).toEqual([]);
  });

  it('DOC-4 an incomplete dossier cannot be declared admissible, and the refusal lists the missing pieces', () => {
    const p = { ...open(), dossier: { complete: false, eligible: true, missingPieces: ['adhesion-form' as const], failures: [] } };
    const e = refusal(() => decide(p, { type: 'admissibility-decided', decision: 'admissible' }, day(1)));
    expect(e.ruleId).toBe('DOC-4');
    expect(e.details.missingPieces).toEqual(['adhesion-form']);
  });

  it('ELIG-3 an ineligible applicant cannot be declared admissible: the refusal names the failing rule', () => {
    const p = {
      ...open(),
      dossier: {
        complete: true,
        eligible: false,
        missingPieces: [],
        failures: [{ ruleId: 'ELIG-3', check: 'ELIG-3.commitment', message: '…' }],
      },
    };
    expect(refusal(() => decide(p, { type: 'admissibility-decided', decision: 'admissible' }, day(1))).ruleId).toBe('ELIG-3');
  });

  it('APP-2 a rejection needs reasons and ends the procedure; no decision follows it', () => {
    expect(() => decide(open(), { type: 'admissibility-decided', decision: 'rejected', reasons: ['  '] }, day(1))).toThrow(InvalidCommand);
    const p = run(open(), [{ type: 'admissibility-decided', decision: 'rejected', reasons: ['Hors ELIG-1'] }, day(1)]);
    expect(p.state).toBe('rejected');
    expect(p.clock.stoppedAt).not.toBeNull();
    expect(refusal(() => decide(p, { type: 'admissibility-decided', decision: 'admissible' }, day(2))).ruleId).toBe('APP-2');
  });

  it('APP-5 the grant needs a trained référent (APP-4 first)', () => {
    const p = run(open(), [{ type: 'admissibility-decided', decision: 'admissible' }, day(1)]);
    expect(refusal(() => decide(p, { type: 'agrement-granted' }, day(2))).ruleId).toBe('APP-5');
  });

  it('APP-3 a required conformity visit must be done and compliant before the grant; the cost is capped at 250 €', () => {
    let p = run(
      open(),
      [{ type: 'admissibility-decided', decision: 'admissible', conformityVisitRequired: true }, day(1)],
      [{ type: 'referent-trained', on: '2026-01-20' }, day(5)],
    );
    expect(refusal(() => decide(p, { type: 'agrement-granted' }, day(6))).ruleId).toBe('APP-3');
    p = run(p, [{ type: 'conformity-visit-done', on: '2026-01-22', costEur: 310, compliant: true }, day(7)]);
    expect(p.conformityVisit).toMatchObject({ costEur: 310, chargedEur: 250, compliant: true });
    expect(run(p, [{ type: 'agrement-granted', years: 2 }, day(8)]).grantedYears).toBe(2);
  });

  it('APP-3 a cost under the cap is charged in full; a visit not required cannot be recorded', () => {
    const p = run(open(), [{ type: 'admissibility-decided', decision: 'admissible' }, day(1)]);
    expect(
      refusal(() => decide(p, { type: 'conformity-visit-done', on: '2026-01-22', costEur: 100, compliant: true }, day(2))).ruleId,
    ).toBe('APP-3');
    const q = run(
      p,
      [{ type: 'conformity-visit-required' }, day(2)],
      [{ type: 'conformity-visit-done', on: '2026-01-22', costEur: 180, compliant: true }, day(3)],
    );
    expect(q.conformityVisit.chargedEur).toBe(180);
  });

  it('APP-5 durations from 1 to 3 years, 3 by default; APP-8 at most 1 year abroad, 1 by default', () => {
    expect(grantedYears(false, undefined)).toBe(3);
    expect(grantedYears(false, 1)).toBe(1);
    expect(() => grantedYears(false, 4)).toThrow(InvalidCommand);
    expect(() => grantedYears(false, 0)).toThrow(InvalidCommand);
    expect(grantedYears(true, undefined)).toBe(1);
    expect(refusal(() => grantedYears(true, 2)).ruleId).toBe('APP-8');
  });

  it('REF-1 the grant states the référents agreed: one for a centre (another number 409 REF-1), the convention’s number for a network', () => {
    const trained = (kind: 'individual' | 'network') =>
      run(
        { ...openProcedure({ applicationId: 'a1', kind, foreign: false, receivedAt: t0 }), dossier: complete },
        [{ type: 'admissibility-decided', decision: 'admissible' }, day(5)],
        [{ type: 'referent-trained', on: '2026-02-01' }, day(20)],
      );
    expect(run(trained('individual'), [{ type: 'agrement-granted' }, day(25)]).grantedReferentCount).toBe(1);
    expect(refusal(() => decide(trained('individual'), { type: 'agrement-granted', referentCount: 2 }, day(25))).ruleId).toBe('REF-1');
    const granted = decide(trained('network'), { type: 'agrement-granted', referentCount: 4 }, day(25));
    expect(granted.procedure.grantedReferentCount).toBe(4);
    expect(granted.events[0]!.data).toMatchObject({ referentCount: 4 });
    expect(() => decide(trained('network'), { type: 'agrement-granted', referentCount: 0 }, day(25))).toThrow(InvalidCommand);
    // A network's grant must state it when decided; a grant recorded before (replayed) counts one.
    expect(() => requireReferentCount('network', undefined)).toThrow(/referentCount|REF-1/);
    expect(() => requireReferentCount('individual', undefined)).not.toThrow();
    expect(run(trained('network'), [{ type: 'agrement-granted' }, day(25)]).grantedReferentCount).toBe(1);
  });

  it('APP-6 the attestation follows the adhesion form, and cannot be received before it', () => {
    const p = run(toGranted(open()), [{ type: 'adhesion-form-received', on: '2026-02-20' }, day(36)]);
    expect(() => decide(p, { type: 'attestation-issued', receivedOn: '2026-02-19' }, day(37))).toThrow(InvalidCommand);
    expect(refusal(() => decide(toGranted(open()), { type: 'attestation-issued', receivedOn: '2026-02-25' }, day(37))).ruleId).toBe(
      'APP-6',
    );
  });

  it('APP-7 the clock runs while admissible: Pix owes the référent training offer and any conformity visit', () => {
    let p = run(open(), [{ type: 'admissibility-decided', decision: 'admissible', conformityVisitRequired: true }, day(5)]);
    expect(p.state).toBe('admissible');
    expect(p.clock.pausedSince).toBeNull();
    // Two months after receipt, still admissible: overdue (Pix has not offered the training nor visited).
    expect(decide(p, { type: 'procedure-overdue' }, day(60)).procedure.overdueFlaggedAt).toBe(day(60).toISOString());
    p = run(
      p,
      [{ type: 'conformity-visit-done', on: '2026-02-10', costEur: 300, compliant: true }, day(26)],
      [{ type: 'referent-trained', on: '2026-02-20' }, day(36)],
    );
    expect(p.clock.pausedMs).toBe(0);
    // Granted: the applicant owes the signed adhesion form (APP-6); the clock stops until Pix receives it.
    p = run(p, [{ type: 'agrement-granted' }, day(40)]);
    expect(p.clock.pausedSince).toBe(day(40).toISOString());
    expect(refusal(() => decide(p, { type: 'procedure-overdue' }, day(70))).ruleId).toBe('APP-7');
    p = run(p, [{ type: 'adhesion-form-received', on: '2026-03-07' }, day(51)]);
    expect(p.clock.pausedMs).toBe(11 * 86_400_000);
  });

  it('APP-7 a procedure opened before the fix keeps its recorded behaviour (the clock stopped while admissible)', () => {
    const legacy = {
      ...openProcedure({ applicationId: 'a1', kind: 'individual', foreign: false, receivedAt: t0, legacyAdmissibleWait: true }),
      dossier: complete,
    };
    const p = run(legacy, [{ type: 'admissibility-decided', decision: 'admissible' }, day(5)]);
    expect(p.clock.pausedSince).toBe(day(5).toISOString());
    expect(refusal(() => decide(p, { type: 'procedure-overdue' }, day(60))).ruleId).toBe('APP-7');
    expect('legacyAdmissibleWait' in open()).toBe(false);
  });

  it('APP-7 flags an overdue procedure once, only while Pix holds the file', () => {
    const p = run(open(), [{ type: 'procedure-overdue' }, day(60)]);
    expect(p.overdueFlaggedAt).toBe(day(60).toISOString());
    expect(refusal(() => decide(p, { type: 'procedure-overdue' }, day(61))).ruleId).toBe('APP-7');
    const waiting = run(open(), [{ type: 'admissibility-decided', decision: 'incomplete', missingPieces: ['legal-status'] }, day(1)]);
    expect(refusal(() => decide(waiting, { type: 'procedure-overdue' }, day(61))).ruleId).toBe('APP-7');
  });

  it('a refused command leaves the procedure untouched', () => {
    const p = open();
    const before = JSON.stringify(p);
    expect(() => decide(p, { type: 'referent-trained', on: '2026-01-20' }, day(1))).toThrow(TransitionRefused);
    expect(JSON.stringify(p)).toBe(before);
  });
});
