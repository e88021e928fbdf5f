import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, issueToken } from '../../src/access/usecases/credentials';
import { addDays, isoDate, parseIsoDate } from '../../src/shared/domain/dates';
import { dateIn, zonedInstant } from '../../src/shared/domain/zoned-time';
import { frenchDate } from '../../src/shared/domain/french-dates';
import { reportSessions } from '../../src/sessions/usecases/report-sessions';
import { runningAgrement } from '../support/agrement-fixtures';
import { check, cspViolations, launchBrowser, rendered, signIn } from '../support/browser';
import { createHarness, serveApi, type Harness } from '../support/harness';
import { type Json, requestJson } from '../support/http';
import { sessionReport } from '../support/session-fixtures';

/**
 * Issue 14, the screen "Contrôles" (VIS-1..5) in headless Chromium against the real API, workflows and database:
 * operations read the risk ranking, plan today (form → proposed plan → confirmation); the inspector assigned signs in,
 * finds the visit on their calendar and records its findings (VIS-4). The run's database holds other files' centres,
 * inspectors and visits: this file's centre is in Lozère (48), which no other file uses, with its own inspector.
 */
let h: Harness;
let app: INestApplication;
let api: string;
let browser: Browser;
let ops: string;
let centre: Awaited<ReturnType<typeof runningAgrement>>;
let inspector: { id: string; email: string; name: string };
const tag = randomUUID().slice(0, 6);
const today = dateIn(new Date(), 'Europe/Paris');
/**
 * The API's clock, noon of that day in Paris: with the real one, a run straddling midnight in Paris planned "today" for
 * a day the API then saw as over (VIS-1: 400, the period already over) and the plan was never confirmed.
 */
const now = () => zonedInstant(today, 'Europe/Paris', 12);
const daysAgo = (n: number) => isoDate(addDays(parseIsoDate(today), -n));
const DEPARTMENT = '48';

beforeAll(async () => {
  h = await createHarness();
  ({ app, url: api } = await serveApi(h, { now }));
  ops = await h.tokenFor('operations');
  centre = await runningAgrement(h, daysAgo(60), 'centre', { name: `Centre Contrôlé ${tag}`, department: DEPARTMENT });
  // VIS-1: an unannounced visit attends one of the centre's sessions in the period: one today, reported as Pix Certif does.
  const [outcome] = await reportSessions(
    { db: h.db, temporal: h.client, taskQueue: h.taskQueue, now },
    [sessionReport(centre.organisationId, { date: today, plannedOn: daysAgo(40) })],
    { actor: 'Pix Certif', source: 'api' },
  );
  expect(outcome).toMatchObject({ outcome: 'created', status: 'planned' });
  // VIS-5: an inspector covering Lozère, available today only, who signs in with the same e-mail.
  const email = `inspecteur-${tag}@pix.test`;
  const created = await requestJson(`${api}/inspectors`, 'POST', {
    token: ops,
    body: {
      kind: 'contractor',
      name: `Inspectrice ${tag}`,
      email,
      departments: [DEPARTMENT],
      capacity: 1,
      availableFrom: today,
      availableTo: today,
    },
  });
  expect(created.status).toBe(201);
  inspector = { id: created.body.id, email, name: `Inspectrice ${tag}` };
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await h?.close();
});

async function inspectorToken(): Promise<string> {
  const user = await createUser(h.db, { name: inspector.name, email: inspector.email, role: 'inspector', organisationId: null });
  return (await issueToken(h.db, user.id, 'test')).token;
}

