import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, isoDate, parseIsoDate } from '../../src/shared/domain/dates';
import { dateIn } from '../../src/shared/domain/zoned-time';
import { runningAgrement } from '../support/agrement-fixtures';
import { check, cspViolations, launchBrowser, rendered, signIn } from '../support/browser';
import { createHarness, serveApi, type Harness } from '../support/harness';
import { requestJson } from '../support/http';
import { until } from '../support/waiting';

/**
 * Issue 14, the screens "Centres et réseaux" (operations look a centre up and open it) and "Propositions" (the legal
 * team decides on the engine's proposals, BRE-4), in headless Chromium against the real API, workflows and database.
 * The run's database holds other files' centres and proposals: every wait and assertion names this file's own.
 */
let h: Harness;
let app: INestApplication;
let api: string;
let browser: Browser;
let lookedUp: Awaited<ReturnType<typeof runningAgrement>>;
let proposed: Awaited<ReturnType<typeof runningAgrement>>;
let stale: Awaited<ReturnType<typeof runningAgrement>>;
const tag = randomUUID().slice(0, 6);
const visitId = randomUUID();
const daysAgo = (n: number) => isoDate(addDays(parseIsoDate(dateIn(new Date(), 'Europe/Paris')), -n));

beforeAll(async () => {
  h = await createHarness();
  ({ app, url: api } = await serveApi(h));
  lookedUp = await runningAgrement(h, daysAgo(60), 'centre', { name: `Centre Recherche ${tag}`, department: '69' });
  proposed = await runningAgrement(h, daysAgo(60), 'centre', { name: `Centre Proposition ${tag}`, department: '35' });
  // VIS-4: a control visit's serious findings propose a suspension (SUS-1), waiting for the legal team (BRE-4).
  await proposed.act({
    type: 'visit-findings-proposed',
    on: daysAgo(3),
    visitId,
    proposal: 'suspension',
    reasonFr: 'Fraude constatée en session',
  });
  stale = await runningAgrement(h, daysAgo(60), 'centre', { name: `Centre Décidé ${tag}`, department: '22' });
  await stale.act({
    type: 'visit-findings-proposed',
    on: daysAgo(2),
    visitId: randomUUID(),
    proposal: 'breach-notice',
    reasonFr: 'Constats graves',
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await h?.close();
});

describe('Centres et réseaux, Propositions (issue 14)', () => {
  it('operations search a centre by name, sort the list, and open the centre', async () => {
    const page = await (await browser.newContext()).newPage();
    const refused = cspViolations(page);
    await signIn(page, api, await h.tokenFor('operations'));
    // The overview's states lead to the list filtered by state.
    expect(await page.locator('figure details a[href="#/centres?etat=active&type=centre"]').count()).toBe(1);

    await page.click('nav a[href="#/centres"] >> nth=0');
    await page.waitForSelector('h1:has-text("Centres et réseaux")');
    await rendered(page, '#/centres');
    await check(page, 'centres-1-list');

    await page.fill('#centre-search input[name=nom]', `recherche ${tag}`);
    await page.click('#centre-search button[type=submit]');
    await rendered(page, `nom=recherche`);
    const link = page.locator(`#centres a[href="#/centres/${lookedUp.start.agrementId}"]`);
    await link.waitFor();
    expect(await page.locator('#centres tbody tr').count()).toBe(1);
    expect(await page.textContent('#centres-count')).toBe('1 résultat');
    expect(await page.locator(`#centres tr[data-organisation="${lookedUp.organisationId}"] [data-state]`).textContent()).toBe('actif');
    // Sorted by name by default; a header's button sorts by its column, the address keeps it.
    expect(await page.getAttribute('#centres th:has(button[data-sort=name])', 'aria-sort')).toBe('ascending');
    await page.click('#centres button[data-sort=termOn]');
    await rendered(page, 'tri=termOn', 'ordre=asc', `nom=recherche`);
    expect(await page.getAttribute('#centres th:has(button[data-sort=termOn])', 'aria-sort')).toBe('ascending');
    expect(await page.getAttribute('#centres th:has(button[data-sort=name])', 'aria-sort')).toBe('none');
    // Keyboard: the focused header's button sorts the other way with Enter.
    await page.focus('#centres button[data-sort=termOn]');
    await page.keyboard.press('Enter');
    await rendered(page, 'tri=termOn', 'ordre=desc');
    expect(await page.getAttribute('#centres th:has(button[data-sort=termOn])', 'aria-sort')).toBe('descending');
    await check(page, 'centres-2-search');
    // A search that finds nothing says so.
    await page.fill('#centre-search input[name=nom]', `introuvable ${tag}`);
    await page.click('#centre-search button[type=submit]');
    await rendered(page, 'nom=introuvable');
    expect(await page.textContent('#centres')).toBe('Aucun centre ne correspond à cette recherche.');
    expect(await page.textContent('#centres-count')).toBe('0 résultat');

    await page.goBack();
    await rendered(page, 'nom=recherche', 'tri=termOn');
    await link.click();
    await page.waitForSelector(`h1:has-text("Centre Recherche ${tag}")`);
    await rendered(page, `#/centres/${lookedUp.start.agrementId}`);
    expect(await page.locator('#legal-actions button').count()).toBe(0);
    expect(refused).toEqual([]);
    await page.context().close();
  });

  it('BRE-4 operations see the proposals without the decision buttons', async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, api, await h.tokenFor('operations'));
    await page.goto(`${api}/#/propositions?departement=35`);
    await rendered(page, '#/propositions', 'departement=35');
    await page.locator(`#proposals tr:has-text("Centre Proposition ${tag}")`).waitFor();
    expect(await page.locator('#proposals button[data-action]').count()).toBe(0);
    await page.context().close();
  });

  it('BRE-4 SUS-1 the legal team confirms a proposal with a reason, and it leaves the queue', async () => {
    const page = await (await browser.newContext()).newPage();
    const refused = cspViolations(page);
    await signIn(page, api, await h.tokenFor('legal'));
    await page.click('nav a[href="#/propositions"] >> nth=0');
    await page.waitForSelector('h1:has-text("Propositions")');
    await rendered(page, '#/propositions');
    await page.selectOption('#proposal-filters select[name=nature]', 'suspension');
    await page.fill('#proposal-filters input[name=departement]', '35');
    await page.click('#proposal-filters button[type=submit]');
    await rendered(page, 'nature=suspension', 'departement=35');
    const row = page.locator(`#proposals tr:has-text("Centre Proposition ${tag}")`);
    await row.waitFor();
    // Its grounds: the inspector's findings and the rules it rests on (VIS-4, SUS-1).
    expect(await row.textContent()).toContain('Fraude constatée en session');
    expect(await row.textContent()).toMatch(/VIS-4.*SUS-1|SUS-1.*VIS-4/);
    await check(page, 'proposals-1-queue');

    await row.locator('button[data-action="confirm-proposal"]').click();
    await page.fill('#reason-dialog textarea[name=reason]', 'Fraude établie par le rapport de visite');
    await check(page, 'proposals-2-reason-dialog');
    await page.click('#reason-ok');
    await page.waitForSelector('#decision-done');
    await row.waitFor({ state: 'detached' });
    await check(page, 'proposals-3-confirmed');
    // SUS-1: the agrément is suspended, the decision's reason on its record.
    const token = await h.tokenFor('legal');
    const view = await until(
      () => requestJson(`${api}/agrements/${proposed.start.agrementId}`, 'GET', { token }),
      (res) => res.body.state === 'suspended',
    );
    expect(view.body.agrement.proposals).toEqual([]);
    expect(refused).toEqual([]);
    await page.context().close();
  });

  it('BRE-4 a proposal decided meanwhile: the API refuses, the page says why in an alert, and the queue is refreshed', async () => {
    const page = await (await browser.newContext()).newPage();
    const token = await h.tokenFor('legal');
    await signIn(page, api, token);
    await page.goto(`${api}/#/propositions?nature=breach-notice&departement=22`);
    await rendered(page, '#/propositions', 'departement=22');
    const row = page.locator(`#proposals tr:has-text("Centre Décidé ${tag}")`);
    await row.waitFor();
    const proposalId = await row.locator('[data-proposal]').getAttribute('data-proposal');
    // Someone else declines it first (through the API).
    const declined = await requestJson(`${api}/agrements/${stale.start.agrementId}/actions/decline-proposal`, 'POST', {
      token,
      body: { proposalId, reason: 'Décidé par un collègue' },
    });
    expect(declined.status, declined.text).toBe(200);
    await row.locator('button[data-action="confirm-proposal"]').click();
    await page.fill('#reason-dialog textarea[name=reason]', 'Trop tard');
    await page.click('#reason-ok');
    const alert = page.locator('#decision-error');
    await alert.waitFor();
    const said = await alert.textContent();
    expect(said).toContain('La décision n’a pas été enregistrée');
    expect(said).toContain('n’est plus en attente');
    expect(said).toContain('(BRE-4)');
    await row.waitFor({ state: 'detached' });
    await check(page, 'proposals-4-refused');
    await page.context().close();
  });
});
