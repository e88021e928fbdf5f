import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Fragment } from 'react';
import { Link } from 'react-router-dom';
import { STATEMENT_STATES } from '../../../src/billing/domain/statement';
import { api, ok, type Schemas } from '../api/client';
import { useApi } from '../api/use-api';
import { DataTable } from '../components/DataTable';
import { type ActionOf, type DecisionSpec, decisionForms, type Field } from '../components/Decision';
import { CodeSelect, FlagCheckbox } from '../components/FilterBar';
import { flagParam, oneOf, useListQuery } from '../components/list-query';
import { ListCount, ListPages } from '../components/Paging';
import { Screen } from '../components/Screen';
import { count, dateFr, dateTimeFr } from '../format/french';
import { label } from '../format/labels';
import { useSession } from '../session/session';

type Statement = Schemas['Statement'];
const PAGE_SIZE = 25;
const STATES: Readonly<Record<string, string>> = { prepared: 'à envoyer', sent: 'envoyé', invoiced: 'facturé', paid: 'payé' };
const euros = (n: number | undefined) => (n ?? 0).toLocaleString('fr-FR', { style: 'currency', currency: 'EUR' });
/** "2026-10" → "octobre 2026". */
const monthFr = (month: string) =>
  new Date(`${month}-15T12:00:00Z`).toLocaleDateString('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** The address's filters (#/releves?mois=2026-10&etat=sent&retard=oui&page=2), French names, the API's values. */
function queryOf(params: URLSearchParams) {
  const month = params.get('mois') ?? '';
  return {
    month: /^\d{4}-(0[1-9]|1[0-2])$/.test(month) ? month : undefined,
    state: oneOf(params.get('etat'), STATEMENT_STATES),
    overdue: flagParam(params, 'retard'),
  };
}

/** BIL-1: not sent by its due date (the 5th); BIL-2: the invoice unpaid past its due date. */
function lateness(x: Statement, now: number): string {
  if (x.state === 'prepared' && x.dueAt && Date.parse(x.dueAt) < now) return `non envoyé, dû le ${dateTimeFr(x.dueAt)}`;
  if (x.sentLate) return `envoyé en retard le ${dateFr(x.sentAt)}`;
  if (x.lateInterest && x.lateInterest.daysLate > 0)
    return `paiement en retard de ${count(x.lateInterest.daysLate, 'jour')} : ${euros(x.lateInterest.totalEur)} (intérêts et indemnité, BIL-2)`;
  return '';
}

type StatementAction = ActionOf<'statements'>;

/** An action on a statement (POST /statements/{id}/<id>), allowed in one state to a permission, titled "<verb> : <centre, month>". */
const action = (
  id: StatementAction,
  permission: string,
  state: Statement['state'],
  verb: string,
  submitLabel: string,
  fields?: (x: Statement) => Field[],
): DecisionSpec<Statement> & { permission: string } => ({
  id,
  permission,
  endpoint: `/statements/{id}/${id}`,
  allowed: (x) => x.state === state,
  title: (x) => `${verb} : ${x.organisationName ?? ''}, ${monthFr(x.month)}`,
  submitLabel,
  reason: 'none',
  fields,
});

/** The actions the statement's state allows: mark sent (BIL-1), invoice, payment (BIL-2); each for its permission. */
const ACTIONS = [
  action('sent', 'statement.send', 'prepared', 'Relevé reçu', 'Marquer envoyé'),
  action('invoice', 'statement.invoice', 'sent', 'Facturer', 'Facturer', (x) => [
    { kind: 'date', name: 'issuedOn', label: 'Date de la facture' },
    { kind: 'number', name: 'amountEur', label: 'Montant (€ TTC)', min: 0.01, step: '0.01', defaultValue: x.totals?.pixShareInclVatEur },
  ]),
  action('payment', 'statement.invoice', 'invoiced', 'Paiement', 'Enregistrer le paiement', () => [
    { kind: 'date', name: 'paidOn', label: 'Date du paiement' },
  ]),
];

/** Relevés: the centres' monthly statements (BIL-1) by month and state, the overdue ones, Pix's invoices and late interest (BIL-2). */
export default function Statements() {
  const { can } = useSession();
  const list = useListQuery(queryOf, { pageSize: PAGE_SIZE, checkboxes: ['retard'] });
  const { query: q, page, params } = list;
  const loaded = useApi(list.key, () => api.GET('/statements', { params: { query: { ...q, ...list.window } } }).then(ok));

  const now = Date.now();

  return (
    <Screen title="Relevés" loaded={loaded}>
      {(d) => {
        const reload = loaded.status === 'ready' ? loaded.reload : () => undefined;
        const items = d.items as Statement[];
        return (
          <>
            <form id="filters" className="filters" onSubmit={list.submit} key={list.formKey()} aria-label="Filtres">
              <Input label="Mois" nativeInputProps={{ type: 'month', name: 'mois', defaultValue: q.month ?? '' }} />
              <CodeSelect label="État" name="etat" codes={STATEMENT_STATES} labels={STATES} value={q.state} />
              <FlagCheckbox label="Non envoyés à l’échéance (le 5, BIL-1)" name="retard" checked={q.overdue} />
              <Button type="submit">Filtrer</Button>
            </form>
            <ListCount total={d.total} page={page} pageSize={PAGE_SIZE} noun="relevé" />
            <DataTable
              id="statements"
              caption="Relevés mensuels"
              captionHidden
              headers={['Mois', 'Centre', 'État', 'Candidats', 'Part Pix TTC', 'Facture', 'Retard']}
              rows={items.map((x) => [
                monthFr(x.month),
                x.agrementId ? <Link to={`/centres/${x.agrementId}`}>{x.organisationName}</Link> : (x.organisationName ?? ''),
                <span data-state={x.state}>{label(STATES, x.state)}</span>,
                x.totals?.candidates ?? 0,
                euros(x.totals?.pixShareInclVatEur),
                x.invoice
                  ? `${euros(x.invoice.amountEur)} le ${dateFr(x.invoice.issuedOn)}, ${x.invoice.paidOn ? `payée le ${dateFr(x.invoice.paidOn)}` : `à payer avant le ${dateFr(x.invoice.dueOn)}`}`
                  : '',
                <span data-overdue={String(x.state === 'prepared' && Date.parse(x.dueAt ?? '') < now)}>{lateness(x, now)}</span>,
              ])}
            />
            <ListPages id="releves-pages" path="/releves" params={params} total={d.total} page={page} pageSize={PAGE_SIZE} />
            {items.some((x) => x.state !== 'paid') && (
              <section id="statement-actions" aria-labelledby="statement-actions-title" className="fr-my-3w">
                <h2 id="statement-actions-title">Actions</h2>
                {items.map((x) => (
                  <Fragment key={`${x.id}:${x.state}`}>
                    {decisionForms(
                      ACTIONS.filter((d) => can(d.permission)),
                      { subject: x, id: x.id, idSuffix: `-${x.id}`, onDone: reload },
                    )}
                  </Fragment>
                ))}
              </section>
            )}
          </>
        );
      }}
    </Screen>
  );
}
