import type { INestApplication } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateIn } from '../../src/shared/domain/zoned-time';
import { readStream } from '../../src/shared/event-log/event-log';
import { agrementWorkflowId } from '../../src/agrement/workflows/definitions';
import { agrementStart, insertOrganisation } from '../support/agrement-fixtures';
import { createHarness, serveApi, type Harness } from '../support/harness';
import { until } from '../support/waiting';

/** The operations page in headless Chromium (Debian's), against the real API, workflows and database. */
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'browser');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let h: Harness;
let app: INestApplication;
let api: string;
let browser: Browser;
let start: ReturnType<typeof agrementStart>;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
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
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await h?.close();
});

/** Issue 12: what the browser refuses under the page's CSP (it must be nothing: the CSP allows exactly what the page loads). */
function cspViolations(page: Page): string[] {
  const refused: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
  });
  return refused;
}

async function signIn(page: Page, token: string) {
  const res = await page.goto(`${api}/#/connexion`);
  expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
  await page.fill('input[name=token]', token);
  await page.click('form#signin button');
  await page.waitForSelector('#nav:not([hidden])');
}

describe('operations page in a real browser', () => {
  it('SUS-1 the legal team signs in, opens the deadlines and a centre, suspends it with a reason, and sees the new state', async () => {
    const page = await browser.newPage();
    const refused = cspViolations(page);
    await signIn(page, await h.tokenFor('legal'));
    await page.screenshot({ path: path.join(ARTIFACTS, '1-overview.png') });
    await page.click('a[href="#/echeances"]');
    await page.waitForSelector('h1:has-text("Échéances")');
    // A new agrément's first deadlines (REF-3 badge, QUO-3 checkpoint) are months away: widen the window.
    await page.goto(`${api}/#/echeances?jours=400`);
    await page.waitForSelector('h1:has-text("400 prochains jours")');
    await page.screenshot({ path: path.join(ARTIFACTS, '2-deadlines.png'), fullPage: true });
    // Filters: the centre (Rhône, 69) is listed under Auvergne-Rhône-Alpes, not under Bretagne; the address keeps the filter.
    const centreLinks = () => page.locator(`a[href="#/centres/${start.agrementId}"]`).count();
    await page.selectOption('#filters select[name=region]', '53');
    await page.click('#filters button');
    // Predicates as functions, not strings: the page's CSP forbids evaluating strings (no 'unsafe-eval').
    const rendered = (...parts: string[]) =>
      page.waitForFunction((want) => {
        // Runs in the page (this project compiles without the DOM library).
        const { location, document } = globalThis as unknown as {
          location: { hash: string };
          document: { querySelector(s: string): { dataset: Record<string, string> } | null };
        };
        return want.every((p) => location.hash.includes(p)) && document.querySelector('#main')?.dataset.rendered === location.hash;
      }, parts);
    await rendered('region=53');
    await page.waitForSelector('#filters select[name=region] >> option[value="53"]:checked', { state: 'attached' });
    expect(await centreLinks()).toBe(0);
    await page.selectOption('#filters select[name=region]', '84');
    await page.fill('#filters input[name=departement]', '69');
    await page.click('#filters button');
    await rendered('region=84', 'departement=69');
    await page.waitForSelector(`a[href="#/centres/${start.agrementId}"]`);
    expect(await centreLinks()).toBeGreaterThan(0);
    expect(page.url()).toContain('jours=400');
    await page.screenshot({ path: path.join(ARTIFACTS, '2b-deadlines-filtered.png'), fullPage: true });
    await page.click(`a[href="#/centres/${start.agrementId}"] >> nth=0`);
    await page.waitForSelector('h1:has-text("Centre Navigateur")');
    expect(await page.textContent('[data-state]')).toBe('actif');
    expect(await page.locator('#quota-chart').count()).toBe(1);
    // Issue 10 §3: the ledger, each deadline with its outcome in words (the term, still ahead).
    await page.waitForSelector('h2:has-text("Échéances")');
    const term = page.locator('#ledger tr', { hasText: "Terme de l'agrément" });
    expect(await term.count()).toBe(1);
    expect(await term.locator('[data-outcome="pending"]').textContent()).toBe('à venir');
    await page.click('#legal-actions button[data-action="suspend"]');
    await page.fill('#reason-dialog textarea[name=reason]', 'Fraude signalée par trois candidats');
    await page.click('#reason-ok');
    await page.waitForSelector('[data-state="suspended"]');
    expect(await page.textContent('[data-state]')).toBe('suspendu');
    expect(await page.textContent('main')).toContain('Fraude signalée par trois candidats');
    await page.screenshot({ path: path.join(ARTIFACTS, '3-centre-suspended.png'), fullPage: true });
    expect(refused).toEqual([]);
    await page.close();
  });

  it('operations do not see the legal buttons, and the API refuses them anyway (403)', async () => {
    const page = await browser.newPage();
    const token = await h.tokenFor('operations');
    await signIn(page, token);
    await page.goto(`${api}/#/centres/${start.agrementId}`);
    await page.waitForSelector('h1:has-text("Centre Navigateur")');
    expect(await page.locator('#legal-actions button').count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, '4-centre-as-operations.png'), fullPage: true });
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
    await page.close();
  });
});
