import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { AgrementActivities } from '../activities/agrement.activities';
import type { EmailActivities } from '../../mail/activities/email.activities';
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
} from '../domain/legacy/agrement-v1';
import { DomainError } from '../../shared/domain/errors';
import { dateIn, endOfDay, startOfDay } from '../../shared/domain/zoned-time';
import {
  agrementActionUpdate,
  type AgrementActionInput,
  agrementStateQuery,
  type AgrementWorkflowInput,
  type SessionFinalised,
  sessionFinalisedSignal,
  sessionsFinalisedSignal,
} from './definitions';

type DatedDeadline = Deadline & { at: string };
type AgrementSnapshot = Agrement & { deadlines: DatedDeadline[]; sessionBlocker: { ruleId: string; reason: string } | null; today: string };
import { EMAIL_ACTIVITY, RECORD_ACTIVITY } from '../../shared/workflows/activity-options';

const { recordAgrement } = proxyActivities<AgrementActivities>(RECORD_ACTIVITY);
const { sendEmail } = proxyActivities<EmailActivities>(EMAIL_ACTIVITY);

const TZ = PARAMETERS.agrement.timeZone;
const SYSTEM = { actor: 'system', reason: null, evidence: null };

/** When a deadline's timer fires: at the start of its day, or once the day is over ("by" deadlines). */
function instantOf(d: Deadline): Date {
  return d.boundary === 'on' ? startOfDay(d.on, TZ) : endOfDay(d.on, TZ);
}

/**
 * The agrément workflow of model 1 (before the transition table), kept unchanged so that runs started
 * before it replay deterministically (`patched('agrement-model-2')` is false for them); they move to
 * model 2 at their next continue-as-new. Remove once no such run is open.
 */
export async function agrementWorkflowV1(input: AgrementWorkflowInput): Promise<Agrement> {
  const offset = input.clockOffsetMs ?? 0;
  const now = () => new Date(Date.now() + offset);
  const today = () => dateIn(now(), TZ);
  let agrement: Agrement = (input.state as unknown as Agrement | undefined) ?? openAgrement(input.start);
  const id = agrement.agrementId;

  const snapshot = (): AgrementSnapshot => ({
    ...agrement,
    deadlines: pendingDeadlines(agrement).map((d): DatedDeadline => ({ ...d, at: instantOf(d).toISOString() })),
    sessionBlocker: sessionBlocker(agrement),
    today: today(),
  });

  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const apply = async (command: AgrementCommand, by: { actor: string; reason?: string | null; evidence?: string | null }) =>
    applyAll(decideOrFail(agrement, command, today()), by);

  /** Records a decision (one or several folded together) in one write, then sends its e-mails. */
  const applyAll = async (d: Decision, by: { actor: string; reason?: string | null; evidence?: string | null }) => {
    if (d.events.length === 0) return snapshot();
    agrement = d.agrement;
    const at = now().toISOString();
    await recordAgrement({
      agrement: agrement as never,
      events: d.events as never,
      deadlines: snapshot().deadlines,
      actor: by.actor,
      reason: by.reason ?? null,
      evidence: by.evidence ?? null,
      at,
    });
    const firstSeq = agrement.version - d.events.length + 1;
    for (const [i, event] of d.events.entries()) {
      for (const email of event.emails) {
        await sendEmail({
          key: `agrement:${id}:${firstSeq + i}:${email.template}:${email.audience}`,
          to: email.audience === 'centre' ? agrement.email : null,
          audience: email.audience,
          template: email.template,
          data: email.data,
        });
      }
    }
    return snapshot();
  };

  // The opening: the read model learns of the agrément (idempotent by its version). Queued before the
  // handlers exist, so a signal or update delivered with the first activation is recorded after it.
  const opening = input.state
    ? Promise.resolve()
    : serially(() =>
        recordAgrement({
          agrement: agrement as never,
          events: [
            {
              type: 'agrement-started',
              ruleIds: ['APP-6', 'AGR-1'],
              from: 'active',
              to: 'active',
              data: { startOn: agrement.startOn, termOn: agrement.termOn },
              emails: [],
            },
          ] as never,
          deadlines: snapshot().deadlines,
          actor: 'system',
          reason: null,
          evidence: null,
          at: now().toISOString(),
          opening: true,
        }),
      );

  setHandler(agrementStateQuery, snapshot as never);
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
  setHandler(agrementActionUpdate, (u: AgrementActionInput) => serially(() => apply(u.action as AgrementCommand, u)) as never, {
    validator: (u: AgrementActionInput) => {
      if (!u || typeof u.actor !== 'string' || !u.actor.trim()) {
        throw ApplicationFailure.nonRetryable('actor is required', 'InvalidCommand', { field: 'actor' });
      }
      if (!u.action || (u.action as AgrementCommand).type === 'deadline-reached') {
        throw ApplicationFailure.nonRetryable('unknown action', 'InvalidCommand', { field: 'action' });
      }
      decideOrFail(agrement, u.action as AgrementCommand, today());
    },
  });

  await opening;

  const historyLimit = input.continueAsNewAfterEvents ?? PARAMETERS.agrement.historyEventsBeforeContinueAsNew;
  while (!isEnded(agrement)) {
    const version = agrement.version;
    const next = pendingDeadlines(agrement)[0];
    if (next) {
      const wait = instantOf(next).getTime() - now().getTime();
      const acted = await condition(() => agrement.version !== version, Math.max(wait, 1));
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
      await continueAsNew<(i: AgrementWorkflowInput) => Promise<unknown>>({ ...input, state: agrement as never });
    }
  }
  await condition(allHandlersFinished);
  return agrement;
}

function decideOrFail(a: Agrement, command: AgrementCommand, today: string): Decision {
  try {
    return decide(a, command, today);
  } catch (err) {
    if (err instanceof DomainError) throw ApplicationFailure.nonRetryable(err.message, err.name, err.details);
    throw err;
  }
}
