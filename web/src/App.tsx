import { Footer } from '@codegouvfr/react-dsfr/Footer';
import { Header } from '@codegouvfr/react-dsfr/Header';
import { type MouseEvent, useEffect } from 'react';
import { createHashRouter, Navigate, Outlet, RouterProvider, useLocation } from 'react-router-dom';
import { MAIN_ID } from './components/Screen';
import { label, ROLES } from './format/labels';
import { type AppRoute, ROUTES } from './routes';
import SignIn from './screens/SignIn';
import { useSession } from './session/session';

const SERVICE = 'Pix — Agréments des centres de certification';

/**
 * The skip link (RGAA 12.7). The address's # is the router's: the link moves the focus to the content
 * instead of changing the address.
 */
function SkipLinks() {
  const skip = (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    document.getElementById(MAIN_ID)?.focus();
  };
  return (
    <div className="fr-skiplinks">
      <nav className="fr-container" role="navigation" aria-label="Accès rapide">
        <ul className="fr-skiplinks__list">
          <li>
            <a className="fr-link" href={`#${MAIN_ID}`} onClick={skip}>
              Contenu
            </a>
          </li>
        </ul>
      </nav>
    </div>
  );
}

function Layout() {
  const { me, signOut, can } = useSession();
  const { pathname } = useLocation();
  // A new screen: the focus starts at the top of the page again, as after loading a page (RGAA 12.8).
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [pathname]);

  const visible = ROUTES.filter((r) => r.nav && can(r.permission));
  return (
    <>
      <SkipLinks />
      <Header
        brandTop={
          <>
            République
            <br />
            Française
          </>
        }
        serviceTitle={SERVICE}
        serviceTagline="Suivi des agréments, échéances et procédures"
        homeLinkProps={{ to: '/', title: `Accueil — ${SERVICE}` }}
        quickAccessItems={
          me
            ? [
                { iconId: 'fr-icon-account-circle-line', text: `${me.name} · ${label(ROLES, me.role)}`, linkProps: { to: '/' } },
                { iconId: 'fr-icon-logout-box-r-line', text: 'Se déconnecter', buttonProps: { onClick: signOut, id: 'logout' } },
              ]
            : []
        }
        navigation={
          me
            ? visible.map((r) => ({
                text: r.nav!,
                linkProps: { to: r.path },
                isActive: r.path === '/' ? pathname === '/' : pathname.startsWith(r.path),
              }))
            : undefined
        }
      />
      <main id={MAIN_ID} className="fr-container fr-py-4w" tabIndex={-1} aria-busy="true">
        <Outlet />
      </main>
      <Footer
        accessibility="non compliant"
        contentDescription="Agréments des centres de certification Pix : demandes, échéances, procédures du service juridique."
        bottomItems={[{ text: 'API (OpenAPI)', linkProps: { href: '/docs' } }]}
      />
    </>
  );
}

/** A screen for a signed-in person whose role may see it; otherwise sign-in, or the overview. */
function Guard({ route }: { route: AppRoute }) {
  const { me, can } = useSession();
  if (me === undefined) return <p>Chargement…</p>;
  if (me === null) return <Navigate to="/connexion" replace />;
  if (!can(route.permission)) return <Navigate to="/" replace />;
  return <route.screen />;
}

function SignInRoute() {
  const { me } = useSession();
  return me ? <Navigate to="/" replace /> : <SignIn />;
}

// The hash router: the API serves one page at /, the screens live after its # (#/echeances?jours=90).
const router = createHashRouter([
  {
    element: <Layout />,
    children: [
      { path: '/connexion', element: <SignInRoute /> },
      ...ROUTES.map((r) => ({ path: r.path, element: <Guard route={r} /> })),
      { path: '*', element: <Navigate to="/" replace /> },
    ],
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}
