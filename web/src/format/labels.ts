/**
 * The words of the page for the API's codes (states, deadlines, events, outcomes…), in one place: each screen
 * reads them from here. An unknown code is shown as is (a new one of the API never hides a row); the tables of codes the
 * domain lists are typed by it, so that a code added there without its French words breaks the build.
 */
import type { AgrementState } from '../../../src/agrement/domain/model';
import type { ApplicationState } from '../../../src/application/domain/procedure';
import type { StatementState } from '../../../src/billing/domain/statement';
import { DEADLINE_LABELS } from '../../../src/dashboard/domain/deadline-calendar';
import type { SessionStatus } from '../../../src/sessions/usecases/session-row';

export const label = (table: Readonly<Record<string, string>>, code: string): string => table[code] ?? code;

/** An actor as the API stores it, "<name> (<role>)" for a person (src/access/domain/roles.ts), with the role in French. */
export const actorFr = (actor: string): string =>
  actor.replace(/^(.*) \(([a-z-]+)\)$/, (whole, name: string, role: string) => (role in ROLES ? `${name} (${ROLES[role]})` : whole));

export const ROLES: Readonly<Record<string, string>> = {
  operations: 'Opérations',
  legal: 'Service juridique',
  inspector: 'Inspecteur',
  centre: 'Centre',
  coordinator: 'Coordinateur de réseau',
  'read-only': 'Lecture seule',
};

/** An agrément's state, as an adjective that agrees with "centre" (singular). */
export const STATES: Readonly<Record<AgrementState, string>> = {
  active: 'actif',
  suspended: 'suspendu',
  'force-majeure': 'en force majeure',
  'under-notice': 'mis en demeure',
  terminating: 'en cours de résiliation',
  expired: 'expiré',
  terminated: 'résilié',
};

/** The same adjective in the plural ("2 centres actifs"). */
export const STATES_PLURAL: Readonly<Record<AgrementState, string>> = {
  active: 'actifs',
  suspended: 'suspendus',
  'force-majeure': 'en force majeure',
  'under-notice': 'mis en demeure',
  terminating: 'en cours de résiliation',
  expired: 'expirés',
  terminated: 'résiliés',
};

/** The deadlines' names: the API's own table (src/dashboard/domain/deadline-calendar.ts), complete by its type. */
export const DEADLINES: Readonly<Record<string, string>> = DEADLINE_LABELS;

export const OVERDUE: Readonly<Record<string, string>> = {
  'finalisation-overdue': 'Session non finalisée sous 48 h',
  'remedy-overdue': 'Incident imputable au centre sans solution sous 5 jours',
  'statement-overdue': 'Relevé mensuel non envoyé',
  'renewal-request-missed': 'Demande de renouvellement manquée',
  'procedure-overdue': 'Procédure de plus de 2 mois',
  'termination-proposed': 'Résiliation à confirmer',
  'breach-notice-proposed': 'Mise en demeure à décider',
  'suspension-proposed': 'Suspension à décider',
};

/** Why the centre may not hold sessions (SES-2). */
export const BLOCKERS: Readonly<Record<string, string>> = {
  'SUS-2': "l'agrément est suspendu",
  'REF-2': "le référent n'a pas suivi la formation Pix",
  'AGR-4': "l'agrément a expiré",
  'TER-5': "l'agrément a pris fin",
  'TER-3': 'la convention est suspendue pour force majeure',
};

