import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateIn } from '../../src/shared/domain/zoned-time';
import { readStream } from '../../src/shared/event-log/event-log';
import { agrementWorkflowId } from '../../src/agrement/workflows/definitions';
import { agrementStart, insertOrganisation } from '../support/agrement-fixtures';
import { createHarness, serveApi, type Harness } from '../support/harness';
import { until } from '../support/waiting';
import { check, cspViolations, launchBrowser, rendered, signIn as signInAt } from '../support/browser';

/** The web app (issue 14: React, DSFR) in headless Chromium (Debian's), against the real API, workflows and database. */
let h: Harness;
let app: INestApplication;
let api: string;
let browser: Browser;
let start: ReturnType<typeof agrementStart>;

beforeAll(async () => {
  h = await createHarness();
  ({ app, url: api } = await serveApi(h));
  const today = dateIn(new Date(), 'Europe/Paris');
  start = agrementStart(today, {
    organisationName: 'Centre Navigateur',
    referent: { name: 'R', email: 'r@test.fr', trainedOn: today, recognisedQualifications: false },
  });
  await insertOrganisation(h.db, start);
  await h.client.workflow.start('agrementWorkflow', {
    workflowId: agrementWorkflowId(start.organisationId),
    taskQueue: h.taskQueue,
    args: [{ start }],
  });
  await until(
    () => readStream(h.db, 'agrement', start.agrementId),
    (log) => log.length > 0,
  );
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await h?.close();
});

/** The first sign-in's form is checked too (0-sign-in). */
const signIn = (page: Page, token: string) => signInAt(page, api, token, '0-sign-in');

describe('the web app in a real browser (issue 14)', () => {
  it('SUS-1 the legal team signs in, opens the deadlines and a centre, suspends it with a reason, and sees the new state', async () => {
    const page = await (await browser.newContext()).newPage();
    const refused = cspViolations(page);
    await signIn(page, await h.tokenFor('legal'));
    // French plurals: "1 centre actif", "2 centres actifs", never "1 centres".
    const overview = (await page.textContent('main')) ?? '';
    expect(overview).toMatch(/(^|\D)(1 centre actif|\d+ centres actifs)/);
    expect(overview).not.toMatch(/(^|\D)1 centres/);
    // Each kind of deadline in its French words, never the API's code (a "payment-due" was once drawn as such).
    expect(overview).not.toMatch(/\b[a-z]+(-[a-z]+)*-(due|overdue|effective|reminder|checkpoint|deadline|limit|by|year|warning)\b/);
    // Each chart has its text alternative, a table of the same numbers (the deadlines' chart only when there are some).
    const charts = await page.locator('figure canvas[role=img]').count();
    expect(charts).toBeGreaterThan(0);
    expect(await page.locator('figure details table').count()).toBe(charts);
    await check(page, '1-overview');
    // Keyboard: on a page just loaded (the token kept by the tab), the first Tab reaches the skip link, which moves the focus to the content.
    await page.reload();
    await rendered(page, '#/');
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement.textContent,
      ),
    ).toBe('Contenu');
    await page.keyboard.press('Enter');
    expect(
      await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id),
    ).toBe('contenu');

    await page.click('nav a[href="#/echeances"] >> nth=0');
    await page.waitForSelector('h1:has-text("Échéances")');
    // A new agrément's first deadlines (REF-3 badge, QUO-3 checkpoint) are months away: widen the window.
    await page.goto(`${api}/#/echeances?jours=400`);
    await page.waitForSelector('h1:has-text("400 prochains jours")');
    await rendered(page, 'jours=400');
    await check(page, '2-deadlines');
    // Filters: the centre (Rhône, 69) is listed under Auvergne-Rhône-Alpes, not under Bretagne; the address keeps the filter.
    const centreLinks = () => page.locator(`a[href="#/centres/${start.agrementId}"]`).count();
    await page.waitForSelector('#filters select[name=region] >> option[value="53"]', { state: 'attached' });
    await page.selectOption('#filters select[name=region]', '53');
    await page.click('#filters button[type=submit]');
    await rendered(page, 'region=53');
    await page.waitForSelector('#filters select[name=region] >> option[value="53"]:checked', { state: 'attached' });
    expect(await centreLinks()).toBe(0);
    await page.selectOption('#filters select[name=region]', '84');
    await page.fill('#filters input[name=departement]', '69');
    await page.click('#filters button[type=submit]');
    await rendered(page, 'region=84', 'departement=69');
    await page.waitForSelector(`a[href="#/centres/${start.agrementId}"]`);
    expect(await centreLinks()).toBeGreaterThan(0);
    expect(page.url()).toContain('jours=400');
    await check(page, '2b-deadlines-filtered');

    await page.click('nav a[href="#/retards"] >> nth=0');
    await page.waitForSelector('h1:has-text("En retard")');
    await rendered(page, '#/retards');
    await check(page, '2c-overdue');

    await page.goBack();
    await rendered(page, 'region=84', 'departement=69');
    await page.click(`a[href="#/centres/${start.agrementId}"] >> nth=0`);
    await page.waitForSelector('h1:has-text("Centre Navigateur")');
    await rendered(page, `#/centres/${start.agrementId}`);
    expect(await page.textContent('[data-state]')).toBe('actif');
    expect(await page.locator('canvas#quota-chart').count()).toBe(1);
    // Issue 10 §3: the ledger, each deadline with its outcome in words (the term, still ahead).
    await page.waitForSelector('h2:has-text("Échéances")');
    const term = page.locator('#ledger tr', { hasText: 'Terme de l’agrément' });
    expect(await term.count()).toBe(1);
    expect(await term.locator('[data-outcome="pending"]').textContent()).toBe('à venir');
    await check(page, '3-centre');
    await page.click('#legal-actions button[data-action="suspend"]');
    await page.fill('#reason-dialog textarea[name=reason]', 'Fraude signalée par trois candidats');
    await check(page, '3b-centre-reason-dialog');
    await page.click('#reason-ok');
    await page.waitForSelector('[data-state="suspended"]');
    expect(await page.textContent('[data-state]')).toBe('suspendu');
    await page.waitForSelector('#history >> text=Fraude signalée par trois candidats');
    expect(await page.textContent('main')).toContain('Fraude signalée par trois candidats');
    // SUS-3: suspended by decision, the legal team may now lift it.
    expect(await page.locator('#legal-actions button[data-action="lift-suspension"]').count()).toBe(1);
    await check(page, '3c-centre-suspended');
    expect(refused).toEqual([]);
    await page.context().close();
  });

  it('operations do not see the legal buttons, and the API refuses them anyway (403)', async () => {
    const page = await (await browser.newContext()).newPage();
    const refused = cspViolations(page);
    const token = await h.tokenFor('operations');
    await signIn(page, token);
    await page.goto(`${api}/#/centres/${start.agrementId}`);
    await page.waitForSelector('h1:has-text("Centre Navigateur")');
    await rendered(page, `#/centres/${start.agrementId}`);
    expect(await page.locator('#legal-actions button').count()).toBe(0);
    await check(page, '4-centre-as-operations');
    const status = await page.evaluate(
      async ([url, t]) =>
        (
          await fetch(url!, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${t}` },
            body: '{"reason":"x"}',
          })
        ).status,
      [`${api}/agrements/${start.agrementId}/actions/lift-suspension`, token],
    );
    expect(status).toBe(403);
    expect(refused).toEqual([]);
    await page.context().close();
  });
});
