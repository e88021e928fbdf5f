import type { ComponentType } from 'react';
import Application from './screens/Application';
import Applications from './screens/Applications';
import Centre from './screens/Centre';
import Centres from './screens/Centres';
import Deadlines from './screens/Deadlines';
import Overdue from './screens/Overdue';
import Overview from './screens/Overview';
import Proposals from './screens/Proposals';

/**
 * The screens of the web app (issue 14), one file each under screens/. To add one: write the screen, then
 * add a line here: its path (in the address, after #), its label in the navigation (none for a screen reached
 * by a link, e.g. one centre), and the action of src/access/domain/permissions.ts the role needs to see it (the
 * API refuses the rest anyway). Sign-in (/connexion) is outside this table.
 */
export type AppRoute = {
  path: string;
  screen: ComponentType;
  /** The navigation's label; absent for screens reached by a link only. */
  nav?: string;
  /** The role's action needed to see the screen (GET /me lists the role's actions). */
  permission: string;
};

export const ROUTES: readonly AppRoute[] = [
  { path: '/', screen: Overview, nav: "Vue d'ensemble", permission: 'agrement.read' },
  { path: '/echeances', screen: Deadlines, nav: 'Échéances', permission: 'agrement.read' },
  { path: '/retards', screen: Overdue, nav: 'En retard', permission: 'agrement.read' },
  { path: '/centres', screen: Centres, nav: 'Centres et réseaux', permission: 'agrement.read' },
  { path: '/centres/:id', screen: Centre, permission: 'agrement.read' },
  { path: '/demandes', screen: Applications, nav: 'Demandes', permission: 'application.read' },
  { path: '/demandes/:id', screen: Application, permission: 'application.read' },
  // BRE-4: the legal team's queue; others with agrement.read see it without the decision buttons.
  { path: '/propositions', screen: Proposals, nav: 'Propositions', permission: 'agrement.read' },
];
