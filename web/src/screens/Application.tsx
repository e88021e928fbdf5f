import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { useParams } from 'react-router-dom';
import { PIECE_TYPES } from '../../../src/application/domain/application';
import { HOLDER, type ApplicationState } from '../../../src/application/domain/procedure';
import { addMonthsIn, netElapsedMs, type ProcedureClock } from '../../../src/application/domain/procedure-clock';
import { PARAMETERS } from '../../../src/config/parameters';
import { api, ApiError, idempotencyKey, ok, type Schemas } from '../api/client';
import { useApi } from '../api/use-api';
import { ApplicationStateBadge } from '../components/ApplicationStateBadge';
import { DataTable } from '../components/DataTable';
import { Screen } from '../components/Screen';
import { dateFr, dateTimeFr } from '../format/french';
import { daysFr } from '../format/duration';
import { APPLICANT_KINDS, APPLICATION_EVENTS, APPLICATION_STATES, CATEGORIES, label, PIECES } from '../format/labels';
import { useSession } from '../session/session';

type Application = Schemas['Application'];
type Verdict = { ruleId: string; check: string; message: string; actual?: unknown; expected?: unknown };
type Evaluation = { ruleSet: string; passed: boolean; failures: Verdict[]; passes?: Verdict[]; notApplicable?: string[] };
type Piece = { id: string; type: string; filename: string; issuedOn?: string | null; receivedAt: string };
/** The procedure as the read model gives it (read-applications.ts getApplication). */
type Procedure = {
  clock: ProcedureClock;
  procedureDeadline: string | null;
  overdueFlaggedAt: string | null;
  missingPieces: string[];
  rejectionReasons: string[];
  conformityVisit: { required: boolean; on: string | null; compliant: boolean | null; costEur: number | null; chargedEur: number | null };
  referentTrainedOn: string | null;
  grantedYears: number | null;
  adhesionFormReceivedOn: string | null;
  attestationReceivedOn: string | null;
  termOn: string | null;
};

const { procedureMonths, grantYears, conformityVisitCapEur } = PARAMETERS.application;
const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });

/** A value of a rule's explanation, as people read it. */
function shown(v: unknown): string {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'boolean') return v ? 'oui' : 'non';
  if (Array.isArray(v)) return v.length === 0 ? 'aucun' : v.map(shown).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  // Codes of categories and pieces, in words.
  return typeof v === 'string' ? label(CATEGORIES, label(PIECES, v)) : String(v);
}

/**
 * APP-7: the applicant's waits (the clock stopped), from the event log: a pause opens when the file passes to
 * the applicant (HOLDER) and closes when it comes back to Pix.
 */
function pausesOf(timeline: Application['timeline']): { from: string; to: string | null; state: string }[] {
  const pauses: { from: string; to: string | null; state: string }[] = [];
  for (const e of timeline) {
    if (!e.to || e.from === e.to) continue;
    const open = pauses.at(-1)?.to === null ? pauses.at(-1) : undefined;
    const toApplicant = HOLDER[e.to as ApplicationState] === 'applicant';
    if (open && !toApplicant) open.to = e.at;
    if (!open && toApplicant) pauses.push({ from: e.at, to: null, state: e.to });
  }
  return pauses;
}

