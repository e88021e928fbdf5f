/**
 * The words of the page for the API's codes (states, deadlines, events, outcomes…), in one place: each screen
 * reads them from here. An unknown code is shown as is (a new one of the API never hides a row).
 */

export const label = (table: Readonly<Record<string, string>>, code: string): string => table[code] ?? code;

export const ROLES: Readonly<Record<string, string>> = {
  operations: 'Opérations',
  legal: 'Service juridique',
  inspector: 'Contrôleur',
  centre: 'Centre',
  coordinator: 'Coordinateur de réseau',
  'read-only': 'Lecture seule',
};

/** An agrément's state, as an adjective that agrees with "centre" (singular). */
export const STATES: Readonly<Record<string, string>> = {
  active: 'actif',
  suspended: 'suspendu',
  'force-majeure': 'en force majeure',
  'under-notice': 'mis en demeure',
  terminating: 'en cours de résiliation',
  expired: 'expiré',
  terminated: 'résilié',
};

/** The same adjective in the plural ("2 centres actifs"). */
export const STATES_PLURAL: Readonly<Record<string, string>> = {
  active: 'actifs',
  suspended: 'suspendus',
  'force-majeure': 'en force majeure',
  'under-notice': 'mis en demeure',
  terminating: 'en cours de résiliation',
  expired: 'expirés',
  terminated: 'résiliés',
};

export const DEADLINES: Readonly<Record<string, string>> = {
  'renewal-reminder': 'Rappel de renouvellement',
  'renewal-request-due': 'Demande de renouvellement',
  term: "Terme de l'agrément",
  'badge-reminder': 'Rappel badge référent',
  'badge-due': 'Badge « Référent Pix »',
  'quota-checkpoint': 'Point d’étape quota',
  'quota-deadline': 'Quota à 3 ans',
  'cure-due': 'Fin du délai de mise en demeure',
  'visit-answer-due': 'Réponse à la visite de contrôle',
  'labour-documents-due': 'Documents sociaux',
  'cahier-change-apply-by': 'Application du nouveau cahier',
  'force-majeure-limit': 'Limite force majeure',
  'termination-effective': 'Prise d’effet de la résiliation',
  'finalisation-due': 'Finalisation de session (48 h)',
  'statement-due': 'Relevé mensuel',
  'remedy-due': 'Nouvelle session ou remboursement (incident)',
  'referent-contribution-year': 'Contribution annuelle du référent',
  'referent-contribution-warning': 'Alerte contribution du référent',
};

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
};

export const STREAMS: Readonly<Record<string, string>> = {
  agrement: 'Agrément',
  session: 'Session',
  statement: 'Relevé mensuel',
  'control-visit': 'Visite de contrôle',
  'centre-quality': 'Suivi qualité',
};

export const SESSION_STATUS: Readonly<Record<string, string>> = { planned: 'planifiée', finalised: 'finalisée', cancelled: 'annulée' };

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
export const APPLICATION_STATES: Readonly<Record<string, string>> = {
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
