import { ApplicationFailure } from '@temporalio/common';
import { DomainError } from '../../shared/domain/errors';
import { TemplateError } from '../../mail/infra/templates';

/**
 * Which activity failures retrying cannot fix, and what operations should do about each (in French:
 * the "needs attention" list is read by Pix operations).
 *
 * Deterministic: the same input fails the same way on every attempt. Retrying forever would leave the
 * workflow stuck without anyone knowing; such a failure becomes non-retryable and is listed.
 * - a DomainError thrown by a use case inside an activity (InvalidCommand, NotFound, TransitionRefused,
 *   RulesFailed…): its name becomes the failure type, its details are kept;
 * - e-mail template data missing or invalid (TemplateError): 'TemplateDataInvalid';
 * - a PostgreSQL data error, SQLSTATE class 22 (data exception: a NUL byte, an invalid date, a value out
 *   of range…) or 23 (integrity constraint violation: a foreign key to nothing, a CHECK): 'DatabaseDataError';
 * - an ApplicationFailure already marked non-retryable.
 * Anything else (connection lost, timeouts, serialisation failures, SMTP down…) is transient: retried.
 */
export const TEMPLATE_DATA_INVALID = 'TemplateDataInvalid';
export const DATABASE_DATA_ERROR = 'DatabaseDataError';

export type ActivityErrorClass =
  | { deterministic: true; type: string; message: string; details: Record<string, unknown>; failure: ApplicationFailure }
  | { deterministic: false; type: string; message: string; details: Record<string, unknown> };

/** The SQLSTATE of a PostgreSQL error (TypeORM's QueryFailedError or the driver's own), if it is one. */
export function sqlStateOf(err: unknown): string | null {
  if (!err || typeof err !== 'object') return null;
  const e = err as { driverError?: { code?: unknown }; code?: unknown; severity?: unknown; name?: unknown };
  const code = e.driverError?.code ?? (e.name === 'QueryFailedError' || e.severity !== undefined ? e.code : undefined);
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function classifyActivityError(err: unknown): ActivityErrorClass {
  if (err instanceof ApplicationFailure) {
    const details = (err.details?.[0] && typeof err.details[0] === 'object' ? err.details[0] : {}) as Record<string, unknown>;
    const type = err.type ?? 'ApplicationFailure';
    return err.nonRetryable
      ? { deterministic: true, type, message: err.message, details, failure: err }
      : { deterministic: false, type, message: err.message, details };
  }
  const deterministic = (type: string, details: Record<string, unknown>): ActivityErrorClass => {
    const message = messageOf(err);
    return {
      deterministic: true,
      type,
      message,
      details,
      failure: ApplicationFailure.create({
        message,
        type,
        nonRetryable: true,
        details: [details],
        cause: err instanceof Error ? err : undefined,
      }),
    };
  };
  if (err instanceof DomainError) return deterministic(err.name, { ...err.details });
  if (err instanceof TemplateError)
    return deterministic(TEMPLATE_DATA_INVALID, { template: (err as { template?: string }).template ?? null });
  const sqlState = sqlStateOf(err);
  if (sqlState && (sqlState.startsWith('22') || sqlState.startsWith('23'))) {
    const driver =
      (err as { driverError?: { constraint?: string; column?: string; table?: string } }).driverError ??
      (err as { constraint?: string; column?: string; table?: string });
    return deterministic(DATABASE_DATA_ERROR, {
      sqlState,
      constraint: driver.constraint ?? null,
      table: driver.table ?? null,
      column: driver.column ?? null,
    });
  }
  return {
    deterministic: false,
    type: err instanceof Error ? err.name : typeof err,
    message: messageOf(err),
    details: sqlState ? { sqlState } : {},
  };
}

/** What operations should do, by failure type (French). */
const ACTIONS: Record<string, string> = {
  [TEMPLATE_DATA_INVALID]:
    "Les données du courriel sont absentes ou invalides (voir le message) : corriger la donnée à la source (dossier, organisme, adresse), puis relancer le workflow depuis l'interface Temporal (reset) s'il a échoué, ou envoyer le courriel à la main. Réessayer sans corriger échouerait de la même façon.",
  InvalidCommand:
    "Une donnée invalide a atteint le workflow (le champ est nommé dans le message) : la corriger à la source, puis relancer le workflow (reset) s'il a échoué ou refaire l'action. Réessayer sans corriger échouerait de la même façon.",
  NotFound:
    "L'élément référencé n'existe pas (son identifiant est dans le message) : vérifier qu'il n'a pas été mal saisi ou supprimé, le créer si besoin, puis relancer le workflow (reset) s'il a échoué ou refaire l'action.",
  TransitionRefused:
    "La machine à états refuse cette étape (la règle est citée dans le message) : vérifier l'état du dossier ; l'étape n'a pas été appliquée. Refaire l'action si elle est encore due.",
  RulesFailed:
    'Les règles refusent la donnée (les règles sont citées) : corriger la donnée, puis refaire l’action ou relancer le workflow (reset).',
  [DATABASE_DATA_ERROR]:
    "PostgreSQL refuse la donnée (SQLSTATE dans le détail : classe 22, valeur invalide comme un caractère nul ou une date hors limites ; classe 23, contrainte violée comme une référence à un organisme absent) : corriger la donnée ou créer la référence manquante, puis relancer le workflow (reset) s'il a échoué.",
};
const DEFAULT_DETERMINISTIC_ACTION =
  "L'activité a échoué pour une raison qu'une nouvelle tentative ne corrige pas : lire le message, corriger la cause, puis relancer le workflow depuis l'interface Temporal (reset) s'il a échoué.";

export function actionForFailure(type: string): string {
  return ACTIONS[type] ?? DEFAULT_DETERMINISTIC_ACTION;
}

export function actionForRetrying(attempts: number): string {
  return `L'activité échoue depuis ${attempts} tentatives et Temporal continue de la relancer (erreur passagère : base de données, Temporal ou réseau indisponible ?) : vérifier ces services. L'élément se marque traité tout seul dès qu'elle réussit.`;
}

export function actionForExhausted(attempts: number): string {
  return `L'activité a échoué à ses ${attempts} tentatives autorisées et n'est plus relancée : vérifier la cause (message), puis relancer le workflow (reset) depuis l'interface Temporal.`;
}

export function actionForUndeliveredEmail(attempts: number): string {
  return `Le serveur SMTP n'a pas accepté ce courriel après ${attempts} tentatives ; l'envoi continue automatiquement et n'aura lieu qu'une fois. Vérifier SMTP_URL et le serveur de messagerie. L'élément se marque traité tout seul à l'envoi.`;
}

export const ACTION_FOR_REJECTED_EMAIL =
  "Le serveur SMTP a refusé définitivement ce courriel (réponse 5xx) ou il ne peut plus être composé : il ne sera plus retenté. Vérifier l'adresse du destinataire et le message, puis prévenir le destinataire autrement ou renvoyer le courriel à la main.";
