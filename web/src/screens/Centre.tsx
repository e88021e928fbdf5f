import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { type ReactNode, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, idempotencyKey, ok, type Schemas } from '../api/client';
import type { paths } from '../api/schema';
import { useApi } from '../api/use-api';
import { DataTable } from '../components/DataTable';
import { RecordTable } from '../components/RecordTable';
import { QuotaChart } from '../components/QuotaChart';
import { ReasonDialog } from '../components/ReasonDialog';
import { Screen } from '../components/Screen';
import { dateFr, dateTimeFr } from '../format/french';
import { BLOCKERS, DEADLINES, EVENTS, label, PROPOSALS, SESSION_STATUS, STREAMS } from '../format/labels';
import { useSession } from '../session/session';
import { AgrementSummary, DeadlineLedger } from './centre/AgrementSummary';
import { STATEMENTS } from './centre/CentreStatements';
import { VISITS } from './centre/ControlVisits';
import { MEMBERS } from './centre/NetworkMembers';
import { QUALITY } from './centre/QualityRecord';
import { loadRecords } from './centre/records';
import { WhatIfPanel } from './centre/WhatIfPanel';

type Agrement = Schemas['Agrement'];
type Action = paths['/agrements/{id}/actions/{action}']['post']['parameters']['path']['action'];

/** The legal team's actions on an agrément (SUS-1, SUS-3, BRE-1, BRE-2), each when the agrément's state allows it. */
const LEGAL_ACTIONS: { action: Action; permission: string; label: string; when: (a: Agrement) => boolean; extra?: ReactNode }[] = [
  {
    action: 'suspend',
    permission: 'agrement.suspend',
    label: 'Suspendre',
    when: (a) => !a.agrement.suspension && !['expired', 'terminated'].includes(a.state),
  },
  {
    action: 'lift-suspension',
    permission: 'agrement.lift-suspension',
    label: 'Lever la suspension',
    when: (a) => Boolean(a.agrement.suspension),
  },
  {
    action: 'notify-breach',
    permission: 'agrement.notify-breach',
    label: 'Notifier un manquement',
    when: (a) => !a.agrement.breach && !['expired', 'terminated'].includes(a.state),
    extra: (
      <Input label="Date d’envoi de la lettre recommandée" nativeInputProps={{ type: 'date', name: 'letterSentOn', required: true }} />
    ),
  },
  {
    action: 'record-cure',
    permission: 'agrement.record-cure',
    label: 'Enregistrer la correction',
    when: (a) => Boolean(a.agrement.breach),
    extra: <Input label="Preuve" nativeInputProps={{ name: 'evidence', required: true }} />,
  },
];

type Pending = { action: Action; title: string; extra?: ReactNode; proposalId?: string };

/**
 * The session an event concerns (SES-1: the centre's own id), when it says so, or how many when it lists them (QUO-3:
 * the sessions an import counted in a row).
 */
function sessionsOf(data: unknown): string | null {
  const { sessionId, sessions } = (data ?? {}) as { sessionId?: unknown; sessions?: unknown };
  if (Array.isArray(sessions)) return `${sessions.length.toLocaleString('fr-FR')} sessions`;
  return typeof sessionId === 'string' ? sessionId : null;
}

async function load(id: string, can: (permission: string) => boolean) {
  const a = ok(await api.GET('/agrements/{id}', { params: { path: { id } } }));
  // SES-1, SES-10: the latest sessions; the whole timeline of every stream that concerns the centre.
  const [sessions, timeline, records] = await Promise.all([
    api
      .GET('/sessions', { params: { query: { organisationId: a.organisation.id, limit: 20 } } })
      .then(ok)
      .catch(() => ({ total: 0, items: [] as never[], limit: 20, offset: 0 })),
    api
      .GET('/dashboard/centres/{organisationId}/timeline', {
        params: { path: { organisationId: a.organisation.id }, query: { limit: 200 } },
      })
      .then(ok),
    loadRecords(a, can),
  ]);
  return { a, sessions, timeline, records };
}