/** APP-7: net elapsed time against 2 months, as a progress bar, with the pauses listed. */
function Clock({ a, p }: { a: Application; p: Procedure }) {
  const id = useId();
  const start = new Date(p.clock.startedAt);
  const total = addMonthsIn(start, procedureMonths, PARAMETERS.agrement.timeZone).getTime() - start.getTime();
  const net = netElapsedMs(p.clock, new Date());
  const pauses = pausesOf(a.timeline);
  const status = p.clock.stoppedAt
    ? 'procédure terminée'
    : p.clock.pausedSince
      ? 'délai suspendu (attente du demandeur)'
      : 'délai en cours';
  return (
    <section id="clock" aria-labelledby={`${id}-title`} className="fr-my-3w">
      <h2 id={`${id}-title`}>Délai de la procédure (APP-7)</h2>
      <label htmlFor={id} className="fr-label">
        {daysFr(net, 'jour écoulé')} sur {procedureMonths} mois, hors attentes du demandeur — {status}
      </label>
      <progress id={id} className="app-clock" max={total} value={Math.min(net, total)}>
        {Math.round((100 * net) / total)} %
      </progress>
      {p.procedureDeadline && !p.clock.stoppedAt && <p className="fr-text--sm">Échéance : {dateTimeFr(p.procedureDeadline)}</p>}
      {p.overdueFlaggedAt && (
        <Alert
          severity="warning"
          small
          description={`Délai de ${procedureMonths} mois dépassé le ${dateTimeFr(p.overdueFlaggedAt)} (APP-7)`}
        />
      )}
      <h3 className="fr-h6 fr-mt-2w">Suspensions du délai</h3>
      <DataTable
        id="pauses"
        caption="Suspensions du délai"
        captionHidden
        headers={['Du', 'Au', 'En attente du demandeur à l’état', 'Durée']}
        rows={pauses.map((x) => [
          dateTimeFr(x.from),
          x.to ? dateTimeFr(x.to) : 'en cours',
          label(APPLICATION_STATES, x.state),
          daysFr((x.to ? Date.parse(x.to) : Date.now()) - Date.parse(x.from)),
        ])}
      />
    </section>
  );
}

function Explanations({ title, id, evaluation }: { title: string; id: string; evaluation: Evaluation | undefined }) {
  if (!evaluation) return null;
  const rows = [...evaluation.failures.map((v) => ({ v, ok: false })), ...(evaluation.passes ?? []).map((v) => ({ v, ok: true }))];
  return (
    <>
      <h3 className="fr-h6">
        {title} : {evaluation.passed ? 'satisfaites' : 'non satisfaites'}
      </h3>
      <DataTable
        id={id}
        caption={title}
        captionHidden
        headers={['Règle', 'Vérification', 'Résultat', 'Constaté', 'Attendu']}
        rows={rows.map(({ v, ok: passed }) => [
          v.ruleId,
          v.message,
          <span data-passed={String(passed)}>{passed ? 'conforme' : 'non conforme'}</span>,
          shown(v.actual),
          shown(v.expected),
        ])}
      />
    </>
  );
}

/** The API's refusal, in French with the field or the rule at fault. */
function refusal(status: number, body: Partial<Schemas['Error']> | undefined): string {
  const message = new ApiError(status, body).message;
  return body?.field ? `${message} (champ : ${body.field})` : message;
}

type Post = (body: Record<string, unknown>) => Promise<{ error?: unknown; response: Response }>;

/** One decision: a form that posts its body, then reloads the application; the API's refusal shown above the form. */
function Decision({
  id,
  title,
  children,
  post,
  toBody,
  onDone,
  submitLabel = 'Enregistrer',
}: {
  id: string;
  title: string;
  children: ReactNode;
  post: Post;
  toBody: (form: FormData) => Record<string, unknown>;
  onDone: () => void;
  submitLabel?: string;
}) {
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFailure(null);
    setBusy(true);
    const form = new FormData(event.currentTarget);
    const reason = String(form.get('reason') ?? '').trim();
    const { error, response } = await post({ ...toBody(form), ...(reason ? { reason } : {}) });
    setBusy(false);
    if (error !== undefined) return setFailure(refusal(response.status, error as Partial<Schemas['Error']>));
    onDone();
  };
  return (
    <form id={`decision-${id}`} className="fr-my-3w decision" onSubmit={(e) => void submit(e)} aria-labelledby={`decision-${id}-title`}>
      <h3 id={`decision-${id}-title`} className="fr-h6">
        {title}
      </h3>
      {failure && <Alert severity="error" small description={failure} className="fr-mb-2w" role="alert" />}
      {children}
      <Input label="Motif (facultatif)" textArea nativeTextAreaProps={{ name: 'reason', rows: 2 }} />
      <Button type="submit" disabled={busy}>
        {submitLabel}
      </Button>
    </form>
  );
}

