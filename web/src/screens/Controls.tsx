import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Table } from '@codegouvfr/react-dsfr/Table';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError, ok, type Schemas } from '../api/client';
import type { paths } from '../api/schema';
import { PARAMETERS } from '../../../src/config/parameters';
import { dateIn } from '../../../src/shared/domain/zoned-time';
import { useApi } from '../api/use-api';
import { DataTable } from '../components/DataTable';
import { DepartmentInput, RegionSelect, useRegions } from '../components/FilterBar';
import { textParam, useListQuery } from '../components/list-query';
import { Screen } from '../components/Screen';
import { count, dateFr, monthFr, todayInParis } from '../format/french';
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

/** The ranking's place in the address (#/controles?region=84&departement=69&mois=2026-10). */
const placeOf = (params: URLSearchParams) => ({ region: textParam(params, 'region'), department: textParam(params, 'departement') });

/**
 * Contrôles (VIS-1..5): the centres by risk, each score explained (VIS-1); the plan of a period, proposed then
 * confirmed by operations; the visits of the month per inspector (an inspector: their own) on a calendar and as a
 * list, filtered by inspector, each leading to its page where the findings are recorded (VIS-4).
 */
export default function Controls() {
  const list = useListQuery(placeOf);
  const { params, query: place } = list;
  const { can } = useSession();
  const regions = useRegions();
  const month = monthOf(params);
  const bounds = monthBounds(month);
  const loaded = useApi(JSON.stringify({ month, place }), async () => {
    const [ranking, visits] = await Promise.all([
      api.GET('/control-visits/risk-ranking', { params: { query: { ...place, limit: RANKING_SIZE } } }).then(ok),
      api.GET('/visit-plans', { params: { query: { from: bounds.from, to: bounds.to } } }).then(ok),
    ]);
    return { ranking, visits: visits.visits };
  });

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
              onSubmit={list.submit}
              key={list.formKey(regions.length)}
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
            <InspectorFilter visits={d.visits} params={params} onSubmit={list.submit} month={month} />
            <Calendar visits={ofInspector(d.visits, params)} month={month} />
            <h3 className="fr-mt-4w">Liste par inspecteur</h3>
            <VisitList visits={ofInspector(d.visits, params)} month={month} />
          </>
        );
      }}
    </Screen>
  );
}

/** The inspector chosen in the address (#/controles?inspecteur=<id>), or everyone. */
const ofInspector = (visits: Visit[], params: URLSearchParams) =>
  params.get('inspecteur') ? visits.filter((v) => v.inspector.id === params.get('inspecteur')) : visits;

/** The calendar's filter: the inspectors with a visit this month (an inspector sees only their own visits: no choice to make, VIS-5). */
function InspectorFilter({
  visits,
  params,
  month,
  onSubmit,
}: {
  visits: Visit[];
  params: URLSearchParams;
  month: string;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
}) {
  const { me } = useSession();
  const chosen = params.get('inspecteur') ?? '';
  const inspectors = [...new Map(visits.map((v) => [v.inspector.id, v.inspector])).values()].sort((a, b) =>
    a.name.localeCompare(b.name, 'fr'),
  );
  if (me?.role === 'inspector' || (inspectors.length === 0 && chosen === '')) return null;
  return (
    <form id="calendar-filters" className="filters" onSubmit={onSubmit} key={`${params}`} aria-label="Filtre du calendrier">
      <Select label="Inspecteur" nativeSelectProps={{ name: 'inspecteur', defaultValue: chosen }}>
        <option value="">Tous les inspecteurs</option>
        {inspectors.map((i) => (
          <option key={i.id} value={i.id}>
            {i.name} ({label(INSPECTOR_KINDS, i.kind)})
          </option>
        ))}
        {chosen !== '' && !inspectors.some((i) => i.id === chosen) && (
          <option value={chosen}>Inspecteur choisi (aucune visite en {monthFr(month)})</option>
        )}
      </Select>
      <Button type="submit">Afficher</Button>
    </form>
  );
}

/** Monday to Sunday, as the days' names read in French ("lundi"), capitalised as table headers. */
const WEEKDAYS = Array.from({ length: 7 }, (_, i) => {
  const name = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, 1 + i)));
  return name.charAt(0).toUpperCase() + name.slice(1);
});

/** The month's days (YYYY-MM-DD) by week, Monday first; null outside the month. */
function weeksOf(month: string): (string | null)[][] {
  const [y, m] = month.split('-').map(Number);
  const length = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const lead = (new Date(Date.UTC(y, m - 1, 1)).getUTCDay() + 6) % 7;
  const cells = [...Array<null>(lead).fill(null), ...Array.from({ length }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`)];
  while (cells.length % 7 !== 0) cells.push(null);
  return Array.from({ length: cells.length / 7 }, (_, w) => cells.slice(w * 7, w * 7 + 7));
}

/**
 * The month as a grid (RGAA: a data table with its caption and its days as column headers), weeks from Monday,
 * each visit in its day with its centre, inspector and status, linked to its page.
 */
function Calendar({ visits, month }: { visits: Visit[]; month: string }) {
  const today = todayInParis();
  const byDay = new Map<string, Visit[]>();
  for (const v of visits) byDay.set(v.plannedOn, [...(byDay.get(v.plannedOn) ?? []), v]);
  const day = (iso: string | null) => {
    if (iso === null) return null;
    const own = byDay.get(iso) ?? [];
    return (
      <div data-day={iso}>
        <p className="fr-text--bold fr-mb-1v">
          <time dateTime={iso}>{Number(iso.slice(8))}</time>
          {iso === today && <span className="fr-badge fr-badge--sm fr-badge--info fr-ml-1v">aujourd’hui</span>}
        </p>
        {own.length > 0 && (
          <ul className="fr-raw-list">
            {own.map((v) => (
              <li key={v.id} className="fr-mb-1w">
                <Link to={`/controles/visites/${v.id}`}>
                  {v.organisationName}
                  <span className="fr-sr-only">, visite du {dateFr(v.plannedOn)}</span>
                </Link>
                <p className="fr-text--xs fr-mb-0">
                  {v.inspector.name} · {label(VISIT_STATUS, v.status)}
                </p>
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  };
  return (
    <Table
      id="calendar"
      caption={`Calendrier de ${monthFr(month)}, du lundi au dimanche : ${count(visits.length, 'visite')}`}
      headers={WEEKDAYS}
      data={weeksOf(month).map((week) => week.map(day))}
      bordered
      fixed
    />
  );
}

/** The visits of the month, one table per inspector, by day (the agenda: the calendar's alternative on a small screen). */
function VisitList({ visits, month }: { visits: Visit[]; month: string }) {
  if (visits.length === 0) return <p id="visit-list">Aucune visite ce mois-ci.</p>;
  const byInspector = new Map<string, Visit[]>();
  for (const v of visits) byInspector.set(v.inspector.id, [...(byInspector.get(v.inspector.id) ?? []), v]);
  return (
    <div id="visit-list">
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
