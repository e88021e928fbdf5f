import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { type FormEvent, useState } from 'react';
import { addDays, addMonths, addYears, isoDate, parseIsoDate } from '../../../../src/shared/domain/dates';
import { PARAMETERS } from '../../../../src/config/parameters';
import { api, ok } from '../../api/client';
import type { paths } from '../../api/schema';
import { count, dateFr, todayInParis } from '../../format/french';
import { AUDIENCES, DEADLINES, EMAILS, EVENTS, label, STATES } from '../../format/labels';
import { outcome } from './outcome';

type WhatIf = paths['/agrements/{id}/what-if']['post'];
type Body = WhatIf['requestBody']['content']['application/json'];
type HypotheticalEvent = NonNullable<Body['events']>[number];
type EventType = HypotheticalEvent['type'];
type Entry = WhatIf['responses'][200]['content']['application/json'][number];

/** The hypothetical events a what-if accepts (agrement/simulation/scenario.ts WHAT_IF_EVENT_TYPES), in French. */
const EVENT_TYPES: Record<EventType, string> = {
  'breach.notified': 'Envoi de la lettre de mise en demeure',
  'breach.cured': 'Correction du manquement',
  'suspension.started': 'Suspension',
  'suspension.lifted': 'Levée de la suspension',
  'termination.requested': 'Demande de résiliation',
  'termination.confirmed': 'Confirmation de la résiliation proposée',
  'visit.demanded': 'Demande de visite de contrôle',
  'visit.accepted': 'Visite de contrôle acceptée',
  'visit.refused': 'Visite de contrôle refusée',
  'sessions.finalised': 'Sessions finalisées (candidats)',
  'renewal.requested': 'Demande de renouvellement',
  'renewal.accepted': 'Renouvellement accepté',
  'referent.trained': 'Formation du référent suivie',
  'referent.badge-obtained': 'Badge « Référent Pix » obtenu',
  'force-majeure.started': 'Début de force majeure',
  'force-majeure.ended': 'Fin de force majeure',
  'cahier.substantial-change': 'Modification substantielle du cahier des charges',
};

/** The timeline's default length: far enough for a breach notice's 30 days (BRE-2) and the termination after it. */
const DEFAULT_MONTHS = 3;

interface Draft {
  key: number;
  type: EventType;
  on: string;
  candidates: string;
  years: string;
}

/** One entry of the simulated timeline, in words. */
function describe(e: Entry): string {
  switch (e.kind) {
    case 'state':
      return `L’agrément devient ${label(STATES, e.name)}`;
    case 'deadline':
      return `Échéance : ${label(DEADLINES, e.name)} — ${outcome(e)}`;
    case 'proposal':
      return `Proposition au service juridique : ${label(EVENTS, e.name)}`;
    case 'email':
      return `E-mail « ${label(EMAILS, e.name)} » envoyé ${e.to ? label(AUDIENCES, e.to) : ''}`.trim();
  }
}

const toEvent = (d: Draft): HypotheticalEvent => ({
  on: d.on,
  type: d.type,
  ...(d.type === 'sessions.finalised' ? { candidates: Number(d.candidates) } : {}),
  ...(d.type === 'renewal.accepted' ? { years: Number(d.years) } : {}),
  ...(d.type === 'breach.notified' || d.type === 'suspension.started' ? { reason: 'Simulation (page du centre)' } : {}),
});

/**
 * Issue 10 §3, issue 14: the what-if on this agrément's real state — hypothetical events from today ("if we send the
 * breach-notice letter today…") and the dated timeline they lead to. The API runs the agrément's own workflow on a
 * simulated clock: nothing real changes, nothing is recorded or sent.
 */