/** One centre: state and term, the legal team's actions, quota pace, deadlines ahead, the ledger, sessions, history. */
export default function Centre() {
  const { id = '' } = useParams();
  const { can } = useSession();
  const loaded = useApi(`centre:${id}`, () => load(id, can));
  const [pending, setPending] = useState<Pending | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const act = async (agrementId: string, p: Pending, fields: Record<string, string>, reload: () => void) => {
    setPending(null);
    setFailure(null);
    const { error, response } = await api.POST('/agrements/{id}/actions/{action}', {
      params: { path: { id: agrementId, action: p.action }, header: { 'Idempotency-Key': idempotencyKey() } },
      body: { ...fields, ...(p.proposalId ? { proposalId: p.proposalId } : {}) } as { reason: string },
    });
    if (error !== undefined) {
      try {
        ok({ error, response });
      } catch (e) {
        setFailure((e as Error).message);
      }
      return;
    }
    reload();
  };

  const title = loaded.status === 'ready' ? loaded.data.a.organisation.name : 'Centre';
  return (
    <Screen title={title} loaded={loaded}>
      {({ a, sessions, timeline, records }) => {
        const reload = loaded.status === 'ready' ? loaded.reload : () => undefined;
        const actions: Pending[] = [
          ...LEGAL_ACTIONS.filter((x) => can(x.permission) && x.when(a)).map((x) => ({ action: x.action, title: x.label, extra: x.extra })),
          // BRE-4: every proposal of the engine waits for a person of the legal team: confirm it or decline it.
          ...(can('agrement.confirm-termination')
            ? a.agrement.proposals.flatMap((p) => [
                { action: 'confirm-proposal' as const, title: `Confirmer ${label(PROPOSALS, p.kind)} (${p.ruleId})`, proposalId: p.id },
                { action: 'decline-proposal' as const, title: `Écarter ${label(PROPOSALS, p.kind)} (${p.ruleId})`, proposalId: p.id },
              ])
            : []),
        ];
        return (
          <>
            <AgrementSummary a={a} />
            {a.sessionBlocker && (
              <Alert
                severity="warning"
                small
                description={`Sessions refusées : ${label(BLOCKERS, a.sessionBlocker.ruleId) === a.sessionBlocker.ruleId ? a.sessionBlocker.reason : label(BLOCKERS, a.sessionBlocker.ruleId)} (${a.sessionBlocker.ruleId})`}
              />
            )}
            {failure && <Alert severity="error" small description={failure} className="fr-my-2w" />}
            {actions.length > 0 && (
              <section id="legal-actions" aria-labelledby="legal-actions-title" className="fr-my-3w">
                <h2 id="legal-actions-title" className="fr-h5">
                  Décisions du service juridique
                </h2>
                <ul className="fr-btns-group fr-btns-group--inline-md">
                  {actions.map((x) => (
                    <li key={`${x.action}-${x.proposalId ?? ''}`}>
                      <Button priority="secondary" nativeButtonProps={{ 'data-action': x.action }} onClick={() => setPending(x)}>
                        {x.title}
                      </Button>
                    </li>
                  ))}
                </ul>
              </section>
            )}
            {pending && (
              <ReasonDialog
                title={pending.title}
                extra={pending.extra}
                onClose={() => setPending(null)}
                onConfirm={(fields) => void act(a.id, pending, fields, reload)}
              />
            )}

            {a.firstGrantOn && (
              <>
                <h2>Rythme du quota</h2>
                <QuotaChart kind={a.kind} firstGrantOn={a.firstGrantOn} candidates={a.candidates} timeline={a.timeline} />
              </>
            )}

            <h2>Échéances à venir</h2>
            <DataTable
              id="upcoming"
              caption="Échéances à venir"
              captionHidden
              headers={['Date', 'Échéance', 'Règle', 'Objet']}
              rows={timeline.upcoming.map((d) => [
                dateFr(d.on),
                label(DEADLINES, d.deadline),
                d.ruleId,
                d.subject === 'agrement' ? (
                  'Agrément'
                ) : (
                  <>
                    {label(STREAMS, d.subject)} <small>{d.subjectId}</small>
                  </>
                ),
              ])}
            />

            <h2>Échéances</h2>
            <DeadlineLedger id="ledger" caption="Chaque échéance de l’agrément et son issue" a={a} />

            <h2>Sessions ({sessions.total})</h2>
            <DataTable
              id="sessions"
              caption="Dernières sessions"
              captionHidden
              headers={['Date', 'Session', 'Statut', 'Candidats', 'Finalisation (SES-10)']}
              rows={sessions.items.map((x) => [
                dateFr(x.date),
                <Link to={`/sessions/${encodeURIComponent(x.id)}`}>{x.id}</Link>,
                label(SESSION_STATUS, x.status),
                x.candidates,
                x.status === 'planned' ? `avant le ${dateTimeFr(x.deadlineAt)} (heure de Paris)` : '',
              ])}
            />

            <h2>Historique ({timeline.past.total})</h2>
            <DataTable
              id="history"
              caption="Historique du centre"
              captionHidden
              headers={['Date', 'Objet', 'Événement', 'Règles', 'Par', 'Motif']}
              rows={timeline.past.items.map((e) => [
                dateFr(e.at),
                <>
                  {label(STREAMS, e.stream)}
                  {sessionsOf(e.data) && <small className="fr-ml-1w">{sessionsOf(e.data)}</small>}
                </>,
                label(EVENTS, e.type),
                e.ruleIds.join(', '),
                e.actor ?? '',
                e.reason ?? '',
              ])}
            />

            {records.members && <RecordTable section={MEMBERS} records={records.members} />}
            {records.visits && <RecordTable section={VISITS} records={records.visits} />}
            {records.quality && <RecordTable section={QUALITY} records={records.quality.items} total={records.quality.total} />}
            {records.statements && <RecordTable section={STATEMENTS} records={records.statements.items} total={records.statements.total} />}
            {can('simulation.run') && !['expired', 'terminated'].includes(a.state) && <WhatIfPanel agrementId={a.id} />}
          </>
        );
      }}
    </Screen>
  );
}