export const EVENTS: Readonly<Record<string, string>> = {
  'agrement-started': 'Agrément en vigueur',
  suspended: 'Suspension',
  'suspension-lifted': 'Levée de la suspension',
  'breach-notified': 'Mise en demeure',
  'breach-cured': 'Manquement corrigé',
  'termination-proposed': 'Résiliation proposée',
  'breach-notice-proposed': 'Mise en demeure proposée',
  'termination-confirmed': 'Résiliation confirmée',
  terminated: 'Résiliation',
  expired: 'Expiration',
  renewed: 'Renouvellement',
  'renewal-requested': 'Demande de renouvellement',
  'renewal-accepted': 'Renouvellement accepté',
  'sessions-finalised': 'Session finalisée',
  'quota-warning': 'Alerte quota',
  'badge-reminder': 'Rappel badge',
  'renewal-reminder': 'Rappel de renouvellement',
  'termination-notice': 'Préavis de résiliation',
  'session-reported': 'Session déclarée',
  'session-updated': 'Session modifiée',
  'session-cancelled': 'Session annulée',
  'session-finalised': 'Session finalisée',
  'deadline-scheduled': 'Échéance de finalisation posée',
  'finalisation-reminder': 'Rappel de finalisation',
  'deadline-missed': 'Finalisation hors délai',
  finalised: 'Session finalisée',
  'finalised-late': 'Session finalisée en retard',
  moved: 'Session déplacée',
  cancelled: 'Session annulée',
  'remedy-required': 'Solution due aux candidats (incident)',
  'remedy-overdue': 'Solution aux candidats en retard',
  'remedy-recorded': 'Solution proposée aux candidats',
  'quality-complaint': 'Réclamation',
  'quality-incident': 'Incident signalé',
  'quality-fraud-report': 'Signalement de fraude',
  'quality-data-breach': 'Violation de données',
  'personal-data-erased': 'Données personnelles effacées (2 ans)',
  'referent-contribution-warning': 'Alerte contribution du référent',
  'referent-added': 'Référent désigné',
  'referent-removed': 'Référent retiré',
  'referent-count-revised': 'Nombre de référents révisé',
  'member-joined': 'Centre entré dans le réseau',
  'member-left': 'Centre sorti du réseau',
  'cure-deadline-passed': 'Délai de mise en demeure expiré',
  'statement-prepared': 'Relevé préparé',
  'findings-recorded': 'Constats de visite enregistrés',
};

export const STREAMS: Readonly<Record<string, string>> = {
  agrement: 'Agrément',
  session: 'Session',
  statement: 'Relevé mensuel',
  'control-visit': 'Visite de contrôle',
  'centre-quality': 'Suivi qualité',
};

export const SESSION_STATUS: Readonly<Record<SessionStatus, string>> = {
  planned: 'planifiée',
  finalised: 'finalisée',
  cancelled: 'annulée',
};

export const PROPOSALS: Readonly<Record<string, string>> = {
  termination: 'la résiliation',
  suspension: 'la suspension',
  'breach-notice': 'la mise en demeure',
};

/** A proposal's kind as a table cell or a filter's option (BRE-4). */
export const PROPOSAL_KINDS: Readonly<Record<string, string>> = {
  termination: 'Résiliation',
  suspension: 'Suspension',
  'breach-notice': 'Mise en demeure',
};

export const KINDS: Readonly<Record<string, string>> = { centre: 'centre', network: 'réseau' };

/** An application's state (APP-2..6), as people say it of "la demande". */
export const APPLICATION_STATES: Readonly<Record<ApplicationState, string>> = {
  submitted: 'reçue',
  incomplete: 'incomplète',
  rejected: 'rejetée',
  admissible: 'recevable',
  'referent-trained': 'référent formé',
  granted: 'agrément accordé',
  'adhesion-received': 'formulaire d’adhésion reçu',
  'attestation-issued': 'attestation délivrée',
};

/** APP-1, DOC-3: who applies. */
export const APPLICANT_KINDS: Readonly<Record<string, string>> = {
  individual: 'centre individuel',
  network: 'réseau',
  'higher-education': 'enseignement supérieur',
};

/** DOC-1..4: the pieces of a dossier. */
export const PIECES: Readonly<Record<string, string>> = {
  'adhesion-form': 'Formulaire d’adhésion',
  'referent-cv': 'CV du référent',
  'reference-attestations': 'Attestations de références',
  'proof-of-legal-existence': 'Preuve d’existence légale',
  'legal-status': 'Statuts',
  'site-control-procedures': 'Procédures de contrôle sur site',
  'member-list': 'Liste des membres',
};

/** ELIG-1: the organisation's category. */
export const CATEGORIES: Readonly<Record<string, string>> = {
  'public-higher-education': 'Enseignement supérieur public',
  'engineering-or-higher-technical-school': 'École d’ingénieurs ou technique supérieure',
  eespig: 'EESPIG',
  'public-service-or-military-school': 'École de service public ou militaire',
  'public-adult-vocational-training': 'Formation professionnelle publique des adultes',
  'public-establishment-with-training-mission': 'Établissement public à mission de formation',
  'datadock-training-provider': 'Organisme de formation référencé Datadock',
  'apprentice-training-centre': 'Centre de formation d’apprentis',
  other: 'Autre',
};

/** The events of an application's log (domain/procedure.ts). */
export const APPLICATION_EVENTS: Readonly<Record<string, string>> = {
  'application-submitted': 'Demande reçue',
  'pieces-submitted': 'Pièces déposées',
  'application-admissible': 'Demande recevable',
  'application-incomplete': 'Demande incomplète',
  'application-rejected': 'Demande rejetée',
  'conformity-visit-required': 'Visite de conformité exigée',
  'conformity-visit-done': 'Visite de conformité effectuée',
  'referent-trained': 'Référent formé',
  'agrement-granted': 'Agrément accordé',
  'adhesion-form-received': 'Formulaire d’adhésion reçu',
  'attestation-issued': 'Attestation délivrée',
  'procedure-overdue': 'Délai de 2 mois dépassé',
};

