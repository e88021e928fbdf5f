import type { Action } from '../../access/domain/permissions';
import type { AgrementAction } from '../workflows/definitions';

/**
 * The actions people take on an agrément, as data: the route name, the permission it needs, the JSON
 * schema of its body (validation and OpenAPI), and how the body becomes a command of the state machine.
 * `on` (a legal act may carry the day its letter was sent: never in the future) defaults to today in the centre's zone;
 * the centre's own requests carry no `on`: they are dated when Pix receives them.
 */
const isoDate = { type: 'string', format: 'date' } as const;
const text = (max = 2000) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const reason = { ...text(), description: 'Why: recorded in the event log' } as const;
const evidence = { ...text(5000), description: 'Evidence: recorded in the event log' } as const;
/** REF-1: which of a network's référents the action concerns (required when it has several). */
const referentEmail = {
  type: 'string',
  format: 'email',
  description: 'REF-1: the référent concerned, by e-mail (required when a network has several)',
} as const;

/** The fields of the actions' bodies, typed as their schemas declare them. */
interface BodyFields {
  on: string;
  reason: string;
  evidence: string;
  letterSentOn: string;
  proposalId: string;
  years: number;
  accepted: boolean;
  effectiveOn: string;
  summary: string;
  name: string;
  email: string;
  cv: string;
  recognisedQualifications: boolean;
  referentEmail: string;
  days: number;
  count: number;
  sessionId: string;
  finalisedOn: string;
  sessionDate: string;
  candidates: number;
}
type Field = keyof BodyFields;

/** A body that passed its action's schema: the fields the schema requires (`R`) are there, the others may be missing. */
export type ActionBody<R extends Field = never> = Partial<BodyFields> & Pick<BodyFields, R>;

interface ActionSchema<R extends Field = Field> {
  type: 'object';
  additionalProperties: false;
  required?: readonly R[];
  properties: Record<string, unknown>;
}

export interface ActionSpec {
  permission: Action;
  summary: string;
  schema: ActionSchema;
  /** The command of a body that passed `schema`. */
  toAction(body: ActionBody, today: string, params: { proposalId?: string }): AgrementAction;
}

/** Declares an action whose `toAction` reads the fields its schema requires as present (the body is validated first). */
const action = <const R extends Field = never>(spec: {
  permission: Action;
  summary: string;
  schema: ActionSchema<R>;
  toAction(body: ActionBody<R>, today: string, params: { proposalId?: string }): AgrementAction;
}): ActionSpec => spec;

const body = <const R extends Field>(required: readonly R[], properties: Record<string, unknown>) =>
  ({ type: 'object', additionalProperties: false, required, properties: { ...properties, evidence } }) as const;

