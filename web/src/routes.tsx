import type { ComponentType } from 'react';
import Application from './screens/Application';
import Applications from './screens/Applications';
import Centre from './screens/Centre';
import Centres from './screens/Centres';
import Controls from './screens/Controls';
import Deadlines from './screens/Deadlines';
import Imports from './screens/Imports';
import Journal from './screens/Journal';
import MyCentre from './screens/MyCentre';
import Overdue from './screens/Overdue';
import Overview from './screens/Overview';
import Proposals from './screens/Proposals';
import Rules from './screens/Rules';
import RuleVersion from './screens/RuleVersion';
import Session from './screens/Session';
import Sessions from './screens/Sessions';
import Statements from './screens/Statements';
import Visit from './screens/Visit';

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
  // Issue 14, the Espace centre: a centre's own agrément, deadlines, sessions, statements and e-mails (a coordinator: its network's).
  { path: '/mon-centre', screen: MyCentre, nav: 'Mon centre', permission: 'mail.own' },
  { path: '/echeances', screen: Deadlines, nav: 'Échéances', permission: 'agrement.read' },
  { path: '/retards', screen: Overdue, nav: 'En retard', permission: 'agrement.read' },
  { path: '/centres', screen: Centres, nav: 'Centres et réseaux', permission: 'agrement.read' },
  { path: '/centres/:id', screen: Centre, permission: 'agrement.read' },
  { path: '/demandes', screen: Applications, nav: 'Demandes', permission: 'application.read' },
  { path: '/demandes/:id', screen: Application, permission: 'application.read' },
  // BRE-4: the legal team's queue; others with agrement.read see it without the decision buttons.
  { path: '/propositions', screen: Proposals, nav: 'Propositions', permission: 'agrement.read' },
  // SES-10, SES-12: sessions by centre, date, status, overdue finalisation; one session with its verdicts and remedy.
  { path: '/sessions', screen: Sessions, nav: 'Sessions', permission: 'session.read' },
  { path: '/sessions/:id', screen: Session, permission: 'session.read' },
  // VIS-1..5: risk ranking, plan of a period (operations), visits per inspector; an inspector sees only their own.
  { path: '/controles', screen: Controls, nav: 'Contrôles', permission: 'visits.read' },
  { path: '/controles/visites/:id', screen: Visit, permission: 'visits.read' },
  // BIL-1, BIL-2: the monthly statements, invoices and late interest.
  { path: '/releves', screen: Statements, nav: 'Relevés', permission: 'statement.read' },
  // SES-1: bulk import of sessions, with its progress and refused lines.
  { path: '/imports', screen: Imports, nav: 'Imports', permission: 'session.import' },
  // AGR-5, AGR-6: the session rule sets in force and upcoming, a draft's impact.
  { path: '/regles', screen: Rules, nav: 'Règles', permission: 'rule-set.draft' },
  { path: '/regles/:id', screen: RuleVersion, permission: 'rule-set.draft' },
  // Issue 12: the audit log and its chain's verification.
  { path: '/journal', screen: Journal, nav: 'Journal', permission: 'log.read' },
];
