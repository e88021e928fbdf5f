import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env';
import type { Role } from '../../src/access/domain/roles';
import { seedDemo } from '../../src/seed/demo';
import { seedDemoUsers } from '../../src/seed/users';
import type { RunningSystem } from '../../src/system';
import { type ScratchSystem, startScratchSystem } from '../support/scratch-system';

/**
 * What `./dev start` runs, on real components: the Temporal CLI dev server (built from its
 * Go module on a machine that lacks it), PostgreSQL, the worker, the API and the mail capture.
 */
let scratch: ScratchSystem;
let system: RunningSystem;
let dataDir: string;
let ids: string[];
let tokens: Record<Role, string>;
const get = (url: string) => fetch(url, { headers: { authorization: `Bearer ${tokens.operations}` } });

beforeAll(async () => {
  // The run's database, as the owner: startSystem migrates, then connects as the app role (issue 12).
  scratch = await startScratchSystem({ name: 'system', scratchDatabase: false, config: { taskQueue: 'acceptance' } });
  system = scratch.system;
  dataDir = scratch.dataDir;
  tokens = await seedDemoUsers(system.db);
  ids = (await seedDemo(system.urls.api, tokens.operations, () => undefined)).applicationIds;
}, 20 * 60_000);

afterAll(async () => {
  await scratch?.stop();
});

describe('the system as `./dev start` brings it up', () => {
  it('APP-6 seeds the demo applications through the API, one of them up to the attestation', async () => {
    const res = await get(`${system.urls.api}/applications/${ids[0]}`);
    const body = (await res.json()) as { state: string };
    expect(body.state).toBe('attestation-issued');
    const provider = (await (await get(`${system.urls.api}/applications/${ids[1]}`)).json()) as { state: string };
    expect(provider.state).toBe('incomplete');
  });

  it('the application workflows are visible in Temporal (what the Web UI lists) and the UI answers', async () => {
    const seen: string[] = [];
    for await (const wf of system.client.workflow.list({ query: `WorkflowType = 'applicationWorkflow'` })) seen.push(wf.workflowId);
    expect(seen).toEqual(expect.arrayContaining(ids.map((id) => `application-${id}`)));
    // APP-6: the university's attestation started its agrément workflow.
    const university = (await (await get(`${system.urls.api}/applications/${ids[0]}`)).json()) as { organisation: { id: string } };
    const agrement = system.client.workflow.getHandle(`agrement-${university.organisation.id}`);
    expect((await agrement.describe()).status.name).toBe('RUNNING');
    expect(system.urls.temporalUi).toMatch(/^http:\/\//);
    const ui = await fetch(system.urls.temporalUi!);
    expect(ui.status).toBe(200);
  });

  it('BIL-1 the monthly statements are prepared by a Temporal schedule on the 1st at 06:00 Paris time, summer and winter', async () => {
    const schedule = await system.client.schedule.getHandle('monthly-statements').describe();
    expect(schedule.spec.timezone).toBe('Europe/Paris');
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'monthlyStatementsWorkflow' });
    const next = schedule.info.nextActionTimes.map((d) => d.toISOString());
    expect(next.length).toBeGreaterThanOrEqual(5);
    for (const at of next) {
      // 06:00 in Paris is 05:00 UTC in winter, 04:00 UTC in summer, always on the 1st.
      expect(at).toMatch(/-01T0[45]:00:00\.000Z$/);
      const month = Number(at.slice(5, 7));
      expect(at.slice(11, 13)).toBe(month >= 4 && month <= 10 ? '04' : '05');
    }
  });

  it('serves the API docs and the captured mail in French', async () => {
    expect((await fetch(system.urls.docs)).status).toBe(200);
    // Issue 12: the captured mail is for Pix operations only.
    expect((await fetch(`${system.urls.mail}/messages.json`)).status).toBe(401);
    const page = await (await get(system.urls.mail!)).text();
    expect(page).toContain('Courriels');
    const list = (await (await get(`${system.urls.mail}/messages.json`)).json()) as { template: string }[];
    expect(list.map((m) => m.template)).toEqual(
      expect.arrayContaining(['application-acknowledged', 'attestation-issued', 'application-incomplete']),
    );
  });

  it('issue 12: the API and worker connect as the least-privilege role; a signed checkpoint is exported at start and checked by verification', async () => {
    const [{ role }] = (await system.db.query('SELECT current_user AS role')) as { role: string }[];
    expect(role).toBe(loadConfig().appDatabaseRole);
    expect(system.appDatabaseUrl).not.toBe(system.databaseUrl);
    // A checkpoint at start when the log has entries (none on an empty log), every hour when it grew, and at stop.
    const sink = path.join(dataDir, 'audit-checkpoints');
    const files = existsSync(sink) ? readdirSync(sink).filter((f) => f.startsWith('checkpoint-')) : [];
    const res = await get(`${system.urls.api}/audit/log/verification`);
    const body = (await res.json()) as { valid: boolean; checkpoints: { checked: number; latestAt: string | null } };
    expect(body).toMatchObject({ valid: true, checkpoints: { checked: files.length } });
    expect(body.checkpoints.latestAt === null).toBe(files.length === 0);
  });
});

