import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { useState } from 'react';
import { api, ok } from '../api/client';
import { dateFr } from '../format/french';
import { useSession } from '../session/session';

/** The filters of GET /dashboard/deadlines.ics, as the deadlines screens hold them (region, department, kind, days, deadline). */
export type CalendarQuery = Record<string, string | number | undefined>;

type Issued = { url: string; expiresAt: string } | { error: string };

/** The feed's address: the screen's filters, then the calendar token (the only credential a calendar application can send). */
export function calendarFeedUrl(origin: string, query: CalendarQuery, token: string): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(name, String(value));
  search.set('token', token);
  return `${origin}/dashboard/deadlines.ics?${search.toString()}`;
}

/**
 * Issue 14, "S'abonner au calendrier": a calendar-scoped token (POST /me/tokens, scope calendar: it opens the
 * read-only iCalendar feed and nothing else, DATA-3) and the feed's address with the screen's filters, to copy
 * into a calendar application. The token is shown once: only its hash is stored.
 */
export function CalendarLink({ query }: { query: CalendarQuery }) {
  const { can } = useSession();
  const [issued, setIssued] = useState<Issued | null>(null);
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!can('tokens.own')) return null;

  const subscribe = async () => {
    setBusy(true);
    setCopied(false);
    try {
      const token = ok(await api.POST('/me/tokens', { body: { label: 'Abonnement au calendrier des échéances', scope: 'calendar' } }));
      setIssued({ url: calendarFeedUrl(window.location.origin, query, token.token), expiresAt: token.expiresAt });
    } catch (error) {
      setIssued({ error: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const copy = async (url: string) => {
    await navigator.clipboard.writeText(url);
    setCopied(true);
  };

  return (
    <section className="fr-my-3w" aria-label="Abonnement au calendrier des échéances" data-calendar-link>
      <Button priority="secondary" size="small" iconId="fr-icon-calendar-line" disabled={busy} onClick={() => void subscribe()}>
        S’abonner au calendrier
      </Button>
      {issued && 'error' in issued && <Alert severity="error" small description={issued.error} className="fr-mt-2w" />}
      {issued && 'url' in issued && (
        <div className="fr-mt-2w" id="calendar-feed">
          <Input
            label="Adresse du calendrier, à copier"
            hintText="Elle reprend les filtres de cet écran."
            nativeInputProps={{ name: 'calendarUrl', readOnly: true, value: issued.url, onFocus: (e) => e.currentTarget.select() }}
          />
          <Button priority="tertiary" size="small" iconId="fr-icon-clipboard-line" onClick={() => void copy(issued.url)}>
            Copier l’adresse
          </Button>
          <p role="status" className="fr-text--sm fr-mt-1w">
            {copied ? 'Adresse copiée.' : ''}
          </p>
          <Alert
            severity="warning"
            small
            description={`Cette adresse n’est affichée qu’une fois : copiez-la maintenant. Elle ouvre vos échéances en lecture seule à quiconque la connaît, ne la partagez pas. Elle reste valable jusqu’au ${dateFr(issued.expiresAt)}.`}
          />
          <p className="fr-mt-2w fr-mb-1w">Pour l’ajouter à votre agenda :</p>
          <ul>
            <li>Google Agenda : « Autres agendas », « + », puis « À partir de l’URL » ; collez l’adresse.</li>
            <li>Outlook : « Ajouter un calendrier », puis « S’abonner à partir du web » ; collez l’adresse.</li>
            <li>Calendrier d’Apple : menu « Fichier », « Nouvel abonnement à un calendrier » ; collez l’adresse.</li>
          </ul>
          <p className="fr-text--sm">Votre agenda relit l’adresse régulièrement : les échéances s’y mettent à jour d’elles-mêmes.</p>
        </div>
      )}
    </section>
  );
}
