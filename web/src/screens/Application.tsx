import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Fragment, useId } from 'react';
import { useParams } from 'react-router-dom';
import { PIECE_TYPES } from '../../../src/application/domain/application';
import { HOLDER, TAKES_PIECES, type ApplicationState } from '../../../src/application/domain/procedure';
import { addMonthsIn, netElapsedMs, type ProcedureClock } from '../../../src/application/domain/procedure-clock';
import { PARAMETERS } from '../../../src/config/parameters';
import { api, ok, type Schemas } from '../api/client';
import { useApi } from '../api/use-api';
import { ApplicationStateBadge } from '../components/ApplicationStateBadge';
import { DataTable } from '../components/DataTable';
import { type ActionOf, DecisionSection, type DecisionSpec, decisionForms, type Field } from '../components/Decision';
import { Screen } from '../components/Screen';
import { count, dateFr, dateTimeFr } from '../format/french';
import { daysFr } from '../format/duration';
import { APPLICANT_KINDS, APPLICATION_EVENTS, APPLICATION_STATES, CATEGORIES, label, PIECES } from '../format/labels';
import { useSession } from '../session/session';

type Application = Schemas['Application'];
type Verdict = { ruleId: string; check: string; message: string; actual?: unknown; expected?: unknown };
export type Evaluation = { ruleSet: string; passed: boolean; failures: Verdict[]; passes?: Verdict[]; notApplicable?: string[] };
type Piece = { id: string; type: string; filename: string; issuedOn?: string | null; receivedAt: string };
/** The procedure as the read model gives it (read-applications.ts getApplication). */
type Procedure = {
  clock: ProcedureClock;
  procedureDeadline: string | null;
  overdueFlaggedAt: string | null;
  missingPieces: string[];
  rejectionReasons: string[];
  conformityVisit: { required: boolean; on: string | null; compliant: boolean | null; costEur: number | null; chargedEur: number | null };
  referentTrainedOn: string | null;
  grantedYears: number | null;
  adhesionFormReceivedOn: string | null;
  attestationReceivedOn: string | null;
  termOn: string | null;
};

const { procedureMonths, grantYears, conformityVisitCapEur } = PARAMETERS.application;

/** A value of a rule's explanation, as people read it. */
function shown(v: unknown): string {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'boolean') return v ? 'oui' : 'non';
  if (Array.isArray(v)) return v.length === 0 ? 'aucun' : v.map(shown).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  // Codes of categories and pieces, in words.
  return typeof v === 'string' ? label(CATEGORIES, label(PIECES, v)) : String(v);
}

/**
 * APP-7: the applicant's waits (the clock stopped), from the event log: a pause opens when the file passes to
 * the applicant (HOLDER) and closes when it comes back to Pix.
 */
function pausesOf(timeline: Application['timeline']): { from: string; to: string | null; state: string }[] {
  const pauses: { from: string; to: string | null; state: string }[] = [];
  for (const e of timeline) {
    if (!e.to || e.from === e.to) continue;
    const open = pauses.at(-1)?.to === null ? pauses.at(-1) : undefined;
    const toApplicant = HOLDER[e.to as ApplicationState] === 'applicant';
    if (open && !toApplicant) open.to = e.at;
    if (!open && toApplicant) pauses.push({ from: e.at, to: null, state: e.to });
  }
  return pauses;
}

/** APP-7: net elapsed time against 2 months, as a progress bar, with the pauses listed. */
function Clock({ a, p }: { a: Application; p: Procedure }) {
  const id = useId();
  const start = new Date(p.clock.startedAt);
  const total = addMonthsIn(start, procedureMonths, PARAMETERS.agrement.timeZone).getTime() - start.getTime();
  const net = netElapsedMs(p.clock, new Date());
  const pauses = pausesOf(a.timeline);
  const status = p.clock.stoppedAt
    ? 'procédure terminée'
    : p.clock.pausedSince
      ? 'délai suspendu (attente du demandeur)'
      : 'délai en cours';
  return (
    <section id="clock" aria-labelledby={`${id}-title`} className="fr-my-3w">
      <h2 id={`${id}-title`}>Délai de la procédure (APP-7)</h2>
      <label htmlFor={id} className="fr-label">
        {daysFr(net, 'jour écoulé')} sur {procedureMonths} mois, hors attentes du demandeur — {status}
      </label>
      <progress id={id} className="app-clock" max={total} value={Math.min(net, total)}>
        {Math.round((100 * net) / total)} %
      </progress>
      {p.procedureDeadline && !p.clock.stoppedAt && <p className="fr-text--sm">Échéance : {dateTimeFr(p.procedureDeadline)}</p>}
      {p.overdueFlaggedAt && (
        <Alert
          severity="warning"
          small
          description={`Délai de ${procedureMonths} mois dépassé le ${dateTimeFr(p.overdueFlaggedAt)} (APP-7)`}
        />
      )}
      <h3 className="fr-h6 fr-mt-2w">Suspensions du délai</h3>
      <DataTable
        id="pauses"
        caption="Suspensions du délai"
        captionHidden
        headers={['Du', 'Au', 'En attente du demandeur à l’état', 'Durée']}
        rows={pauses.map((x) => [
          dateTimeFr(x.from),
          x.to ? dateTimeFr(x.to) : 'en cours',
          label(APPLICATION_STATES, x.state),
          daysFr((x.to ? Date.parse(x.to) : Date.now()) - Date.parse(x.from)),
        ])}
      />
    </section>
  );
}

