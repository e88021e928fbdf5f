import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Link, useParams } from 'react-router-dom';
import { api, ok, type Schemas } from '../api/client';
import { useApi } from '../api/use-api';
import { DecisionSection, type DecisionSpec, decisionForms } from '../components/Decision';
import { Screen } from '../components/Screen';
import { count, dateFr, dateTimeFr } from '../format/french';
import { label, SESSION_STATUS } from '../format/labels';
import { useSession } from '../session/session';
import { type Evaluation, Explanations } from './Application';
import { finalisationOf } from './Sessions';

type Session = Schemas['Session'];
type Remedy = NonNullable<Session['remedy']>;

const REMEDY_STATES: Readonly<Record<string, string>> = {
  awaiting: 'à proposer',
  overdue: 'en retard',
  remedied: 'proposée',
  'remedied-late': 'proposée en retard',
  unremedied: 'non proposée',
};
const REMEDY_KINDS: Readonly<Record<string, string>> = { 'new-session': 'nouvelle session gratuite', refund: 'remboursement intégral' };

/** SES-12: the remedy owed to the candidates of an incident attributable to the centre, within 5 days. */
function RemedyPanel({ r }: { r: Remedy }) {
  const affected = r.affected === 'all' ? 'tous les candidats' : count(r.affected.length, 'candidat concerné', 'candidats concernés');
  return (
    <section id="remedy" aria-labelledby="remedy-title" className="fr-my-3w">
      <h2 id="remedy-title">Réparation due (SES-12)</h2>
      <p>
        Incident imputable au centre ({r.incidents.join(', ')}) : {affected}. Réparation à proposer avant le {dateTimeFr(r.dueAt)} —{' '}
        <strong data-remedy-state={r.state}>{label(REMEDY_STATES, r.state)}</strong>.
      </p>
      {r.remedy && (
        <p>
          {label(REMEDY_KINDS, r.remedy.kind)} enregistré le {dateTimeFr(r.remedy.recordedAt)}
          {r.remedy.note ? ` : ${r.remedy.note}` : ''}.
        </p>
      )}
    </section>
  );
}

/** The actions the session's status allows to a role with session.report (SES-7, SES-10, SES-12). */
const ACTIONS: readonly DecisionSpec<Session>[] = [
  {
    id: 'finalise',
    endpoint: '/sessions/{id}/finalise',
    allowed: (s) => s.status === 'planned',
    title: 'Finaliser la session (SES-10)',
    submitLabel: 'Finaliser',
    reason: 'none',
    fields: (s) => [
      {
        kind: 'number',
        name: 'candidatesWhoSat',
        label: 'Candidats ayant passé l’épreuve (QUO-3)',
        min: 0,
        max: s.candidates,
        defaultValue: s.candidates,
      },
    ],
  },
  {
    id: 'cancel',
    endpoint: '/sessions/{id}/cancel',
    allowed: (s) => s.status === 'planned',
    title: 'Annuler la session (SES-7)',
    submitLabel: 'Annuler la session',
    reason: 'required',
  },
  {
    id: 'remedy',
    endpoint: '/sessions/{id}/remedy',
    allowed: (s) => Boolean(s.remedy && !s.remedy.remedy),
    title: 'Enregistrer la réparation (SES-12)',
    reason: 'none',
    fields: (s) => [
      {
        kind: 'radio',
        name: 'kind',
        legend: 'Réparation',
        options: REMEDY_KINDS,
      },
      {
        kind: 'text',
        name: 'candidateLocalIds',
        label: 'Candidats (identifiants, séparés par des virgules)',
        defaultValue: s.remedy?.affected === 'all' ? '' : (s.remedy?.affected ?? []).join(', '),
        as: 'ids',
      },
      { kind: 'text', name: 'note', label: 'Note (facultative)', rows: 2, maxLength: 2000, optional: true },
    ],
    // The candidates' list is sent even when left empty (the API names the field).
    toBody: (values) => ({ candidateLocalIds: [], ...values }),
  },
];

/** One session: its centre, status, SES-10 finalisation deadline, every rule's verdict (AGR-6), the SES-12 remedy and the actions allowed. */
export default function SessionScreen() {
  const { id = '' } = useParams();
  const { can } = useSession();
  const loaded = useApi(`session:${id}`, () => api.GET('/sessions/{id}', { params: { path: { id } } }).then(ok));
  return (
    <Screen title={`Session ${id}`} loaded={loaded}>
      {(s) => {
        const reload = loaded.status === 'ready' ? loaded.reload : () => undefined;
        const now = Date.now();
        const overdue = s.status === 'planned' && Date.parse(s.deadlineAt) < now;
        const v = s.verdicts;
        return (
          <>
            <dl className="application-organisation">
              <dt>Centre</dt>
              <dd>{s.agrementId ? <Link to={`/centres/${s.agrementId}`}>{s.organisationName}</Link> : s.organisationName}</dd>
              <dt>Date</dt>
              <dd>{dateFr(s.date)}</dd>
              <dt>Statut</dt>
              <dd data-status={s.status}>{label(SESSION_STATUS, s.status)}</dd>
              <dt>Candidats</dt>
              <dd>{count(s.candidates, 'candidat inscrit', 'candidats inscrits')}</dd>
            </dl>

            <section id="deadline" aria-labelledby="deadline-title" className="fr-my-3w">
              <h2 id="deadline-title">Finalisation sous 48 heures (SES-10)</h2>
              <p>
                Échéance : <strong>{dateTimeFr(s.deadlineAt)}</strong> (heure de Paris)
              </p>
              {s.status !== 'cancelled' && <p>{finalisationOf(s, now)}</p>}
              {overdue && (
                <Alert
                  severity="warning"
                  small
                  description={`La session n’est pas finalisée : délai de 48 heures dépassé depuis le ${dateTimeFr(s.deadlineAt)} (SES-10).`}
                />
              )}
            </section>

            {s.remedy && <RemedyPanel r={s.remedy} />}

            {can('session.report') && (
              <DecisionSection id="actions" title="Actions" forms={decisionForms(ACTIONS, { subject: s, id: s.id, onDone: reload })} />
            )}

            <h2>Règles appliquées</h2>
            {v ? (
              <>
                <p className="fr-text--sm">
                  Jeu de règles {v.ruleSetId}, en vigueur depuis le {dateFr(v.effectiveFrom)} (AGR-6).
                  {v.notApplicable.length > 0 && ` Sans objet : ${v.notApplicable.join(', ')}.`}
                </p>
                <Explanations
                  title="Règles de la session (SES, PRI)"
                  id="verdicts"
                  evaluation={
                    { ruleSet: v.ruleSetId, passed: v.failures.length === 0, failures: v.failures, passes: v.passes } as Evaluation
                  }
                />
              </>
            ) : (
              <p>Données personnelles effacées (SES-11) : les vérifications ne sont plus disponibles.</p>
            )}
          </>
        );
      }}
    </Screen>
  );
}
