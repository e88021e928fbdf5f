import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { PARAMETERS } from '../../config/parameters';
import {
  type Agrement,
  type AgrementCommand,
  decide,
  decideSessionsFinalised,
  type Deadline,
  type Decision,
  isEnded,
  openAgrement,
  pendingDeadlines,
  sessionBlocker,
  upgradeAgrement,
  withContributionWarnings,
  withoutContributionWarnings,
} from '../domain/agrement';
import { type AffectingEvent, affectingEventOn, isAffectingEvent } from '../domain/affected-sessions';
import { emailsFor } from '../domain/notifications';
import { dateIn, endOfDay, startOfDay } from '../../shared/domain/zoned-time';
import { EMAIL_ACTIVITY, RECORD_ACTIVITY, RECORD_LOCAL_ACTIVITY } from '../../shared/workflows/activity-options';
import { agrementWorkflowV1 } from './agrement-v1';
import {
  agrementActionUpdate,
  type AgrementActionInput,
  type AgrementSnapshot,
  agrementStateQuery,
  type AgrementWorkflowActivities,
  type AgrementWorkflowInput,
  type DatedDeadline,
  type SessionFinalised,
  sessionFinalisedSignal,
  sessionsFinalisedSignal,
} from './definitions';
import { orFailure } from '../../shared/workflows/shared/domain-failure';
import { serialQueue } from '../../shared/workflows/shared/serial';

const { recordAgrement, makeAmountsPayableNow, liftAmountsPayableNow } = proxyActivities<AgrementWorkflowActivities>(RECORD_ACTIVITY);
const { sendEmail, notifyAffectedSessions } = proxyActivities<AgrementWorkflowActivities>(EMAIL_ACTIVITY);
const { recordAgrement: recordAgrementInTask } = proxyLocalActivities<AgrementWorkflowActivities>(RECORD_LOCAL_ACTIVITY);
/** SUS-3, TER-5: a suspension or an end makes every amount owed to Pix payable at once. */
const PAYABLE_AT_ONCE: Record<string, 'SUS-3' | 'TER-5'> = { suspended: 'SUS-3', terminated: 'TER-5', expired: 'TER-5' };

/** Issue 11: an e-mail that fails for good is listed for operations (attention list) without failing the decision. */
export const EMAIL_FAILURE_LISTED = 'email-failure-listed';
/** SUS-4: a lifted suspension ends SUS-3's "payable at once" for the statements prepared from then on. */
export const SUSPENSION_LIFT_ENDS_PAYABILITY = 'sus4-lift-payability';
/**
 * SES-9, SUS-2, SUS-6, TER-3, TER-5, AGR-4, BRE-1: after a suspension, force majeure, a formal notice, a
 * termination notice or the end, the planned sessions this affects are recorded and the centre is told which.
 *
 * A separate activity after the state change and its e-mails, rather than the list added to the suspension or
 * termination letters: the letters stay what they are (their data and templates unchanged, old histories
 * replay) and are sent before it, so reading or sending the list never holds them up (a transient failure is
 * retried like any e-mail, a permanent one — data a template refuses — is caught and logged below); the list is
 * read from the database in one place (idempotent: the log by key, the e-mails through the outbox);
 * and a network's member centres (SUS-6) each receive their own sessions, which the letter to the
 * coordinating organisation could not give them.
 */
export const AFFECTED_SESSIONS_NOTICE = 'affected-sessions-notice';
/** Model 2: the transition table (src/agrement/domain/transitions.ts), per-centre time zones, the deadline ledger. */
export const AGREMENT_MODEL_2 = 'agrement-model-2';
/** REF-4: the warning before each agrément year's end adds a timer: runs begun before it keep their recorded timers. */
export const REF4_CONTRIBUTION_WARNING = 'ref4-contribution-warning';
/**
 * Deadlines already past when the workflow looks (an agrément started from an attestation received months ago, a
 * worker back after a pause) are decided in one decision, one write, in their order, instead of a timer, a write and
 * its e-mails each: the same events, ledger and e-mails, without a round trip per deadline.
 */
export const PAST_DEADLINES_AT_ONCE = 'past-deadlines-at-once';
/**
 * Issue 15: a decision is recorded by a local activity, inside the workflow task that decided it, as the session
 * workflows record theirs: the same write (idempotent by version and log keys), without the activity task's round
 * trips through the Temporal server (scheduled, dispatched, started, completed, then a second workflow task): at the
 * end of a bulk import, its 200 agréments record their QUO-3 counts in 2.3–3.2 s, were 3.5–3.7 (bench:import).
 * Histories recorded before it replay their activity tasks.
 */
export const RECORD_IN_WORKFLOW_TASK = 'record-in-workflow-task';
const SYSTEM = { actor: 'system', reason: null, evidence: null };

/** When a deadline's timer fires, in the centre's zone: at the start of its day, or once the day is over ("by" deadlines). */
function instantOf(d: Deadline, timeZone: string): Date {
  return d.boundary === 'on' ? startOfDay(d.on, timeZone) : endOfDay(d.on, timeZone);
}

