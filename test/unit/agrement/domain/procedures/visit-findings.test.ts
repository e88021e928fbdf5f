import { describe, expect, it } from 'vitest';
import { type Agrement, type AgrementCommand, decide, openAgrement } from '../../../../../src/agrement/domain/agrement';
import { emailsFor } from '../../../../../src/agrement/domain/notifications';
import { InvalidCommand, TransitionRefused } from '../../../../../src/shared/domain/errors';

const VISIT = '7d1e0c4a-0000-4000-8000-00000000visit';

function open(): Agrement {
  return openAgrement({
    agrementId: '3f2a9c1b-0000-4000-8000-000000000001',
    organisationId: 'org-1',
    organisationName: 'Centre Test',
    email: 'centre@test.fr',
    kind: 'centre',
    foreign: false,
    startOn: '2025-01-31',
    years: 3,
    referent: { name: 'Alex', email: 'alex@test.fr', trainedOn: '2025-01-10', recognisedQualifications: true },
  });
}

const proposed = (proposal: 'breach-notice' | 'suspension', on = '2026-03-10', visitId = VISIT): AgrementCommand => ({
  type: 'visit-findings-proposed',
  on,
  visitId,
  proposal,
  reasonFr: 'visite de contrôle : 2 point(s) non conforme(s) (conformité des locaux ; maîtrise du déroulement)',
});

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a refusal');
}

