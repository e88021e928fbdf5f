import { Link } from 'react-router-dom';
import { PARAMETERS } from '../../../src/config/parameters';
import { dateIn } from '../../../src/shared/domain/zoned-time';
import { api, ok, type Schemas } from '../api/client';
import { useApi } from '../api/use-api';
import { CalendarLink } from '../components/CalendarLink';
import { DataTable } from '../components/DataTable';
import { QuotaChart } from '../components/QuotaChart';
import { Screen } from '../components/Screen';
import { StateBadge } from '../components/StateBadge';
import { count, dateFr, dateTimeFr } from '../format/french';
import { DEADLINES, label, OVERDUE } from '../format/labels';
import { useSession } from '../session/session';
import { AgrementSummary, DeadlineLedger } from './centre/AgrementSummary';

/** The deadlines ahead the screen lists (the calendar feed has its own horizon). */
const DAYS = 90;
/** A coordinator's network holds a few agréments at most (its own; member centres hold none, ELIG-4): each one's detail is read. */
const MAX_AGREMENTS = 10;
const EMAIL_STATUS: Readonly<Record<string, string>> = { pending: 'en cours d’envoi', sent: 'envoyé', failed: 'non remis' };

type Agrement = Schemas['Agrement'];

async function load() {
  const today = dateIn(new Date(), PARAMETERS.agrement.timeZone);
  // Every list is scoped by the API: a centre its own, a coordinator its network (the coordinating organisation and its members).
  const [centres, deadlines, overdue, sessions, emails] = await Promise.all([
    api.GET('/centres', { params: { query: { limit: 1000 } } }).then(ok),
    api.GET('/dashboard/deadlines', { params: { query: { days: DAYS, limit: 500 } } }).then(ok),
    api.GET('/dashboard/overdue', { params: { query: { limit: 500 } } }).then(ok),
    // SES-10: the sessions held (today or before) still to finalise, each within 48 hours of its end.
    api.GET('/sessions', { params: { query: { status: 'planned', to: today, limit: 500 } } }).then(ok),
    api.GET('/me/emails', { params: { query: { limit: 100 } } }).then(ok),
  ]);
  const own = [...new Set(centres.items.filter((c) => c.agrementHeldBy === 'self').map((c) => c.agrementId))].slice(0, MAX_AGREMENTS);
  const agrements: Agrement[] = await Promise.all(own.map((id) => api.GET('/agrements/{id}', { params: { path: { id } } }).then(ok)));
  return { centres, deadlines, overdue, sessions, emails, agrements };
}

/**
 * Issue 14, the Espace centre: what a centre (or a network's coordinator, for each member centre) needs to see of
 * its own — its agrément(s) with state and term, the deadline ledger and outcomes, quota pace (QUO-1), sessions to
 * finalise within 48 hours (SES-10), monthly statements to send (BIL-1), the e-mails it was sent — and its deadlines
 * in its usual calendar.
 */