/**
 * One agreed centre or network, from its attestation (APP-6) to its end. The workflow waits for the
 * soonest of its deadlines (renewal, badge, quota checkpoints, cure, visit answer, notices…) or for a
 * person's action, and lets the pure state machine decide what each means.
 */
export async function agrementWorkflow(input: AgrementWorkflowInput): Promise<Agrement> {
  // Runs started before model 2 replay the v1 model; a run continued as new from one is upgraded below.
  if ((input.state as { model?: number } | undefined)?.model !== 2 && !patched(AGREMENT_MODEL_2)) {
    return (await agrementWorkflowV1(input)) as unknown as Agrement;
  }
  const offset = input.clockOffsetMs ?? 0;
  const now = () => new Date(Date.now() + offset);
  let agrement: Agrement = input.state
    ? upgradeAgrement(input.state, dateIn(now(), input.state.timeZone ?? PARAMETERS.agrement.timeZone))
    : openAgrement(input.start);
  // REF-4: histories recorded before the contribution warning replay without it; a run continued as new takes it up.
  if (!patched(REF4_CONTRIBUTION_WARNING)) agrement = withoutContributionWarnings(agrement);
  else agrement = withContributionWarnings(agrement, dateIn(now(), agrement.timeZone));
  const id = agrement.agrementId;
  // Every date of this agrément is a date in its centre's zone.
  const today = () => dateIn(now(), agrement.timeZone);

  const snapshot = (): AgrementSnapshot => ({
    ...agrement,
    deadlines: pendingDeadlines(agrement).map((d): DatedDeadline => ({ ...d, at: instantOf(d, agrement.timeZone).toISOString() })),
    sessionBlocker: sessionBlocker(agrement),
    today: today(),
  });

  const serially = serialQueue();

  const apply = async (command: AgrementCommand, by: { actor: string; reason?: string | null; evidence?: string | null }) =>
    applyAll(decideOrFail(agrement, command, today()), by);

  /** Records a decision (one or several folded together) in one write, then sends the e-mails its events lead to. */
  const applyAll = async (d: Decision, by: { actor: string; reason?: string | null; evidence?: string | null }) => {
    if (d.events.length === 0) return snapshot();
    agrement = d.agrement;
    await (patched(RECORD_IN_WORKFLOW_TASK) ? recordAgrementInTask : recordAgrement)({
      agrement,
      events: d.events,
      deadlines: snapshot().deadlines,
      actor: by.actor,
      reason: by.reason ?? null,
      evidence: by.evidence ?? null,
      at: now().toISOString(),
    });
    for (const event of d.events) {
      const ruleId = PAYABLE_AT_ONCE[event.type];
      if (ruleId)
        await makeAmountsPayableNow({ organisationId: agrement.organisationId, on: String(event.data.since ?? event.data.on), ruleId });
      else if (event.type === 'suspension-lifted' && patched(SUSPENSION_LIFT_ENDS_PAYABILITY))
        await liftAmountsPayableNow({ organisationId: agrement.organisationId });
    }
    const firstSeq = agrement.version - d.events.length + 1;
    for (const [i, event] of d.events.entries()) {
      for (const email of emailsFor(event, agrement)) {
        try {
          await sendEmail({
            key: `agrement:${id}:${firstSeq + i}:${email.template}:${email.audience}`,
            to: email.audience === 'centre' ? agrement.email : null,
            audience: email.audience,
            template: email.template,
            data: email.data,
          });
        } catch (err) {
          // Issue 11: the decision is recorded; a letter that cannot be queued (its data refused: non-retryable) is on
          // the needs-attention list, and neither fails the person's action nor stops the agrément's clocks.
          if (!patched(EMAIL_FAILURE_LISTED)) throw err;
          log.error('e-mail not queued: listed for operations', {
            template: email.template,
            error: err instanceof Error ? err.message : String(err),
          });
        }
      }
    }
    // The last event of the decision that blocks or endangers planned sessions (one notice per decision).
    const affecting = [...d.events.entries()].reverse().find(([, e]) => isAffectingEvent(e.type));
    if (affecting && patched(AFFECTED_SESSIONS_NOTICE)) {
      const [i, event] = affecting;
      const type = event.type as AffectingEvent;
      await notifyAffectedSessions({
        key: `agrement:${id}:${firstSeq + i}:planned-sessions-affected`,
        // What sessionBlocker reads; the quota's session ids, the ledger and the handled keys may be long and are not needed.
        agrement: { ...agrement, quota: { ...agrement.quota, sessionIds: [] }, ledger: [], handled: [] },
        event: { type, on: affectingEventOn(type, event.data) ?? today() },
        at: now().toISOString(),
      }).catch((err: unknown) =>
        log.warn('planned sessions affected: notice not sent', { event: type, error: err instanceof Error ? err.message : String(err) }),
      );
    }
    return snapshot();
  };

  // The opening: the read model learns of the agrément (idempotent by its version). Queued before the
  // handlers exist, so a signal or update delivered with the first activation is recorded after it.
  const opening = input.state
    ? Promise.resolve()
    : serially(() =>
        recordAgrement({
          agrement,
          events: [
            {
              type: 'agrement-started',
              ruleIds: ['APP-6', 'AGR-1'],
              from: 'active',
              to: 'active',
              data: { startOn: agrement.startOn, termOn: agrement.termOn, timeZone: agrement.timeZone },
            },
          ],
          deadlines: snapshot().deadlines,
          actor: 'system',
          reason: null,
          evidence: null,
          at: now().toISOString(),
          opening: true,
        }),
      );

  setHandler(agrementStateQuery, snapshot);
  // QUO-3: sessions report themselves; a report the state machine refuses is logged, never fatal (signals cannot be refused).
  setHandler(sessionFinalisedSignal, (s: SessionFinalised) => {
    void serially(() => apply({ type: 'sessions-finalised', ...s }, { actor: 'Pix Certif (session workflow)' })).catch((err: unknown) =>
      log.warn('finalised session not counted', { sessionId: s?.sessionId, error: err instanceof Error ? err.message : String(err) }),
    );
  });
  // QUO-3 in bulk: the sessions are decided one by one (refusals logged, duplicates ignored) and recorded in one write.
  setHandler(sessionsFinalisedSignal, (list: SessionFinalised[]) => {
    void serially(async () => {
      const { decision, refused } = decideSessionsFinalised(agrement, Array.isArray(list) ? list : [], today());
      for (const r of refused)
        log.warn('finalised session not counted', {
          sessionId: r.sessionId,
          error: r.error instanceof Error ? r.error.message : String(r.error),
        });
      return applyAll(decision, { actor: 'Pix Certif (import)' });
    }).catch((err: unknown) => log.warn('finalised sessions not counted', { error: err instanceof Error ? err.message : String(err) }));
  });
  setHandler(agrementActionUpdate, (u: AgrementActionInput) => serially(() => apply(u.action, u)), {
    validator: (u: AgrementActionInput) => {
      if (!u || typeof u.actor !== 'string' || !u.actor.trim()) {
        throw ApplicationFailure.nonRetryable('actor is required', 'InvalidCommand', { field: 'actor' });
      }
      if (!u.action || (u.action as AgrementCommand).type === 'deadline-reached') {
        throw ApplicationFailure.nonRetryable('unknown action', 'InvalidCommand', { field: 'action' });
      }
      decideOrFail(agrement, u.action, today());
    },
  });

  await opening;

  const historyLimit = input.continueAsNewAfterEvents ?? PARAMETERS.agrement.historyEventsBeforeContinueAsNew;
  while (!isEnded(agrement)) {
    const version = agrement.version;
    const next = pendingDeadlines(agrement)[0];
    if (next) {
      const wait = instantOf(next, agrement.timeZone).getTime() - now().getTime();
      // Every deadline already past, decided at once (PAST_DEADLINES_AT_ONCE); false: none gave an event (the timer path).
      const caughtUp =
        wait <= 0 &&
        patched(PAST_DEADLINES_AT_ONCE) &&
        (await serially(async () => {
          if (agrement.version !== version) return true;
          const reached = pastDeadlines(agrement, now(), today());
          if (reached.events.length === 0) return false;
          await applyAll(reached, SYSTEM);
          return true;
        }));
      const acted = caughtUp || (await condition(() => agrement.version !== version, Math.max(wait, 1)));
      if (!acted) {
        await serially(async () => {
          // Only if nothing moved it meanwhile: the deadline is re-read against the current agrément.
          if (agrement.version === version) await apply({ type: 'deadline-reached', key: next.key, on: today() }, SYSTEM);
        });
      }
    } else {
      await condition(() => agrement.version !== version);
    }
    if (!isEnded(agrement) && (workflowInfo().historyLength > historyLimit || workflowInfo().continueAsNewSuggested)) {
      // Long-lived: start afresh with the whole agrément once pending updates are done.
      await condition(allHandlersFinished);
      await continueAsNew<typeof agrementWorkflow>({ ...input, state: agrement });
    }
  }
  await condition(allHandlersFinished);
  return agrement;
}

/** The deadlines past at `at`, each decided in turn on what the previous left: one decision (PAST_DEADLINES_AT_ONCE). */
function pastDeadlines(a: Agrement, at: Date, today: string): Decision {
  let current = a;
  const events: Decision['events'] = [];
  for (;;) {
    const d = pendingDeadlines(current)[0];
    if (!d || isEnded(current) || instantOf(d, current.timeZone).getTime() > at.getTime()) break;
    const step = decideOrFail(current, { type: 'deadline-reached', key: d.key, on: today }, today);
    if (step.events.length === 0) break;
    current = step.agrement;
    events.push(...step.events);
  }
  return { agrement: current, events };
}

function decideOrFail(a: Agrement, command: AgrementCommand, today: string): Decision {
  return orFailure(() => decide(a, command, today));
}