export const AGREMENT_ACTIONS: Record<string, ActionSpec> = {
  suspend: action({
    permission: 'agrement.suspend',
    summary: 'Suspend with immediate effect (SUS-1): no sessions, no registrations (SUS-2); sums payable (SUS-3)',
    schema: body(['reason'], { reason, on: isoDate }),
    toAction: (b, today) => ({ type: 'suspended', on: b.on ?? today, reason: b.reason }),
  }),
  'lift-suspension': action({
    permission: 'agrement.lift-suspension',
    summary: 'Lift the suspension (SUS-4)',
    schema: body(['reason'], { reason, on: isoDate }),
    toAction: (b, today) => ({ type: 'suspension-lifted', on: b.on ?? today }),
  }),
  'notify-breach': action({
    permission: 'agrement.notify-breach',
    summary: 'Record a formal notice sent by registered letter: 30 days to cure, less days already suspended (BRE-1, BRE-2)',
    schema: body(['reason', 'letterSentOn'], { reason, letterSentOn: { ...isoDate, description: 'Date the registered letter was sent' } }),
    toAction: (b) => ({ type: 'breach-notified', letterSentOn: b.letterSentOn, reason: b.reason }),
  }),
  'record-cure': action({
    permission: 'agrement.record-cure',
    summary: 'Record the cure of a breach, with its evidence: closes the procedure (BRE-3)',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['reason', 'evidence'],
      properties: { reason, evidence, on: isoDate },
    },
    toAction: (b, today) => ({ type: 'breach-cured', on: b.on ?? today, evidence: b.evidence }),
  }),
  'confirm-proposal': action({
    permission: 'agrement.confirm-termination',
    summary: "Confirm the engine's proposal (BRE-4: the engine proposes, a person decides)",
    schema: body(['reason', 'proposalId'], { reason, proposalId: text(200), on: isoDate }),
    toAction: (b, today) => ({ type: 'proposal-confirmed', on: b.on ?? today, proposalId: b.proposalId }),
  }),
  'decline-proposal': action({
    permission: 'agrement.confirm-termination',
    summary: "Decline the engine's proposal (BRE-4)",
    schema: body(['reason', 'proposalId'], { reason, proposalId: text(200), on: isoDate }),
    toAction: (b, today) => ({ type: 'proposal-declined', on: b.on ?? today, proposalId: b.proposalId }),
  }),
  'request-renewal': action({
    permission: 'agrement.request-renewal',
    summary: 'Request the renewal, at least 3 months before the term (AGR-2); dated when Pix receives it (no `on`)',
    schema: body([], { reason }),
    toAction: (_b, today) => ({ type: 'renewal-requested', on: today }),
  }),
  'accept-renewal': action({
    permission: 'agrement.accept-renewal',
    summary: 'Accept the renewal before the term, for the duration Pix states or the initial one (AGR-3)',
    schema: body([], { reason, on: isoDate, years: { type: 'integer', minimum: 1, maximum: 3 } }),
    toAction: (b, today) => ({ type: 'renewal-accepted', on: b.on ?? today, years: b.years }),
  }),
  'demand-visit': action({
    permission: 'agrement.demand-visit',
    summary: 'Demand a control visit at the centre’s cost: answer due within 1 month (SUS-5, VIS-3)',
    schema: body(['reason'], { reason, on: isoDate }),
    toAction: (b, today) => ({ type: 'visit-demanded', on: b.on ?? today }),
  }),
  'answer-visit': action({
    permission: 'agrement.answer-visit',
    summary: 'Answer the control-visit demand, dated when Pix receives it; a refusal leads to a termination proposal (SUS-5)',
    schema: body(['accepted'], { reason, accepted: { type: 'boolean' } }),
    toAction: (b, today) => ({ type: 'visit-answered', on: today, accepted: b.accepted }),
  }),
  'request-termination': action({
    permission: 'agrement.request-termination',
    summary:
      "The centre's termination for convenience, dated when Pix receives it: effective 30 days after notice (TER-1), or with the new cahier (AGR-5)",
    schema: body(['reason'], { reason }),
    toAction: (_b, today) => ({ type: 'termination-requested', on: today }),
  }),
  'start-force-majeure': action({
    permission: 'agrement.force-majeure',
    summary: 'Force majeure suspends the convention; still ongoing after 2 months it terminates it (TER-3)',
    schema: body(['reason'], { reason, on: isoDate }),
    toAction: (b, today) => ({ type: 'force-majeure-started', on: b.on ?? today }),
  }),
  'end-force-majeure': action({
    permission: 'agrement.force-majeure',
    summary: 'End of force majeure (TER-3)',
    schema: body(['reason'], { reason, on: isoDate }),
    toAction: (b, today) => ({ type: 'force-majeure-ended', on: b.on ?? today }),
  }),
  'notify-cahier-change': action({
    permission: 'agrement.cahier-change',
    summary: 'Notify a substantial change of the cahier: 1 month to apply it or terminate (AGR-5)',
    schema: body(['summary'], { reason, on: isoDate, effectiveOn: isoDate, summary: text(2000) }),
    toAction: (b, today) => ({ type: 'cahier-change-notified', on: b.on ?? today, effectiveOn: b.effectiveOn, summary: b.summary }),
  }),
  'change-referent': action({
    permission: 'agrement.record-referent',
    summary:
      "Change of référent (of one of a network's, named by referentEmail), notified in advance with the new référent's CV; the new one must be trained before any session (REF-5, REF-2, REF-1)",
    schema: body(['name', 'email', 'cv'], {
      reason,
      on: isoDate,
      effectiveOn: { ...isoDate, description: 'The day the new référent takes over (default: the notification day)' },
      name: text(200),
      email: { type: 'string', format: 'email' },
      cv: { ...text(500), description: "The new référent's CV (document reference), required by REF-5" },
      recognisedQualifications: { type: 'boolean' },
      referentEmail,
    }),
    toAction: (b, today) => ({
      type: 'referent-changed',
      on: b.on ?? today,
      effectiveOn: b.effectiveOn,
      name: b.name,
      email: b.email,
      cv: b.cv,
      recognisedQualifications: b.recognisedQualifications === true,
      ...(b.referentEmail ? { referentEmail: b.referentEmail } : {}),
    }),
  }),
  'record-referent-training': action({
    permission: 'agrement.record-referent',
    summary: "The référent (one of a network's, named by referentEmail) completed the Pix training (REF-2)",
    schema: body([], { reason, on: isoDate, referentEmail }),
    toAction: (b, today) => ({
      type: 'referent-trained',
      on: b.on ?? today,
      ...(b.referentEmail ? { referentEmail: b.referentEmail } : {}),
    }),
  }),
  'record-badge': action({
    permission: 'agrement.record-referent',
    summary: 'The référent (one of a network\'s, named by referentEmail) showed the "Référent Pix" badge (REF-3)',
    schema: body([], { reason, on: isoDate, referentEmail }),
    toAction: (b, today) => ({ type: 'badge-obtained', on: b.on ?? today, ...(b.referentEmail ? { referentEmail: b.referentEmail } : {}) }),
  }),
  'record-contribution': action({
    permission: 'agrement.record-referent',
    summary:
      "Days of the référent's (one of a network's, named by referentEmail) contribution to Pix activities on a date, counted in that agrément year (REF-4: 4 days a year)",
    schema: body(['days'], { reason, on: isoDate, days: { type: 'number', minimum: 0.5, maximum: 366 }, referentEmail }),
    // `year` for agrément workflows of model 1, which count by calendar year.
    toAction: (b, today) => ({
      type: 'referent-contribution',
      on: b.on ?? today,
      year: Number((b.on ?? today).slice(0, 4)),
      days: b.days,
      ...(b.referentEmail ? { referentEmail: b.referentEmail } : {}),
    }),
  }),
  'add-referent': action({
    permission: 'agrement.record-referent',
    summary:
      'A network designates one more référent, with their CV, within the number agreed in its convention (REF-1; a centre has one: 409 REF-1); trained before acting (REF-2)',
    schema: body(['name', 'email', 'cv'], {
      reason,
      on: isoDate,
      name: text(200),
      email: { type: 'string', format: 'email' },
      cv: { ...text(500), description: "The référent's CV (document reference)" },
      recognisedQualifications: { type: 'boolean' },
    }),
    toAction: (b, today) => ({
      type: 'referent-added',
      on: b.on ?? today,
      name: b.name,
      email: b.email,
      cv: b.cv,
      recognisedQualifications: b.recognisedQualifications === true,
    }),
  }),
  'remove-referent': action({
    permission: 'agrement.record-referent',
    summary: "One of a network's référents leaves without a successor (REF-1: the first is replaced by change-referent, never removed)",
    schema: body(['reason', 'referentEmail'], { reason, on: isoDate, referentEmail }),
    toAction: (b, today) => ({ type: 'referent-removed', on: b.on ?? today, referentEmail: b.referentEmail }),
  }),
  'revise-referent-count': action({
    permission: 'agrement.record-referent',
    summary: "Revise the number of référents agreed in a network's convention, with the number of its centres (REF-1, CdC §3.1.2)",
    schema: body(['reason', 'count'], {
      reason,
      on: isoDate,
      count: { type: 'integer', minimum: 1, maximum: 1000, description: 'The number of référents agreed' },
    }),
    toAction: (b, today) => ({ type: 'referent-count-revised', on: b.on ?? today, count: b.count }),
  }),
  'record-finalised-session': action({
    permission: 'agrement.record-sessions',
    summary: 'Candidates who sat a finalised session: counted once towards the quota (QUO-3)',
    schema: body(['sessionId', 'candidates'], {
      reason,
      sessionId: text(100),
      finalisedOn: isoDate,
      sessionDate: {
        ...isoDate,
        description: 'The day the session was held: QUO-1 counts sessions held within 3 years of the first grant',
      },
      candidates: { type: 'integer', minimum: 0, maximum: 10000 },
    }),
    toAction: (b, today) => ({
      type: 'sessions-finalised',
      sessionId: b.sessionId,
      finalisedOn: b.finalisedOn ?? today,
      ...(b.sessionDate ? { sessionDate: b.sessionDate } : {}),
      candidates: b.candidates,
    }),
  }),
  'request-labour-documents': action({
    permission: 'agrement.labour-documents',
    summary: 'Request labour-law documents: due within 15 days (TER-4)',
    schema: body(['reason'], { reason, on: isoDate }),
    toAction: (b, today) => ({ type: 'labour-documents-requested', on: b.on ?? today }),
  }),
  'record-labour-documents': action({
    permission: 'agrement.labour-documents',
    summary: 'Labour-law documents received (TER-4)',
    schema: body([], { reason, on: isoDate }),
    toAction: (b, today) => ({ type: 'labour-documents-received', on: b.on ?? today }),
  }),
};

export const AGREMENT_ACTION_NAMES = Object.keys(AGREMENT_ACTIONS);
