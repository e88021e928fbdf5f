import { PARAMETERS } from '../../config/parameters';
import type { ApplicationData, PieceType } from './application';
import type { ApplicationLetter } from './notification-templates';
import type { Procedure, ProcedureEvent } from './procedure';

/** French names of the dossier pieces, as the applicant reads them (DOC-1..4). */
export const PIECE_LABELS_FR: Record<PieceType, string> = {
  'adhesion-form': "Formulaire d'adhésion signé par un représentant légal",
  'referent-cv': 'CV du référent Pix',
  'reference-attestations': 'Attestations de références',
  'proof-of-legal-existence': "Justificatif d'existence légale de moins de 3 mois",
  'legal-status': 'Document précisant le statut juridique',
  'site-control-procedures': 'Procédures de contrôle interne des sites d’examen',
  'member-list': 'Liste des centres membres du réseau',
};

/**
 * An e-mail of the procedure: its template (stable within the application: with the event sequence it makes the
 * e-mail's idempotency key), its data, typed by the template's definition (notification-templates.ts), and to whom.
 */
export type Notification = ApplicationLetter & { audience: 'applicant' | 'operations' };

interface Context {
  applicationId: string;
  data: ApplicationData;
  procedure: Procedure;
}

function common(ctx: Context) {
  return {
    applicationId: ctx.applicationId,
    applicationReference: ctx.applicationId.slice(0, 8).toUpperCase(),
    organisationName: ctx.data.organisation.name,
    referentName: ctx.data.referent.name,
  };
}

export function acknowledgement(ctx: Context): Notification {
  return {
    template: 'application-acknowledged',
    audience: 'applicant',
    data: { ...common(ctx), submittedAt: ctx.procedure.clock.startedAt, procedureMonths: PARAMETERS.application.procedureMonths },
  };
}

/** Which e-mail, if any, an event of the procedure sends, and to whom. */
export function notificationFor(
  event: ProcedureEvent,
  ctx: Context,
  extra: { netElapsedDays?: number; deadline?: string | null } = {},
): Notification | null {
  const base = common(ctx);
  const p = ctx.procedure;
  switch (event.type) {
    case 'application-incomplete':
      return {
        template: 'application-incomplete',
        audience: 'applicant',
        data: {
          ...base,
          missingPieces: p.missingPieces.map((type) => ({ type, label: PIECE_LABELS_FR[type], reason: missingReason(type, p) })),
        },
      };
    case 'application-admissible':
      return {
        template: 'application-admissible',
        audience: 'applicant',
        data: {
          ...base,
          conformityVisitRequired: p.conformityVisit.required,
          conformityVisitCapEur: PARAMETERS.application.conformityVisitCapEur,
        },
      };
    case 'application-rejected':
      return {
        template: 'application-rejected',
        audience: 'applicant',
        data: {
          ...base,
          reasons: p.rejectionReasons,
          failures: (p.dossier?.failures ?? []).map(({ ruleId, message }) => ({ ruleId, message })),
        },
      };
    case 'agrement-granted':
      // APP-5, APP-6: the grant and the attestation's receipt set these before their events.
      return { template: 'agrement-granted', audience: 'applicant', data: { ...base, years: p.grantedYears! } };
    case 'attestation-issued':
      return {
        template: 'attestation-issued',
        audience: 'applicant',
        data: { ...base, receivedOn: p.attestationReceivedOn!, termOn: p.termOn!, years: p.grantedYears },
      };
    case 'procedure-overdue':
      return {
        template: 'application-overdue',
        audience: 'operations',
        data: {
          ...base,
          currentState: p.state,
          netElapsedDays: extra.netElapsedDays ?? 0,
          deadline: (extra.deadline ?? p.overdueFlaggedAt)!, // APP-7: flagged before this event
          submittedAt: p.clock.startedAt,
          pausedDays: Math.floor(p.clock.pausedMs / 86_400_000),
        },
      };
    default:
      return null;
  }
}

function missingReason(type: PieceType, p: Procedure): string {
  const failure = p.dossier?.failures.find((f) => f.ruleId.startsWith('DOC-') && f.check.includes(type));
  return failure?.message ?? 'missing';
}