/** Issue 5: the page, tried as a new user would, in a real browser against the system `./dev start` brings up. */
describe('the operations page against the running system', () => {
  const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'acceptance');
  const CHROMIUM_ARGS = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];

  it('SUS-1 the legal team signs in with the demo token, opens the deadlines and the university, suspends it; operations see no legal button', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // The database is the test run's, shared with the other files' agréments: find the university by its application.
    const application = (await (await get(`${system.urls.api}/applications/${ids[0]}`)).json()) as { organisation: { id: string } };
    const university = (await (await get(`${system.urls.api}/agrements/${application.organisation.id}`)).json()) as {
      id: string;
      organisation: { name: string };
      state: string;
    };
    expect(university).toMatchObject({ organisation: { name: 'Université de Démonstration' }, state: 'active' });
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      let page = await browser.newPage();
      const signIn = async (token: string) => {
        await page.goto(`${system.urls.api}/#/connexion`);
        await page.fill('input[name=token]', token);
        await page.click('form#signin button[type=submit]');
        await page.waitForSelector('h1:has-text("Vue d\'ensemble")');
      };
      await signIn(tokens.legal);
      await page.click('nav a[href="#/echeances"] >> nth=0');
      await page.waitForSelector('h1:has-text("Échéances")');
      await page.goto(`${system.urls.api}/#/echeances?jours=400`);
      await page.waitForSelector('h1:has-text("400 prochains jours")');
      await page.screenshot({ path: path.join(ARTIFACTS, '1-deadlines.png'), fullPage: true });
      await page.click(`a[href="#/centres/${university.id}"] >> nth=0`);
      await page.waitForSelector('h1:has-text("Université de Démonstration")');
      expect(await page.textContent('[data-state]')).toBe('actif');
      // SES-1, SES-10: the demo sessions with their finalisation deadline, Paris time.
      const sessions = (await page.textContent('#sessions')) ?? '';
      expect(sessions).toContain('DEMO-SESSION-1');
      expect(sessions).toContain('DEMO-SESSION-2');
      expect(sessions).toMatch(/planifiée.*avant le \d{1,2}(er)? \S+ \d{4} à \d{1,2} h( \d{2})? \(heure de Paris\)/s);
      // The whole timeline: the sessions' deadlines among the agrément's, and their events in the history.
      expect(await page.textContent('#upcoming')).toMatch(/Finalisation de session \(48 h\).*SES-10.*DEMO-SESSION-1/s);
      expect(await page.textContent('#history')).toMatch(/Session.*DEMO-SESSION-1.*Session déclarée/s);
      await page.click('#legal-actions button[data-action="suspend"]');
      await page.fill('#reason-dialog textarea[name=reason]', 'Contrôle : salle non conforme');
      await page.click('#reason-ok');
      await page.waitForSelector('[data-state="suspended"]');
      expect(await page.textContent('main')).toContain('Contrôle : salle non conforme');
      await page.screenshot({ path: path.join(ARTIFACTS, '2-university-suspended.png'), fullPage: true });

      // A new page (its own context and sessionStorage), as another person on another computer.
      page = await browser.newPage();
      await signIn(tokens.operations);
      await page.goto(`${system.urls.api}/#/centres/${university.id}`);
      await page.waitForSelector('h1:has-text("Université de Démonstration")');
      expect(await page.textContent('[data-state]')).toBe('suspendu');
      expect(await page.locator('#legal-actions button').count()).toBe(0);
    } finally {
      await browser.close();
    }
  });
});