/** Every rule's explanation (failing, then passing): the rule ID, the check, the value seen and the value required; shared with the session screen. */
export function Explanations({ title, id, evaluation }: { title: string; id: string; evaluation: Evaluation | undefined }) {
  if (!evaluation) return null;
  const rows = [...evaluation.failures.map((v) => ({ v, ok: false })), ...(evaluation.passes ?? []).map((v) => ({ v, ok: true }))];
  return (
    <>
      <h3 className="fr-h6">
        {title} : {evaluation.passed ? 'satisfaites' : 'non satisfaites'}
      </h3>
      <DataTable
        id={id}
        caption={title}
        captionHidden
        headers={['Règle', 'Vérification', 'Résultat', 'Constaté', 'Attendu']}
        rows={rows.map(({ v, ok: passed }) => [
          v.ruleId,
          v.message,
          <span data-passed={String(passed)}>{passed ? 'conforme' : 'non conforme'}</span>,
          shown(v.actual),
          shown(v.expected),
        ])}
      />
    </>
  );
}

type Subject = { a: Application; p: Procedure | null };
/** The pieces a dossier takes, by their French names. */
const PIECE_CHOICES = Object.fromEntries(PIECE_TYPES.map((t) => [t, label(PIECES, t)]));
const beforeGrant = ({ a }: Subject) => a.state === 'admissible' || a.state === 'referent-trained';
const maxYears = ({ a }: Subject) => (a.organisation.foreign ? PARAMETERS.application.foreignMaxYears : grantYears.max);

type ApplicationAction = ActionOf<'applications'>;

/** A decision that records the day something happened (POST /applications/{id}/<id>), allowed in one state of the procedure. */
function dated(
  id: ApplicationAction,
  state: ApplicationState,
  title: string,
  dateLabel: string,
  { name = 'on', submitLabel }: { name?: string; submitLabel?: string } = {},
): DecisionSpec<Subject> {
  return {
    id,
    endpoint: `/applications/{id}/${id}`,
    allowed: ({ a }) => a.state === state,
    title,
    submitLabel,
    fields: () => [{ kind: 'date', name, label: dateLabel }],
  };
}

