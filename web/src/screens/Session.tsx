import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, idempotencyKey, ok, type Schemas } from '../api/client';
import { useApi } from '../api/use-api';
import { Screen } from '../components/Screen';
import { count, dateFr, dateTimeFr } from '../format/french';
import { label, SESSION_STATUS } from '../format/labels';
import { useSession } from '../session/session';
import { Decision, type Evaluation, Explanations } from './Application';
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

/** The actions the session's status allows to a role with session.report (SES-7, SES-10, SES-12), each a form calling its endpoint. */
function Actions({ s, reload }: { s: Session; reload: () => void }) {
  const path = { id: s.id };
  const header = () => ({ 'Idempotency-Key': idempotencyKey() });
  const forms: ReactNode[] = [];
  if (s.status === 'planned') {
    forms.push(
      <Decision
        key="finalise"
        id="finalise"
        title="Finaliser la session (SES-10)"
        submitLabel="Finaliser"
        reason="none"
        onDone={reload}
        post={(body) => api.POST('/sessions/{id}/finalise', { params: { path, header: header() }, body: body as never })}
        toBody={(f) => ({ candidatesWhoSat: Number(f.get('candidatesWhoSat')) })}
      >
        <Input
          label="Candidats ayant passé l’épreuve (QUO-3)"
          nativeInputProps={{
            type: 'number',
            name: 'candidatesWhoSat',
            min: 0,
            max: s.candidates,
            required: true,
            defaultValue: s.candidates,
          }}
        />
      </Decision>,
      <Decision
        key="cancel"
        id="cancel"
        title="Annuler la session (SES-7)"
        submitLabel="Annuler la session"
        reason="required"
        onDone={reload}
        post={(body) => api.POST('/sessions/{id}/cancel', { params: { path, header: header() }, body: body as never })}
        toBody={() => ({})}
      >
        {null}
      </Decision>,
    );
  }
  if (s.remedy && !s.remedy.remedy) {
    const candidates = s.remedy.affected === 'all' ? [] : s.remedy.affected;
    forms.push(
      <Decision
        key="remedy"
        id="remedy"
        title="Enregistrer la réparation (SES-12)"
        reason="none"
        onDone={reload}
        post={(body) => api.POST('/sessions/{id}/remedy', { params: { path, header: header() }, body: body as never })}
        toBody={(f) => {
          const note = String(f.get('note') ?? '').trim();
          return {
            kind: String(f.get('kind')),
            candidateLocalIds: String(f.get('candidateLocalIds'))
              .split(/[\s,]+/)
              .filter(Boolean),
            ...(note ? { note } : {}),
          };
        }}
      >
        <RadioButtons
          legend="Réparation"
          name="kind"
          options={Object.entries(REMEDY_KINDS).map(([value, text], i) => ({
            label: text,
            nativeInputProps: { value, defaultChecked: i === 0 },
          }))}
        />
        <Input
          label="Candidats (identifiants, séparés par des virgules)"
          nativeInputProps={{ name: 'candidateLocalIds', required: true, defaultValue: candidates.join(', ') }}
        />
        <Input label="Note (facultative)" textArea nativeTextAreaProps={{ name: 'note', rows: 2, maxLength: 2000 }} />
      </Decision>,
    );
  }
  if (forms.length === 0) return null;
  return (
    <section id="actions" aria-labelledby="actions-title" className="fr-my-3w">
      <h2 id="actions-title">Actions</h2>
      {forms}
    </section>
  );
}

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

            {can('session.report') && <Actions s={s} reload={reload} />}

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
