import { describe, expect, it } from 'vitest';
import {
  type Agrement,
  type AgrementCommand,
  decide,
  openAgrement,
  pendingDeadlines,
  referentsOf,
} from '../../../../src/agrement/domain/agrement';
import { TransitionRefused } from '../../../../src/shared/domain/errors';

/**
 * Defects the model-based test (agrement.model-based.test.ts) found, each pinned at its boundary.
 */
function open(overrides: Partial<Parameters<typeof openAgrement>[0]> = {}): Agrement {
  return openAgrement({
    agrementId: '3f2a9c1b-0000-4000-8000-000000000003',
    organisationId: 'org-regressions',
    organisationName: 'Centre Régressions',
    email: 'centre@test.fr',
    kind: 'centre',
    foreign: false,
    startOn: '2025-01-31',
    years: 3,
    referent: { name: 'Alex', email: 'alex@test.fr', trainedOn: '2025-01-10', recognisedQualifications: true },
    ...overrides,
  });
}
const run = (a: Agrement, today: string, ...commands: AgrementCommand[]) => commands.reduce((x, c) => decide(x, c, today).agrement, a);
/** What the workflow sends when a deadline's timer fires (dated the day it fires). */
const reach = (a: Agrement, name: string, today: string) => {
  const d = pendingDeadlines(a).find((x) => x.name === name);
  if (!d)
    throw new Error(
      `no ${name} pending: ${pendingDeadlines(a)
        .map((x) => x.key)
        .join(', ')}`,
    );
  return decide(a, { type: 'deadline-reached', key: d.key, on: today }, today);
};
/** A network with room for more référents, its first one owing the badge (REF-3). */
const network = (referentCount = 3) =>
  open({
    kind: 'network',
    startOn: '2024-01-01',
    years: 1,
    referentCount,
    referent: { name: 'Alex', email: 'alex@test.fr', trainedOn: null, recognisedQualifications: false },
  });
const ledgerOf = (a: Agrement, name: string) =>
  a.ledger.filter((e) => e.name === name).map((e) => `${e.key} ${e.outcome}${e.outcomeBy ? ` by ${e.outcomeBy}` : ''}`);

