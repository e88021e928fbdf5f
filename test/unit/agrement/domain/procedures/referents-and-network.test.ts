import { describe, expect, it } from 'vitest';
import {
  type Agrement,
  type AgrementCommand,
  type AgrementStart,
  decide,
  openAgrement,
  pendingDeadlines,
  sessionBlocker,
  upgradeAgrement,
  withContributionWarnings,
  withoutContributionWarnings,
} from '../../../../../src/agrement/domain/agrement';
import { emailsFor } from '../../../../../src/agrement/domain/notifications';
import { InvalidCommand, TransitionRefused } from '../../../../../src/shared/domain/errors';

const START: AgrementStart = {
  agrementId: '3f2a9c1b-0000-4000-8000-000000000010',
  organisationId: 'org-network',
  organisationName: 'Réseau Test',
  email: 'reseau@test.fr',
  kind: 'network',
  foreign: false,
  startOn: '2025-01-31',
  years: 3,
  referent: { name: 'Alex', email: 'alex@test.fr', trainedOn: '2025-01-10', recognisedQualifications: true },
  referentCount: 2,
  network: {
    type: 'B',
    departmentsCommitted: ['01', '02'],
    members: [
      { organisationId: 'm-1', name: 'Membre Ain', category: 'datadock-training-provider', department: '01' },
      { organisationId: 'm-2', name: 'Membre Aisne', category: 'datadock-training-provider', department: '02' },
    ],
  },
};
const network = (overrides: Partial<AgrementStart> = {}) => openAgrement({ ...START, ...overrides });
const centre = (overrides: Partial<AgrementStart> = {}) =>
  openAgrement({ ...START, kind: 'centre', network: undefined, referentCount: undefined, organisationId: 'org-centre', ...overrides });

