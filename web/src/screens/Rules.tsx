import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Link } from 'react-router-dom';
import { api, ok } from '../api/client';
import { useApi } from '../api/use-api';
import { DataTable } from '../components/DataTable';
import { Screen } from '../components/Screen';
import { count, dateFr, todayInParis } from '../format/french';
import { label, RULE_SET_STATUS } from '../format/labels';

/**
 * Règles (issue 14, AGR-5, AGR-6): the session rule sets that judge sessions — the one in force today and those
 * published to take effect later — then the versions drafted or published by operations, each leading to its
 * impact report on the planned sessions.
 */
export default function Rules() {
  const loaded = useApi('rules', async () => {
    const [sets, versions] = await Promise.all([api.GET('/rule-sets').then(ok), api.GET('/rule-set-versions').then(ok)]);
    return { sets, versions };
  });
  const today = todayInParis();

  return (
    <Screen title="Règles de session" loaded={loaded}>
      {({ sets, versions }) => {
        // AGR-6: each session is judged by the version whose period holds its date; one period per version.
        const current = sets.filter((s) => s.effectiveFrom <= today && (s.effectiveUntil === null || today < s.effectiveUntil));
        const upcoming = sets.filter((s) => s.effectiveFrom > today);
        const drafts = versions.filter((v) => v.status === 'draft').length;
        return (
          <>
            <h2>En vigueur et à venir</h2>
            <DataTable
              id="rule-sets"
              caption="Versions des règles de session en vigueur et à venir, par date d’effet"
              captionHidden
              headers={['Version', 'Statut', 'Du', 'Au', 'Source', 'Règles']}
              rows={[...current, ...upcoming].map((s) => [
                <span data-rule-set={s.id}>{s.id}</span>,
                s.effectiveFrom > today ? (
                  <Badge severity="info" small noIcon>
                    à venir
                  </Badge>
                ) : (
                  <Badge severity="success" small noIcon>
                    en vigueur
                  </Badge>
                ),
                dateFr(s.effectiveFrom),
                s.effectiveUntil ? dateFr(s.effectiveUntil) : 'sans fin prévue',
                s.source,
                count(s.ruleIds.length, 'règle'),
              ])}
            />

            <h2 className="fr-mt-4w">Versions rédigées par les opérations</h2>
            <p id="versions-count">
              {count(versions.length, 'version')}, dont {count(drafts, 'brouillon')}
            </p>
            <DataTable
              id="rule-set-versions"
              caption="Versions rédigées ou publiées par les opérations, par date d’effet"
              captionHidden
              headers={['Version', 'Statut', 'Date d’effet', 'Changement', 'Résumé', 'Publiée le']}
              rows={versions.map((v) => [
                <Link to={`/regles/${v.id}`} data-version={v.id}>
                  {v.ruleSetId}
                </Link>,
                label(RULE_SET_STATUS, v.status),
                dateFr(v.effectiveFrom),
                v.substantial ? 'substantiel (AGR-5)' : 'non substantiel',
                v.summary,
                dateFr(v.publishedOn),
              ])}
            />
          </>
        );
      }}
    </Screen>
  );
}
