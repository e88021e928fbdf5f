import { allHandlersFinished, ApplicationFailure, condition, patched, proxyActivities, setHandler, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { agrementWorkflow } from '../../agrement/workflows/agrement.workflow';
import { agrementWorkflowId, type AgrementWorkflowInput } from '../../agrement/workflows/definitions';
import type { ApplicationActivities } from '../activities/application.activities';
import type { EmailActivities } from '../../mail/activities/email.activities';
import type { Piece } from '../domain/application';
import { centreTimeZone } from '../../shared/domain/centre-time-zone';
import { PARAMETERS } from '../../config/parameters';
import { dateIn } from '../../shared/domain/zoned-time';
import {
  decide,
  isFinal,
  openProcedure,
  type Procedure,
  type ProcedureCommand,
  requireReferentCount,
  type Transition,
} from '../domain/procedure';
import { isRunning, netElapsedMs, procedureDeadline } from '../domain/procedure-clock';
import { acknowledgement, type Notification, notificationFor } from '../domain/notifications';
import { MS_PER_DAY } from '../../shared/domain/dates';
import {
  type ApplicationSnapshot,
  type ApplicationWorkflowInput,
  applicationStateQuery,
  type Attribution,
  decideAdmissibilityUpdate,
  grantAgrementUpdate,
  issueAttestationUpdate,
  receiveAdhesionFormUpdate,
  recordConformityVisitUpdate,
  recordReferentTrainedUpdate,
  requireConformityVisitUpdate,
  submitPiecesUpdate,
} from './definitions';
import { EMAIL_ACTIVITY, RECORD_ACTIVITY } from '../../shared/workflows/activity-options';
import { orFailure } from '../../shared/workflows/shared/domain-failure';
import { serialQueue } from '../../shared/workflows/shared/serial';

const { registerApplication, recordPiecesAndEvaluate, recordTransition } = proxyActivities<ApplicationActivities>(RECORD_ACTIVITY);
const { sendEmail } = proxyActivities<EmailActivities>(EMAIL_ACTIVITY);

const SYSTEM: Attribution = { actor: 'system', reason: null };

/**
 * One agrément application, from receipt to the attestation (APP-1..8).
 * Pix's decisions arrive as updates, validated against the procedure's state machine
 * before they touch history; the workflow keeps the APP-7 clock and flags the
 * application to operations when Pix has held it for 2 months net.
 */
export async function applicationWorkflow(input: ApplicationWorkflowInput): Promise<ApplicationSnapshot> {
  const { applicationId, data } = input;
  // APP-7: the clock runs while admissible (Pix owes the training offer or the visit): this adds a timer
  // there, so histories recorded before the patch replay with the clock stopped, as they ran.
  const pixOwesWhileAdmissible = patched(APP7_ADMISSIBLE_PATCH);
  let procedure: Procedure = openProcedure({
    applicationId,
    kind: data.kind,
    foreign: data.organisation.foreign,
    receivedAt: new Date(input.receivedAt),
    legacyAdmissibleWait: !pixOwesWhileAdmissible,
  });

  const snapshot = (): ApplicationSnapshot => {
    const now = new Date();
    return {
      ...procedure,
      netElapsedDays: Math.floor(netElapsedMs(procedure.clock, now) / MS_PER_DAY),
      procedureDeadline: procedure.clock.stoppedAt ? null : procedureDeadline(procedure.clock, now).toISOString(),
      asOf: now.toISOString(),
    };
  };

  let opened = false;
  // Updates run one at a time, so each is decided against the state the previous one left.
  const serially = serialQueue();

  const notify = async (n: Notification, seq: number) => {
    await sendEmail({
      key: `application:${applicationId}:${seq}:${n.template}`,
      to: n.audience === 'operations' ? null : data.organisation.email,
      audience: n.audience,
      template: n.template,
      data: n.data,
    });
  };

  /** Decides, records the transition in the read model, then sends its e-mails. */
  const apply = async (command: ProcedureCommand, by: Attribution): Promise<ApplicationSnapshot> => {
    const now = new Date();
    const t: Transition = decideOrFail(procedure, command, now);
    procedure = t.procedure;
    await recordTransition({
      procedure,
      events: t.events,
      actor: by.actor,
      reason: by.reason ?? null,
      at: now.toISOString(),
    });
    const firstSeq = procedure.version - t.events.length + 1;
    const snap = snapshot();
    for (const [i, event] of t.events.entries()) {
      const n = notificationFor(
        event,
        { applicationId, data, procedure },
        {
          netElapsedDays: snap.netElapsedDays,
          deadline: snap.procedureDeadline,
        },
      );
      if (n) await notify(n, firstSeq + i);
    }
    return snap;
  };

  /** Validators run before an update is accepted: a refused command leaves no trace in history. */
  const validate = (command: ProcedureCommand) => (by: Attribution) => {
    if (!by || typeof by.actor !== 'string' || by.actor.trim() === '') {
      throw ApplicationFailure.nonRetryable('actor is required', 'InvalidCommand', { field: 'actor' });
    }
    // Until the opening is recorded, the handler decides once it is its turn.
    if (opened) decideOrFail(procedure, command, new Date());
  };

  setHandler(applicationStateQuery, snapshot);

  setHandler(
    submitPiecesUpdate,
    (u) =>
      serially(async () => {
        // Check the state before storing anything, then evaluate DOC/ELIG on the whole dossier.
        decideOrFail(
          procedure,
          { type: 'pieces-submitted', verdict: placeholderVerdict, pieceTypes: u.pieces.map((p) => p.type) },
          new Date(),
        );
        const verdict = await recordPiecesAndEvaluate({
          applicationId,
          pieces: u.pieces,
          today: dateIn(new Date(), PARAMETERS.agrement.timeZone),
        }); // DOC-*: validity judged on the date in France, not UTC
        return apply({ type: 'pieces-submitted', verdict, pieceTypes: u.pieces.map((p) => p.type) }, u);
      }),
    {
      validator: (u) => {
        if (!Array.isArray(u?.pieces))
          throw ApplicationFailure.nonRetryable('pieces must be a list', 'InvalidCommand', { field: 'pieces' });
        validate({ type: 'pieces-submitted', verdict: placeholderVerdict, pieceTypes: u.pieces.map((p: Piece) => p.type) })(u);
      },
    },
  );
  setHandler(decideAdmissibilityUpdate, (u) => serially(() => apply(admissibilityCommand(u), u)), {
    validator: (u) => validate(admissibilityCommand(u))(u),
  });
  setHandler(requireConformityVisitUpdate, (u) => serially(() => apply({ type: 'conformity-visit-required' }, u)), {
    validator: validate({ type: 'conformity-visit-required' }),
  });
  const visitCommand = (u: { on: string; costEur: number; compliant: boolean }): ProcedureCommand => ({
    type: 'conformity-visit-done',
    on: u?.on,
    costEur: u?.costEur,
    compliant: u?.compliant === true,
  });
  setHandler(recordConformityVisitUpdate, (u) => serially(() => apply(visitCommand(u), u)), {
    validator: (u) => validate(visitCommand(u))(u),
  });
  setHandler(recordReferentTrainedUpdate, (u) => serially(() => apply({ type: 'referent-trained', on: u.on }, u)), {
    validator: (u) => validate({ type: 'referent-trained', on: u?.on })(u),
  });
  setHandler(
    grantAgrementUpdate,
    (u) => serially(() => apply({ type: 'agrement-granted', years: u.years, referentCount: u.referentCount }, u)),
    {
      validator: (u) => {
        // REF-1: a network's grant states its number of référents (validators do not run when a recorded grant replays).
        orFailure(() => requireReferentCount(procedure.kind, u?.referentCount));
        validate({ type: 'agrement-granted', years: u?.years, referentCount: u?.referentCount })(u);
      },
    },
  );
  setHandler(receiveAdhesionFormUpdate, (u) => serially(() => apply({ type: 'adhesion-form-received', on: u.on }, u)), {
    validator: (u) => validate({ type: 'adhesion-form-received', on: u?.on })(u),
  });
  setHandler(issueAttestationUpdate, (u) => serially(() => apply({ type: 'attestation-issued', receivedOn: u.receivedOn }, u)), {
    validator: (u) => validate({ type: 'attestation-issued', receivedOn: u?.receivedOn })(u),
  });

  // Opening: the read model (idempotent), the first DOC/ELIG evaluation, the acknowledgement (APP-1).
  // Decisions that arrive meanwhile queue behind it (their validators cannot judge them before).
  await serially(async () => {
    await registerApplication({
      applicationId,
      organisationId: input.organisationId,
      memberIds: input.memberIds,
      data,
      receivedAt: input.receivedAt,
      actor: input.actor,
    });
    const verdict = await recordPiecesAndEvaluate({
      applicationId,
      pieces: [],
      today: dateIn(new Date(input.receivedAt), PARAMETERS.agrement.timeZone),
    });
    procedure = { ...procedure, dossier: verdict };
    await recordTransition({ procedure, events: [], actor: input.actor, reason: null, at: input.receivedAt });
    await notify(acknowledgement({ applicationId, data, procedure }), 0);
    opened = true;
  });

  // APP-7: while Pix holds the file, wait for the next decision or the net 2-month deadline.
  while (!isFinal(procedure.state)) {
    const version = procedure.version;
    if (isRunning(procedure.clock) && !procedure.overdueFlaggedAt) {
      const remaining = procedureDeadline(procedure.clock, new Date()).getTime() - Date.now();
      // APP-7: a deadline already past (a file received over 2 months ago) is flagged now, with no timer (OVERDUE_AT_ONCE).
      const flagged =
        remaining <= 0 &&
        patched(OVERDUE_AT_ONCE) &&
        (await serially(async () => {
          if (procedure.version === version) await apply({ type: 'procedure-overdue' }, SYSTEM);
          return procedure.version !== version;
        }));
      const decided = flagged || (await condition(() => procedure.version !== version, Math.max(remaining, 1)));
      if (!decided) {
        await serially(async () => {
          // A decision may have been queued at the same instant: only flag what is still overdue.
          if (procedure.version === version) await apply({ type: 'procedure-overdue' }, SYSTEM);
        });
      }
    } else {
      await condition(() => procedure.version !== version);
    }
  }
  await condition(allHandlersFinished);
  if (procedure.state === 'attestation-issued' && patched(START_AGREMENT_PATCH)) await startAgrement(input, procedure);
  return snapshot();
}

/**
 * APP-7: a net deadline already past when the workflow looks is flagged at once, not through a 1 ms timer (one that
 * fires while a decision's workflow task runs cannot be cancelled on the time-skipping server, sdk-java #3088).
 */
export const OVERDUE_AT_ONCE = 'app7-overdue-at-once';

/** APP-7: the clock no longer stops while the application is admissible (see applicationWorkflow). */
export const APP7_ADMISSIBLE_PATCH = 'app7-clock-runs-while-admissible';

/**
 * Shipped to running applications with a patch: histories recorded before it replay without the
 * child start (see README, "Changing a running workflow"); new runs hand over to the agrément.
 */
export const START_AGREMENT_PATCH = 'start-agrement-on-attestation';

/** APP-6: the convention enters into force on the receipt of the attestation: the agrément's own workflow takes over. */
async function startAgrement(input: ApplicationWorkflowInput, p: Procedure): Promise<void> {
  const { data } = input;
  const start: AgrementWorkflowInput = {
    start: {
      agrementId: input.organisationId,
      organisationId: input.organisationId,
      organisationName: data.organisation.name,
      email: data.organisation.email,
      kind: data.kind === 'network' ? 'network' : 'centre',
      foreign: data.organisation.foreign,
      // Every date of the agrément is a date at the centre's seat.
      timeZone: centreTimeZone(data.organisation),
      startOn: p.attestationReceivedOn!,
      years: p.grantedYears!,
      referent: {
        name: data.referent.name,
        email: data.referent.email,
        trainedOn: p.referentTrainedOn,
        recognisedQualifications: data.referent.recognisedQualifications === true,
      },
      // REF-1: the number of référents agreed at the grant; ELIG-4: the network's members as its convention lists them.
      referentCount: p.grantedReferentCount ?? 1,
      ...(data.kind === 'network' && data.network
        ? {
            network: {
              type: data.network.type,
              departmentsCommitted: data.network.departmentsCovered ?? [],
              members: data.network.members.map((m, i) => ({
                organisationId: input.memberIds[i]!,
                name: m.name,
                category: m.category,
                department: m.department ?? null,
              })),
            },
          }
        : {}),
    },
  };
  try {
    // By type name: the agrément context's workflow code stays its own (same command as before).
    await startChild<typeof agrementWorkflow>('agrementWorkflow', {
      workflowId: agrementWorkflowId(input.organisationId),
      args: [start],
      // The agrément outlives the application procedure.
      parentClosePolicy: 'ABANDON',
    });
  } catch (err) {
    // Already running (e.g. a renewal of the same centre): the existing workflow stays in charge.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

const placeholderVerdict = { complete: true, eligible: true, missingPieces: [], failures: [] };

function admissibilityCommand(u: {
  decision: string;
  conformityVisitRequired?: boolean;
  missingPieces?: unknown;
  reasons?: unknown;
}): ProcedureCommand {
  switch (u?.decision) {
    case 'admissible':
      return { type: 'admissibility-decided', decision: 'admissible', conformityVisitRequired: u.conformityVisitRequired === true };
    case 'incomplete':
      return { type: 'admissibility-decided', decision: 'incomplete', missingPieces: (u.missingPieces as never) ?? undefined };
    case 'rejected':
      return { type: 'admissibility-decided', decision: 'rejected', reasons: Array.isArray(u.reasons) ? (u.reasons as string[]) : [] };
    default:
      throw ApplicationFailure.nonRetryable('decision must be admissible, incomplete or rejected', 'InvalidCommand', {
        field: 'decision',
      });
  }
}

/** Domain errors become non-retryable failures that keep their name and details for the API. */
function decideOrFail(p: Procedure, command: ProcedureCommand, now: Date): Transition {
  return orFailure(() => decide(p, command, now));
}