describe('model-based findings', () => {
  it('BRE-4 TER-5 a proposal still undecided when the agrément ends is withdrawn on the record, not dropped', () => {
    let a = run(
      open(),
      '2026-03-05',
      { type: 'visit-demanded', on: '2026-03-01' },
      { type: 'visit-answered', on: '2026-03-05', accepted: false },
    );
    a = run(a, '2026-03-05', { type: 'termination-requested', on: '2026-03-05' });
    expect(a.proposals.map((p) => p.id)).toEqual(['SUS-5:2026-03-05']);
    const { agrement, events } = reach(a, 'termination-effective', '2026-04-04');
    expect(agrement.state).toBe('terminated');
    expect(agrement.proposals).toEqual([]);
    expect(events.map((e) => e.type)).toEqual(['terminated', 'proposal-withdrawn']);
    expect(events[1]).toMatchObject({
      ruleIds: ['SUS-5', 'BRE-4', 'TER-5'],
      from: 'terminated',
      to: 'terminated',
      data: { proposalId: 'SUS-5:2026-03-05', because: 'agrement-ended', on: '2026-04-04' },
    });
    expect(agrement.version).toBe(a.version + 2);
  });

  it('TER-3 BRE-3 a cure recorded while force majeure holds the cure period closes its deadline as met on the ledger', () => {
    let a = run(open(), '2026-03-10', { type: 'breach-notified', letterSentOn: '2026-03-10', reason: 'locaux non conformes' });
    a = run(
      a,
      '2026-03-15',
      { type: 'force-majeure-started', on: '2026-03-15' },
      { type: 'breach-cured', on: '2026-03-15', evidence: 'photos' },
    );
    expect(ledgerOf(a, 'cure-due')).toEqual(['cure-due:2026-04-09:2026-03-10 met by breach-cured']);
    a = run(a, '2026-03-20', { type: 'force-majeure-ended', on: '2026-03-20' });
    expect(ledgerOf(a, 'cure-due')).toEqual(['cure-due:2026-04-09:2026-03-10 met by breach-cured']);
  });

  it('TER-3 force majeure ended and begun again on the same day has its own limit on the ledger', () => {
    const a = run(
      open(),
      '2026-05-20',
      { type: 'force-majeure-started', on: '2026-05-20' },
      { type: 'force-majeure-ended', on: '2026-05-20' },
      { type: 'force-majeure-started', on: '2026-05-20' },
    );
    const limit = pendingDeadlines(a).find((d) => d.name === 'force-majeure-limit')!;
    expect(limit.on).toBe('2026-07-20');
    expect(ledgerOf(a, 'force-majeure-limit')).toEqual([
      'force-majeure-limit:2026-07-20:2026-05-20 cancelled by force-majeure-ended',
      `${limit.key} pending`,
    ]);
    expect(limit.key).not.toBe('force-majeure-limit:2026-07-20:2026-05-20');
  });

  it('BRE-1 a formal notice whose letter bears the date of an earlier, missed one still has its cure deadline, and it fires', () => {
    let a = run(open(), '2026-03-10', { type: 'breach-notified', letterSentOn: '2026-03-10', reason: 'locaux' });
    a = reach(a, 'cure-due', '2026-04-10').agrement;
    a = run(
      a,
      '2026-04-20',
      { type: 'proposal-declined', on: '2026-04-20', proposalId: 'BRE-1:2026-04-10' },
      { type: 'breach-cured', on: '2026-04-20', evidence: 'photos' },
    );
    // A second notice, its letter sent the same day as the first (recorded late).
    a = run(a, '2026-04-20', { type: 'breach-notified', letterSentOn: '2026-03-10', reason: 'registre des sessions' });
    const cure = pendingDeadlines(a).find((d) => d.name === 'cure-due');
    expect(cure?.on).toBe('2026-04-09');
    const { agrement, events } = reach(a, 'cure-due', '2026-04-20');
    expect(events.map((e) => e.type)).toEqual(['cure-deadline-passed', 'termination-proposed']);
    expect(ledgerOf(agrement, 'cure-due')).toEqual([
      'cure-due:2026-04-09:2026-03-10 missed by cure-deadline-passed, termination-proposed',
      `${cure!.key} missed by cure-deadline-passed, termination-proposed`,
    ]);
  });

  it('REF-3 a référent appointed on the day an earlier one was still has the badge deadline', () => {
    let a = open({ referent: { name: 'Alex', email: 'alex@test.fr', trainedOn: '2025-01-10', recognisedQualifications: false } });
    a = run(a, '2025-02-01', { type: 'badge-obtained', on: '2025-02-01' });
    expect(ledgerOf(a, 'badge-due')).toEqual(['badge-due:2025-07-31 met by badge-obtained']);
    // REF-5: a change of référent taking over on the agrément's first day (recorded late).
    a = run(a, '2025-02-01', {
      type: 'referent-changed',
      on: '2025-01-31',
      name: 'Sam',
      email: 'sam@test.fr',
      recognisedQualifications: false,
      cv: 'cv.pdf',
    });
    const badge = pendingDeadlines(a).find((d) => d.name === 'badge-due');
    expect(badge?.on).toBe('2025-07-31');
    expect(ledgerOf(a, 'badge-due')).toEqual(['badge-due:2025-07-31 met by badge-obtained', `${badge!.key} pending`]);
  });

  it('TER-3 TER-4 a period already missed is not revived when force majeure ends (it would be missed twice)', () => {
    let a = run(open(), '2026-05-01', { type: 'labour-documents-requested', on: '2026-05-01' });
    a = reach(a, 'labour-documents-due', '2026-05-17').agrement;
    expect(a.proposals.map((p) => p.id)).toEqual(['TER-4:2026-05-17']);
    a = run(a, '2026-05-20', { type: 'force-majeure-started', on: '2026-05-18' }, { type: 'force-majeure-ended', on: '2026-05-20' });
    expect(a.labourDocuments?.dueOn).toBe('2026-05-16');
    expect(pendingDeadlines(a).some((d) => d.name === 'labour-documents-due')).toBe(false);
    expect(ledgerOf(a, 'labour-documents-due')).toEqual([
      'labour-documents-due:2026-05-16:2026-05-01 missed by labour-documents-missed, termination-proposed',
    ]);
  });

  it('AGR-3 once a renewal is accepted, the term on the ledger rests on AGR-3 (AGR-4 before)', () => {
    let a = open();
    expect(a.ledger.find((e) => e.name === 'term')).toMatchObject({ key: 'term:2028-01-31', ruleId: 'AGR-4' });
    a = run(a, '2027-09-01', { type: 'renewal-requested', on: '2027-09-01' }, { type: 'renewal-accepted', on: '2027-09-01' });
    expect(a.ledger.find((e) => e.name === 'term')).toMatchObject({ key: 'term:2028-01-31', ruleId: 'AGR-3', outcome: 'pending' });
  });

  it("REF-1 REF-3 two référents whose badges fall due the same day each miss their own, once: the first one's miss leaves the other's pending", () => {
    let a = run(network(2), '2024-01-01', {
      type: 'referent-added',
      on: '2024-01-01',
      name: 'Lou',
      email: 'lou@reseau.test',
      cv: 'cv.pdf',
      recognisedQualifications: false,
    });
    expect(
      pendingDeadlines(a)
        .filter((d) => d.name === 'badge-due')
        .map((d) => d.key),
    ).toEqual(['badge-due:2024-07-01', 'badge-due:2024-07-01:lou@reseau.test']);
    let fired = decide(a, { type: 'deadline-reached', key: 'badge-due:2024-07-01', on: '2024-07-01' }, '2024-07-01');
    expect(fired.events.map((e) => e.type)).toEqual(['badge-missed', 'breach-notice-proposed']);
    a = fired.agrement;
    expect(
      pendingDeadlines(a)
        .filter((d) => d.name === 'badge-due')
        .map((d) => [d.key, d.referentEmail]),
    ).toEqual([['badge-due:2024-07-01:lou@reseau.test', 'lou@reseau.test']]);
    fired = decide(a, { type: 'deadline-reached', key: 'badge-due:2024-07-01:lou@reseau.test', on: '2024-07-01' }, '2024-07-01');
    // The same day: one proposal (REF-3:2024-07-01) stands for both.
    expect(fired.events).toMatchObject([{ type: 'badge-missed', data: { referentName: 'Lou', badgeDueOn: '2024-07-01' } }]);
    a = fired.agrement;
    expect(pendingDeadlines(a).some((d) => d.name === 'badge-due')).toBe(false);
    expect(ledgerOf(a, 'badge-due')).toEqual([
      'badge-due:2024-07-01 missed by badge-missed, breach-notice-proposed',
      'badge-due:2024-07-01:lou@reseau.test missed by badge-missed',
    ]);
    // Lou's badge meets Lou's deadline only: Alex's stays missed (and the proposal stands while Alex owes it).
    a = run(a, '2024-07-02', { type: 'badge-obtained', on: '2024-07-02', referentEmail: 'lou@reseau.test' });
    expect(ledgerOf(a, 'badge-due')).toEqual([
      'badge-due:2024-07-01 missed by badge-missed, breach-notice-proposed',
      'badge-due:2024-07-01:lou@reseau.test missed by badge-missed',
    ]);
    expect(a.proposals.map((p) => p.id)).toEqual(['REF-3:2024-07-01']);
  });

  it('REF-1 REF-5 the person a pending change of référent brings in cannot be designated another référent meanwhile (409 REF-1)', () => {
    // The change of the first référent to Sam takes effect on 2024-03-20.
    let a = run(network(), '2024-02-01', {
      type: 'referent-changed',
      on: '2024-02-01',
      effectiveOn: '2024-03-20',
      name: 'Sam',
      email: 'sam@reseau.test',
      cv: 'cv.pdf',
      recognisedQualifications: false,
    });
    let refusal: unknown;
    try {
      decide(a, { type: 'referent-added', on: '2024-02-02', name: 'Sam', email: ' SAM@reseau.test ', cv: 'cv.pdf' }, '2024-02-02');
    } catch (e) {
      refusal = e;
    }
    expect(refusal).toBeInstanceOf(TransitionRefused);
    expect(refusal).toMatchObject({ ruleId: 'REF-1', message: expect.stringContaining('takes over as référent on 2024-03-20') });
    // Another person is designated; once the change takes effect each seat has its holder and one badge deadline of its own.
    a = run(a, '2024-02-02', { type: 'referent-added', on: '2024-02-02', name: 'Lou', email: 'lou@reseau.test', cv: 'cv.pdf' });
    const change = pendingDeadlines(a).find((d) => d.name === 'referent-change-effective')!;
    a = decide(a, { type: 'deadline-reached', key: change.key, on: '2024-03-20' }, '2024-03-20').agrement;
    expect(referentsOf(a).map((r) => r.email)).toEqual(['sam@reseau.test', 'lou@reseau.test']);
    expect(
      pendingDeadlines(a)
        .filter((d) => d.name === 'badge-due')
        .map((d) => d.key),
    ).toEqual(['badge-due:2024-08-02:lou@reseau.test', 'badge-due:2024-09-20']);
  });
});
