import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api, ApiError, ok, type Schemas } from '../api/client';
import type { paths } from '../api/schema';
import { PARAMETERS } from '../../../src/config/parameters';
import { dateIn } from '../../../src/shared/domain/zoned-time';
import { useApi } from '../api/use-api';
import { DataTable } from '../components/DataTable';
import { DepartmentInput, paramsFromForm, RegionSelect, useRegions } from '../components/FilterBar';
import { Screen } from '../components/Screen';
import { count, dateFr } from '../format/french';
import { INSPECTOR_KINDS, label, VISIT_KINDS, VISIT_STATUS } from '../format/labels';
import { useSession } from '../session/session';

type Visit = paths['/visit-plans']['get']['responses'][200]['content']['application/json']['visits'][number];
type Proposal = paths['/visit-plans/proposal']['post']['responses'][200]['content']['application/json'];
type PlanBody = NonNullable<paths['/visit-plans']['post']['requestBody']>['content']['application/json'];

const RANKING_SIZE = 20;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The month shown by the calendar (#/controles?mois=2026-11), this month (in metropolitan time) by default. */
function monthOf(params: URLSearchParams): string {
  const month = params.get('mois');
  return month && MONTH.test(month) ? month : dateIn(new Date(), PARAMETERS.agrement.timeZone).slice(0, 7);
}

function monthBounds(month: string): { from: string; to: string; previous: string; next: string } {
  const [y, m] = month.split('-').map(Number);
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  return {
    from: `${month}-01`,
    to: iso(new Date(Date.UTC(y, m, 0))),
    previous: iso(new Date(Date.UTC(y, m - 2, 1))).slice(0, 7),
    next: iso(new Date(Date.UTC(y, m, 1))).slice(0, 7),
  };
}

const monthFr = (month: string) =>
  new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));

/**
 * Contrôles (VIS-1..5): the centres by risk, each score explained (VIS-1); the plan of a period, proposed then
 * confirmed by operations; the visits of the month per inspector (an inspector: their own), each leading to its
 * page where the findings are recorded (VIS-4).
 */
export default function Controls() {
  const [params, setParams] = useSearchParams();
  const { can } = useSession();
  const regions = useRegions();
  const month = monthOf(params);
  const bounds = monthBounds(month);
  const place = {
    ...(params.get('region') ? { region: params.get('region')! } : {}),
    ...(params.get('departement') ? { department: params.get('departement')! } : {}),
  };
  const loaded = useApi(JSON.stringify({ month, place }), async () => {
    const [ranking, visits] = await Promise.all([
      api.GET('/control-visits/risk-ranking', { params: { query: { ...place, limit: RANKING_SIZE } } }).then(ok),
      api.GET('/visit-plans', { params: { query: { from: bounds.from, to: bounds.to } } }).then(ok),
    ]);
    return { ranking, visits: visits.visits };
  });

  const filter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setParams(paramsFromForm(event.currentTarget, params));
  };
  const monthLink = (m: string) => {
    const next = new URLSearchParams(params);
    next.set('mois', m);
    return `/controles?${next}`;
  };

  return (
    <Screen title="Contrôles" loaded={loaded}>
      {(d) => {
        const reload = loaded.status === 'ready' ? loaded.reload : () => undefined;
        return (
          <>
            <h2>Centres les plus à risque</h2>
            <form
              id="risk-filters"
              className="filters"
              onSubmit={filter}
              key={`${params}|${regions.length}`}
              aria-label="Filtres du classement"
            >
              <RegionSelect params={params} regions={regions} />
              <DepartmentInput params={params} />
              <Button type="submit">Filtrer</Button>
            </form>
            <p className="fr-mt-2w">
              {count(d.ranking.total, 'centre classé')} au {dateFr(d.ranking.asOf)}
              {d.ranking.total > RANKING_SIZE && ` (les ${RANKING_SIZE} premiers)`}
            </p>
            <DataTable
              id="risk-ranking"
              caption="Centres par score de risque (VIS-1), du plus élevé au plus faible"
              headers={['Rang', 'Centre', 'Département', 'Score', 'Facteurs']}
              rows={d.ranking.items.map((c) => [
                c.rank,
                <Link to={`/centres/${c.agrementId}`}>{c.organisationName}</Link>,
                c.department ?? '',
                c.score,
                c.factors.length === 0 ? (
                  'Aucun facteur'
                ) : (
                  <ul className="fr-m-0">
                    {c.factors.map((f) => (
                      <li key={f.check}>
                        {f.ruleId} : {f.message} — {count(f.points, 'point')}
                      </li>
                    ))}
                  </ul>
                ),
              ])}
            />
            {can('visits.plan') && <PlanPeriod onConfirmed={reload} />}
            <h2>Visites de {monthFr(month)}</h2>
            <nav aria-label="Mois du calendrier" className="fr-mb-2w">
              <Link to={monthLink(bounds.previous)}>← {monthFr(bounds.previous)}</Link>
              {' · '}
              <Link to={monthLink(bounds.next)}>{monthFr(bounds.next)} →</Link>
            </nav>
            <Calendar visits={d.visits} month={month} />
          </>
        );
      }}
    </Screen>
  );
}

