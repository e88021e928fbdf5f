import '@codegouvfr/react-dsfr/main.css';
import './app.css';
import { startReactDsfr } from '@codegouvfr/react-dsfr/spa';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Link } from 'react-router-dom';
import { App } from './App';
import './components/charts';
import { SessionProvider } from './session/session';

declare module '@codegouvfr/react-dsfr/spa' {
  interface RegisterLink {
    Link: typeof Link;
  }
}

// The State's design system (DSFR) through its React integration, served from the API (no CDN). Light scheme:
// react-dsfr writes the scheme as an inline <style> the page's CSP allows by its hash (src/http/security/http-headers.ts).
startReactDsfr({ defaultColorScheme: 'light', Link });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionProvider>
      <App />
    </SessionProvider>
  </StrictMode>,
);