/** The decisions of the procedure (APP-2..6), each allowed by the application's state, in the order of the procedure. */
const DECISIONS: readonly DecisionSpec<Subject>[] = [
  {
    id: 'admissibility',
    endpoint: '/applications/{id}/admissibility',
    allowed: ({ a }) => a.state === 'submitted',
    title: 'Recevabilité (APP-2)',
    fields: (): Field[] => [
      {
        kind: 'radio',
        name: 'decision',
        legend: 'Décision',
        options: { admissible: 'Recevable', incomplete: 'Incomplète (pièces manquantes, DOC-4)', rejected: 'Rejetée' },
      },
      {
        kind: 'checks',
        name: 'conformityVisitRequired',
        legend: 'Si recevable',
        as: 'boolean',
        options: { true: `Visite de conformité exigée (APP-3, à la charge du demandeur dans la limite de ${conformityVisitCapEur} €)` },
      },
      { kind: 'checks', name: 'missingPieces', legend: 'Si incomplète : pièces manquantes', options: PIECE_CHOICES },
      {
        kind: 'text',
        name: 'reasons',
        label: 'Si rejetée : motifs de rejet',
        hint: 'Un motif par ligne',
        rows: 2,
        optional: true,
        as: 'lines',
      },
    ],
    // Only what the decision taken asks for.
    toBody: ({ decision, conformityVisitRequired, missingPieces, reasons }) => ({
      decision,
      ...(decision === 'admissible' && conformityVisitRequired ? { conformityVisitRequired: true } : {}),
      ...(decision === 'incomplete' ? { missingPieces } : {}),
      ...(decision === 'rejected' ? { reasons: reasons ?? [] } : {}),
    }),
  },
  {
    id: 'conformity-visit-requirement',
    endpoint: '/applications/{id}/conformity-visit/requirement',
    allowed: (x) => beforeGrant(x) && x.p !== null && !x.p.conformityVisit.required,
    title: 'Exiger une visite de conformité (APP-3)',
    submitLabel: 'Exiger la visite',
    fields: () => [{ kind: 'note', text: `La visite est à la charge du demandeur dans la limite de ${conformityVisitCapEur} €.` }],
  },
  {
    id: 'conformity-visit',
    endpoint: '/applications/{id}/conformity-visit',
    allowed: (x) => beforeGrant(x) && Boolean(x.p?.conformityVisit.required && !x.p.conformityVisit.on),
    title: 'Résultat de la visite de conformité (APP-3)',
    fields: () => [
      { kind: 'date', name: 'on', label: 'Date de la visite' },
      { kind: 'number', name: 'costEur', label: 'Coût de la visite (€)', min: 0, step: '0.01' },
      {
        kind: 'radio',
        name: 'compliant',
        legend: 'Résultat',
        as: 'boolean',
        options: { true: 'Conforme', false: 'Non conforme' },
      },
    ],
  },
  dated('referent-training', 'admissible', 'Formation du référent (APP-4, REF-2)', 'Date de la formation suivie'),
  {
    id: 'grant',
    endpoint: '/applications/{id}/grant',
    allowed: ({ a }) => a.state === 'referent-trained',
    title: 'Accorder l’agrément (APP-5)',
    submitLabel: 'Accorder',
    fields: (x) => [
      {
        kind: 'select',
        name: 'years',
        label: 'Durée de l’agrément',
        hint: x.a.organisation.foreign ? 'APP-8 : 1 an au plus à l’étranger' : undefined,
        defaultValue: String(Math.min(grantYears.default, maxYears(x))),
        as: 'number',
        options: Object.fromEntries(
          Array.from({ length: grantYears.max - grantYears.min + 1 }, (_, i) => grantYears.min + i).map((y) => [y, count(y, 'an')]),
        ),
      },
      ...(x.a.kind === 'network'
        ? [
            {
              kind: 'number',
              name: 'referentCount',
              label: 'Nombre de référents prévus par la convention (REF-1)',
              min: 1,
              max: 1000,
              defaultValue: 1,
            } as const,
          ]
        : []),
    ],
  },
  dated('adhesion-form', 'granted', 'Formulaire d’adhésion signé reçu (APP-6)', 'Date de réception du formulaire'),
  dated(
    'attestation',
    'adhesion-received',
    'Délivrer l’attestation d’agrément (APP-6)',
    'Date de réception de l’attestation par le centre',
    {
      name: 'receivedOn',
      submitLabel: 'Délivrer l’attestation',
    },
  ),
];

/** DOC-4: the applicant (or operations on its behalf) adds a piece while the dossier takes them; the first missing one is proposed. */
const ADD_PIECE: readonly DecisionSpec<Subject>[] = [
  {
    id: 'pieces',
    endpoint: '/applications/{id}/pieces',
    allowed: ({ a }) => TAKES_PIECES.includes(a.state as ApplicationState),
    title: 'Ajouter une pièce (DOC-4)',
    submitLabel: 'Ajouter la pièce',
    fields: ({ p }) => [
      {
        kind: 'select',
        name: 'type',
        label: 'Pièce',
        options: PIECE_CHOICES,
        defaultValue: p?.missingPieces[0] ?? PIECE_TYPES[0],
      },
      { kind: 'text', name: 'filename', label: 'Nom du fichier', maxLength: 300 },
      {
        kind: 'date',
        name: 'issuedOn',
        label: 'Date du document (facultatif)',
        hint: 'DOC-1 : l’extrait prouvant l’existence légale doit dater de moins de 3 mois',
        optional: true,
      },
    ],
    toBody: (piece) => ({ pieces: [piece] }),
  },
];

async function load(id: string) {
  return ok(await api.GET('/applications/{id}', { params: { path: { id } } }));
}