const dateInput = (label: string, name = 'on') => (
  <Input label={label} nativeInputProps={{ type: 'date', name, required: true, defaultValue: today() }} />
);

/** The decisions the application's state allows (APP-2..6), each a form calling its endpoint. */
function Decisions({ a, p, reload }: { a: Application; p: Procedure | null; reload: () => void }) {
  const path = { id: a.id };
  const header = () => ({ 'Idempotency-Key': idempotencyKey() });
  const forms: ReactNode[] = [];
  const state = a.state;
  if (state === 'submitted') {
    forms.push(
      <Decision
        key="admissibility"
        id="admissibility"
        title="Recevabilité (APP-2)"
        onDone={reload}
        post={(body) => api.POST('/applications/{id}/admissibility', { params: { path, header: header() }, body: body as never })}
        toBody={(f) => {
          const decision = String(f.get('decision'));
          const reasons = String(f.get('reasons') ?? '')
            .split('\n')
            .map((r) => r.trim())
            .filter(Boolean);
          return {
            decision,
            ...(decision === 'admissible' && f.get('conformityVisitRequired') ? { conformityVisitRequired: true } : {}),
            ...(decision === 'incomplete' ? { missingPieces: f.getAll('missingPieces').map(String) } : {}),
            ...(decision === 'rejected' ? { reasons } : {}),
          };
        }}
      >
        <RadioButtons
          legend="Décision"
          name="decision"
          options={[
            { label: 'Recevable', nativeInputProps: { value: 'admissible', defaultChecked: true } },
            { label: 'Incomplète (pièces manquantes, DOC-4)', nativeInputProps: { value: 'incomplete' } },
            { label: 'Rejetée', nativeInputProps: { value: 'rejected' } },
          ]}
        />
        <Checkbox
          legend="Si recevable"
          options={[
            {
              label: `Visite de conformité exigée (APP-3, à la charge du demandeur dans la limite de ${conformityVisitCapEur} €)`,
              nativeInputProps: { name: 'conformityVisitRequired', value: 'true' },
            },
          ]}
        />
        <Checkbox
          legend="Si incomplète : pièces manquantes"
          options={PIECE_TYPES.map((t) => ({ label: label(PIECES, t), nativeInputProps: { name: 'missingPieces', value: t } }))}
        />
        <Input
          label="Si rejetée : motifs de rejet"
          hintText="Un motif par ligne"
          textArea
          nativeTextAreaProps={{ name: 'reasons', rows: 2 }}
        />
      </Decision>,
    );
  }
  const beforeGrant = state === 'admissible' || state === 'referent-trained';
  if (beforeGrant && p && !p.conformityVisit.required) {
    forms.push(
      <Decision
        key="visit-required"
        id="conformity-visit-requirement"
        title="Exiger une visite de conformité (APP-3)"
        submitLabel="Exiger la visite"
        onDone={reload}
        post={(body) => api.POST('/applications/{id}/conformity-visit/requirement', { params: { path, header: header() }, body })}
        toBody={() => ({})}
      >
        <p className="fr-text--sm">La visite est à la charge du demandeur dans la limite de {conformityVisitCapEur} €.</p>
      </Decision>,
    );
  }
  if (beforeGrant && p?.conformityVisit.required && !p.conformityVisit.on) {
    forms.push(
      <Decision
        key="visit"
        id="conformity-visit"
        title="Résultat de la visite de conformité (APP-3)"
        onDone={reload}
        post={(body) => api.POST('/applications/{id}/conformity-visit', { params: { path, header: header() }, body: body as never })}
        toBody={(f) => ({ on: String(f.get('on')), costEur: Number(f.get('costEur')), compliant: f.get('compliant') === 'true' })}
      >
        {dateInput('Date de la visite')}
        <Input label="Coût de la visite (€)" nativeInputProps={{ type: 'number', name: 'costEur', min: 0, step: '0.01', required: true }} />
        <RadioButtons
          legend="Résultat"
          name="compliant"
          options={[
            { label: 'Conforme', nativeInputProps: { value: 'true', defaultChecked: true } },
            { label: 'Non conforme', nativeInputProps: { value: 'false' } },
          ]}
        />
      </Decision>,
    );
  }
  if (state === 'admissible') {
    forms.push(
      <Decision
        key="training"
        id="referent-training"
        title="Formation du référent (APP-4, REF-2)"
        onDone={reload}
        post={(body) => api.POST('/applications/{id}/referent-training', { params: { path, header: header() }, body: body as never })}
        toBody={(f) => ({ on: String(f.get('on')) })}
      >
        {dateInput('Date de la formation suivie')}
      </Decision>,
    );
  }
  if (state === 'referent-trained') {
    const max = a.organisation.foreign ? PARAMETERS.application.foreignMaxYears : grantYears.max;
    forms.push(
      <Decision
        key="grant"
        id="grant"
        title="Accorder l’agrément (APP-5)"
        submitLabel="Accorder"
        onDone={reload}
        post={(body) => api.POST('/applications/{id}/grant', { params: { path, header: header() }, body })}
        toBody={(f) => ({
          years: Number(f.get('years')),
          ...(a.kind === 'network' ? { referentCount: Number(f.get('referentCount')) } : {}),
        })}
      >
        <Select
          label="Durée de l’agrément"
          hint={a.organisation.foreign ? 'APP-8 : 1 an au plus à l’étranger' : undefined}
          nativeSelectProps={{ name: 'years', defaultValue: String(Math.min(grantYears.default, max)) }}
        >
          {Array.from({ length: grantYears.max - grantYears.min + 1 }, (_, i) => grantYears.min + i).map((y) => (
            <option key={y} value={y}>
              {y === 1 ? '1 an' : `${y} ans`}
            </option>
          ))}
        </Select>
        {a.kind === 'network' && (
          <Input
            label="Nombre de référents prévus par la convention (REF-1)"
            nativeInputProps={{ type: 'number', name: 'referentCount', min: 1, max: 1000, required: true, defaultValue: 1 }}
          />
        )}
      </Decision>,
    );
  }
  if (state === 'granted') {
    forms.push(
      <Decision
        key="adhesion"
        id="adhesion-form"
        title="Formulaire d’adhésion signé reçu (APP-6)"
        onDone={reload}
        post={(body) => api.POST('/applications/{id}/adhesion-form', { params: { path, header: header() }, body: body as never })}
        toBody={(f) => ({ on: String(f.get('on')) })}
      >
        {dateInput('Date de réception du formulaire')}
      </Decision>,
    );
  }
  if (state === 'adhesion-received') {
    forms.push(
      <Decision
        key="attestation"
        id="attestation"
        title="Délivrer l’attestation d’agrément (APP-6)"
        submitLabel="Délivrer l’attestation"
        onDone={reload}
        post={(body) => api.POST('/applications/{id}/attestation', { params: { path, header: header() }, body: body as never })}
        toBody={(f) => ({ receivedOn: String(f.get('receivedOn')) })}
      >
        {dateInput('Date de réception de l’attestation par le centre', 'receivedOn')}
      </Decision>,
    );
  }
  if (forms.length === 0) return null;
  return (
    <section id="decisions" aria-labelledby="decisions-title" className="fr-my-3w">
      <h2 id="decisions-title">Décisions</h2>
      {forms}
    </section>
  );
}