export default function MyCentre() {
  const { me } = useSession();
  const loaded = useApi('mon-centre', load);
  const title = me?.role === 'coordinator' ? 'Mon réseau' : 'Mon centre';
  const now = Date.now();

  return (
    <Screen title={title} loaded={loaded}>
      {({ centres, deadlines, overdue, sessions, emails, agrements }) => {
        const names = new Map(centres.items.map((c) => [c.organisationId, c.name]));
        const several = centres.items.length > 1;
        const centreColumn = several ? ['Centre'] : [];
        const centreCell = (organisationId: string, name?: string) => (several ? [name ?? names.get(organisationId) ?? ''] : []);
        const covered = centres.items.filter((c) => c.agrementHeldBy === 'network');
        const statementsDue = deadlines.items.filter((d) => d.deadline === 'statement-due');
        const statementsLate = overdue.items.filter((o) => o.what === 'statement-overdue');
        return (
          <>
            {agrements.map((a) => (
              <section key={a.id} aria-labelledby={`agrement-${a.id}`} data-agrement={a.id}>
                <h2 id={`agrement-${a.id}`}>
                  Agrément {a.kind === 'network' ? 'du réseau' : 'du centre'} {a.organisation.name}
                </h2>
                <AgrementSummary a={a}>
                  {' '}
                  · <Link to={`/centres/${a.id}`}>le détail de l’agrément</Link>
                </AgrementSummary>
                {a.firstGrantOn && (
                  <QuotaChart kind={a.kind} firstGrantOn={a.firstGrantOn} candidates={a.candidates} timeline={a.timeline} />
                )}
                <h3>Échéances de l’agrément et leur issue</h3>
                <DeadlineLedger
                  id={`ledger-${a.id}`}
                  caption={`Chaque échéance de l’agrément de ${a.organisation.name} et son issue`}
                  a={a}
                />
              </section>
            ))}

            {covered.length > 0 && (
              <section aria-labelledby="members-title">
                <h2 id="members-title">{several ? 'Centres du réseau' : 'Agrément de mon réseau'}</h2>
                <DataTable
                  id="members"
                  caption="Les centres couverts par l’agrément de leur réseau (ELIG-4)"
                  captionHidden
                  headers={['Centre', 'Département', 'Réseau', 'État de l’agrément', 'Terme']}
                  rows={covered.map((c) => [
                    c.name,
                    c.department ?? '',
                    c.networkName ?? '',
                    <StateBadge state={c.state} />,
                    dateFr(c.termOn),
                  ])}
                />
              </section>
            )}

            <section aria-labelledby="upcoming-title">
              <h2 id="upcoming-title">Échéances des {DAYS} prochains jours</h2>
              <p>{count(deadlines.total, 'échéance')}</p>
              <DataTable
                id="upcoming"
                caption={`Échéances des ${DAYS} prochains jours`}
                captionHidden
                headers={['Date', 'Échéance', 'Règle', ...centreColumn]}
                rows={deadlines.items.map((d) => [
                  dateFr(d.on),
                  label(DEADLINES, d.deadline),
                  d.ruleId,
                  ...centreCell('', d.organisationName),
                ])}
              />
              <CalendarLink query={{}} />
            </section>

            <section aria-labelledby="finalise-title">
              <h2 id="finalise-title">Sessions à finaliser</h2>
              <p>
                {count(sessions.total, 'session à finaliser', 'sessions à finaliser')} : chacune dans les 48 heures qui suivent sa fin
                (SES-10).
              </p>
              <DataTable
                id="to-finalise"
                caption="Sessions tenues, à finaliser dans les 48 heures (SES-10)"
                captionHidden
                headers={['Date', 'Session', ...centreColumn, 'Candidats', 'À finaliser avant']}
                rows={sessions.items.map((x) => {
                  const late = Date.parse(x.deadlineAt) < now;
                  return [
                    dateFr(x.date),
                    x.id,
                    ...centreCell(x.organisationId),
                    x.candidates,
                    <span data-late={late}>
                      {dateTimeFr(x.deadlineAt)} (heure de Paris){late && <strong> — délai dépassé</strong>}
                    </span>,
                  ];
                })}
              />
            </section>

            <section aria-labelledby="statements-title">
              <h2 id="statements-title">Relevés mensuels à envoyer</h2>
              <DataTable
                id="statements-due"
                caption="Relevés mensuels à envoyer (BIL-1)"
                captionHidden
                headers={['Relevé', ...centreColumn, 'À envoyer avant', 'Règle']}
                rows={[
                  ...statementsLate.map((o) => [
                    <span data-statement={o.id}>{label(OVERDUE, o.what)}</span>,
                    ...centreCell('', o.organisationName),
                    <strong>en retard depuis le {dateFr(o.since)}</strong>,
                    o.ruleId,
                  ]),
                  ...statementsDue.map((d) => [
                    <span data-statement={d.subjectId}>{label(DEADLINES, d.deadline)}</span>,
                    ...centreCell('', d.organisationName),
                    dateFr(d.on),
                    d.ruleId,
                  ]),
                ]}
              />
            </section>

            <section aria-labelledby="emails-title">
              <h2 id="emails-title">E-mails reçus</h2>
              <p>{count(emails.total, 'e-mail envoyé', 'e-mails envoyés')} par le service des agréments, le plus récent d’abord.</p>
              <DataTable
                id="emails"
                caption="E-mails envoyés par le service des agréments"
                captionHidden
                headers={['Date', 'Objet', ...centreColumn, 'Destinataire', 'État']}
                rows={emails.items.map((e) => [
                  dateTimeFr(e.sentAt ?? e.createdAt),
                  <details data-email={e.id}>
                    <summary>{e.subject ?? e.template}</summary>
                    {(e.text ?? '').split(/\n{2,}/).map((paragraph, i) => (
                      <p key={i} className="fr-text--sm fr-mb-1w">
                        {paragraph}
                      </p>
                    ))}
                  </details>,
                  ...centreCell(e.organisationId, e.organisationName),
                  e.recipient,
                  label(EMAIL_STATUS, e.status),
                ])}
              />
            </section>
          </>
        );
      }}
    </Screen>
  );
}