/** One application: the organisation, the dossier, the rules' explanations, the APP-7 clock and the decisions its state allows. */
export default function ApplicationScreen() {
  const { id = '' } = useParams();
  const { can } = useSession();
  const loaded = useApi(`application:${id}`, () => load(id));
  const title = loaded.status === 'ready' ? `Demande de ${loaded.data.organisation.name}` : 'Demande d’agrément';
  return (
    <Screen title={title} loaded={loaded}>
      {(a) => {
        const reload = loaded.status === 'ready' ? loaded.reload : () => undefined;
        const p = a.procedure as Procedure | null;
        const evaluation = a.evaluation as { evaluatedOn: string; eligibility: Evaluation; dossier: Evaluation } | null;
        const pieces = a.pieces as Piece[];
        const o = a.organisation;
        return (
          <>
            <p className="application-summary">
              État : <ApplicationStateBadge state={a.state} overdue={Boolean(p?.overdueFlaggedAt)} /> · {label(APPLICANT_KINDS, a.kind)} ·
              reçue le {dateFr(a.receivedAt)}
            </p>

            <h2>Organisme</h2>
            <dl className="application-organisation">
              <dt>Nom</dt>
              <dd>{o.name}</dd>
              <dt>Catégorie (ELIG-1)</dt>
              <dd>{label(CATEGORIES, o.category)}</dd>
              <dt>UAI</dt>
              <dd>{o.uai ?? 'aucun'}</dd>
              <dt>Département</dt>
              <dd>{o.foreign ? 'à l’étranger' : (o.department ?? '—')}</dd>
              <dt>Courriel</dt>
              <dd>{o.email}</dd>
            </dl>
            {a.members.length > 0 && (
              <DataTable
                id="members"
                caption="Membres du réseau"
                headers={['Membre', 'Catégorie', 'UAI', 'Département']}
                rows={a.members.map((m) => [m.name, label(CATEGORIES, m.category), m.uai ?? '', m.department ?? ''])}
              />
            )}

            {p && <Clock a={a} p={p} />}

            {can('application.decide') && (
              <DecisionSection
                id="decisions"
                title="Décisions"
                forms={decisionForms(DECISIONS, { subject: { a, p }, id: a.id, onDone: reload })}
              />
            )}

            <h2>Pièces du dossier</h2>
            {p && p.missingPieces.length > 0 && (
              <Alert
                severity="warning"
                small
                description={`Pièces manquantes (DOC-4) : ${p.missingPieces.map((t) => label(PIECES, t)).join(', ')}`}
              />
            )}
            <DataTable
              id="pieces"
              caption="Pièces du dossier"
              captionHidden
              headers={['Pièce', 'Fichier', 'Date du document', 'Reçue le']}
              rows={pieces.map((x) => [label(PIECES, x.type), x.filename, dateFr(x.issuedOn), dateFr(x.receivedAt)])}
            />
            {can('application.add-pieces') && (
              // Keyed by what is missing: the form proposes the first missing piece afresh once incomplete.
              <Fragment key={`${a.state}:${p?.missingPieces.join(',') ?? ''}`}>
                {decisionForms(ADD_PIECE, { subject: { a, p }, id: a.id, onDone: reload })}
              </Fragment>
            )}

            <h2>Règles appliquées</h2>
            {evaluation ? (
              <>
                <p className="fr-text--sm">Évaluées le {dateFr(evaluation.evaluatedOn)}.</p>
                <Explanations title="Éligibilité (ELIG)" id="rules-eligibility" evaluation={evaluation.eligibility} />
                <Explanations title="Dossier (DOC)" id="rules-dossier" evaluation={evaluation.dossier} />
              </>
            ) : (
              <p>Pas encore évaluée.</p>
            )}
            {p && p.rejectionReasons.length > 0 && (
              <Alert severity="error" small description={`Motifs de rejet : ${p.rejectionReasons.join(' ; ')}`} />
            )}

            <h2>Historique</h2>
            <DataTable
              id="history"
              caption="Historique de la demande"
              captionHidden
              headers={['Date', 'Événement', 'État', 'Règles', 'Par', 'Motif']}
              rows={a.timeline.map((e) => [
                dateTimeFr(e.at),
                label(APPLICATION_EVENTS, e.type),
                e.to ? label(APPLICATION_STATES, e.to) : '',
                e.ruleIds.join(', '),
                e.actor ?? '',
                e.reason ?? '',
              ])}
            />
          </>
        );
      }}
    </Screen>
  );
}