/** The visits of the month, one table per inspector, by day (an agenda: accessible, French dates). */
function Calendar({ visits, month }: { visits: Visit[]; month: string }) {
  if (visits.length === 0) return <p id="calendar">Aucune visite ce mois-ci.</p>;
  const byInspector = new Map<string, Visit[]>();
  for (const v of visits) byInspector.set(v.inspector.id, [...(byInspector.get(v.inspector.id) ?? []), v]);
  return (
    <div id="calendar">
      {[...byInspector.values()].map((own) => {
        const { inspector } = own[0];
        return (
          <DataTable
            key={inspector.id}
            caption={`${inspector.name} (${label(INSPECTOR_KINDS, inspector.kind)}) : ${count(own.length, 'visite')} en ${monthFr(month)}`}
            headers={['Date', 'Centre', 'Département', 'Nature', 'Statut', 'Fiche']}
            rows={own.map((v) => [
              dateFr(v.plannedOn),
              v.organisationName,
              v.department ?? '',
              `Visite ${label(VISIT_KINDS, v.kind)}`,
              label(VISIT_STATUS, v.status),
              <Link to={`/controles/visites/${v.id}`}>
                Voir la visite
                <span className="fr-sr-only">
                  {' '}
                  du {dateFr(v.plannedOn)} chez {v.organisationName}
                </span>
              </Link>,
            ])}
          />
        );
      })}
    </div>
  );
}

/** VIS-1..5, APP-3: operations choose a period, review the plan proposed, then confirm it (POST /visit-plans). */
function PlanPeriod({ onConfirmed }: { onConfirmed: () => void }) {
  const [request, setRequest] = useState<PlanBody | null>(null);
  const [proposal, setProposal] = useState<Proposal | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const refusal = (status: number, error: unknown) => new ApiError(status, error as Partial<Schemas['Error']>).message;

  const propose = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const f = new FormData(event.currentTarget);
    const share = String(f.get('announcedShare') ?? '').trim();
    const body: PlanBody = {
      from: String(f.get('from')),
      to: String(f.get('to')),
      ...(share !== '' ? { announcedShare: Number(share) / 100 } : {}),
    };
    setBusy(true);
    setFailure(null);
    setDone(null);
    setProposal(null);
    const result = await api.POST('/visit-plans/proposal', { body });
    setBusy(false);
    if (result.error !== undefined) return setFailure(refusal(result.response.status, result.error));
    setRequest(body);
    setProposal(result.data);
  };

  const confirm = async () => {
    if (!request) return;
    setBusy(true);
    setFailure(null);
    const result = await api.POST('/visit-plans', { body: request });
    setBusy(false);
    if (result.error !== undefined) return setFailure(refusal(result.response.status, result.error));
    setProposal(null);
    setRequest(null);
    setDone(
      `Plan confirmé : ${count(result.data.visits.length, 'visite planifiée', 'visites planifiées')} du ${dateFr(request.from)} au ${dateFr(request.to)}.`,
    );
    onConfirmed();
  };

  return (
    <section aria-labelledby="plan-title">
      <h2 id="plan-title">Planifier une période</h2>
      <form id="plan-form" className="filters" onSubmit={propose} aria-label="Période à planifier">
        <Input label="Du" nativeInputProps={{ name: 'from', type: 'date', required: true }} />
        <Input label="Au" nativeInputProps={{ name: 'to', type: 'date', required: true }} />
        <Input
          label="Part de visites annoncées (%)"
          hintText="VIS-1, VIS-2 ; vide : la valeur des paramètres"
          nativeInputProps={{ name: 'announcedShare', type: 'number', min: 0, max: 100, step: 1 }}
        />
        <Button type="submit" disabled={busy}>
          Proposer un plan
        </Button>
      </form>
      {failure && <Alert severity="error" small description={failure} className="fr-mt-2w" />}
      {done && <Alert severity="success" small description={done} className="fr-mt-2w" />}
      {proposal && (
        <div id="plan-proposal" className="fr-mt-2w">
          <h3>
            Plan proposé du {dateFr(proposal.from)} au {dateFr(proposal.to)}
          </h3>
          <p>
            {count(proposal.visits.length, 'visite proposée', 'visites proposées')}, capacité des inspecteurs :{' '}
            {count(proposal.capacity, 'visite')}
            {proposal.alreadyPlanned.length > 0 &&
              ` ; ${count(proposal.alreadyPlanned.length, 'visite déjà planifiée', 'visites déjà planifiées')}`}
            .
          </p>
          <DataTable
            id="proposed-visits"
            caption="Visites proposées"
            headers={['Date', 'Centre', 'Nature', 'Inspecteur', 'Score', 'Coût', 'Règles']}
            rows={proposal.visits.map((v) => [
              dateFr(v.plannedOn),
              v.centreName,
              <>
                Visite {label(VISIT_KINDS, v.kind)}
                {v.letterSentBy && <small className="fr-ml-1w">lettre avant le {dateFr(v.letterSentBy)}</small>}
              </>,
              v.inspectorName,
              v.riskScore,
              `${v.costEur} €`,
              v.ruleIds.join(', '),
            ])}
          />
          {proposal.unassigned.length > 0 && (
            <DataTable
              id="unassigned"
              caption="Centres non planifiés et pourquoi"
              headers={['Centre', 'Score', 'Règle', 'Motif']}
              rows={proposal.unassigned.map((u) => [u.centreName, u.riskScore, u.ruleId, u.message])}
            />
          )}
          <div className="fr-btns-group fr-btns-group--inline">
            <Button onClick={confirm} disabled={busy || proposal.visits.length === 0}>
              Confirmer le plan
            </Button>
            <Button priority="secondary" onClick={() => setProposal(null)}>
              Abandonner
            </Button>
          </div>
        </div>
      )}
    </section>
  );
}
