import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { CHECKLIST_ITEMS, CHECKLIST_LABELS, type FindingsInput, type StoredFindings } from '../../../src/visits/domain/findings';
import { api, ApiError, ok, type Schemas } from '../api/client';
import { useApi } from '../api/use-api';
import { DataTable } from '../components/DataTable';
import { Screen } from '../components/Screen';
import { dateFr, dateTimeFr } from '../format/french';
import { INSPECTOR_KINDS, label, VISIT_KINDS, VISIT_STATUS } from '../format/labels';
import { useSession } from '../session/session';

/**
 * One control visit (VIS-1..5): where, when, by whom; its findings once recorded (VIS-4), or the inspector's form to
 * record them: the four checklist items (a note required for each one failed), a proposal to the legal team (BRE-1
 * formal notice, SUS-1 suspension: BRE-4, a person decides), a summary and the actual cost (VIS-3, APP-3).
 */
export default function Visit() {
  const { id = '' } = useParams();
  const { can } = useSession();
  const loaded = useApi(id, () => api.GET('/control-visits/{id}', { params: { path: { id } } }).then(ok));
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const record = async (event: FormEvent<HTMLFormElement>, reload: () => void) => {
    event.preventDefault();
    const f = new FormData(event.currentTarget);
    const text = (name: string) => String(f.get(name) ?? '').trim();
    const checklist = Object.fromEntries(
      CHECKLIST_ITEMS.map((item) => {
        const notes = text(`${item}.notes`);
        return [item, { result: f.get(`${item}.result`) === 'ko' ? 'ko' : 'ok', ...(notes ? { notes } : {}) }];
      }),
    ) as FindingsInput['checklist'];
    const body: FindingsInput = {
      checklist,
      ...(f.get('proposeBreach') ? { proposeBreach: true } : {}),
      ...(f.get('proposeSuspension') ? { proposeSuspension: true } : {}),
      ...(text('summary') ? { summary: text('summary') } : {}),
      ...(text('costEur') ? { costEur: Number(text('costEur')) } : {}),
    };
    setBusy(true);
    setFailure(null);
    setDone(null);
    const result = await api.POST('/control-visits/{id}/findings', { params: { path: { id } }, body });
    setBusy(false);
    if (result.error !== undefined) {
      // 400 names the field (e.g. a failed item without its note), 409 the rule (VIS-4: not yet visited, already recorded).
      return setFailure(new ApiError(result.response.status, result.error as Partial<Schemas['Error']>).message);
    }
    setDone('Constats enregistrés.');
    reload();
  };

  return (
    <Screen title="Visite de contrôle" loaded={loaded}>
      {(v) => {
        const reload = loaded.status === 'ready' ? loaded.reload : () => undefined;
        const findings = v.findings as StoredFindings | null;
        return (
          <>
            <p>
              <Link to="/controles">← Contrôles</Link>
            </p>
            <dl id="visit">
              <dt>Centre</dt>
              <dd>{v.agrementId ? <Link to={`/centres/${v.agrementId}`}>{v.organisationName}</Link> : v.organisationName}</dd>
              <dt>Date</dt>
              <dd>{dateFr(v.plannedOn)}</dd>
              <dt>Nature</dt>
              <dd>Visite {label(VISIT_KINDS, v.kind)}</dd>
              <dt>Inspecteur</dt>
              <dd>
                {v.inspector.name} ({label(INSPECTOR_KINDS, v.inspector.kind)})
              </dd>
              <dt>Statut</dt>
              <dd id="visit-status">{label(VISIT_STATUS, v.status)}</dd>
              {v.letterSentBy && (
                <>
                  <dt>Lettre recommandée (VIS-2)</dt>
                  <dd>avant le {dateFr(v.letterSentBy)}</dd>
                </>
              )}
              <dt>Coût à la charge du centre (VIS-3)</dt>
              <dd>{findings?.chargedCostEur ?? v.costEur} €</dd>
            </dl>
            {done && <Alert id="findings-done" severity="success" small description={done} className="fr-my-2w" />}
            {failure && <Alert id="findings-error" severity="error" small description={failure} className="fr-my-2w" />}
            {findings ? (
              <section aria-labelledby="findings-title">
                <h2 id="findings-title">Constats (VIS-4)</h2>
                <p>
                  Enregistrés le {dateTimeFr(findings.recordedAt)} par {findings.recordedBy}.{findings.serious && ' Constats graves.'}
                </p>
                <DataTable
                  id="findings"
                  caption="Points de contrôle"
                  headers={['Point de contrôle', 'Résultat', 'Observations']}
                  rows={CHECKLIST_ITEMS.map((item) => [
                    CHECKLIST_LABELS[item],
                    findings.input.checklist[item].result === 'ok' ? 'Conforme' : 'Non conforme',
                    findings.input.checklist[item].notes ?? '',
                  ])}
                />
                {findings.input.summary && <p>Synthèse : {findings.input.summary}</p>}
                {findings.proposals.length > 0 && (
                  <>
                    <h3>Propositions à l’équipe juridique (BRE-4)</h3>
                    <ul>
                      {findings.proposals.map((p) => (
                        <li key={p.kind}>
                          {p.ruleId} : {p.reasonFr}
                        </li>
                      ))}
                    </ul>
                  </>
                )}
              </section>
            ) : (
              v.status === 'planned' &&
              can('visits.record-findings') && (
                <form id="findings-form" onSubmit={(e) => record(e, reload)} aria-labelledby="findings-form-title">
                  <h2 id="findings-form-title">Enregistrer les constats (VIS-4)</h2>
                  {CHECKLIST_ITEMS.map((item) => (
                    <fieldset key={item} className="fr-fieldset">
                      <legend className="fr-fieldset__legend">{CHECKLIST_LABELS[item]}</legend>
                      <RadioButtons
                        legend="Résultat"
                        name={`${item}.result`}
                        orientation="horizontal"
                        options={[
                          { label: 'Conforme', nativeInputProps: { value: 'ok', defaultChecked: true } },
                          { label: 'Non conforme', nativeInputProps: { value: 'ko' } },
                        ]}
                      />
                      <Input
                        label="Observations"
                        hintText="Obligatoires si non conforme"
                        textArea
                        nativeTextAreaProps={{ name: `${item}.notes`, rows: 2, maxLength: 2000 }}
                      />
                    </fieldset>
                  ))}
                  <Checkbox
                    legend="Propositions à l’équipe juridique"
                    options={[
                      { label: 'Proposer une mise en demeure (BRE-1)', nativeInputProps: { name: 'proposeBreach', value: 'true' } },
                      { label: 'Proposer une suspension (SUS-1)', nativeInputProps: { name: 'proposeSuspension', value: 'true' } },
                    ]}
                  />
                  <Input label="Synthèse" textArea nativeTextAreaProps={{ name: 'summary', rows: 3, maxLength: 4000 }} />
                  <Input
                    label="Coût réel de la visite (€)"
                    hintText="VIS-3 : le centre est facturé dans la limite du plafond"
                    nativeInputProps={{ name: 'costEur', type: 'number', min: 0, step: 0.01 }}
                  />
                  <Button type="submit" disabled={busy}>
                    Enregistrer les constats
                  </Button>
                </form>
              )
            )}
          </>
        );
      }}
    </Screen>
  );
}
