import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Agrement,
  type AgrementCommand,
  AGREMENT_STATES,
  type AgrementState,
  decide,
  openAgrement,
  pendingDeadlines,
} from '../../../../src/agrement/domain/agrement';
import { InvalidCommand, TransitionRefused } from '../../../../src/shared/domain/errors';
import { cell, TRANSITIONS, transitionsMarkdown } from '../../../../src/agrement/domain/transitions';

const TODAY = '2026-06-01';
const open = (): Agrement =>
  openAgrement({
    agrementId: '3f2a9c1b-0000-4000-8000-000000000002',
    organisationId: 'org-walk',
    organisationName: 'Centre du tableau',
    email: 'centre@test.fr',
    kind: 'centre',
    foreign: false,
    startOn: '2025-01-31',
    years: 3,
    referent: { name: 'Alex', email: 'alex@test.fr', trainedOn: '2025-01-10', recognisedQualifications: false },
  });
const run = (a: Agrement, ...commands: AgrementCommand[]) => commands.reduce((x, c) => decide(x, c, TODAY).agrement, a);
const reach = (a: Agrement, name: string) => {
  const d = pendingDeadlines(a).find((x) => x.name === name)!;
  return decide(a, { type: 'deadline-reached', key: d.key, on: d.on }, d.on > TODAY ? d.on : TODAY).agrement;
};

/** One agrément in each state, reached through the table itself. */
const IN_STATE: Record<AgrementState, () => Agrement> = {
  active: open,
  suspended: () => run(open(), { type: 'suspended', on: '2026-05-01', reason: 'fraude signalée' }),
  'force-majeure': () => run(open(), { type: 'force-majeure-started', on: '2026-05-20' }),
  'under-notice': () => run(open(), { type: 'breach-notified', letterSentOn: '2026-05-20', reason: 'locaux' }),
  terminating: () => run(open(), { type: 'termination-requested', on: '2026-05-25' }),
  expired: () => reach(open(), 'term'),
  terminated: () => reach(run(open(), { type: 'termination-requested', on: '2026-05-02' }), 'termination-effective'),
};

function commandFor(type: AgrementCommand['type'], a: Agrement): AgrementCommand {
  const on = TODAY;
  switch (type) {
    case 'suspended':
      return { type, on, reason: 'motif' };
    case 'breach-notified':
      return { type, letterSentOn: on, reason: 'motif' };
    case 'breach-cured':
      return { type, on, evidence: 'preuve' };
    case 'visit-answered':
      return { type, on, accepted: false };
    case 'proposal-confirmed':
    case 'proposal-declined':
      return { type, on, proposalId: a.proposals[0]?.id ?? 'none' };
    case 'cahier-change-notified':
      return { type, on, summary: 'changement' };
    case 'referent-changed':
      return { type, on, name: 'Sam', email: 'sam@test.fr', recognisedQualifications: false, cv: 'cv.pdf' };
    case 'referent-contribution':
      return { type, on, days: 1 };
    case 'referent-added':
      return { type, on, name: 'Lou', email: 'lou@test.fr', cv: 'cv-lou.pdf' };
    case 'referent-removed':
      return { type, on, referentEmail: 'alex@test.fr' };
    case 'referent-count-revised':
      return { type, on, count: 2 };
    case 'member-joined':
      return {
        type,
        on,
        member: {
          organisationId: 'org-member',
          name: 'Membre',
          category: 'datadock-training-provider',
          department: '69',
          uai: null,
          email: 'm@test.fr',
        },
        eligibility: { passed: true, failedChecks: [] },
      };
    case 'member-left':
      return { type, on, organisationId: 'org-member' };
    case 'sessions-finalised':
      return { type, sessionId: 's-walk', finalisedOn: '2026-01-10', sessionDate: '2026-01-09', candidates: 5 };
    case 'visit-findings-proposed':
      return { type, on, visitId: 'v1', proposal: 'suspension', reasonFr: 'constats' };
    case 'deadline-reached':
      throw new Error('not a command people send');
    default:
      return { type, on } as AgrementCommand;
  }
}

function deepFreeze<T>(x: T): T {
  if (x && typeof x === 'object') {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

describe('the agrément transition table', () => {
  it('docs/agrement-transitions.md is generated from the table (npm run docs:transitions)', () => {
    const doc = readFileSync(path.resolve(__dirname, '../../../../docs/agrement-transitions.md'), 'utf8');
    expect(doc).toBe(transitionsMarkdown());
  });

  it('each representative agrément is in the state it stands for', () => {
    for (const state of AGREMENT_STATES) expect(IN_STATE[state]().state).toBe(state);
  });

  describe.each(AGREMENT_STATES)('in state %s', (state) => {
    it.each([...TRANSITIONS.keys()])('%s does what the table says, without touching its input', (type) => {
      const a = deepFreeze(IN_STATE[state]());
      const t = TRANSITIONS.get(type)!;
      const c = cell(state, t);
      const command = commandFor(type, a);
      let outcome: { state: AgrementState } | TransitionRefused;
      try {
        outcome = decide(a, command, TODAY).agrement;
      } catch (err) {
        if (err instanceof InvalidCommand) throw new Error(`${type} in ${state}: the walk's command is malformed: ${err.message}`);
        if (!(err instanceof TransitionRefused)) throw err;
        outcome = err;
      }
      if (!c.allowed) {
        expect(outcome).toBeInstanceOf(TransitionRefused);
        expect((outcome as TransitionRefused).ruleId).toBe(c.ruleId);
      } else if (outcome instanceof TransitionRefused) {
        // An allowed command refused by one of its guards, naming the guard's rule.
        expect(t.guards.map((g) => g.ruleId)).toContain(outcome.ruleId);
      } else {
        expect(c.next).toContain(outcome.state);
      }
    });
  });
});
