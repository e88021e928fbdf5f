import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError, idempotencyKey, ok, type Schemas } from '../api/client';
import type { paths } from '../api/schema';
import { useApi } from '../api/use-api';
import { DataTable } from '../components/DataTable';
import { CodeSelect, DepartmentInput, RegionSelect, useRegions } from '../components/FilterBar';
import { oneOf, textParam, useListQuery } from '../components/list-query';
import { CsvExport, ListCount, ListPages } from '../components/Paging';
import { ReasonDialog } from '../components/ReasonDialog';
import { Screen } from '../components/Screen';
import { StateBadge } from '../components/StateBadge';
import { dateFr } from '../format/french';
import { label, PROPOSAL_KINDS, PROPOSALS } from '../format/labels';
import { useSession } from '../session/session';

type Query = NonNullable<paths['/proposals']['get']['parameters']['query']>;
type Kind = NonNullable<Query['kind']>;
type Proposal = Exclude<paths['/proposals']['get']['responses'][200]['content']['application/json'], string>['items'][number];

const PAGE_SIZE = 50;
const KIND_CODES = Object.keys(PROPOSAL_KINDS) as Kind[];
/** BRE-4: who decides on the engine's proposals (as on the centre's screen). */
const DECIDE = 'agrement.confirm-termination';

/** The filters in the address, French names there (#/propositions?nature=termination&region=84&page=2). */
function queryOf(params: URLSearchParams): Query {
  return {
    kind: oneOf(params.get('nature'), KIND_CODES),
    region: textParam(params, 'region'),
    department: textParam(params, 'departement'),
  };
}

type Pending = { proposal: Proposal; action: 'confirm-proposal' | 'decline-proposal' };

/**
 * Propositions: the engine's proposals waiting for the legal team (BRE-4: the engine proposes, a person decides) —
 * terminations (SUS-5), formal notices (BRE-1) and suspensions (SUS-1, VIS-4) — oldest first, each with its grounds,
 * confirmed or declined with a reason.
 */
export default function Proposals() {
  const list = useListQuery(queryOf, { pageSize: PAGE_SIZE });
  const { query, page, params } = list;
  const { can } = useSession();
  const regions = useRegions();
  const loaded = useApi(list.key, () => api.GET('/proposals', { params: { query: { ...query, ...list.window } } }).then(ok));
  const [pending, setPending] = useState<Pending | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const decide = async ({ proposal, action }: Pending, reason: string, reload: () => void) => {
    setPending(null);
    setFailure(null);
    setDone(null);
    const result = await api.POST('/agrements/{id}/actions/{action}', {
      params: { path: { id: proposal.agrementId, action }, header: { 'Idempotency-Key': idempotencyKey() } },
      body: { reason, proposalId: proposal.proposalId } as { reason: string },
    });
    if (result.error !== undefined) {
      // 400 names the field, 409 the rule (e.g. the proposal decided meanwhile): the API's words, in the alert.
      const detail = new ApiError(result.response.status, result.error as Partial<Schemas['Error']>).message;
      setFailure(
        result.response.status === 409
          ? `Cette proposition n’est plus en attente : elle a peut-être été décidée entre-temps. ${detail}`
          : detail,
      );
      // Decided meanwhile by someone else (409): the queue as it is now.
      if (result.response.status === 409 || result.response.status === 404) reload();
      return;
    }
    setDone(
      `${action === 'confirm-proposal' ? 'Proposition confirmée' : 'Proposition refusée'} : ${label(PROPOSALS, proposal.kind)} de ${proposal.organisationName}.`,
    );
    reload();
  };

  const decides = can(DECIDE);
  return (
    <Screen title="Propositions à décider" loaded={loaded}>
      {(d) => {
        const reload = loaded.status === 'ready' ? loaded.reload : () => undefined;
        return (
          <>
            <form id="proposal-filters" className="filters" aria-label="Filtres" onSubmit={list.submit} key={list.formKey(regions.length)}>
              <CodeSelect label="Nature" name="nature" codes={KIND_CODES} labels={PROPOSAL_KINDS} value={query.kind} all="Toutes" />
              <RegionSelect params={params} regions={regions} />
              <DepartmentInput params={params} />
              <Button type="submit">Filtrer</Button>
            </form>

            <div aria-live="polite">
              {failure && (
                <Alert
                  id="decision-error"
                  severity="error"
                  title="La décision n’a pas été enregistrée"
                  description={failure}
                  className="fr-my-2w"
                />
              )}
              {done && <Alert id="decision-done" severity="success" small description={done} className="fr-my-2w" />}
            </div>

            <ListCount total={d.total} page={page} pageSize={PAGE_SIZE} noun="proposition en attente" plural="propositions en attente" />
            <CsvExport
              filename="propositions.csv"
              fetchCsv={() => api.GET('/proposals', { params: { query: { ...query, format: 'csv' } }, parseAs: 'blob' })}
            />
            <DataTable
              id="proposals"
              caption="Propositions en attente de décision, la plus ancienne d’abord"
              captionHidden
              headers={['Proposée le', 'Nature', 'Centre', 'Département', 'État', 'Motifs', ...(decides ? ['Décision'] : [])]}
              rows={d.items.map((p) => [
                dateFr(p.proposedOn),
                <span data-proposal={p.proposalId}>{label(PROPOSAL_KINDS, p.kind)}</span>,
                <Link to={`/centres/${p.agrementId}`}>{p.organisationName}</Link>,
                p.department ?? '',
                <StateBadge state={p.agrementState} />,
                <p className="proposal-grounds">
                  {p.reason}
                  <br />
                  <small>Règles : {p.ruleIds.join(', ')}</small>
                </p>,
                ...(decides
                  ? [
                      <ul className="fr-btns-group fr-btns-group--sm fr-btns-group--inline-lg">
                        <li>
                          <Button
                            size="small"
                            nativeButtonProps={{
                              'data-action': 'confirm-proposal',
                              'aria-label': `Confirmer : ${label(PROPOSALS, p.kind)} de ${p.organisationName}`,
                            }}
                            onClick={() => setPending({ proposal: p, action: 'confirm-proposal' })}
                          >
                            Confirmer
                          </Button>
                        </li>
                        <li>
                          <Button
                            size="small"
                            priority="secondary"
                            nativeButtonProps={{
                              'data-action': 'decline-proposal',
                              'aria-label': `Refuser : ${label(PROPOSALS, p.kind)} de ${p.organisationName}`,
                            }}
                            onClick={() => setPending({ proposal: p, action: 'decline-proposal' })}
                          >
                            Refuser
                          </Button>
                        </li>
                      </ul>,
                    ]
                  : []),
              ])}
            />
            <ListPages id="proposals-pages" path="/propositions" params={params} total={d.total} page={page} pageSize={PAGE_SIZE} />
            {pending && (
              <ReasonDialog
                title={`${pending.action === 'confirm-proposal' ? 'Confirmer' : 'Refuser'} ${label(PROPOSALS, pending.proposal.kind)} de ${pending.proposal.organisationName} (${pending.proposal.ruleId})`}
                onClose={() => setPending(null)}
                onConfirm={(fields) => void decide(pending, fields.reason ?? '', reload)}
              />
            )}
          </>
        );
      }}
    </Screen>
  );
}