async function load(id: string) {
  return ok(await api.GET('/applications/{id}', { params: { path: { id } } }));
}

/** One application: the organisation, the dossier, the rules' explanations, the APP-7 clock and the decisions its state allows. */
export default function ApplicationScreen() {
  const { id = '' } = useParams();
  const { can } = useSession();
  const loaded = useApi(`application:${id}`, () => load(id));
  const title = loaded.status === 'ready' ? `Demande de ${loaded.data.organisation.name}` : 'Demande d’agrément';
  return (
    <Screen title={title} loaded={loaded}>
      {(a) => {
        const reload = loaded.status === 'ready' ? loaded.reload : () => undefined;
        const p = a.procedure as Procedure | null;
        const evaluation = a.evaluation as { evaluatedOn: string; eligibility: Evaluation; dossier: Evaluation } | null;
        const pieces = a.pieces as Piece[];
        const o = a.organisation;
        return (
          <>
            <p className="application-summary">
              État : <ApplicationStateBadge state={a.state} overdue={Boolean(p?.overdueFlaggedAt)} /> · {label(APPLICANT_KINDS, a.kind)} ·
              reçue le {dateFr(a.receivedAt)}
            </p>

            <h2>Organisme</h2>
            <dl className="application-organisation">
              <dt>Nom</dt>
              <dd>{o.name}</dd>
              <dt>Catégorie (ELIG-1)</dt>
              <dd>{label(CATEGORIES, o.category)}</dd>
              <dt>UAI</dt>
              <dd>{o.uai ?? 'aucun'}</dd>
              <dt>Département</dt>
              <dd>{o.foreign ? 'à l’étranger' : (o.department ?? '—')}</dd>
              <dt>Courriel</dt>
              <dd>{o.email}</dd>
            </dl>
            {a.members.length > 0 && (
              <DataTable
                id="members"
                caption="Membres du réseau"
                headers={['Membre', 'Catégorie', 'UAI', 'Département']}
                rows={a.members.map((m) => [m.name, label(CATEGORIES, m.category), m.uai ?? '', m.department ?? ''])}
              />
            )}

            {p && <Clock a={a} p={p} />}

            {can('application.decide') && <Decisions a={a} p={p} reload={reload} />}

            <h2>Pièces du dossier</h2>
            {p && p.missingPieces.length > 0 && (
              <Alert
                severity="warning"
                small
                description={`Pièces manquantes (DOC-4) : ${p.missingPieces.map((t) => label(PIECES, t)).join(', ')}`}
              />
            )}
            <DataTable
              id="pieces"
              caption="Pièces du dossier"
              captionHidden
              headers={['Pièce', 'Fichier', 'Date du document', 'Reçue le']}
              rows={pieces.map((x) => [label(PIECES, x.type), x.filename, dateFr(x.issuedOn), dateFr(x.receivedAt)])}
            />

            <h2>Règles appliquées</h2>
            {evaluation ? (
              <>
                <p className="fr-text--sm">Évaluées le {dateFr(evaluation.evaluatedOn)}.</p>
                <Explanations title="Éligibilité (ELIG)" id="rules-eligibility" evaluation={evaluation.eligibility} />
                <Explanations title="Dossier (DOC)" id="rules-dossier" evaluation={evaluation.dossier} />
              </>
            ) : (
              <p>Pas encore évaluée.</p>
            )}
            {p && p.rejectionReasons.length > 0 && (
              <Alert severity="error" small description={`Motifs de rejet : ${p.rejectionReasons.join(' ; ')}`} />
            )}

            <h2>Historique</h2>
            <DataTable
              id="history"
              caption="Historique de la demande"
              captionHidden
              headers={['Date', 'Événement', 'État', 'Règles', 'Par', 'Motif']}
              rows={a.timeline.map((e) => [
                dateTimeFr(e.at),
                label(APPLICATION_EVENTS, e.type),
                e.to ? label(APPLICATION_STATES, e.to) : '',
                e.ruleIds.join(', '),
                e.actor ?? '',
                e.reason ?? '',
              ])}
            />
          </>
        );
      }}
    </Screen>
  );
}
