import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError, idempotencyKey, ok, type Schemas } from '../api/client';
import type { paths } from '../api/schema';
import { useApi } from '../api/use-api';
import { DataTable } from '../components/DataTable';
import { Screen } from '../components/Screen';
import { count, dateFr, dateTimeFr } from '../format/french';
import { actorFr, label, NOTICE_KINDS, NOTICE_STATUS, RULE_SET_STATUS } from '../format/labels';
import { useSession } from '../session/session';

type Impact = paths['/rule-set-versions/{id}/impact']['get']['responses'][200]['content']['application/json'];
type Failure = Impact['refused'][number]['failures'][number];

/** AGR-5, AGR-6: publishing a version (and delivering its notices again) needs this action. */
const PUBLISH = 'rule-set.publish';

/** A value of a rule's check as people read it (numbers in French, lists joined). */
function shown(value: unknown): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'number') return value.toLocaleString('fr-FR');
  if (typeof value === 'boolean') return value ? 'oui' : 'non';
  if (Array.isArray(value)) return value.map(shown).join(', ');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A failing check: its rule, its message, and what the session has against what the version requires. */
function failureText(f: Failure) {
  return (
    <>
      <strong>{f.ruleId}</strong> {f.message}
      {(f.actual !== undefined || f.expected !== undefined) && (
        <>
          <br />
          <small>
            constaté : {shown(f.actual)} · exigé : {shown(f.expected)}
          </small>
        </>
      )}
    </>
  );
}

/**
 * One rule-set version (AGR-5, AGR-6): what it changes, when it takes effect, its notices to the centres once
 * published, and its impact report — the planned sessions from its effective date that it would refuse, and why.
 * Operations publish a draft (at least 1 month ahead, AGR-5) and deliver failed notices again.
 */
export default function RuleVersion() {
  const { id = '' } = useParams();
  // Keyed by the version: another version's screen starts afresh (no confirmation nor alert carried over).
  return <Version key={id} id={id} />;
}

