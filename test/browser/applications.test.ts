import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, cspViolations, launchBrowser, rendered, signIn } from '../support/browser';
import { createHarness, serveApi, type Harness } from '../support/harness';
import { receiveUniversityApplication } from '../support/fixtures';
import { requestJson } from '../support/http';

/**
 * Issue 14, the operations' main path: instruct an application from its receipt to its attestation (APP-2..6) on
 * the « Demandes d'agrément » screens, in headless Chromium against the real API, workflows and database.
 */
let h: Harness;
let app: INestApplication;
let api: string;
let browser: Browser;
let token: string;
let applicationId: string;
const name = `Université Navigateur ${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  h = await createHarness();
  ({ app, url: api } = await serveApi(h));
  token = await h.tokenFor('operations');
  // Received through the API with its dossier (DOC-1): the page takes it from there.
  applicationId = await receiveUniversityApplication(api, token, name, { dossier: true });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await h?.close();
});

/** The application's screen shows this state (the badge's code), drawn and no longer busy. */
async function shows(page: Page, state: string) {
  await page.waitForSelector(`.application-summary [data-state="${state}"]`);
  await rendered(page, `#/demandes/${applicationId}`);
}

describe('Demandes d’agrément (issue 14)', () => {
  it('APP-2..6 operations instruct an application from its receipt to its attestation on the page', async () => {
    const page = await (await browser.newContext()).newPage();
    const refused = cspViolations(page);
    await signIn(page, api, token, 'applications-0-sign-in');

    // The list, filtered by state in the address; newest first, a page at a time: the application is on one of them
    // (the run's database holds other files' applications too).
    await page.click('nav a[href="#/demandes"] >> nth=0');
    await page.waitForSelector('h1:has-text("Demandes d’agrément")');
    await rendered(page, '#/demandes');
    await page.selectOption('#filters select[name=etat]', 'submitted');
    await page.click('#filters button[type=submit]');
    await rendered(page, 'etat=submitted');
    const link = page.locator(`#applications a[href="#/demandes/${applicationId}"]`);
    for (let p = 2; (await link.count()) === 0; p++) {
      await page.goto(`${api}/#/demandes?etat=submitted&page=${p}`);
      await rendered(page, `page=${p}`);
      expect(await page.locator('#applications').count(), `page ${p} of the list`).toBe(1);
    }
    const row = page.locator('#applications tr', { has: page.locator(`a[href="#/demandes/${applicationId}"]`) });
    expect(await row.locator('[data-state]').getAttribute('data-state')).toBe('submitted');
    expect(await row.textContent()).toContain('reçue');
    // APP-7: the net elapsed time, in days against 2 months (just received: 0 jour).
    expect(await row.textContent()).toContain('0 jour sur 2 mois');
    expect(await page.textContent('main')).toMatch(/(^|\D)(1 demande|\d+ demandes)(\D|$)/);
    await check(page, 'applications-1-list');

    await link.click();
    await page.waitForSelector(`h1:has-text("${name}")`);
    await shows(page, 'submitted');
    // The dossier, every rule's explanation (actual against expected), and the APP-7 clock as a progress bar.
    expect(await page.locator('#pieces tr', { hasText: 'CV du référent' }).count()).toBe(1);
    expect(await page.locator('#rules-dossier tr', { hasText: 'DOC-3' }).count()).toBeGreaterThan(0);
    expect(await page.locator('#rules-eligibility tr').count()).toBeGreaterThan(1);
    expect(await page.locator('#clock progress').count()).toBe(1);
    expect(await page.textContent('#clock')).toContain('0 jour écoulé sur 2 mois');
    await check(page, 'applications-2-received');

    // The API's refusal, with the field at fault: incomplete, but no piece named (DOC-4, 400 missingPieces).
    // (DSFR draws radio buttons and checkboxes over their labels: a person clicks the label.)
    await page.click('#decision-admissibility label:has-text("Incomplète")');
    await page.click('#decision-admissibility button[type=submit]');
    await page.waitForSelector('#decision-admissibility .fr-alert--error');
    expect(await page.textContent('#decision-admissibility .fr-alert--error')).toContain('missingPieces');
    await check(page, 'applications-3-refused');

    // DOC-4: incomplete, the site-control procedures missing; the piece added from the page gives the file back to Pix.
    await page.click('#decision-admissibility label:has-text("Procédures de contrôle sur site")');
    await page.click('#decision-admissibility button[type=submit]');
    await shows(page, 'incomplete');
    expect(await page.textContent('main')).toContain('Pièces manquantes (DOC-4) : Procédures de contrôle sur site');
    expect(await page.inputValue('#decision-pieces select[name=type]')).toBe('site-control-procedures');
    await page.fill('#decision-pieces input[name=filename]', 'procedures-controle.pdf');
    await check(page, 'applications-3b-incomplete');
    await page.click('#decision-pieces button[type=submit]');
    await shows(page, 'submitted');
    await page.waitForSelector('#pieces tr >> text=procedures-controle.pdf');

    // APP-2, APP-3: admissible, with a conformity visit.
    await page.click('#decision-admissibility label:has-text("Recevable")');
    await page.click('#decision-admissibility label:has-text("Visite de conformité exigée")');
    await page.fill('#decision-admissibility textarea[name=reason]', 'Dossier complet');
    await page.click('#decision-admissibility button[type=submit]');
    await shows(page, 'admissible');
    await page.waitForSelector('#decision-conformity-visit');
    await check(page, 'applications-4-admissible');

    // APP-3: the visit, compliant, 180 €.
    await page.fill('#decision-conformity-visit input[name=costEur]', '180');
    await page.click('#decision-conformity-visit button[type=submit]');
    await page.waitForSelector('#decision-conformity-visit', { state: 'detached' });
    // APP-4, REF-2: the référent trained.
    await page.click('#decision-referent-training button[type=submit]');
    await shows(page, 'referent-trained');
    await page.waitForSelector('#decision-grant');
    await check(page, 'applications-5-referent-trained');

    // APP-5: granted for 2 years.
    await page.selectOption('#decision-grant select[name=years]', '2');
    await page.click('#decision-grant button[type=submit]');
    await shows(page, 'granted');
    // APP-7: the file waits on the applicant (the signed adhesion form): the clock stops, the pause is listed.
    await page.waitForSelector('#pauses tr >> text=en cours');
    expect(await page.textContent('#clock')).toContain('délai suspendu');
    await check(page, 'applications-6-granted');

    // APP-6: the adhesion form, then the attestation.
    await page.click('#decision-adhesion-form button[type=submit]');
    await shows(page, 'adhesion-received');
    await page.click('#decision-attestation button[type=submit]');
    await shows(page, 'attestation-issued');
    expect(await page.locator('#decisions').count()).toBe(0);
    expect(await page.textContent('#clock')).toContain('procédure terminée');
    expect(await page.locator('#pauses tr', { hasText: 'agrément accordé' }).count()).toBe(1);
    await check(page, 'applications-7-attestation');

    const final = await requestJson(`${api}/applications/${applicationId}`, 'GET', { token });
    expect(final.body.state).toBe('attestation-issued');
    expect(final.body.procedure.grantedYears).toBe(2);
    expect(final.body.procedure.conformityVisit).toMatchObject({ on: expect.any(String), compliant: true, costEur: 180 });
    expect(refused).toEqual([]);
    await page.context().close();
  });
});
