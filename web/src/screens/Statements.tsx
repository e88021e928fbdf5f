import { Button } from '@codegouvfr/react-dsfr/Button';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import type { FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { STATEMENT_STATES } from '../../../src/billing/domain/statement';
import { api, idempotencyKey, ok, type Schemas } from '../api/client';
import { useApi } from '../api/use-api';
import { DataTable } from '../components/DataTable';
import { paramsFromForm } from '../components/FilterBar';
import { ListCount, ListPages, pageOf, windowOf } from '../components/Paging';
import { Screen } from '../components/Screen';
import { count, dateFr, dateTimeFr } from '../format/french';
import { label } from '../format/labels';
import { useSession } from '../session/session';
import { Decision } from './Application';

type Statement = Schemas['Statement'];
const PAGE_SIZE = 25;
const STATES: Readonly<Record<string, string>> = { prepared: 'à envoyer', sent: 'envoyé', invoiced: 'facturé', paid: 'payé' };
const euros = (n: number | undefined) => (n ?? 0).toLocaleString('fr-FR', { style: 'currency', currency: 'EUR' });
const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
/** "2026-10" → "octobre 2026". */
const monthFr = (month: string) =>
  new Date(`${month}-15T12:00:00Z`).toLocaleDateString('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });

function queryOf(params: URLSearchParams) {
  const state = params.get('etat') ?? '';
  const month = params.get('mois') ?? '';
  return {
    month: /^\d{4}-(0[1-9]|1[0-2])$/.test(month) ? month : undefined,
    state: (STATEMENT_STATES as readonly string[]).includes(state) ? (state as (typeof STATEMENT_STATES)[number]) : undefined,
    overdue: params.get('retard') === 'oui',
    page: pageOf(params),
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

/** The actions the statement's state allows the role: mark sent (BIL-1), invoice, payment (BIL-2). */
function Actions({ x, reload }: { x: Statement; reload: () => void }) {
  const { can } = useSession();
  const path = { id: x.id };
  const header = () => ({ 'Idempotency-Key': idempotencyKey() });
  const title = `${x.organisationName ?? ''}, ${monthFr(x.month)}`;
  if (x.state === 'prepared' && can('statement.send'))
    return (
      <Decision
        id={`sent-${x.id}`}
        title={`Relevé reçu : ${title}`}
        submitLabel="Marquer envoyé"
        reason="none"
        onDone={reload}
        post={() => api.POST('/statements/{id}/sent', { params: { path, header: header() } })}
        toBody={() => ({})}
      >
        {null}
      </Decision>
    );
  if (x.state === 'sent' && can('statement.invoice'))
    return (
      <Decision
        id={`invoice-${x.id}`}
        title={`Facturer : ${title}`}
        submitLabel="Facturer"
        reason="none"
        onDone={reload}
        post={(body) => api.POST('/statements/{id}/invoice', { params: { path, header: header() }, body: body as never })}
        toBody={(f) => ({ issuedOn: String(f.get('issuedOn')), amountEur: Number(f.get('amountEur')) })}
      >
        <Input label="Date de la facture" nativeInputProps={{ type: 'date', name: 'issuedOn', required: true, defaultValue: today() }} />
        <Input
          label="Montant (€ TTC)"
          nativeInputProps={{
            type: 'number',
            name: 'amountEur',
            min: 0.01,
            step: '0.01',
            required: true,
            defaultValue: x.totals?.pixShareInclVatEur,
          }}
        />
      </Decision>
    );
  if (x.state === 'invoiced' && can('statement.invoice'))
    return (
      <Decision
        id={`payment-${x.id}`}
        title={`Paiement : ${title}`}
        submitLabel="Enregistrer le paiement"
        reason="none"
        onDone={reload}
        post={(body) => api.POST('/statements/{id}/payment', { params: { path, header: header() }, body: body as never })}
        toBody={(f) => ({ paidOn: String(f.get('paidOn')) })}
      >
        <Input label="Date du paiement" nativeInputProps={{ type: 'date', name: 'paidOn', required: true, defaultValue: today() }} />
      </Decision>
    );
  return null;
}

/** Relevés: the centres' monthly statements (BIL-1) by month and state, the overdue ones, Pix's invoices and late interest (BIL-2). */
export default function Statements() {
  const [params, setParams] = useSearchParams();
  const q = queryOf(params);
  const loaded = useApi(JSON.stringify(q), () =>
    api
      .GET('/statements', {
        params: {
          query: {
            ...(q.month ? { month: q.month } : {}),
            ...(q.state ? { state: q.state } : {}),
            ...(q.overdue ? { overdue: true } : {}),
            ...windowOf(q.page, PAGE_SIZE),
          },
        },
      })
      .then(ok),
  );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setParams(paramsFromForm(event.currentTarget, params, ['page', 'retard']));
  };

  const now = Date.now();

  return (
    <Screen title="Relevés" loaded={loaded}>
      {(list) => {
        const reload = loaded.status === 'ready' ? loaded.reload : () => undefined;
        const items = list.items as Statement[];
        return (
          <>
            <form id="filters" className="filters" onSubmit={submit} key={params.toString()} aria-label="Filtres">
              <Input label="Mois" nativeInputProps={{ type: 'month', name: 'mois', defaultValue: q.month ?? '' }} />
              <Select label="État" nativeSelectProps={{ name: 'etat', defaultValue: q.state ?? '' }}>
                <option value="">Tous</option>
                {STATEMENT_STATES.map((s) => (
                  <option key={s} value={s}>
                    {label(STATES, s)}
                  </option>
                ))}
              </Select>
              <Checkbox
                options={[
                  {
                    label: 'Non envoyés à l’échéance (le 5, BIL-1)',
                    nativeInputProps: { name: 'retard', value: 'oui', defaultChecked: q.overdue },
                  },
                ]}
              />
              <Button type="submit">Filtrer</Button>
            </form>
            <ListCount total={list.total} page={q.page} pageSize={PAGE_SIZE} noun="relevé" />
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
            <ListPages id="releves-pages" path="/releves" params={params} total={list.total} page={q.page} pageSize={PAGE_SIZE} />
            {items.some((x) => x.state !== 'paid') && (
              <section id="statement-actions" aria-labelledby="statement-actions-title" className="fr-my-3w">
                <h2 id="statement-actions-title">Actions</h2>
                {items.map((x) => (
                  <Actions key={`${x.id}:${x.state}`} x={x} reload={reload} />
                ))}
              </section>
            )}
          </>
        );
      }}
    </Screen>
  );
}