const run = (a: Agrement, today: string, ...commands: AgrementCommand[]) => commands.reduce((x, c) => decide(x, c, today).agrement, a);
const reach = (a: Agrement, key: string, on: string) => decide(a, { type: 'deadline-reached', key, on }, on);
function refusal(fn: () => unknown): TransitionRefused {
  try {
    fn();
  } catch (e) {
    if (e instanceof TransitionRefused) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}
function invalid(fn: () => unknown): InvalidCommand {
  try {
    fn();
  } catch (e) {
    if (e instanceof InvalidCommand) return e;
    throw e;
  }
  throw new Error('expected a 400');
}

const TODAY = '2025-03-01';
const addLou = (a: Agrement) => run(a, TODAY, { type: 'referent-added', on: TODAY, name: 'Lou', email: 'lou@test.fr', cv: 'cv-lou.pdf' });

describe('REF-1: one référent per centre, the number agreed in a network’s convention', () => {
  it('REF-1 a centre’s agrément holds one référent whatever the start says; a network the number agreed at the grant', () => {
    expect(centre({ referentCount: 3 }).referentCount).toBe(1);
    expect(network().referentCount).toBe(2);
    expect(network({ referentCount: undefined }).referentCount).toBe(1);
    expect(network().otherReferents).toEqual([]);
  });

  it('REF-1 a centre cannot have two référents at once: adding one is refused (409 REF-1), the change goes through REF-5', () => {
    const r = refusal(() => addLou(centre()));
    expect(r.ruleId).toBe('REF-1');
    expect(r.message).toMatch(/REF-5/);
    expect(refusal(() => run(centre(), TODAY, { type: 'referent-count-revised', on: TODAY, count: 2 })).ruleId).toBe('REF-1');
    expect(refusal(() => run(centre(), TODAY, { type: 'referent-removed', on: TODAY, referentEmail: 'alex@test.fr' })).ruleId).toBe(
      'REF-1',
    );
  });

  it('REF-1 a network designates référents up to the number agreed, never beyond, each person once', () => {
    const a = addLou(network());
    expect(a.otherReferents).toEqual([expect.objectContaining({ name: 'Lou', email: 'lou@test.fr', trained: false, appointedOn: TODAY })]);
    const third = refusal(() => run(a, TODAY, { type: 'referent-added', on: TODAY, name: 'Sam', email: 'sam@test.fr', cv: 'cv.pdf' }));
    expect(third.ruleId).toBe('REF-1');
    expect(third.message).toMatch(/2 référent/);
    const twice = refusal(() =>
      run(network({ referentCount: 3 }), TODAY, {
        type: 'referent-added',
        on: TODAY,
        name: 'Alex bis',
        email: 'ALEX@test.fr',
        cv: 'cv.pdf',
      }),
    );
    expect(twice.ruleId).toBe('REF-1');
    expect(
      invalid(() => run(network(), TODAY, { type: 'referent-added', on: TODAY, name: 'Lou', email: 'lou@test.fr', cv: ' ' })).field,
    ).toBe('cv');
  });

  it('REF-1 the number agreed is revised with the network (CdC §3.1.2), never below the référents designated', () => {
    const a = addLou(network());
    expect(refusal(() => run(a, TODAY, { type: 'referent-count-revised', on: TODAY, count: 1 })).ruleId).toBe('REF-1');
    expect(invalid(() => run(a, TODAY, { type: 'referent-count-revised', on: TODAY, count: 0 })).field).toBe('count');
    const revised = decide(a, { type: 'referent-count-revised', on: TODAY, count: 3 }, TODAY);
    expect(revised.agrement.referentCount).toBe(3);
    expect(revised.events[0]).toMatchObject({
      type: 'referent-count-revised',
      ruleIds: ['REF-1'],
      data: { previous: 2, count: 3, referents: 2 },
    });
  });

  it('REF-2 REF-3 commands address one référent of a network by e-mail: required when it has several (400 naming referentEmail)', () => {
    const a = addLou(network());
    expect(invalid(() => run(a, TODAY, { type: 'referent-trained', on: TODAY })).field).toBe('referentEmail');
    expect(invalid(() => run(a, TODAY, { type: 'badge-obtained', on: TODAY, referentEmail: 'nobody@test.fr' })).field).toBe(
      'referentEmail',
    );
    const trained = run(a, TODAY, { type: 'referent-trained', on: TODAY, referentEmail: 'lou@test.fr' });
    expect(trained.otherReferents[0]!.trained).toBe(true);
    expect(refusal(() => run(trained, TODAY, { type: 'referent-trained', on: TODAY, referentEmail: 'Lou@test.fr' })).ruleId).toBe('REF-2');
    // A centre's single référent needs no e-mail.
    expect(
      run(centre({ referent: { ...START.referent, trainedOn: null } }), TODAY, { type: 'referent-trained', on: TODAY }).referent.trained,
    ).toBe(true);
  });

  it('REF-3 each référent of a network owes the badge 6 months after their own appointment; a missed one names them', () => {
    const a = addLou(network());
    const lous = pendingDeadlines(a).filter((d) => d.referentEmail === 'lou@test.fr');
    expect(lous.map((d) => `${d.name} ${d.on}`)).toEqual([
      'badge-reminder 2025-08-02',
      'badge-reminder 2025-08-25',
      'badge-due 2025-09-01',
    ]);
    expect(lous.find((d) => d.name === 'badge-due')!.key).toBe('badge-due:2025-09-01:lou@test.fr');
    // Alex (recognised qualifications) owes none.
    expect(pendingDeadlines(a).filter((d) => d.name === 'badge-due')).toHaveLength(1);
    const missed = reach(a, 'badge-due:2025-09-01:lou@test.fr', '2025-09-02');
    expect(missed.events.map((e) => e.type)).toEqual(['badge-missed', 'breach-notice-proposed']);
    expect(missed.events[0]!.data).toMatchObject({ badgeDueOn: '2025-09-01', referentName: 'Lou' });
    const shown = decide(missed.agrement, { type: 'badge-obtained', on: '2025-09-10', referentEmail: 'lou@test.fr' }, '2025-09-10');
    expect(shown.events.map((e) => e.type)).toEqual(['badge-obtained', 'proposal-withdrawn']);
    expect(shown.agrement.proposals).toEqual([]);
  });

  it('REF-3 a badge shown by its deadline but recorded after the engine judged it missed meets it (a history entered late)', () => {
    const a = centre({ referent: { ...START.referent, recognisedQualifications: false } });
    const due = pendingDeadlines(a).find((d) => d.name === 'badge-due')!;
    expect(due.on).toBe('2025-07-31');
    const missed = reach(a, due.key, '2025-08-01').agrement;
    expect(missed.ledger.find((e) => e.key === due.key)).toMatchObject({ outcome: 'missed', outcomeOn: '2025-07-31' });
    // Shown in time, recorded months later: the deadline was met, the breach proposal withdrawn.
    const inTime = decide(missed, { type: 'badge-obtained', on: '2025-04-01' }, '2025-11-20');
    expect(inTime.events.map((e) => e.type)).toEqual(['badge-obtained', 'proposal-withdrawn']);
    expect(inTime.agrement.ledger.find((e) => e.key === due.key)).toMatchObject({
      outcome: 'met',
      outcomeOn: '2025-04-01',
      outcomeBy: 'badge-obtained',
    });
    // Shown after its deadline: the miss stands.
    const late = decide(missed, { type: 'badge-obtained', on: '2025-08-10' }, '2025-11-20').agrement;
    expect(late.ledger.find((e) => e.key === due.key)).toMatchObject({ outcome: 'missed', outcomeOn: '2025-07-31' });
  });

  it('REF-5 a change replaces the référent it names; a person is one référent; one change at a time in a network', () => {
    const a = run(addLou(network({ referentCount: 3 })), TODAY, {
      type: 'referent-added',
      on: TODAY,
      name: 'Sam',
      email: 'sam@test.fr',
      cv: 'cv.pdf',
    });
    const toAlex = refusal(() =>
      run(a, TODAY, {
        type: 'referent-changed',
        on: TODAY,
        referentEmail: 'lou@test.fr',
        name: 'Alex',
        email: 'alex@test.fr',
        cv: 'cv.pdf',
        recognisedQualifications: false,
      }),
    );
    expect(toAlex.ruleId).toBe('REF-1');
    const notified = run(a, TODAY, {
      type: 'referent-changed',
      on: TODAY,
      effectiveOn: '2025-04-01',
      referentEmail: 'lou@test.fr',
      name: 'Noa',
      email: 'noa@test.fr',
      cv: 'cv-noa.pdf',
      recognisedQualifications: true,
    });
    expect(notified.referentChange).toMatchObject({ replacesEmail: 'lou@test.fr', effectiveOn: '2025-04-01' });
    const other = refusal(() =>
      run(notified, TODAY, {
        type: 'referent-changed',
        on: TODAY,
        referentEmail: 'sam@test.fr',
        name: 'Zoé',
        email: 'zoe@test.fr',
        cv: 'cv.pdf',
        recognisedQualifications: true,
      }),
    );
    expect(other.ruleId).toBe('REF-5');
    expect(refusal(() => run(notified, TODAY, { type: 'referent-removed', on: TODAY, referentEmail: 'lou@test.fr' })).ruleId).toBe('REF-5');
    const taken = reach(notified, pendingDeadlines(notified).find((d) => d.name === 'referent-change-effective')!.key, '2025-04-01');
    expect(taken.agrement.referent.email).toBe('alex@test.fr');
    expect(taken.agrement.otherReferents.map((r) => r.email)).toEqual(['noa@test.fr', 'sam@test.fr']);
    expect(taken.events[0]).toMatchObject({ type: 'referent-changed', data: { name: 'Noa', replaced: 'Lou' } });
  });

  it('REF-1 a network’s other référent may leave; its first (Pix’s contact) is replaced, never removed', () => {
    const a = addLou(network());
    expect(refusal(() => run(a, TODAY, { type: 'referent-removed', on: TODAY, referentEmail: 'alex@test.fr' })).ruleId).toBe('REF-1');
    const left = decide(a, { type: 'referent-removed', on: TODAY, referentEmail: 'lou@test.fr' }, TODAY);
    expect(left.agrement.otherReferents).toEqual([]);
    expect(left.events[0]).toMatchObject({ type: 'referent-removed', ruleIds: ['REF-1'], data: { name: 'Lou', referents: 1, agreed: 2 } });
    expect(pendingDeadlines(left.agrement).some((d) => d.referentEmail === 'lou@test.fr')).toBe(false);
  });

  it('REF-2 SES-9 a network organises sessions while one of its référents is trained; a centre needs its own trained', () => {
    const untrainedFirst = network({ referent: { ...START.referent, trainedOn: null } });
    expect(sessionBlocker(untrainedFirst)?.ruleId).toBe('REF-2');
    const withLou = run(addLou(untrainedFirst), TODAY, { type: 'referent-trained', on: TODAY, referentEmail: 'lou@test.fr' });
    expect(sessionBlocker(withLou)).toBeNull();
    expect(sessionBlocker(centre({ referent: { ...START.referent, trainedOn: null } }))?.ruleId).toBe('REF-2');
    // A read-model snapshot recorded before the other référents existed is still judged.
    const { otherReferents: _o, ...older } = network();
    expect(sessionBlocker(older as Agrement)).toBeNull();
  });

  it('REF-4 each référent’s days count in their own record and each is judged at the year’s end', () => {
    let a = addLou(network());
    a = run(
      a,
      '2025-06-01',
      { type: 'referent-contribution', on: '2025-06-01', days: 4, referentEmail: 'alex@test.fr' },
      { type: 'referent-contribution', on: '2025-06-01', days: 1, referentEmail: 'lou@test.fr' },
    );
    expect(a.referent.contributions).toEqual({ '1': 4 });
    expect(a.otherReferents[0]!.contributions).toEqual({ '1': 1 });
    const judged = reach(a, 'referent-contribution-year:2026-01-31', '2026-01-31');
    expect(judged.events.map((e) => [e.type, e.data.referentName])).toEqual([
      ['referent-contribution-met', 'Alex'],
      ['referent-contribution-short', 'Lou'],
    ]);
  });
});

describe('REF-4: the warning before each agrément year ends', () => {
  it('REF-4 is due 60 days before each year’s end (2026-01-31 → 2025-12-02), on the record as a pending deadline', () => {
    const a = centre();
    const warnings = pendingDeadlines(a).filter((d) => d.name === 'referent-contribution-warning');
    expect(warnings.map((d) => `${d.on} ${d.boundary} ${d.ruleId}`)).toEqual([
      '2025-12-02 on REF-4',
      '2026-12-02 on REF-4',
      '2027-12-02 on REF-4',
    ]);
    expect(a.ledger.filter((e) => e.name === 'referent-contribution-warning').map((e) => e.on)).toEqual([
      '2025-12-02',
      '2026-12-02',
      '2027-12-02',
    ]);
  });

  it('REF-4 short of 4 days, the centre and operations are told the days recorded, the days required and the last day of the year', () => {
    const a = run(centre(), '2025-06-01', { type: 'referent-contribution', on: '2025-06-01', days: 1.5 });
    const warned = reach(a, 'referent-contribution-warning:2025-12-02', '2025-12-02');
    expect(warned.events).toEqual([
      expect.objectContaining({
        type: 'referent-contribution-warning',
        ruleIds: ['REF-4'],
        data: { agrementYear: 1, yearEndsOn: '2026-01-30', days: 1.5, required: 4, referentName: 'Alex', referentEmail: 'alex@test.fr' },
      }),
    ]);
    const mails = emailsFor(warned.events[0]!, warned.agrement);
    expect(mails.map((m) => `${m.template}/${m.audience}`)).toEqual([
      'referent-contribution-warning/centre',
      'referent-contribution-warning/operations',
    ]);
    expect(mails[0]!.data).toMatchObject({
      organisationName: 'Réseau Test',
      days: 1.5,
      required: 4,
      yearEndsOn: '2026-01-30',
      agrementYear: 1,
    });
    expect(warned.agrement.ledger.find((e) => e.key === 'referent-contribution-warning:2025-12-02')).toMatchObject({
      outcome: 'reached',
      outcomeOn: '2025-12-02',
    });
    // The days still count until the year's last day, 2026-01-30.
    expect(run(warned.agrement, '2026-01-30', { type: 'referent-contribution', on: '2026-01-30', days: 3 }).referent.contributions).toEqual(
      { '1': 4.5 },
    );
  });

  it('REF-4 when the days are already there, nothing is sent but the deadline is on the record as reached', () => {
    const a = run(centre(), '2025-06-01', { type: 'referent-contribution', on: '2025-06-01', days: 4 });
    const reached = reach(a, 'referent-contribution-warning:2025-12-02', '2025-12-02');
    expect(reached.events.map((e) => e.type)).toEqual(['referent-contribution-on-track']);
    expect(reached.events.flatMap((e) => emailsFor(e, reached.agrement))).toEqual([]);
    expect(pendingDeadlines(reached.agrement).some((d) => d.key === 'referent-contribution-warning:2025-12-02')).toBe(false);
  });

  it('REF-4 a network warns of each référent short of days', () => {
    const a = run(addLou(network()), '2025-06-01', {
      type: 'referent-contribution',
      on: '2025-06-01',
      days: 5,
      referentEmail: 'alex@test.fr',
    });
    const warned = reach(a, 'referent-contribution-warning:2025-12-02', '2025-12-02');
    expect(warned.events.map((e) => [e.type, e.data.referentName, e.data.days])).toEqual([['referent-contribution-warning', 'Lou', 0]]);
  });

  it('REF-4 workflows begun before the warning run without it; taken up later, the warnings already past are not sent', () => {
    const legacy = withoutContributionWarnings(centre());
    expect(pendingDeadlines(legacy).some((d) => d.name === 'referent-contribution-warning')).toBe(false);
    expect(legacy.ledger.some((e) => e.name === 'referent-contribution-warning')).toBe(false);
    const upgraded = withContributionWarnings(legacy, '2026-03-01');
    expect(upgraded.legacyNoContributionWarning).toBeUndefined();
    expect(
      pendingDeadlines(upgraded)
        .filter((d) => d.name === 'referent-contribution-warning')
        .map((d) => d.on),
    ).toEqual(['2026-12-02', '2027-12-02']);
    expect(upgraded.ledger.filter((e) => e.name === 'referent-contribution-warning').map((e) => `${e.on} ${e.setBy}`)).toEqual([
      '2026-12-02 ref4-contribution-warning',
      '2027-12-02 ref4-contribution-warning',
    ]);
  });

  it('REF-1 ELIG-4 an agrément recorded before the référent count and the network record is upgraded with their defaults', () => {
    const { otherReferents: _o, referentCount: _c, network: _n, ...older } = network();
    const upgraded = upgradeAgrement(older, '2025-03-01');
    expect(upgraded).toMatchObject({ otherReferents: [], referentCount: 1, network: null });
    expect(addLou({ ...upgraded, referentCount: 2 }).otherReferents).toHaveLength(1);
  });
});

describe('ELIG-4 QUO-1: members join and leave a network during the agrément (CdC §3.1.2, §3.2.2)', () => {
  const joining = {
    organisationId: 'm-3',
    name: 'Membre Allier',
    category: 'datadock-training-provider',
    department: '03',
    uai: null,
    email: 'allier@test.fr',
  };
  const join = (a: Agrement, passed = true, member = joining): AgrementCommand => ({
    type: 'member-joined',
    on: TODAY,
    member,
    eligibility: { passed, failedChecks: passed ? [] : ['ELIG-4.type-a.members-individually-eligible'] },
  });

  it('ELIG-4 a centre’s agrément has no members (409 ELIG-4)', () => {
    expect(refusal(() => decide(centre(), join(centre()), TODAY)).ruleId).toBe('ELIG-4');
    expect(refusal(() => decide(centre(), { type: 'member-left', on: TODAY, organisationId: 'm-1' }, TODAY)).ruleId).toBe('ELIG-4');
  });

  it('ELIG-4 a type B member joins: the departments covered are recomputed and the member’s facts recorded for the read model', () => {
    const joined = decide(network(), join(network()), TODAY);
    expect(joined.agrement.network!.members.map((m) => m.organisationId)).toEqual(['m-1', 'm-2', 'm-3']);
    expect(joined.agrement.network!.departmentsCovered).toEqual(['01', '02', '03']);
    expect(joined.events[0]).toMatchObject({
      type: 'member-joined',
      ruleIds: ['ELIG-4', 'QUO-1'],
      data: {
        organisationId: 'm-3',
        category: 'datadock-training-provider',
        email: 'allier@test.fr',
        members: 3,
        departmentsCoveredCount: 3,
        departmentsTarget: 51,
        networkType: 'B',
      },
    });
  });

  it('ELIG-4 refused when the eligibility rules refuse it (type A: not individually eligible), twice, or for the coordinating entity', () => {
    const typeA = network({ network: { ...START.network!, type: 'A' } });
    const r = refusal(() => decide(typeA, join(typeA, false, { ...joining, category: 'other' }), TODAY));
    expect(r.ruleId).toBe('ELIG-4');
    expect(r.message).toMatch(/ELIG-4\.type-a\.members-individually-eligible/);
    expect(refusal(() => decide(network(), join(network(), true, { ...joining, organisationId: 'm-1' }), TODAY)).message).toMatch(
      /already a member/,
    );
    expect(refusal(() => decide(network(), join(network(), true, { ...joining, organisationId: 'org-network' }), TODAY)).ruleId).toBe(
      'ELIG-4',
    );
  });

  it('ELIG-4 a member leaves: coverage recomputed, kept among former members; a non-member or the last member is refused', () => {
    const left = decide(network(), { type: 'member-left', on: TODAY, organisationId: 'm-2' }, TODAY);
    expect(left.agrement.network).toMatchObject({
      departmentsCovered: ['01'],
      formerMembers: [expect.objectContaining({ organisationId: 'm-2', leftOn: TODAY })],
    });
    expect(left.events[0]).toMatchObject({
      type: 'member-left',
      ruleIds: ['ELIG-4'],
      data: { organisationId: 'm-2', members: 1, departmentsCoveredCount: 1 },
    });
    expect(refusal(() => decide(left.agrement, { type: 'member-left', on: TODAY, organisationId: 'm-2' }, TODAY)).message).toMatch(
      /not a member/,
    );
    expect(refusal(() => decide(left.agrement, { type: 'member-left', on: TODAY, organisationId: 'm-1' }, TODAY)).message).toMatch(
      /last member/,
    );
  });

  it('ELIG-4 a network whose members the engine has not recorded yet takes them from the command’s baseline', () => {
    const unknown = network({ network: undefined });
    expect(unknown.network).toBeNull();
    const baseline = {
      type: 'A' as const,
      departmentsCommitted: [],
      members: [{ organisationId: 'm-9', name: 'Ancien membre', category: 'eespig', department: '75' }],
    };
    const joined = decide(unknown, { ...(join(unknown) as Extract<AgrementCommand, { type: 'member-joined' }>), baseline }, TODAY).agrement;
    expect(joined.network).toMatchObject({ type: 'A', departmentsCovered: ['03', '75'] });
    expect(joined.network!.members.map((m) => [m.organisationId, m.joinedOn])).toEqual([
      ['m-9', null],
      ['m-3', TODAY],
    ]);
  });

  it('TER-5 after the end, members no longer change', () => {
    const ended = reach(network(), 'term:2028-01-31', '2028-01-31').agrement;
    expect(refusal(() => decide(ended, join(ended), '2028-02-01')).ruleId).toBe('TER-5');
  });
});