function Version({ id }: { id: string }) {
  const { can } = useSession();
  const loaded = useApi(`version:${id}`, async () => {
    const [version, impact] = await Promise.all([
      api.GET('/rule-set-versions/{id}', { params: { path: { id } } }).then(ok),
      api.GET('/rule-set-versions/{id}/impact', { params: { path: { id } } }).then(ok),
    ]);
    return { version, impact };
  });
  const [confirming, setConfirming] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const title = loaded.status === 'ready' ? `Règles de session ${loaded.data.version.ruleSetId}` : 'Version des règles de session';

  const act = async (action: 'publish' | 'notices', reload: () => void) => {
    setConfirming(false);
    setFailure(null);
    setDone(null);
    const options = { params: { path: { id }, header: { 'Idempotency-Key': idempotencyKey() } } };
    const result =
      action === 'publish'
        ? await api.POST('/rule-set-versions/{id}/publish', options)
        : await api.POST('/rule-set-versions/{id}/notices', options);
    if (result.error !== undefined || !result.data) {
      // 409 names the rule (AGR-5: less than 1 month's notice; AGR-6: already published, or another version that day).
      setFailure(new ApiError(result.response.status, result.error as Partial<Schemas['Error']>).message);
      return;
    }
    const notices = 'notices' in result.data ? result.data.notices : result.data;
    setDone(
      `${action === 'publish' ? 'Version publiée. ' : ''}${count(notices.delivered, 'avis envoyé', 'avis envoyés')} aux centres${
        notices.failed.length ? `, ${count(notices.failed.length, 'en échec')}` : ''
      }.`,
    );
    reload();
  };

  return (
    <Screen title={title} loaded={loaded}>
      {({ version: v, impact }) => {
        const reload = loaded.status === 'ready' ? loaded.reload : () => undefined;
        const publishes = can(PUBLISH);
        const pending = (v.notices ?? []).filter((n) => n.status === 'pending').reduce((sum, n) => sum + n.count, 0);
        return (
          <>
            <p>
              <Link to="/regles">← Toutes les versions</Link>
            </p>
            <dl id="version-summary" className="version-summary">
              <dt>Statut</dt>
              <dd data-status={v.status}>{label(RULE_SET_STATUS, v.status)}</dd>
              <dt>Date d’effet</dt>
              <dd>{dateFr(v.effectiveFrom)}</dd>
              <dt>Nature du changement</dt>
              <dd>{v.substantial ? 'substantiel (AGR-5, Conv. art. 8.1)' : 'non substantiel (Conv. art. 8.2)'}</dd>
              <dt>Ce qui change, tel que les centres le liront</dt>
              <dd>{v.summary}</dd>
              <dt>Rédigée</dt>
              <dd>
                le {dateTimeFr(v.createdAt)} par {actorFr(v.createdBy)}
              </dd>
              {v.publishedOn && (
                <>
                  <dt>Publiée</dt>
                  <dd>
                    le {dateFr(v.publishedOn)} par {actorFr(v.publishedBy ?? '')}
                  </dd>
                </>
              )}
            </dl>

            <div aria-live="polite">
              {failure && <Alert id="version-error" severity="error" title="Action refusée" description={failure} className="fr-my-2w" />}
              {done && <Alert id="version-done" severity="success" small description={done} className="fr-my-2w" />}
            </div>
            {publishes && v.status === 'draft' && (
              <div id="version-actions" className="fr-my-2w">
                {confirming ? (
                  <>
                    <p id="publish-warning">
                      Publier prévient chaque centre dont l’agrément est en cours ; la version ne pourra plus être modifiée et jugera les
                      sessions à partir du {dateFr(v.effectiveFrom)} (au moins un mois après la publication, AGR-5).
                    </p>
                    <ul className="fr-btns-group fr-btns-group--inline-md">
                      <li>
                        <Button nativeButtonProps={{ id: 'publish-confirm' }} onClick={() => void act('publish', reload)}>
                          Confirmer la publication
                        </Button>
                      </li>
                      <li>
                        <Button priority="secondary" onClick={() => setConfirming(false)}>
                          Annuler
                        </Button>
                      </li>
                    </ul>
                  </>
                ) : (
                  <Button nativeButtonProps={{ id: 'publish' }} onClick={() => setConfirming(true)}>
                    Publier cette version
                  </Button>
                )}
              </div>
            )}
            {v.status === 'published' && (
              <>
                <h2>Avis aux centres</h2>
                <DataTable
                  id="version-notices"
                  caption="Avis de la publication aux centres, par nature et état"
                  captionHidden
                  headers={['Nature', 'État', 'Centres']}
                  rows={(v.notices ?? []).map((n) => [
                    label(NOTICE_KINDS, n.kind),
                    label(NOTICE_STATUS, n.status),
                    n.count.toLocaleString('fr-FR'),
                  ])}
                />
                {publishes && pending > 0 && (
                  <Button nativeButtonProps={{ id: 'notices' }} priority="secondary" onClick={() => void act('notices', reload)}>
                    Envoyer les {count(pending, 'avis restant', 'avis restants')}
                  </Button>
                )}
              </>
            )}

            <h2 className="fr-mt-4w">Impact sur les sessions planifiées</h2>
            <p id="impact-summary">
              Sessions planifiées du {dateFr(impact.effectiveFrom)}
              {impact.effectiveUntil ? ` au ${dateFr(impact.effectiveUntil)} (exclu)` : ''}, jugées le {dateFr(impact.judgedOn)} :{' '}
              {count(impact.plannedSessions, 'session planifiée', 'sessions planifiées')},{' '}
              {count(impact.refusedSessions, 'serait refusée', 'seraient refusées')} par cette version.
            </p>
            <DataTable
              id="impact"
              caption="Sessions planifiées que cette version refuserait, avec les règles en cause"
              headers={['Date', 'Centre', 'Session', 'Règles', 'Écarts constatés']}
              rows={impact.refused.map((r) => [
                dateFr(r.date),
                r.organisationName,
                <span data-session={r.sessionId}>{r.sessionId}</span>,
                r.ruleIds.join(', '),
                <ul className="impact-failures">
                  {r.failures.map((f) => (
                    <li key={f.check}>{failureText(f)}</li>
                  ))}
                </ul>,
              ])}
            />
          </>
        );
      }}
    </Screen>
  );
}