describe('VIS-4 BRE-4 a control visit’s findings reach the agrément as proposals the legal team decides', () => {
  it('VIS-4 SUS-1 BRE-1 the findings open two proposals, keyed by the visit; nothing applies yet and no second e-mail goes to the legal team', () => {
    const first = decide(open(), proposed('suspension'), '2026-03-10');
    const second = decide(first.agrement, proposed('breach-notice'), '2026-03-10');
    const a = second.agrement;
    expect(a.state).toBe('active');
    expect(a.suspension).toBeNull();
    expect(a.breach).toBeNull();
    expect(a.proposals).toEqual([
      expect.objectContaining({
        id: `VIS-4:SUS-1:${VISIT}`,
        kind: 'suspension',
        cause: 'visit-findings',
        ruleId: 'SUS-1',
        ruleIds: ['VIS-4', 'SUS-1'],
        visitId: VISIT,
        proposedOn: '2026-03-10',
      }),
      expect.objectContaining({
        id: `VIS-4:BRE-1:${VISIT}`,
        kind: 'breach-notice',
        cause: 'visit-findings',
        ruleId: 'BRE-1',
        ruleIds: ['VIS-4', 'BRE-1'],
        visitId: VISIT,
      }),
    ]);
    expect([
      ...first.events.map((e) => [e.type, e.ruleIds, emailsFor(e, first.agrement).length]),
      ...second.events.map((e) => [e.type, e.ruleIds, emailsFor(e, second.agrement).length]),
    ]).toEqual([
      ['suspension-proposed', ['VIS-4', 'SUS-1', 'BRE-4'], 0],
      ['breach-notice-proposed', ['VIS-4', 'BRE-1', 'BRE-4'], 0],
    ]);
  });

  it('VIS-4 once per visit and kind: a retried report, or one after the decision, proposes nothing again; another visit does', () => {
    const a = decide(open(), proposed('suspension'), '2026-03-10').agrement;
    expect(decide(a, proposed('suspension', '2026-03-11'), '2026-03-11').events).toEqual([]);
    const declined = decide(a, { type: 'proposal-declined', on: '2026-03-12', proposalId: `VIS-4:SUS-1:${VISIT}` }, '2026-03-12');
    expect(declined.events.map((e) => [e.type, e.ruleIds])).toEqual([['proposal-declined', ['VIS-4', 'SUS-1', 'BRE-4']]]);
    expect(declined.agrement.proposals).toEqual([]);
    expect(decide(declined.agrement, proposed('suspension'), '2026-03-13').events).toEqual([]);
    const other = decide(declined.agrement, proposed('suspension', '2026-03-13', 'another-visit'), '2026-03-13');
    expect(other.agrement.proposals.map((p) => p.id)).toEqual(['VIS-4:SUS-1:another-visit']);
  });

  it('SUS-1 BRE-4 confirmed on 2026-03-12, the suspension applies from that day and the centre is told', () => {
    const a = decide(open(), proposed('suspension'), '2026-03-10').agrement;
    const d = decide(a, { type: 'proposal-confirmed', on: '2026-03-12', proposalId: `VIS-4:SUS-1:${VISIT}` }, '2026-03-12');
    expect(d.agrement).toMatchObject({
      state: 'suspended',
      suspension: { since: '2026-03-12', reason: expect.stringContaining('visite de contrôle') },
      proposals: [],
    });
    expect(d.events.map((e) => [e.type, e.ruleIds, e.from, e.to])).toEqual([
      ['proposal-confirmed', ['VIS-4', 'SUS-1', 'BRE-4'], 'active', 'active'],
      ['suspended', ['SUS-1', 'SUS-2', 'SUS-3'], 'active', 'suspended'],
    ]);
    expect(emailsFor(d.events[1]!, d.agrement)).toEqual([
      expect.objectContaining({
        template: 'agrement-suspended',
        audience: 'centre',
        data: expect.objectContaining({ since: '2026-03-12' }),
      }),
    ]);
  });

  it('BRE-1 BRE-4 confirmed on 2026-03-10, the formal notice is sent that day: 30 days to cure, by 2026-04-09', () => {
    const a = decide(open(), proposed('breach-notice'), '2026-03-10').agrement;
    const d = decide(a, { type: 'proposal-confirmed', on: '2026-03-10', proposalId: `VIS-4:BRE-1:${VISIT}` }, '2026-03-10');
    expect(d.agrement).toMatchObject({
      state: 'under-notice',
      breach: { letterSentOn: '2026-03-10', cureDueOn: '2026-04-09', suspendedDaysDeducted: 0 },
    });
    expect(d.events.map((e) => e.type)).toEqual(['proposal-confirmed', 'breach-notified']);
    expect(emailsFor(d.events[1]!, d.agrement)).toEqual([
      expect.objectContaining({
        template: 'breach-notice',
        audience: 'centre',
        data: expect.objectContaining({ cureDueOn: '2026-04-09' }),
      }),
    ]);
  });

  it('refuses what the state does not allow, naming the rule, and keeps the proposal open', () => {
    const suspended = decide(open(), { type: 'suspended', on: '2026-03-01', reason: 'fraude' }, '2026-03-01').agrement;
    const a = decide(suspended, proposed('suspension'), '2026-03-10').agrement;
    const err = thrown(() => decide(a, { type: 'proposal-confirmed', on: '2026-03-10', proposalId: `VIS-4:SUS-1:${VISIT}` }, '2026-03-10'));
    expect(err).toBeInstanceOf(TransitionRefused);
    expect((err as TransitionRefused).ruleId).toBe('SUS-1');
    expect(a.proposals.map((p) => p.id)).toEqual([`VIS-4:SUS-1:${VISIT}`]);

    const b = decide(open(), proposed('breach-notice'), '2026-03-10').agrement;
    const future = thrown(() =>
      decide(b, { type: 'proposal-confirmed', on: '2026-03-11', proposalId: `VIS-4:BRE-1:${VISIT}` }, '2026-03-10'),
    );
    expect(future).toBeInstanceOf(InvalidCommand);
    expect((future as InvalidCommand).field).toBe('on');

    const ended = decide(open(), { type: 'deadline-reached', key: 'term:2028-01-31', on: '2028-01-31' }, '2028-01-31').agrement;
    expect(ended.state).toBe('expired');
    const late = thrown(() => decide(ended, proposed('suspension', '2028-02-01'), '2028-02-01'));
    expect((late as TransitionRefused).ruleId).toBe('TER-5');
  });

  it('refuses a malformed report naming the field', () => {
    const fields = [
      { ...proposed('suspension'), on: '2026-02-30' },
      { ...proposed('suspension'), visitId: ' ' },
      { ...proposed('suspension'), proposal: 'termination' },
      { ...proposed('suspension'), reasonFr: '' },
    ].map((c) => (thrown(() => decide(open(), c as AgrementCommand, '2026-03-10')) as InvalidCommand).field);
    expect(fields).toEqual(['on', 'visitId', 'proposal', 'reasonFr']);
  });
});
