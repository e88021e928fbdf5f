import { PARAMETERS } from '../../config/parameters';
import { WHAT_IF_EVENT_TYPES } from '../simulation/scenario';

/** POST /agrements/{id}/what-if: the body as OpenAPI documents it (scenario.ts `parseWhatIf` validates it, naming the field). */
export const WHAT_IF_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['until'],
  properties: {
    events: {
      type: 'array',
      description:
        "Hypothetical events, dated today or later in the agrément's time zone and not after `until`; given in any order, sorted by date (same-day events keep the order given)",
      items: {
        type: 'object',
        required: ['on', 'type'],
        properties: {
          on: { type: 'string', format: 'date' },
          type: { type: 'string', enum: WHAT_IF_EVENT_TYPES },
          years: { type: 'integer', minimum: 1, maximum: 3, description: 'renewal.accepted (AGR-3)' },
          candidates: { type: 'integer', minimum: 0, description: 'sessions.finalised: required (QUO-3)' },
          reason: { type: 'string' },
          evidence: { type: 'string' },
          effectiveOn: { type: 'string', format: 'date', description: 'cahier.substantial-change (AGR-5)' },
          summary: { type: 'string' },
        },
      },
    },
    until: {
      type: 'string',
      format: 'date',
      description: `Last day of the timeline, today to ${PARAMETERS.simulation.whatIfHorizonYears} years ahead`,
    },
    confirmProposals: { type: 'boolean', description: 'The legal team confirms each termination proposal the day it is made (BRE-4)' },
  },
  example: {
    events: [{ on: '2026-12-01', type: 'breach.notified', reason: 'surveillance insuffisante' }],
    until: '2027-03-31',
    confirmProposals: true,
  },
} as const;

export const WHAT_IF_DESCRIPTION = [
  "Simulates the agrément's future from its current state (read from its workflow) with the clock at now in its centre's time zone:",
  'the production agrément workflow runs on the time-skipping test server with the hypothetical events, its activities only record',
  '(no database write, no e-mail, nothing sent to the real workflow).',
  'Answers the dated timeline, sorted by time: `{ on, at, kind: state | deadline | proposal | email, name, rule }`, with `to` for an e-mail,',
  'and for each deadline (once) its `outcome` from the ledger — `met`, `missed`, `reached`, `cancelled`, `superseded` (with `supersededByOn`) or `pending` —',
  'with `outcomeOn` and `outcomeBy` (the events that met, followed, cancelled or superseded it).',
  'E.g. a suspended centre, `breach.notified` today: the cure-due deadline (BRE-2: 30 days less the days suspended) and the termination proposed the day after (BRE-4).',
  '400 names the field (`until`, `events[i].on`, `events[i].type`…); 409 names the rule when the agrément has ended or an event is refused.',
].join(' ');