/** The Journal (issue 14): the log's streams that are not agréments' (STREAMS has those). */
export const LOG_STREAMS: Readonly<Record<string, string>> = {
  ...STREAMS,
  application: 'Demande d’agrément',
  organisation: 'Organisation',
  access: 'Accès',
  'access-review': 'Revue des accès',
  attention: 'Point d’attention',
  'rule-set-version': 'Règles de session',
  'sco-campaign': 'Campagne scolaire',
  inspector: 'Inspecteur',
};

/** A session import's status (SES-1, docs/session-import.md). */
export const IMPORT_STATUS: Readonly<Record<string, string>> = { running: 'en cours', completed: 'terminé', failed: 'échoué' };

/** A rule-set version's status (AGR-6). */
export const RULE_SET_STATUS: Readonly<Record<string, string>> = { draft: 'brouillon', published: 'publiée' };

/** A rule-set version's notices to the centres (AGR-5): their kind and status. */
export const NOTICE_KINDS: Readonly<Record<string, string>> = {
  'agrement-action': 'Notification du changement substantiel (AGR-5)',
  email: 'Information par e-mail',
};
export const NOTICE_STATUS: Readonly<Record<string, string>> = { pending: 'à envoyer', delivered: 'envoyée' };

/** VIS-1..4: a control visit's kind and status (visits/domain/planner.ts). */
export const VISIT_KINDS: Readonly<Record<string, string>> = {
  announced: 'annoncée',
  unannounced: 'inopinée',
  conformity: 'de conformité',
};

export const VISIT_STATUS: Readonly<Record<string, string>> = { planned: 'planifiée', done: 'effectuée', cancelled: 'annulée' };

/** VIS-5: who inspects. */
export const INSPECTOR_KINDS: Readonly<Record<string, string>> = {
  'pix-staff': 'agent Pix',
  'centre-manager': 'responsable d’un autre centre',
  contractor: 'prestataire',
};

/** The quality record (visits/domain/quality-events.ts). */
export const QUALITY_KINDS: Readonly<Record<string, string>> = {
  complaint: 'Réclamation',
  incident: 'Incident',
  'fraud-report': 'Signalement de fraude',
  'late-finalisation': 'Finalisation tardive',
  'data-breach': 'Violation de données personnelles',
};

/** BIL-1, BIL-2: a monthly statement's state. */
export const STATEMENT_STATES: Readonly<Record<StatementState, string>> = {
  prepared: 'préparé',
  sent: 'envoyé',
  invoiced: 'facturé',
  paid: 'payé',
};

/** Who an e-mail of the what-if would go to. */
export const AUDIENCES: Readonly<Record<string, string>> = {
  centre: 'au centre',
  operations: 'aux opérations Pix',
  legal: 'au service juridique',
};

/** The agrément's e-mails (agrement/domain/notification-templates.ts), by what they say. */
export const EMAILS: Readonly<Record<string, string>> = {
  'agrement-renewal-reminder': 'rappel de renouvellement',
  'agrement-renewal-missed': 'demande de renouvellement manquée',
  'agrement-renewal-missed-operations': 'demande de renouvellement manquée (opérations)',
  'agrement-renewed': 'agrément renouvelé',
  'agrement-expired': 'agrément expiré',
  'agrement-suspended': 'agrément suspendu',
  'agrement-suspension-lifted': 'suspension levée',
  'control-visit-demanded': 'visite de contrôle demandée',
  'breach-notice': 'lettre de mise en demeure',
  'breach-cured': 'manquement corrigé',
  'termination-proposed': 'résiliation à confirmer',
  'breach-proposed': 'mise en demeure à décider',
  'termination-notice': 'préavis de résiliation',
  'agrement-terminated': 'agrément résilié',
  'quota-warning': 'alerte quota',
  'badge-reminder': 'rappel badge référent',
  'referent-contribution-warning': 'alerte contribution du référent',
  'referent-training-required': 'formation du référent requise',
  'cahier-change-notice': 'nouveau cahier des charges',
  'force-majeure-started': 'force majeure',
  'force-majeure-ended': 'fin de la force majeure',
  'labour-documents-requested': 'documents sociaux demandés',
  'planned-sessions-affected': 'sessions planifiées concernées',
};
