import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { type FormEvent, useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { MAIN_ID } from '../components/Screen';
import { useSession } from '../session/session';

/** Connexion: the API token pasted (issued with `npm run token`); GET /me tells the role and the name. */
export default function SignIn() {
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [refused, setRefused] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = 'Connexion — Pix — Agréments des centres de certification';
    const main = document.getElementById(MAIN_ID);
    if (main) {
      main.setAttribute('aria-busy', 'false');
      main.dataset.rendered = window.location.hash;
    }
  }, []);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const token = String(new FormData(event.currentTarget).get('token') ?? '').trim();
    setBusy(true);
    setRefused(false);
    try {
      await signIn(token);
      navigate('/');
    } catch {
      setRefused(true);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="fr-grid-row fr-grid-row--center">
      <div className="fr-col-12 fr-col-md-8 fr-col-lg-6">
        <h1>Connexion</h1>
        <form id="signin" onSubmit={submit}>
          <Input
            label="Jeton d’accès"
            hintText="Le jeton pix_… remis par l’équipe Pix (npm run token). Il reste dans cet onglet."
            state={refused ? 'error' : 'default'}
            stateRelatedMessage={refused ? 'Jeton refusé.' : undefined}
            nativeInputProps={{ name: 'token', type: 'password', autoComplete: 'off', required: true }}
          />
          <Button type="submit" disabled={busy}>
            Se connecter
          </Button>
        </form>
        {refused && (
          <Alert className="fr-mt-2w" severity="error" small description="Jeton refusé : vérifiez-le, ou demandez-en un nouveau." />
        )}
      </div>
    </div>
  );
}