export function WhatIfPanel({ agrementId }: { agrementId: string }) {
  const today = todayInParis();
  const horizon = isoDate(addYears(parseIsoDate(today), PARAMETERS.simulation.whatIfHorizonYears));
  const [drafts, setDrafts] = useState<Draft[]>([{ key: 0, type: 'breach.notified', on: today, candidates: '0', years: '3' }]);
  const [nextKey, setNextKey] = useState(1);
  const [until, setUntil] = useState(isoDate(addMonths(parseIsoDate(today), DEFAULT_MONTHS)));
  const [confirmProposals, setConfirmProposals] = useState(false);
  const [result, setResult] = useState<
    { status: 'idle' | 'running' } | { status: 'done'; entries: Entry[] } | { status: 'error'; message: string }
  >({ status: 'idle' });

  const change = (key: number, patch: Partial<Draft>) => setDrafts((ds) => ds.map((d) => (d.key === key ? { ...d, ...patch } : d)));
  const add = () => {
    const last = drafts.at(-1)?.on ?? today;
    setDrafts((ds) => [
      ...ds,
      { key: nextKey, type: 'breach.cured', on: isoDate(addDays(parseIsoDate(last), 1)), candidates: '0', years: '3' },
    ]);
    setNextKey((k) => k + 1);
  };

  const run = async (e: FormEvent) => {
    e.preventDefault();
    setResult({ status: 'running' });
    try {
      const entries = ok(
        await api.POST('/agrements/{id}/what-if', {
          params: { path: { id: agrementId } },
          body: { events: drafts.map(toEvent), until, confirmProposals },
        }),
      );
      setResult({ status: 'done', entries });
    } catch (err) {
      setResult({ status: 'error', message: (err as Error).message });
    }
  };

  return (
    <section id="what-if" aria-labelledby="what-if-title" className="fr-my-4w">
      <h2 id="what-if-title">Et si… ? Simulation sur l’état actuel de l’agrément</h2>
      <Alert
        severity="info"
        small
        description="Simulation seulement : rien n’est enregistré, aucun e-mail n’est envoyé, l’agrément réel ne change pas."
      />
      <form id="what-if-form" className="fr-mt-2w" onSubmit={(e) => void run(e)} aria-describedby="what-if-title">
        <fieldset className="fr-fieldset">
          <legend className="fr-fieldset__legend">Événements hypothétiques ({count(drafts.length, 'événement', 'événements')})</legend>
          <ol className="what-if-events">
            {drafts.map((d, i) => (
              <li key={d.key} className="filters" data-event={i}>
                <Select
                  label={`Événement ${i + 1}`}
                  nativeSelectProps={{
                    name: `type-${i}`,
                    value: d.type,
                    onChange: (ev) => change(d.key, { type: ev.target.value as EventType }),
                  }}
                >
                  {(Object.keys(EVENT_TYPES) as EventType[]).map((t) => (
                    <option key={t} value={t}>
                      {EVENT_TYPES[t]}
                    </option>
                  ))}
                </Select>
                <Input
                  label={`Date de l’événement ${i + 1}`}
                  nativeInputProps={{
                    type: 'date',
                    name: `on-${i}`,
                    required: true,
                    min: today,
                    max: until,
                    value: d.on,
                    onChange: (ev) => change(d.key, { on: ev.target.value }),
                  }}
                />
                {d.type === 'sessions.finalised' && (
                  <Input
                    label={`Candidats (QUO-3), événement ${i + 1}`}
                    nativeInputProps={{
                      type: 'number',
                      name: `candidates-${i}`,
                      min: 0,
                      required: true,
                      value: d.candidates,
                      onChange: (ev) => change(d.key, { candidates: ev.target.value }),
                    }}
                  />
                )}
                {d.type === 'renewal.accepted' && (
                  <Select
                    label={`Durée du renouvellement, événement ${i + 1}`}
                    nativeSelectProps={{ name: `years-${i}`, value: d.years, onChange: (ev) => change(d.key, { years: ev.target.value }) }}
                  >
                    {[1, 2, 3].map((y) => (
                      <option key={y} value={y}>
                        {y === 1 ? '1 an' : `${y} ans`}
                      </option>
                    ))}
                  </Select>
                )}
                <Button
                  type="button"
                  priority="tertiary"
                  size="small"
                  onClick={() => setDrafts((ds) => ds.filter((x) => x.key !== d.key))}
                  nativeButtonProps={{ 'aria-label': `Retirer l’événement ${i + 1}` }}
                >
                  Retirer
                </Button>
              </li>
            ))}
          </ol>
          <Button type="button" priority="secondary" size="small" iconId="fr-icon-add-line" onClick={add}>
            Ajouter un événement
          </Button>
        </fieldset>
        <div className="filters">
          <Input
            label="Simuler jusqu’au"
            hintText={`Au plus ${PARAMETERS.simulation.whatIfHorizonYears} ans après aujourd’hui`}
            nativeInputProps={{
              type: 'date',
              name: 'until',
              required: true,
              min: today,
              max: horizon,
              value: until,
              onChange: (ev) => setUntil(ev.target.value),
            }}
          />
        </div>
        <Checkbox
          options={[
            {
              label: 'Le service juridique confirme chaque proposition de résiliation le jour même (BRE-4)',
              nativeInputProps: {
                name: 'confirmProposals',
                checked: confirmProposals,
                onChange: (ev) => setConfirmProposals(ev.target.checked),
              },
            },
          ]}
        />
        <Button type="submit" disabled={result.status === 'running'} nativeButtonProps={{ id: 'what-if-run' }}>
          Simuler
        </Button>
      </form>
      <div aria-live="polite">
        {result.status === 'running' && <p className="fr-text--sm">Simulation en cours…</p>}
        {result.status === 'error' && <Alert severity="error" small description={result.message} className="fr-my-2w" />}
        {result.status === 'done' && (
          <>
            <h3 id="what-if-result-title" className="fr-h5 fr-mt-3w">
              Chronologie simulée jusqu’au {dateFr(until)} ({count(result.entries.length, 'étape', 'étapes')})
            </h3>
            {result.entries.length === 0 ? (
              <p id="what-if-timeline">Rien ne se passerait d’ici là.</p>
            ) : (
              <ol id="what-if-timeline" className="what-if-timeline" aria-labelledby="what-if-result-title">
                {result.entries.map((x, i) => (
                  <li key={i} data-kind={x.kind} data-name={x.name}>
                    <time dateTime={x.on} className="what-if-date">
                      {dateFr(x.on)}
                    </time>
                    <span>{describe(x)}</span>
                    {x.rule && <span className="fr-tag fr-tag--sm">{x.rule}</span>}
                  </li>
                ))}
              </ol>
            )}
          </>
        )}
      </div>
    </section>
  );
}
