import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Upload } from '@codegouvfr/react-dsfr/Upload';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api, ApiError, idempotencyKey, ok, type Schemas } from '../api/client';
import { useApi } from '../api/use-api';
import { DataTable } from '../components/DataTable';
import { CsvExport } from '../components/Paging';
import { Screen } from '../components/Screen';
import { count, dateTimeFr } from '../format/french';
import { actorFr, IMPORT_STATUS, label } from '../format/labels';

type Job = Schemas['SessionImport'];

/** How often the page asks for a running import's progress. */
const POLL_MS = 1000;
const LIST_SIZE = 20;
const ERRORS_SIZE = 100;

/** docs/session-import.md: the formats POST /session-imports reads, by the file's extension. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  csv: 'text/csv',
  ndjson: 'application/x-ndjson',
  jsonl: 'application/x-ndjson',
  json: 'application/json',
};
const contentTypeOf = (name: string): string | undefined => CONTENT_TYPES[name.split('.').pop()?.toLowerCase() ?? ''];

/** What an import did, in words: "3 sessions lues · 2 créées · 1 refusée". */
function outcome(job: Job): string {
  return [
    count(job.sessionsRead, 'session lue', 'sessions lues'),
    count(job.created, 'créée'),
    count(job.updated, 'mise à jour', 'mises à jour'),
    count(job.unchanged, 'inchangée'),
    count(job.refused, 'refusée'),
  ].join(' · ');
}

/** SES-1: one import, followed while it runs (progress polled every POLL_MS), then its refused lines with their reasons. */
function ImportJob({ id, onDone }: { id: string; onDone: () => void }) {
  const loaded = useApi(`job:${id}`, () => api.GET('/session-imports/{id}', { params: { path: { id } } }).then(ok));
  const running = loaded.status === 'ready' && loaded.data.status === 'running';
  const reload = loaded.status === 'ready' ? loaded.reload : undefined;
  useEffect(() => {
    if (!running || !reload) return;
    const timer = setInterval(reload, POLL_MS);
    return () => clearInterval(timer);
  }, [running, reload]);
  const finished = loaded.status === 'ready' && loaded.data.status !== 'running';
  useEffect(() => {
    if (finished) onDone();
  }, [finished]);

  if (loaded.status === 'loading') return <p>Chargement de l’import…</p>;
  if (loaded.status === 'error') return <Alert severity="error" small description={loaded.error.message} />;
  const job = loaded.data;
  const percent = job.percent ?? (job.status === 'running' ? null : 100);
  return (
    <section id="import-job" data-import={job.id} data-status={job.status} aria-labelledby="import-job-title" className="fr-my-4w">
      <h2 id="import-job-title">Import {job.fileName ? `du fichier ${job.fileName}` : 'de sessions'}</h2>
      <p>
        Lancé le {dateTimeFr(job.startedAt)} par {actorFr(job.actor)}
        {job.finishedAt && `, terminé le ${dateTimeFr(job.finishedAt)}`}.
      </p>
      <label htmlFor="import-progress" className="fr-label">
        Progression : {label(IMPORT_STATUS, job.status)}
        {percent !== null ? ` (${percent} %)` : ' (lecture du fichier)'}
      </label>
      {/* Until the whole file is read the total is unknown: an indeterminate bar, the sessions read so far in words. */}
      {percent !== null ? (
        <progress id="import-progress" className="import-progress" max={100} value={percent} />
      ) : (
        <progress id="import-progress" className="import-progress" />
      )}
      <p id="import-outcome" aria-live="polite">
        {outcome(job)}
      </p>
      {job.status === 'failed' && (
        <Alert
          severity="error"
          small
          title="L’import a échoué"
          description={typeof job.failure === 'string' ? job.failure : 'Erreur inconnue'}
        />
      )}
      {job.status !== 'running' && job.refused > 0 && <ImportErrors id={job.id} />}
    </section>
  );
}