describe('Contrôles (issue 14, VIS-1..5)', () => {
  let visitId: string;

  it('VIS-1 VIS-5 operations read the risk ranking, plan today, review the proposed plan and confirm it', async () => {
    const page = await (await browser.newContext()).newPage();
    const refused = cspViolations(page);
    await signIn(page, api, ops);
    await page.click('nav a[href="#/controles"] >> nth=0');
    await page.waitForSelector('h1:has-text("Contrôles")');
    await rendered(page, '#/controles');

    // VIS-1: the ranking, filtered to Lozère, explains the centre's score.
    await page.fill('#risk-filters input[name=departement]', DEPARTMENT);
    await page.click('#risk-filters button[type=submit]');
    await rendered(page, `departement=${DEPARTMENT}`);
    const ranked = page.locator(`#risk-ranking tr:has-text("Centre Contrôlé ${tag}")`);
    await ranked.waitFor();
    expect(await ranked.textContent()).toContain('VIS-1');
    await check(page, 'controls-1-ranking');

    // The form proposes; nothing is recorded until confirmed.
    await page.fill('#plan-form input[name=from]', today);
    await page.fill('#plan-form input[name=to]', today);
    await page.fill('#plan-form input[name=announcedShare]', '0');
    await page.click('#plan-form button[type=submit]');
    const proposed = page.locator(`#proposed-visits tr:has-text("Centre Contrôlé ${tag}")`);
    await proposed.waitFor();
    expect(await proposed.textContent()).toContain(`Inspectrice ${tag}`);
    expect(await proposed.textContent()).toContain('Visite inopinée');
    const before = await requestJson(`${api}/visit-plans?from=${today}&to=${today}`, 'GET', { token: ops });
    expect(before.body.visits.filter((v: Json) => v.organisationId === centre.organisationId)).toEqual([]);
    await check(page, 'controls-2-proposal');

    await page.click('#plan-proposal button:has-text("Confirmer le plan")');
    await page.waitForSelector('.fr-alert--success:has-text("Plan confirmé")');
    // The list (this month) shows the visit under its inspector.
    const row = page.locator(`#visit-list table:has(caption:has-text("Inspectrice ${tag}")) tr:has-text("Centre Contrôlé ${tag}")`);
    await row.waitFor();
    expect(await row.textContent()).toContain('planifiée');

    const after = await requestJson(`${api}/visit-plans?from=${today}&to=${today}`, 'GET', { token: ops });
    const visit = after.body.visits.find((v: Json) => v.organisationId === centre.organisationId);
    expect(visit).toMatchObject({ kind: 'unannounced', plannedOn: today, status: 'planned', inspector: { id: inspector.id } });
    visitId = visit.id;

    // The calendar: a month grid, Monday first, French names; the visit in today's cell with its inspector, linked.
    expect(await page.locator('#calendar thead th[scope=col]').allTextContents()).toEqual([
      'Lundi',
      'Mardi',
      'Mercredi',
      'Jeudi',
      'Vendredi',
      'Samedi',
      'Dimanche',
    ]);
    const month = today.slice(0, 7);
    const monthName = new Date(`${today}T12:00:00Z`).toLocaleDateString('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });
    expect(await page.textContent('#calendar caption')).toContain(`Calendrier de ${monthName}, du lundi au dimanche`);
    // The first of the month sits under its weekday (0 = Monday).
    const firstColumn = (new Date(`${month}-01T12:00:00Z`).getUTCDay() + 6) % 7;
    const firstWeek = page.locator('#calendar tbody tr').first().locator('td');
    expect(await firstWeek.nth(firstColumn).locator('[data-day]').getAttribute('data-day')).toBe(`${month}-01`);
    expect(await firstWeek.locator('[data-day]').count()).toBe(7 - firstColumn);
    const cell = page.locator(`#calendar [data-day="${today}"]`);
    expect(await cell.textContent()).toContain('aujourd’hui');
    const link = cell.locator(`a[href="#/controles/visites/${visitId}"]`);
    expect(await link.textContent()).toBe(`Centre Contrôlé ${tag}, visite du ${frenchDate(today)}`);
    expect(await cell.textContent()).toContain(`Inspectrice ${tag} · planifiée`);
    await check(page, 'controls-3-confirmed-calendar');

    // The filter by inspector, kept in the address: only this inspector's visits remain.
    await page.selectOption('#calendar-filters select[name=inspecteur]', inspector.id);
    await page.click('#calendar-filters button[type=submit]');
    await rendered(page, `inspecteur=${inspector.id}`);
    const shown = await page.locator('#calendar li p').allTextContents();
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((t) => t.startsWith(`Inspectrice ${tag} · `))).toBe(true);
    expect(await page.locator('#visit-list caption').count()).toBe(1);
    await check(page, 'controls-4-calendar-filtered');

    // Next month, then back, kept in the address with the filter.
    const next = isoDate(addDays(parseIsoDate(`${month}-28`), 7)).slice(0, 7);
    await page.click(`nav[aria-label="Mois du calendrier"] a[href*="mois=${next}"]`);
    await rendered(page, `mois=${next}`, `inspecteur=${inspector.id}`);
    expect(await page.locator(`#calendar a[href="#/controles/visites/${visitId}"]`).count()).toBe(0);
    await page.click(`nav[aria-label="Mois du calendrier"] a[href*="mois=${month}"]`);
    await rendered(page, `mois=${month}`, `inspecteur=${inspector.id}`);
    // The keyboard reaches the visit's link (Tab), its focus visible (the DSFR outline), and Enter opens the visit.
    const back = page.locator(`#calendar a[href="#/controles/visites/${visitId}"]`);
    await back.focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    expect(
      await back.evaluate((a) => {
        // Runs in the page (this project compiles without the DOM library).
        const { getComputedStyle } = globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string } };
        return a.matches(':focus-visible') && getComputedStyle(a).outlineStyle !== 'none';
      }),
    ).toBe(true);
    await page.keyboard.press('Enter');
    await rendered(page, `#/controles/visites/${visitId}`);
    expect(refused).toEqual([]);
    await page.context().close();
  });

  it('VIS-4 the inspector finds the visit on their calendar and records its findings', async () => {
    const page = await (await browser.newContext()).newPage();
    const refused = cspViolations(page);
    const token = await inspectorToken();
    await signIn(page, api, token);
    await page.click('nav a[href="#/controles"] >> nth=0');
    await rendered(page, '#/controles');
    // VIS-5: an inspector sees only their own visits, and cannot plan.
    expect(await page.locator('#plan-form').count()).toBe(0);
    expect(await page.locator('#calendar-filters').count()).toBe(0);
    const captions = await page.locator('#visit-list caption').allTextContents();
    expect(captions).toHaveLength(1);
    expect(captions[0]).toContain(`Inspectrice ${tag}`);
    expect(captions[0]).toContain('1 visite en');
    expect(await page.locator(`#calendar [data-day="${today}"] a[href="#/controles/visites/${visitId}"]`).count()).toBe(1);
    await check(page, 'controls-5-inspector-calendar');

    await page.click(`#calendar a[href="#/controles/visites/${visitId}"]`);
    await rendered(page, `#/controles/visites/${visitId}`);
    await page.waitForSelector('#findings-form');
    await check(page, 'controls-6-findings-form');

    // A failed item without its note: the API's 400 names the field, shown on the page.
    // The DSFR label covers its radio button: a person clicks the label.
    await page.click('#findings-form fieldset:has(legend:has-text("Conformité des locaux")) label:has-text("Non conforme")');
    expect(await page.isChecked('#findings-form input[name="premises.result"][value=ko]')).toBe(true);
    await page.click('#findings-form button[type=submit]');
    await page.waitForSelector('#findings-error:has-text("checklist.premises.notes")');
    await page.fill('#findings-form textarea[name="premises.notes"]', 'Salle sans séparation entre les postes');
    await page.fill('#findings-form textarea[name=summary]', 'Session bien tenue, locaux à revoir.');
    await page.click('#findings-form button[type=submit]');
    await page.waitForSelector('#findings-done');
    await page.waitForSelector('#findings tr:has-text("Salle sans séparation entre les postes")');
    expect(await page.textContent('#visit-status')).toBe('effectuée');
    expect(await page.locator('#findings-form').count()).toBe(0);
    await check(page, 'controls-7-findings-recorded');

    const res = await requestJson(`${api}/control-visits/${visitId}`, 'GET', { token });
    expect(res.body).toMatchObject({
      status: 'done',
      findings: { failed: ['premises'], input: { summary: 'Session bien tenue, locaux à revoir.' } },
    });
    // VIS-5: another inspector does not see it.
    expect((await requestJson(`${api}/control-visits/${visitId}`, 'GET', { token: await h.tokenFor('inspector') })).status).toBe(404);
    expect(refused).toEqual([]);
    await page.context().close();
  });
});