/** SES-1: the refused sessions of an import, each with its lines and its reason (the field at fault, or the rules). */
function ImportErrors({ id }: { id: string }) {
  const loaded = useApi(`errors:${id}`, () =>
    api.GET('/session-imports/{id}/errors', { params: { path: { id }, query: { limit: ERRORS_SIZE } } }).then(ok),
  );
  if (loaded.status === 'loading') return <p>Chargement des lignes refusées…</p>;
  if (loaded.status === 'error') return <Alert severity="error" small description={loaded.error.message} />;
  const d = loaded.data;
  return (
    <>
      <h3>Lignes refusées</h3>
      <p id="import-errors-count">
        {count(d.total, 'session refusée', 'sessions refusées')}
        {d.total > d.items.length && ` (les ${d.items.length} premières ci-dessous, toutes dans l’export CSV)`}
      </p>
      <CsvExport
        filename={`import-${id}-refus.csv`}
        fetchCsv={() => api.GET('/session-imports/{id}/errors', { params: { path: { id }, query: { format: 'csv' } }, parseAs: 'blob' })}
      >
        Exporter les refus en CSV
      </CsvExport>
      <DataTable
        id="import-errors"
        caption="Sessions refusées, dans l’ordre du fichier, avec leur motif"
        headers={['Lignes', 'Session', 'Champ en cause', 'Règles', 'Motif']}
        rows={d.items.map((e) => [
          e.lineTo > e.line ? `${e.line} à ${e.lineTo}` : String(e.line),
          e.sessionId ?? '',
          e.field ?? '',
          e.ruleIds?.join(', ') ?? '',
          e.message,
        ])}
      />
    </>
  );
}

/**
 * Imports (issue 14, SES-1): upload a file of sessions (CSV one line per candidate, NDJSON or JSON,
 * docs/session-import.md), follow its progress live, read the refused lines with their reasons; the past imports below.
 */
export default function Imports() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const shown = params.get('import');
  const loaded = useApi('imports', () => api.GET('/session-imports', { params: { query: { limit: LIST_SIZE } } }).then(ok));
  const [failure, setFailure] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const upload = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFailure(null);
    const file = (event.currentTarget.elements.namedItem('file') as HTMLInputElement | null)?.files?.[0];
    if (!file) return setFailure('Choisissez un fichier à importer.');
    const type = contentTypeOf(file.name);
    if (!type) return setFailure('Le fichier doit être au format CSV (.csv), NDJSON (.ndjson, .jsonl) ou JSON (.json).');
    setSending(true);
    const result = await api.POST('/session-imports', {
      params: { query: { fileName: file.name }, header: { 'Idempotency-Key': idempotencyKey() } },
      body: file as never,
      bodySerializer: (body: unknown) => body as BodyInit,
      headers: { 'Content-Type': type },
    });
    setSending(false);
    if (result.error !== undefined || !result.data) {
      const body = result.error as Partial<Schemas['Error']> | undefined;
      const status = result.response.status;
      setFailure(
        status === 413
          ? `Fichier refusé, rien n’a été importé : ${body?.message ?? 'trop volumineux'}.`
          : new ApiError(status, body).message,
      );
      return;
    }
    navigate(`/imports?import=${result.data.id}`);
  };

  return (
    <Screen title="Imports de sessions" loaded={loaded}>
      {(d) => {
        const reload = loaded.status === 'ready' ? loaded.reload : () => undefined;
        return (
          <>
            <form id="import-upload" aria-label="Importer un fichier de sessions" onSubmit={upload}>
              <Upload
                label="Fichier de sessions"
                hint="CSV (une ligne par candidat), NDJSON ou JSON, comme l’export de Pix Certif. Un même fichier importé deux fois ne change rien."
                nativeInputProps={{ name: 'file', accept: '.csv,.ndjson,.jsonl,.json', required: true }}
              />
              <Button type="submit" className="fr-mt-2w" iconId="fr-icon-upload-line" disabled={sending}>
                {sending ? 'Envoi…' : 'Importer'}
              </Button>
            </form>
            <div aria-live="polite">
              {failure && <Alert id="import-failure" severity="error" title="Import refusé" description={failure} className="fr-my-2w" />}
            </div>

            {shown && <ImportJob key={shown} id={shown} onDone={reload} />}

            <h2 className="fr-mt-4w">Imports précédents</h2>
            <p id="imports-count">
              {count(d.total, 'import')}
              {d.total > d.items.length && ` (les ${d.items.length} plus récents)`}
            </p>
            <DataTable
              id="imports"
              caption="Imports de sessions, le plus récent d’abord"
              captionHidden
              headers={['Lancé le', 'Fichier', 'Par', 'État', 'Résultat', '']}
              rows={d.items.map((job) => [
                dateTimeFr(job.startedAt),
                job.fileName ?? `(${job.format})`,
                actorFr(job.actor),
                <span data-import-status={job.status}>{label(IMPORT_STATUS, job.status)}</span>,
                outcome(job),
                <Link to={`/imports?import=${job.id}`} aria-label={`Voir l’import ${job.fileName ?? ''} du ${dateTimeFr(job.startedAt)}`}>
                  Voir
                </Link>,
              ])}
            />
          </>
        );
      }}
    </Screen>
  );
}
